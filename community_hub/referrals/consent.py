"""Consent per purpose. Nothing that needs a consent happens without it; withdrawal is immediate."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import audit
from community_hub.referrals.models import Client, Consent, FollowUp, Purpose, Referral
from community_hub.referrals.states import PEER_HOLDS

METHODS = ("verbal in session", "written form", "phone call", "online form")


class ConsentMissing(PermissionError):
    """An action needs a consent the client has not given (or has withdrawn)."""


def current(client: Client, purpose: Purpose, today: date) -> Consent | None:
    for consent in reversed(client.consents):
        if consent.purpose == purpose.value and consent.current_on(today):
            return consent
    return None


def require(client: Client, purpose: Purpose, today: date) -> None:
    if current(client, purpose, today) is None:
        messages = {
            Purpose.SHARE_WITH_PEER: _(
                "The client has not consented to sharing details with a peer."
            ),
            Purpose.FOLLOW_UP: _("The client has not consented to follow-up contact."),
            Purpose.OUTCOME_TO_REFERRER: _(
                "The client has not consented to reporting the outcome to the referrer."
            ),
        }
        raise ConsentMissing(messages[purpose])


def give(
    client: Client, purpose: str, given_on: date, method: str, by: User, today: date,
    expires_on: date | None = None,
) -> Consent:  # fmt: skip
    """Record a consent with its date, how it was obtained, who recorded it and its expiry."""
    errors = {}
    if purpose not in {p.value for p in Purpose}:
        errors["purpose"] = _("Choose what the client is consenting to.")
    if method not in METHODS:
        errors["method"] = _("Choose how consent was obtained.")
    if given_on > today:
        errors["given_on"] = _("Consent cannot be dated in the future.")
    if expires_on is not None and expires_on <= given_on:
        errors["expires_on"] = _("The expiry must be after the date consent was given.")
    if errors:
        raise ValidationFailed(errors)
    consent = Consent(
        client=client, purpose=purpose, given_on=given_on, method=method,
        recorded_by_id=by.id, expires_on=expires_on,
    )  # fmt: skip
    db.session.add(consent)
    db.session.flush()
    audit.record(by, "consent", "client", client.id, f"gave {purpose} ({method})")
    if purpose == Purpose.FOLLOW_UP.value:
        from community_hub.referrals.followups import schedule_follow_ups

        for referral in db.session.scalars(
            db.select(Referral).where(Referral.client_id == client.id)
        ):
            schedule_follow_ups(referral, today)
    return consent


def withdraw(client: Client, purpose: Purpose, by: User, today: date, reason: str = "") -> None:
    """Withdraw a consent now, and stop what depended on it at once."""
    for consent in client.consents:
        if consent.purpose == purpose.value and consent.withdrawn_on is None:
            consent.withdrawn_on = today
            consent.withdrawn_reason = reason.strip()[:2000]
    referrals = db.session.scalars(db.select(Referral).where(Referral.client_id == client.id)).all()
    if purpose == Purpose.FOLLOW_UP:
        for referral in referrals:
            for follow_up in referral.follow_ups:
                if follow_up.status == "due":
                    follow_up.status = "cancelled"
    if purpose == Purpose.SHARE_WITH_PEER:
        from community_hub.referrals.services import unmatch

        for referral in referrals:
            if referral.status in PEER_HOLDS and referral.matched_volunteer_id is not None:
                unmatch(referral, by, "Consent to share details with a peer was withdrawn.")
    audit.record(by, "consent", "client", client.id, f"withdrew {purpose.value}")
    db.session.flush()


def latest(client: Client, purpose: Purpose) -> Consent | None:
    """The most recent consent recorded for a purpose, current or not."""
    found = [c for c in client.consents if c.purpose == purpose.value]
    return found[-1] if found else None


def due_follow_ups_need_consent(follow_up: FollowUp, today: date) -> bool:
    client = follow_up.referral.client
    return current(client, Purpose.FOLLOW_UP, today) is not None and not client.do_not_contact
