"""Subject access and erasure for one client: everything held about them, and how it is erased.

Erasure removes what could identify the person (their reference, gender, decade of birth,
language, free text written about them: notes, reasons, barriers, the meeting point and the
message thread) but keeps the coded facts the aggregate reports count (status, link method,
dates, follow-up answers, BARC-10 scores, substances, goal, postcode district), so published
figures do not change. The audit log keeps its rows: they hold ids, never details.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.referrals import audit, consent, recovery_capital
from community_hub.referrals.models import AuditEvent, Client, Purpose, Referral

ERASED_PREFIX = "erased-"


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _row(obj: Any, *names: str) -> dict[str, Any]:
    return {name: _iso(getattr(obj, name)) for name in names}


CLIENT_FIELDS = (
    "reference", "birth_decade", "gender", "preferred_language", "preferred_contact",
    "do_not_contact", "postcode_district", "substances", "goal", "created_at",
)  # fmt: skip
CONSENT_FIELDS = (
    "purpose", "given_on", "method", "expires_on", "withdrawn_on", "withdrawn_reason",
)  # fmt: skip
REFERRAL_FIELDS = (
    "id", "status", "closed_reason", "link_method", "made_by", "group_name",
    "planned_first_meeting", "first_meeting_attended_on", "note", "meeting_point", "created_at",
)  # fmt: skip
MESSAGE_FIELDS = ("side", "body", "created_at")
BARC_FIELDS = ("point", "taken_on", *(f"item_{n}" for n in range(1, 11)), "total")
FOLLOW_UP_FIELDS = (
    "day_offset", "due_on", "status", "completed_on", "attended_first_meeting",
    "first_meeting_on", "meetings_since", "attending_weekly", "has_sponsor_or_mentor",
    "doing_service", "satisfaction", "barriers",
)  # fmt: skip


def _referral(referral: Referral) -> dict[str, Any]:
    return _row(referral, *REFERRAL_FIELDS) | {
        "history": [
            _row(h, "from_status", "to_status", "changed_at", "reason") for h in referral.history
        ],
        "follow_ups": [
            _row(f, *FOLLOW_UP_FIELDS)
            | {"contact_attempts": [_row(a, "at", "method", "reached") for a in f.attempts]}
            for f in referral.follow_ups
        ],
        "messages": [_row(m, *MESSAGE_FIELDS) for m in referral.messages],
        "recovery_capital": [_row(r, *BARC_FIELDS) for r in recovery_capital.taken(referral)],
    }


def export(client: Client, by: User) -> dict[str, Any]:
    """Everything held about the client, as one JSON-ready document (audited)."""
    referrals = db.session.scalars(
        select(Referral).where(Referral.client_id == client.id).order_by(Referral.id)
    ).all()
    referral_ids = [r.id for r in referrals]
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            ((AuditEvent.subject_type == "client") & (AuditEvent.subject_id == client.id))
            | ((AuditEvent.subject_type == "referral") & AuditEvent.subject_id.in_(referral_ids))
        )
        .order_by(AuditEvent.id)
    ).all()
    audit.record(by, "export", "client", client.id, "subject access request")
    return {
        "organisation": client.organisation.name,
        "client": _row(client, *CLIENT_FIELDS),
        "consents": [_row(c, *CONSENT_FIELDS) for c in client.consents],
        "referrals": [_referral(r) for r in referrals],
        "access_log": [
            _row(e, "at", "action", "subject_type", "subject_id")
            | {"by": e.user.email if e.user else "system"}
            for e in events
        ],
    }


def erase(client: Client, by: User, today: date) -> None:
    """Erase what identifies the client, keep what the aggregates count (audited)."""
    client.reference = f"{ERASED_PREFIX}{client.id}"
    client.gender = ""
    client.birth_decade = ""
    client.preferred_language = "en"
    client.do_not_contact = True
    for purpose in Purpose:  # stops matching and follow-ups at once, as a withdrawal does
        consent.withdraw(client, purpose, by, today)
    for given in client.consents:
        given.withdrawn_reason = ""
    referrals = db.session.scalars(select(Referral).where(Referral.client_id == client.id)).all()
    for referral in referrals:
        referral.note = ""
        referral.meeting_point = ""
        referral.peer_gender_preference = ""
        for message in referral.messages:
            message.body = ""
        for scores in recovery_capital.taken(referral):
            for n in range(1, 11):  # the answers go; the total stays for the reports
                setattr(scores, f"item_{n}", None)
        for change in referral.history:
            change.reason = ""
        for follow_up in referral.follow_ups:
            follow_up.barriers = ""
            if follow_up.status == "due":
                follow_up.status = "cancelled"
    db.session.flush()
    audit.record(by, "erase", "client", client.id, "erasure request")
