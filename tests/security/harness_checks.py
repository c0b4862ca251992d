"""What the load and crash tests check afterwards: each acknowledged write stored exactly once,
nothing half written, SQLite's integrity, and no personal data in the server's logs."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import create_engine, func, select, text

from tests.security.serverharness import Ledger, barriers_for, note_for


def problems(database_url: str, ledger: Ledger) -> list[str]:
    """Every acknowledged write present exactly once; nothing half written; nothing doubled."""
    from community_hub.referrals.models import (
        AuditEvent,
        Client,
        ContactAttempt,
        FollowUp,
        Referral,
        ReferralChange,
    )

    engine = create_engine(database_url)
    found: list[str] = []
    try:
        with engine.connect() as conn:
            clients = dict(conn.execute(select(Client.reference, Client.id)).all())
            per_client = Counter(conn.execute(select(Referral.client_id)).scalars())
            notes = dict(conn.execute(select(Referral.id, Referral.note)).all())
            changes = Counter(
                (row.referral_id, row.to_status)
                for row in conn.execute(
                    select(ReferralChange.referral_id, ReferralChange.to_status)
                )
            )
            created = Counter(
                conn.execute(
                    select(AuditEvent.subject_id).where(
                        AuditEvent.subject_type == "referral", AuditEvent.action == "create"
                    )
                ).scalars()
            )
            follow_ups = Counter(conn.execute(select(FollowUp.referral_id)).scalars())
            recorded = {
                row.id: row.barriers
                for row in conn.execute(
                    select(FollowUp.id, FollowUp.barriers).where(FollowUp.status == "done")
                )
            }
            attempts = Counter(conn.execute(select(ContactAttempt.follow_up_id)).scalars())
            all_referrals = [
                (row.id, row.client_id)
                for row in conn.execute(select(Referral.id, Referral.client_id))
            ]
            orphans = conn.execute(
                select(func.count())
                .select_from(Client)
                .where(~Client.id.in_(select(Referral.client_id)))
            ).scalar_one()
    finally:
        engine.dispose()

    sent = Counter(ledger.sent)
    if duplicates := [r for r, n in sent.items() if n > 1]:
        found.append(f"the test sent references twice: {duplicates[:5]}")
    for reference, referral_id in ledger.referrals.items():
        client_id = clients.get(reference)
        if client_id is None:
            found.append(f"acknowledged client {reference} is missing")
            continue
        if per_client[client_id] != 1:
            found.append(f"{reference} has {per_client[client_id]} referrals, not 1")
        if notes.get(referral_id) != note_for(reference):
            found.append(f"acknowledged referral {referral_id} is missing or not {reference}'s")
    for referral_id, client_id in all_referrals:
        # Acknowledged or not, a referral is whole: its client, its history, its audit event.
        if changes[(referral_id, "requested")] != 1 or created[referral_id] != 1:
            found.append(f"referral {referral_id} is half written (history or audit missing)")
        if per_client[client_id] != 1:
            found.append(f"client {client_id} has {per_client[client_id]} referrals")
        if changes[(referral_id, "first_meeting_planned")] > 1:
            found.append(f"referral {referral_id} was moved twice")
        if changes[(referral_id, "first_meeting_planned")] and follow_ups[referral_id] != 3:
            found.append(f"referral {referral_id} has {follow_ups[referral_id]} follow-ups, not 3")
    if orphans:
        found.append(f"{orphans} clients were saved without their referral")
    for referral_id in ledger.moved:
        if changes[(referral_id, "first_meeting_planned")] != 1:
            found.append(f"acknowledged move of referral {referral_id} is missing")
    for follow_up_id, barriers in ledger.followed_up.items():
        if recorded.get(follow_up_id) != barriers:
            found.append(f"acknowledged follow-up {follow_up_id} is missing")
    for follow_up_id, stored in attempts.items():
        acknowledged, sent = ledger.attempts[follow_up_id], ledger.attempts_sent[follow_up_id]
        # An attempt whose answer was lost (a crash) may be stored or not, but only once.
        if not acknowledged <= stored <= sent:
            found.append(f"follow-up {follow_up_id}: {stored} attempts stored, {sent} sent")
    if missing := [f for f in ledger.attempts if f not in attempts]:
        found.append(f"acknowledged contact attempts missing: {missing[:5]}")
    return found


def sqlite_integrity(database_url: str) -> str:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("PRAGMA integrity_check")).scalar_one())
    finally:
        engine.dispose()


def personal_data_in(log: str, ledger: Ledger) -> list[str]:
    """References, notes and free text the clients sent that turn up in the server's logs."""
    leaks = []
    for reference in ledger.sent:
        for secret in (reference, note_for(reference), barriers_for(reference)):
            if secret in log:
                leaks.append(secret)
    if "LOAD-" in log or "Gender " in log:
        leaks.append("a LOAD- reference or a gender")
    return leaks
