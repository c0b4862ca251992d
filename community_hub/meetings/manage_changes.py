"""Coordinators enter one-off changes to a meeting's dates: a cancellation, a closure, a move."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from wtforms.fields.choices import SelectChoice

from community_hub.auth.decorators import roles_required
from community_hub.extensions import db
from community_hub.meetings import present
from community_hub.meetings.forms import OneOffForm
from community_hub.meetings.manage import MANAGERS, _owned_meeting, bp
from community_hub.meetings.models import Venue
from community_hub.meetings.occurrences import rule_of, upcoming
from community_hub.meetings.one_offs import (
    ChangeData,
    OneOffChange,
    add_change,
    remove_change,
    upcoming_changes,
)
from community_hub.meetings.services import ValidationFailed


@bp.route("/meetings/<int:meeting_id>/changes", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def meeting_changes(meeting_id: int) -> Any:
    """The meeting's coming dates and changes, and a form to add one."""
    meeting = _owned_meeting(meeting_id)
    now = datetime.now(UTC)
    form = OneOffForm()
    venues = db.session.scalars(
        select(Venue)
        .where(
            or_(Venue.organisation_id == meeting.organisation_id, Venue.organisation_id.is_(None))
        )
        .where(Venue.archived_at.is_(None))
        .order_by(Venue.city, Venue.name)
    ).all()
    form.venue_id.choices = [SelectChoice(0, _("The usual venue"))] + [
        SelectChoice(v.id, v.display_name) for v in venues
    ]
    if form.validate_on_submit():
        data = ChangeData(
            kind=form.kind.data or "",
            on_date=form.on_date.data,
            until_date=form.until_date.data,
            start_time=form.start_time.data,
            end_time=form.end_time.data,
            venue_id=form.venue_id.data or None,
            note=form.note.data or "",
        )
        try:
            change = add_change(meeting, data, current_user, now.date())
        except ValidationFailed as failed:
            db.session.rollback()
            for name, message in failed.errors.items():
                form.set_error(name, message)
        else:
            db.session.commit()
            flash(_("Saved: %(change)s.", change=present.one_off(change)), "success")
            return redirect(url_for("manage.meeting_changes", meeting_id=meeting.id))
    until = (now + timedelta(days=92)).date()
    return render_template(
        "meetings/manage/changes.html",
        meeting=meeting,
        form=form,
        changes=upcoming_changes(meeting, now.date()),
        dates=upcoming(rule_of(meeting), meeting.one_offs, now, until),
    ), (400 if form.errors or form.form_errors else 200)


@bp.route("/meetings/<int:meeting_id>/changes/<int:change_id>/remove", methods=["POST"])
@roles_required(*MANAGERS)
def remove_meeting_change(meeting_id: int, change_id: int) -> Any:
    """Take a one-off change back: the meeting is held as usual again."""
    meeting = _owned_meeting(meeting_id)
    change = db.session.get(OneOffChange, change_id)
    if change is None or change.meeting_id != meeting.id:
        abort(404)
    text = present.one_off(change)
    remove_change(change)
    db.session.commit()
    flash(_("Removed: %(change)s. The meeting is held as usual.", change=text), "success")
    return redirect(url_for("manage.meeting_changes", meeting_id=meeting.id))
