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
from community_hub.referrals import audit, consent, personal
from community_hub.referrals.models import (
    AuditEvent,
    Client,
    Consent,
    ContactAttempt,
    FollowUp,
    Purpose,
    RecoveryCapital,
    Referral,
    ReferralChange,
    ReferralMessage,
)


def _rows(client: Client) -> dict[type, list[Any]]:
    return dict(personal.rows_of(client))


def _referral(referral: Referral, rows: dict[type, list[Any]]) -> dict[str, Any]:
    follow_ups = [f for f in rows.get(FollowUp, []) if f.referral_id == referral.id]
    return personal.export_row(referral) | {
        "history": [
            personal.export_row(h)
            for h in rows.get(ReferralChange, [])
            if h.referral_id == referral.id
        ],
        "follow_ups": [
            personal.export_row(f)
            | {
                "contact_attempts": [
                    personal.export_row(a)
                    for a in rows.get(ContactAttempt, [])
                    if a.follow_up_id == f.id
                ]
            }
            for f in sorted(follow_ups, key=lambda f: f.due_on)
        ],
        "messages": [
            personal.export_row(m)
            for m in rows.get(ReferralMessage, [])
            if m.referral_id == referral.id
        ],
        "recovery_capital": [
            personal.export_row(r)
            for r in sorted(rows.get(RecoveryCapital, []), key=lambda r: r.point)
            if r.referral_id == referral.id
        ],
    }


NESTED = (
    Client, Consent, Referral, ReferralChange, FollowUp, ContactAttempt, ReferralMessage,
    RecoveryCapital,
)  # fmt: skip


def export(client: Client, by: User) -> dict[str, Any]:
    """Everything held about the client, as one JSON-ready document (audited)."""
    rows = _rows(client)
    referrals = sorted(rows.get(Referral, []), key=lambda r: r.id)
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
    # Every other client-linked table, whole: nothing held about them is left out.
    others = {
        personal.table_name(model): [personal.export_row(row) for row in found]
        for model, found in rows.items()
        if model not in NESTED and found
    }
    return {
        "organisation": client.organisation.name,
        "client": personal.export_row(client),
        "consents": [personal.export_row(c) for c in rows.get(Consent, [])],
        "referrals": [_referral(r, rows) for r in referrals],
        **others,
        "access_log": [
            {"at": e.at.isoformat(), "action": e.action, "subject_type": e.subject_type,
             "subject_id": e.subject_id, "by": e.user.email if e.user else "system"}
            for e in events
        ],
    }  # fmt: skip


def erase(client: Client, by: User, today: date) -> None:
    """Erase what identifies the client, keep what the aggregates count (audited)."""
    client.do_not_contact = True
    for purpose in Purpose:  # stops matching and follow-ups at once, as a withdrawal does
        consent.withdraw(client, purpose, by, today)
    db.session.flush()
    # Every declared personal value of every client-linked row (community_hub/.../personal.py).
    for _model, rows in personal.rows_of(client):
        for row in rows:
            personal.erase_row(row)
    for follow_up in db.session.scalars(
        select(FollowUp).join(FollowUp.referral).where(Referral.client_id == client.id)
    ):
        if follow_up.status == "due":
            follow_up.status = "cancelled"
    db.session.flush()
    audit.record(by, "erase", "client", client.id, "erasure request")
