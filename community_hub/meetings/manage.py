"""Coordinators keep their organisation's meetings current and review suggestions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from wtforms.fields.choices import SelectChoice

from community_hub.accounts.acting import working_organisation
from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Organisation, Role
from community_hub.auth.services import can_manage_organisation
from community_hub.extensions import db
from community_hub.freshness import is_stale
from community_hub.listings.suggestions import edit_url_for
from community_hub.meetings import services
from community_hub.meetings.conference import host_of, recognised
from community_hub.meetings.forms import MeetingForm, ResolveForm
from community_hub.meetings.models import ChangeSuggestion, Fellowship, Meeting, Venue
from community_hub.meetings.services import MeetingData, ValidationFailed
from community_hub.meetings.suggestions import pending_for, resolve
from community_hub.meetings.types import type_name, vocabulary

bp = Blueprint("manage", __name__, url_prefix="/manage")
MANAGERS = (Role.COORDINATOR.value, Role.ADMIN.value)


def _today() -> Any:
    return datetime.now(UTC).date()


def _owned_meeting(meeting_id: int) -> Meeting:
    """The meeting if this user may manage it; 404 otherwise, so others learn nothing."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can_manage_organisation(current_user, meeting.organisation_id):
        abort(404)
    return meeting


def _organisation() -> Organisation:
    """The organisation new records belong to (an administrator chooses one to act for)."""
    return working_organisation()


def _fill_choices(
    form: MeetingForm, organisation_id: int | None, current: int | None = None
) -> None:
    fellowships = db.session.scalars(select(Fellowship).order_by(Fellowship.name)).all()
    form.fellowship_id.choices = [SelectChoice(f.id, f.shown_name) for f in fellowships]
    venues = db.session.scalars(
        select(Venue)
        .where(or_(Venue.organisation_id == organisation_id, Venue.organisation_id.is_(None)))
        .where(or_(Venue.archived_at.is_(None), Venue.id == (current or 0)))
        .order_by(Venue.city, Venue.name)
    ).all()
    form.venue_id.choices = [SelectChoice(0, _("No venue: online only"))] + [
        SelectChoice(v.id, v.display_name) for v in venues
    ]
    codes = sorted({c for f in fellowships for c in f.allowed_types} & set(vocabulary()))
    form.types.choices = [SelectChoice(c, f"{type_name(c)} ({c})") for c in codes]


def _data(form: MeetingForm) -> MeetingData:
    return MeetingData(
        name=form.name.data or "",
        name_cy=form.name_cy.data or "",
        fellowship_id=form.fellowship_id.data,
        day=form.day.data,
        monthly_week=int(form.monthly_week.data) if form.monthly_week.data else None,
        start_time=form.start_time.data,
        end_time=form.end_time.data,
        timezone=form.timezone.data or "",
        venue_id=form.venue_id.data or None,
        types=list(form.types.data or []),
        notes=form.notes.data or "",
        notes_cy=form.notes_cy.data or "",
        group_name=form.group_name.data or "",
        conference_url=form.conference_url.data or "",
        conference_url_notes=form.conference_url_notes.data or "",
        conference_phone=form.conference_phone.data or "",
        conference_phone_notes=form.conference_phone_notes.data or "",
        contact_name=form.contact_name.data or "",
        contact_email=form.contact_email.data or "",
        contact_phone=form.contact_phone.data or "",
        contact_2_name=form.contact_2_name.data or "",
        contact_2_email=form.contact_2_email.data or "",
        contact_2_phone=form.contact_2_phone.data or "",
        contact_3_name=form.contact_3_name.data or "",
        contact_3_email=form.contact_3_email.data or "",
        contact_3_phone=form.contact_3_phone.data or "",
        contact_public=bool(form.contact_public.data),
        group_notes=form.group_notes.data or "",
        venmo=form.venmo.data or "",
        square=form.square.data or "",
        paypal=form.paypal.data or "",
    )


def _warn_about_link(meeting: Meeting) -> None:
    """Saved either way; but feed readers leave out links on hosts they do not know."""
    if meeting.conference_url and not recognised(meeting.conference_url):
        flash(
            _(
                "Saved, but feed readers such as the Meeting Guide app show joining links only "
                "from services they recognise (Zoom, Google Meet, Teams, Jitsi and a few "
                "others), and %(host)s is not one of them: they will leave this link out. "
                "Add a dial-in number as well, or use a link from a recognised service.",
                host=host_of(meeting.conference_url) or meeting.conference_url,
            ),
            "warning",
        )


def _other_stale_listings(today: Any, stale_after: int) -> dict[str, int]:
    """How many of the organisation's other listings need confirming (each has its own page)."""
    from community_hub.people.services import champions_for, peers_for
    from community_hub.resources.services import resources_for

    def count(items: list[Any]) -> int:
        return sum(1 for i in items if i.archived_at is None and is_stale(i, today, stale_after))

    return {
        "people": count(peers_for(current_user)) + count(champions_for(current_user)),
        "resources": count(resources_for(current_user)),
    }


@bp.route("/")
@roles_required(*MANAGERS)
def dashboard() -> Any:
    """A coordinator's meetings, with those not confirmed recently first."""
    today = _today()
    stale_after = current_app.config["STALE_AFTER_DAYS"]
    meetings = services.meetings_for(current_user, include_archived=True)
    stale = [m for m in meetings if m.archived_at is None and is_stale(m, today, stale_after)]
    from community_hub.referrals.offers import new_offer_count

    return render_template(
        "meetings/manage/dashboard.html",
        new_offers=new_offer_count(current_user),
        meetings=meetings,
        stale=stale,
        other_stale=_other_stale_listings(today, stale_after),
        suggestions=pending_for(current_user),
        today=today,
        stale_after=stale_after,
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_meeting() -> Any:
    """Add a meeting for the coordinator's organisation."""
    organisation = _organisation()
    form = MeetingForm()
    _fill_choices(form, organisation.id)
    if not form.is_submitted():
        form.timezone.data = organisation.timezone  # the organisation's own zone to start with
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(_data(form), organisation, _today())
        except ValidationFailed as failed:
            for name, message in failed.errors.items():
                form.set_error(name, message)
        else:
            db.session.commit()
            flash(_("Meeting added: %(name)s.", name=meeting.name), "success")
            _warn_about_link(meeting)
            return redirect(url_for("manage.dashboard"))
    return render_template("meetings/manage/edit.html", form=form, meeting=None), (
        400 if form.errors or form.form_errors else 200
    )


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit_meeting(meeting_id: int) -> Any:
    """Change a meeting; saving also confirms it is current."""
    meeting = _owned_meeting(meeting_id)
    form = MeetingForm(obj=meeting)
    _fill_choices(form, meeting.organisation_id, meeting.venue_id)
    if not form.is_submitted():
        form.venue_id.data = meeting.venue_id or 0
        form.types.data = meeting.type_list
        form.monthly_week.data = str(meeting.monthly_week or "")
    if form.validate_on_submit():
        try:
            services.update_meeting(meeting, _data(form), _today())
        except ValidationFailed as failed:
            db.session.rollback()
            for name, message in failed.errors.items():
                form.set_error(name, message)
        else:
            db.session.commit()
            flash(_("Saved: %(name)s.", name=meeting.name), "success")
            _warn_about_link(meeting)
            return redirect(url_for("manage.dashboard"))
    return render_template("meetings/manage/edit.html", form=form, meeting=meeting), (
        400 if form.errors or form.form_errors else 200
    )


@bp.route("/suggestions/<int:suggestion_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def review_suggestion(suggestion_id: int) -> Any:
    """Read a public suggestion and record what was done about it."""
    suggestion = db.session.get(ChangeSuggestion, suggestion_id)
    if suggestion is None or not can_manage_organisation(current_user, suggestion.organisation_id):
        abort(404)
    form = ResolveForm()
    if form.validate_on_submit():
        try:
            resolve(suggestion, form.status.data or "", current_user, form.note.data or "")
        except ValidationFailed as failed:
            form.status.errors = [failed.errors["status"]]
        else:
            db.session.commit()
            flash(_("Suggestion closed."), "success")
            return redirect(url_for("manage.dashboard"))
    return render_template(
        "meetings/manage/suggestion.html",
        suggestion=suggestion,
        form=form,
        edit_url=edit_url_for(suggestion),
    ), (400 if form.errors else 200)
