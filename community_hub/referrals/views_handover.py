"""The worker's side of the handover: the plan (date and meeting point) and the message thread."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community_hub.auth.decorators import roles_required
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import handover, services
from community_hub.referrals.forms import MessageForm, PlanForm
from community_hub.referrals.services import TransitionRefused
from community_hub.referrals.views import STAFF, bp, today
from community_hub.referrals.views_referrals import render_referral
from community_hub.volunteers.forms import show_errors


@bp.route("/<int:referral_id>/plan", methods=["POST"])
@roles_required(*STAFF)
def plan(referral_id: int) -> Any:
    """Set the first meeting's date and meeting point; "confirm" agrees it with the client."""
    found = services.referral_for(current_user, referral_id)
    form = PlanForm(prefix="plan")
    confirm = request.form.get("confirm") == "yes"
    if form.validate_on_submit():
        try:
            handover.set_plan(
                found, form.planned_first_meeting.data, form.meeting_point.data or "",
                current_user, today(), confirm=confirm,
            )  # fmt: skip
        except ValidationFailed as failed:
            show_errors(form, failed)
        except TransitionRefused as refused:
            db.session.rollback()
            form.form_errors.append(str(refused))
        else:
            db.session.commit()
            flash(_("Plan confirmed.") if confirm else _("Plan saved."), "success")
            return redirect(url_for("referrals.referral", referral_id=found.id))
    return render_referral(services.referral_for(current_user, referral_id), 400, plan_form=form)


@bp.route("/<int:referral_id>/messages", methods=["POST"])
@roles_required(*STAFF)
def post_message(referral_id: int) -> Any:
    """Write to the peer (or their coordinator) about the plan: audited, never about the client."""
    found = services.referral_for(current_user, referral_id)
    form = MessageForm(prefix="message")
    if form.validate_on_submit():
        if found.matched_volunteer_id is None:
            form.body.errors = [_("No peer is going with this client yet.")]
        else:
            try:
                handover.post_message(found, form.body.data or "", current_user, "worker")
            except ValidationFailed as failed:
                show_errors(form, failed)
            else:
                db.session.commit()
                flash(_("Message sent."), "success")
                return redirect(url_for("referrals.referral", referral_id=found.id) + "#thread")
    found = services.referral_for(current_user, referral_id)
    return render_referral(found, 400, message_form=form)
