"""Follow-ups: record what the client said, log contact attempts, close as lost when it is time."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community_hub.auth.decorators import roles_required
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import consent, followups, recovery_capital, services
from community_hub.referrals.consent import ConsentMissing
from community_hub.referrals.forms import AttemptForm, FollowUpForm, barc_scores
from community_hub.referrals.models import FollowUp, Purpose
from community_hub.referrals.services import TransitionRefused
from community_hub.referrals.states import ClosedReason, Status
from community_hub.referrals.views import STAFF, bp, today
from community_hub.volunteers.forms import show_errors


def _follow_up(follow_up_id: int) -> FollowUp:
    """The follow-up, if the user's organisation holds its referral (audited); 404 otherwise."""
    found = db.session.get(FollowUp, follow_up_id)
    if found is None:
        abort(404)
    services.referral_for(current_user, found.referral_id)
    return found


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def _render(
    follow_up: FollowUp, form: FollowUpForm | None = None, refused: str = "", status: int = 200
) -> Any:
    day = today()
    if form is None:
        form = FollowUpForm(formdata=None)
    failed = sum(1 for a in follow_up.attempts if not a.reached)
    may_contact = (
        consent.current(follow_up.referral.client, Purpose.FOLLOW_UP, day) is not None
        and not follow_up.referral.client.do_not_contact
    )
    db.session.commit()
    return render_template(
        "referrals/follow_up.html",
        follow_up=follow_up,
        referral=follow_up.referral,
        form=form,
        attempt_form=AttemptForm(formdata=None, prefix="attempt"),
        failed_attempts=failed,
        offer_lost=failed >= followups.FAILED_ATTEMPTS_FOR_LOST
        and follow_up.referral.status != Status.CLOSED.value,
        may_contact=may_contact,
        refused=refused,
        barc=recovery_capital.offered_at_follow_up(follow_up, day),
        today=day,
    ), status


@bp.route("/follow-ups/<int:follow_up_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def follow_up(follow_up_id: int) -> Any:
    """Record a follow-up: first meeting, meetings since, weekly, sponsor, service, barriers."""
    found = _follow_up(follow_up_id)
    form = FollowUpForm()
    planned = found.referral.planned_first_meeting
    if not form.is_submitted() and planned is not None and planned <= today():
        form.first_meeting_on.data = planned
    if form.validate_on_submit():
        answers = followups.FollowUpAnswers(
            attended_first_meeting=_yes_no(form.attended_first_meeting.data),
            first_meeting_on=form.first_meeting_on.data,
            meetings_since=form.meetings_since.data,
            attending_weekly=_yes_no(form.attending_weekly.data),
            has_sponsor_or_mentor=_yes_no(form.has_sponsor_or_mentor.data),
            doing_service=_yes_no(form.doing_service.data),
            satisfaction=int(form.satisfaction.data) if form.satisfaction.data else None,
            barriers=form.barriers.data or "",
        )
        barc = recovery_capital.offered_at_follow_up(found, today())
        try:
            followups.record(found, answers, current_user, today())
            if barc:
                recovery_capital.record(
                    found.referral, found.day_offset, barc_scores(form), current_user, today(),
                    follow_up=found,
                )  # fmt: skip
        except ValidationFailed as failed:
            show_errors(form, failed)
            found = _follow_up(follow_up_id)
        except ConsentMissing as missing:
            db.session.rollback()
            return _render(_follow_up(follow_up_id), form, str(missing), 403)
        else:
            db.session.commit()
            flash(_("Follow-up recorded. Thank you."), "success")
            return redirect(url_for("referrals.referral", referral_id=found.referral_id))
    status = 400 if form.errors or form.form_errors else 200
    return _render(found, form, status=status)


@bp.route("/follow-ups/<int:follow_up_id>/attempts", methods=["POST"])
@roles_required(*STAFF)
def attempt(follow_up_id: int) -> Any:
    """Log a try at reaching the client, by the way they prefer."""
    found = _follow_up(follow_up_id)
    form = AttemptForm(prefix="attempt")
    if not form.validate_on_submit():
        return _render(found, refused=_("Choose how you tried to reach the client."), status=400)
    try:
        offer_lost = followups.log_attempt(
            found, form.method.data or "", bool(form.reached.data), current_user, today()
        )
    except ConsentMissing as missing:
        db.session.rollback()
        return _render(_follow_up(follow_up_id), refused=str(missing), status=403)
    db.session.commit()
    if offer_lost:
        flash(
            _(
                "Three attempts have not reached the client. "
                "You can close the referral as lost to follow-up."
            ),
            "info",
        )
    else:
        flash(_("Contact attempt logged."), "success")
    return redirect(url_for("referrals.follow_up", follow_up_id=found.id))


@bp.route("/follow-ups/<int:follow_up_id>/lost", methods=["POST"])
@roles_required(*STAFF)
def lost(follow_up_id: int) -> Any:
    """Close the referral as lost to follow-up, after three failed attempts."""
    found = _follow_up(follow_up_id)
    failed = sum(1 for a in found.attempts if not a.reached)
    if failed < followups.FAILED_ATTEMPTS_FOR_LOST:
        return _render(found, refused=_("Try to reach the client three times first."), status=400)
    try:
        services.move(
            found.referral,
            Status.CLOSED,
            current_user,
            today(),
            f"{failed} contact attempts failed",
            closed_reason=ClosedReason.LOST_TO_FOLLOW_UP.value,
        )
    except TransitionRefused as refused:
        db.session.rollback()
        return _render(_follow_up(follow_up_id), refused=str(refused), status=400)
    db.session.commit()
    flash(_("Closed as lost to follow-up."), "success")
    return redirect(url_for("referrals.referral", referral_id=found.referral_id))
