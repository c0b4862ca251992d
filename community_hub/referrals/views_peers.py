"""The peer side: referrals offered to a peer, seen only as far as the client's consent allows.

Once the peer (or their coordinator) accepts, the offer page is the handover: the meeting, the
date and meeting point, how to reach the referring service (its duty line or the thread,
never a personal number), a calendar entry for that one date, and a way to withdraw.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Role
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import handover, matching, offers
from community_hub.referrals.consent import ConsentMissing
from community_hub.referrals.forms import (
    MeetingPointForm,
    MessageForm,
    RespondForm,
    WithdrawOfferForm,
)
from community_hub.referrals.models import Referral
from community_hub.referrals.services import TransitionRefused
from community_hub.referrals.states import Status
from community_hub.referrals.views import bp, today
from community_hub.urls import site_url
from community_hub.volunteers.forms import show_errors

# Any signed-in role may ask; only the matched peer and their coordinator find anything (404).
PEER_SIDE = tuple(r.value for r in Role)


@bp.route("/offers")
@roles_required(*PEER_SIDE)
def offer_list() -> Any:
    """Clients a peer has been asked to go with: reference, meeting and time, nothing more."""
    items = offers.offers_for(current_user, today())
    db.session.commit()
    return render_template(
        "referrals/offers.html",
        offers=items,
        form=RespondForm(formdata=None),
        MATCHED=Status.MATCHED,
    )


def _offer_page(referral: Referral, status: int = 200, **forms: Any) -> Any:
    page = render_template(
        "referrals/offer.html",
        offer=offers.offer_view(referral),
        MATCHED=Status.MATCHED,
        respond_form=RespondForm(formdata=None),
        message_form=forms.get("message_form") or MessageForm(formdata=None, prefix="message"),
        withdraw_form=forms.get("withdraw_form") or WithdrawOfferForm(formdata=None),
        point_form=forms.get("point_form")
        or MeetingPointForm(formdata=None, prefix="point", obj=referral),
    )
    db.session.commit()
    return page, status


@bp.route("/offers/<int:referral_id>")
@roles_required(*PEER_SIDE)
def offer(referral_id: int) -> Any:
    """One offer; once accepted, everything the peer needs for the day."""
    return _offer_page(offers.offered_referral(current_user, referral_id, today()))


@bp.route("/offers/<int:referral_id>/meeting.ics")
@roles_required(*PEER_SIDE)
def offer_ics(referral_id: int) -> Any:
    """The one first meeting the peer is going to, for their calendar (no client in it)."""
    found = offers.offered_referral(current_user, referral_id, today())
    if found.status == Status.MATCHED.value or found.planned_first_meeting is None:
        abort(404)
    if found.meeting is None:
        abort(404)
    link = site_url("referrals.offer", referral_id=found.id)
    body = handover.calendar(found, urlsplit(link).netloc or "community-hub", link)
    db.session.commit()
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": "attachment; filename=first-meeting.ics"},
    )


@bp.route("/offers/<int:referral_id>/<any(accept, decline):answer>", methods=["POST"])
@roles_required(*PEER_SIDE)
def respond(referral_id: int, answer: str) -> Any:
    """The peer, or their coordinator, accepts or declines (a decline returns it to matching)."""
    day = today()
    found = offers.offered_referral(current_user, referral_id, day)
    form = RespondForm()
    form.validate_on_submit()
    try:
        matching.respond(found, answer == "accept", current_user, day, form.reason.data or "")
    except (ConsentMissing, TransitionRefused) as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        db.session.commit()
        if answer == "accept":
            flash(_("Accepted. The worker can see you are going."), "success")
            return redirect(url_for("referrals.offer", referral_id=referral_id))
        flash(_("Declined. The worker will find someone else."), "success")
    return redirect(url_for("referrals.offer_list"))


@bp.route("/offers/<int:referral_id>/withdraw", methods=["POST"])
@roles_required(*PEER_SIDE)
def offer_withdraw(referral_id: int) -> Any:
    """Having said yes, the peer can no longer go: with a reason, back to the worker."""
    day = today()
    found = offers.offered_referral(current_user, referral_id, day)
    form = WithdrawOfferForm()
    if form.validate_on_submit():
        try:
            matching.withdraw(found, current_user, day, form.reason.data or "")
        except TransitionRefused as refused:
            db.session.rollback()
            form.form_errors.append(str(refused))
        else:
            db.session.commit()
            flash(_("Withdrawn. The worker has been told and will plan again."), "success")
            return redirect(url_for("referrals.offer_list"))
    found = offers.offered_referral(current_user, referral_id, day)
    return _offer_page(found, 400, withdraw_form=form)


@bp.route("/offers/<int:referral_id>/messages", methods=["POST"])
@roles_required(*PEER_SIDE)
def offer_message(referral_id: int) -> Any:
    """The peer or their coordinator writes to the worker about the plan."""
    day = today()
    found = offers.offered_referral(current_user, referral_id, day)
    form = MessageForm(prefix="message")
    if form.validate_on_submit():
        try:
            handover.post_message(found, form.body.data or "", current_user, "peer")
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Message sent."), "success")
            return redirect(url_for("referrals.offer", referral_id=referral_id) + "#thread")
    found = offers.offered_referral(current_user, referral_id, day)
    return _offer_page(found, 400, message_form=form)


@bp.route("/offers/<int:referral_id>/meeting-point", methods=["POST"])
@roles_required(*PEER_SIDE)
def offer_meeting_point(referral_id: int) -> Any:
    """The peer's coordinator sets where the peer meets the client (the peer asks in the thread)."""
    day = today()
    found = offers.offered_referral(current_user, referral_id, day)  # 404 to everyone else
    if current_user.role != Role.COORDINATOR.value:
        abort(403)
    form = MeetingPointForm(prefix="point")
    if form.validate_on_submit():
        try:
            handover.set_meeting_point(found, form.meeting_point.data or "", current_user)
        except ValidationFailed as failed:
            show_errors(form, failed)
        else:
            db.session.commit()
            flash(_("Meeting point saved."), "success")
            return redirect(url_for("referrals.offer", referral_id=referral_id))
    found = offers.offered_referral(current_user, referral_id, day)
    return _offer_page(found, 400, point_form=form)
