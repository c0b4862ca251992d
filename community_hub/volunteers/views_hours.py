"""Hours: a volunteer's own page where they log them, and the coordinator's approval queue."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Role
from community_hub.auth.services import can_manage_organisation
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.volunteers import dashboard as board
from community_hub.volunteers.forms import DeclineForm, HoursForm, show_errors
from community_hub.volunteers.hours import (
    approved_totals,
    hours_for_organisation,
    log_hours,
    review,
)
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.placement_models import HoursLog
from community_hub.volunteers.profile import profile
from community_hub.volunteers.views import MANAGERS, bp, scope, today


def _me() -> Volunteer:
    """The signed-in volunteer's own record; nobody else's is ever reachable from here."""
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.user_id == current_user.id))
    if volunteer is None:
        abort(404)
    return volunteer


def _render_me(volunteer: Volunteer, form: HoursForm | None = None, status: int = 200) -> Any:
    record = profile(volunteer, today())
    if form is None:
        form = HoursForm(prefix="hours", formdata=None)
        form.worked_on.data = today()
    form.placement_id.choices = [
        SelectChoice(p.id, f"{p.host.name} ({p.role.replace('_', ' ')})")
        for p in record.loggable_placements
    ]
    from community_hub.referrals.offers import new_offer_count

    return render_template(
        "volunteers/me.html", record=record, form=form, today=today(),
        new_offers=new_offer_count(current_user),
    ), status  # fmt: skip


@bp.route("/me")
@roles_required(Role.VOLUNTEER.value)
def me() -> Any:
    """A volunteer's own page: training, placements, what is due, and their hours."""
    volunteer = db.session.scalar(select(Volunteer).where(Volunteer.user_id == current_user.id))
    if volunteer is None:
        # Signed in, but no record is linked yet (invited from the people page, say).
        return render_template("volunteers/me_unlinked.html")
    return _render_me(volunteer)


@bp.route("/me/hours", methods=["POST"])
@roles_required(Role.VOLUNTEER.value)
def log_my_hours() -> Any:
    """Log hours against one of the volunteer's own running placements."""
    volunteer = _me()
    form = HoursForm(prefix="hours")
    placements = {p.id: p for p in profile(volunteer, today()).loggable_placements}
    form.placement_id.choices = [SelectChoice(i, str(i)) for i in placements]
    if form.validate_on_submit():
        try:
            log_hours(
                placements[form.placement_id.data or 0],
                form.worked_on.data,
                form.hours.data or "",
                form.description.data or "",
                today(),
            )
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(
                _("Thank you. Your hours are waiting for your coordinator's approval."), "success"
            )
            return redirect(url_for("volunteers.me"))
    return _render_me(volunteer, form, 400)


def _render_queue(errors: dict[int, str] | None = None, status: int = 200) -> Any:
    organisation_id = scope()
    totals = approved_totals(hours_for_organisation(organisation_id))
    months = sorted(totals["month"].items(), reverse=True)[:12]
    return render_template(
        "volunteers/hours.html",
        awaiting=board.hours_awaiting(organisation_id),
        months=months,
        errors=errors or {},
    ), status


@bp.route("/hours")
@roles_required(*MANAGERS)
def hours_queue() -> Any:
    """Hours waiting for approval, and approved totals by month."""
    return _render_queue()


def _entry(entry_id: int) -> HoursLog:
    entry = db.session.get(HoursLog, entry_id)
    if entry is None or not can_manage_organisation(current_user, entry.placement.organisation_id):
        abort(404)
    return entry


@bp.route("/hours/<int:entry_id>/approve", methods=["POST"])
@roles_required(*MANAGERS)
def approve_hours(entry_id: int) -> Any:
    """Approve logged hours."""
    entry = _entry(entry_id)
    try:
        review(entry, True, current_user)
    except ValidationFailed as failed:
        db.session.rollback()
        return _render_queue({entry_id: " ".join(failed.errors.values())}, 400)
    db.session.commit()
    flash(
        _(
            "Approved %(hours)s hours for %(name)s.",
            hours=entry.hours,
            name=entry.volunteer.first_name,
        ),
        "success",
    )
    return redirect(url_for("volunteers.hours_queue"))


@bp.route("/hours/<int:entry_id>/decline", methods=["POST"])
@roles_required(*MANAGERS)
def decline_hours(entry_id: int) -> Any:
    """Decline logged hours, saying why so the volunteer knows."""
    entry = _entry(entry_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _render_queue({entry_id: problems}, 400)
    try:
        review(entry, False, current_user, form.reason.data or "")
    except ValidationFailed as failed:
        db.session.rollback()
        return _render_queue({entry_id: " ".join(failed.errors.values())}, 400)
    db.session.commit()
    flash(_("Declined hours for %(name)s.", name=entry.volunteer.first_name), "success")
    return redirect(url_for("volunteers.hours_queue"))
