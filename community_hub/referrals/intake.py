"""A referral in one step from a meeting, peer or resource page: client, consents, referral."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import consent
from community_hub.referrals.models import Client, Purpose, Referral
from community_hub.referrals.services import (
    ClientData,
    ReferralData,
    add_client,
    make_referral,
    referral_problems,
)


@dataclass
class Intake:
    client: ClientData
    referral: ReferralData
    consents: list[str] = field(default_factory=list)  # purposes agreed in the session
    consent_method: str = "verbal in session"


def find_client(user: User, reference: str) -> Client | None:
    """The organisation's client with this reference, if there is one."""
    return db.session.scalar(
        select(Client).where(
            Client.organisation_id == user.organisation_id, Client.reference == reference.strip()
        )
    )


def start_referral(intake: Intake, by: User, today: date) -> tuple[Referral, bool]:
    """Find or add the client, record today's consents, make the referral.

    Returns the referral and whether the client is new. Every error from every step is
    collected, so the worker fixes the form once; the caller rolls back on failure.
    """
    errors: dict[str, str] = {}
    client = find_client(by, intake.client.reference) if intake.client.reference.strip() else None
    is_new = client is None
    if client is None:
        try:
            client = add_client(intake.client, by)
        except ValidationFailed as failed:
            errors.update(failed.errors)
    if client is not None:
        for purpose in intake.consents:
            if consent.current(client, Purpose(purpose), today) is None:
                try:
                    consent.give(client, purpose, today, intake.consent_method, by, today)
                except ValidationFailed as failed:
                    errors.update({f"consent_{k}": v for k, v in failed.errors.items()})
        if not errors:
            try:
                return make_referral(client, intake.referral, by, today), is_new
            except ValidationFailed as failed:
                errors.update(failed.errors)
    else:
        # Check the referral part too, so every problem shows at once.
        errors.update(referral_problems(intake.referral, today))
    raise ValidationFailed(errors)
