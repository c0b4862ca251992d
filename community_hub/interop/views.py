"""Feeds for other systems: the Meeting Guide JSON feed, and an admin page to import one."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, stream_with_context
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Organisation
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.interop.csv_format import MEETING_COLUMNS, csv_lines
from community_hub.interop.feed_import import FeedError, ImportReport, import_feed, read_upload
from community_hub.interop.meeting_guide import iter_feed_rows, stream_feed
from community_hub.meetings.models import Fellowship, Meeting
from community_hub.meetings.schedule import is_valid_timezone
from community_hub.urls import site_url
from community_hub.web import public

bp = Blueprint("interop", __name__)
MAX_UPLOAD = 20 * 1024 * 1024


def _urls(meeting: Meeting) -> tuple[str, str]:
    return (
        site_url("meetings.meeting", slug=meeting.slug),
        site_url("meetings.suggest", slug=meeting.slug),
    )


@bp.route("/api/meetings.json")
@public
def meeting_guide_feed() -> Response:
    """Every listed meeting as a Meeting Guide feed, streamed a batch at a time."""
    return Response(
        stream_with_context(stream_feed(_urls)),
        mimetype="application/json",
        headers={"Access-Control-Allow-Origin": "*"},
    )


@bp.route("/api/meetings.csv")
@public
def meetings_csv() -> Response:
    """Every listed meeting as CSV, in the documented column layout."""
    return Response(
        stream_with_context(csv_lines(iter_feed_rows(_urls), MEETING_COLUMNS)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="meetings.csv"'},
    )


class ImportForm(FlaskForm):
    feed = FileField(
        _l("Meeting Guide feed (.json) or meetings spreadsheet (.csv)"),
        validators=[FileRequired(_l("Choose a file."))],
    )
    organisation_id = SelectField(_l("Organisation that keeps these meetings"), coerce=int)
    fellowship_id = SelectField(_l("Fellowship"), coerce=int)
    timezone = StringField(
        _l("Time zone for rows without one (optional)"),
        validators=[Length(max=64)],
        description=_l("Leave empty to use the organisation's."),
    )
    strict = BooleanField(_l("Strict: save nothing if any row is rejected"))
    apply = BooleanField(_l("Apply the changes (leave unticked to see what would change)"))


@bp.route("/manage/import", methods=["GET", "POST"])
@roles_required("admin")
def import_page() -> Any:
    """Upload a Meeting Guide feed; a dry run first, then apply it in one transaction."""
    form = ImportForm()
    form.organisation_id.choices = [
        SelectChoice(o.id, o.name)
        for o in db.session.scalars(select(Organisation).order_by(Organisation.name))
    ]
    form.fellowship_id.choices = [
        SelectChoice(f.id, f.shown_name)
        for f in db.session.scalars(select(Fellowship).order_by(Fellowship.name))
    ]
    report: ImportReport | None = None
    if form.validate_on_submit():
        organisation = db.get_or_404(Organisation, form.organisation_id.data)
        fellowship = db.get_or_404(Fellowship, form.fellowship_id.data)
        content = form.feed.data.read(MAX_UPLOAD + 1)
        try:
            if len(content) > MAX_UPLOAD:
                raise FeedError(_("The file is larger than 20 MB."))
            rows = read_upload(form.feed.data.filename or "", content)
        except FeedError as error:
            form.feed.errors = [str(error)]
        else:
            zone = (form.timezone.data or "").strip()
            if zone and not is_valid_timezone(zone):
                form.timezone.errors = [
                    _("Enter a time zone like America/Chicago, or leave it empty.")
                ]
                return render_template("interop/import.html", form=form, report=None), 400
            report = import_feed(
                rows, organisation, fellowship, apply=bool(form.apply.data),
                strict=bool(form.strict.data), timezone=zone, user=current_user,
            )  # fmt: skip
            if report.applied:
                db.session.commit()
            else:
                db.session.rollback()
    status = 400 if form.errors or (report and report.errors and not report.applied) else 200
    return render_template("interop/import.html", form=form, report=report), status
