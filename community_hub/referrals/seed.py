"""Load the demo referrals in seed/referrals.json: every status, follow-ups done, due and overdue,
and two years of generated history (seed_history.py) for the reports.

Days in the file are relative to `today`, so the demo always has a follow-up due today and some
overdue. Idempotent: a client whose reference exists is left alone. Run after the other seeds.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from community_hub.auth.models import Organisation, User
from community_hub.auth.services import find_user
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting
from community_hub.people.models import PeerSupporter
from community_hub.referrals import consent, followups, services
from community_hub.referrals.models import ContactAttempt, Purpose, Referral, StaffMeetingAttendance
from community_hub.referrals.seed_history import load_history
from community_hub.referrals.services import ClientData, ReferralData
from community_hub.referrals.states import Status
from community_hub.resources.models import Service
from community_hub.volunteers.models import Volunteer

Record = dict[str, Any]


def _one(model: type, **where: Any) -> Any:
    found = db.session.scalar(select(model).filter_by(**where))
    if found is None:
        raise ValueError(f"referrals.json names an unknown {model.__name__}: {where}")
    return found


def _target(spec: Record) -> dict[str, Any]:
    if "meeting" in spec:
        return {"meeting_id": _one(Meeting, slug=spec["meeting"]).id}
    if "peer" in spec:
        return {"peer_id": _one(PeerSupporter, slug=spec["peer"]).id}
    if "service" in spec:
        return {"service_id": _one(Service, slug=spec["service"]).id}
    return {"group_name": spec["group"]}


def _link_peers(data: Record) -> Volunteer | None:
    """Tie listed peers to their volunteer records, so matching can check they are cleared."""
    last = None
    for link in data.get("peer_links", []):
        peer = _one(PeerSupporter, slug=link["peer"])
        last = _one(Volunteer, email=link["volunteer"])
        peer.volunteer_id = last.id
    return last


def _follow_ups(referral: Referral, specs: list[Record], worker: User) -> None:
    by_day = {f.day_offset: f for f in referral.follow_ups}
    for spec in specs:
        follow_up = by_day[spec["day"]]
        for n, reached in enumerate(spec.get("attempts", [])):
            at = datetime.combine(follow_up.due_on + timedelta(days=n), time(10))
            db.session.add(
                ContactAttempt(
                    follow_up=follow_up, at=at, method="phone", reached=reached, by_id=worker.id
                )
            )
        if "answers" in spec:
            answers = followups.FollowUpAnswers(**spec["answers"])
            if answers.attended_first_meeting:
                answers.first_meeting_on = referral.planned_first_meeting
            followups.record(follow_up, answers, worker, follow_up.due_on)


def _referral(
    record: Record, organisation: Organisation, worker: User, peer: Volunteer | None, today: date
) -> None:
    made = today - timedelta(days=record["created_days_ago"])
    client = services.add_client(
        ClientData(reference=record["reference"], **record["client"]), worker
    )
    for purpose in record.get("consents", [p.value for p in Purpose]):
        consent.give(client, purpose, made, "verbal in session", worker, today)
    data = ReferralData(
        link_method=record["link_method"],
        made_by=record["made_by"],
        peer_gender_preference=record.get("peer_gender_preference", ""),
        note=record.get("note", ""),
        **_target(record["target"]),
    )
    referral = services.make_referral(client, data, worker, today)
    if "planned_days" in record:
        referral.planned_first_meeting = today + timedelta(days=record["planned_days"])
    if record["path"] == ["draft"]:
        # Saved but not yet sent: undo make_referral's move to 'requested'.
        change = referral.history[0]
        referral.history.remove(change)
        db.session.delete(change)
        referral.status = Status.DRAFT.value
    reasons = record.get("reasons", {})
    for step in (s for s in record["path"] if s != "draft"):
        if step == Status.MATCHED and peer is not None:
            referral.matched_volunteer_id = peer.id
        by = (
            db.session.get(User, peer.user_id)
            if step == Status.ACCEPTED and peer and peer.user_id
            else worker
        )
        services.move(
            referral, Status(step), by, today, reasons.get(step, ""),
            closed_reason=record.get("closed_reason", ""),
        )  # fmt: skip
    _follow_ups(referral, record.get("follow_ups", []), worker)
    for purpose in record.get("withdrawn", []):
        consent.withdraw(client, Purpose(purpose), worker, today, "Client asked us to stop.")
    stamp = datetime.combine(made, time(11))
    client.created_at = referral.created_at = stamp
    referral.updated_at = max([stamp, *(c.changed_at for c in referral.history)])


def load_referrals(directory: str, today: date) -> dict[str, int]:
    """Add the demo referrals from `directory`/referrals.json; the caller commits."""
    path = os.path.join(directory, "referrals.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    organisation = _one(Organisation, slug=data["organisation"])
    worker = find_user(data["worker"])
    if worker is None:
        raise ValueError(f"referrals.json names unknown user {data['worker']!r}.")
    peer = _link_peers(data)
    added = 0
    for record in data["referrals"]:
        exists = db.session.scalar(
            select(Referral.id)
            .join(Referral.client)
            .where(Referral.organisation_id == organisation.id)
            .where(Referral.client.has(reference=record["reference"]))
        )
        if exists is None:
            _referral(record, organisation, worker, peer, today)
            added += 1
    if added:
        for spec in data.get("staff_meetings", []):
            user = find_user(spec["user"])
            if user is not None and user.organisation_id is not None:
                db.session.add(
                    StaffMeetingAttendance(
                        user_id=user.id,
                        organisation_id=user.organisation_id,
                        attended_on=today - timedelta(days=spec["days_ago"]),
                        fellowship_id=_one(Fellowship, slug=spec["fellowship"]).id,
                    )
                )
    db.session.flush()
    history = data.get("history")
    if history is not None:
        load_history(history, today)
    generated = sum(int(spec["count"]) for spec in (history or {}).get("organisations", []))
    return {"referrals": len(data["referrals"]) + generated}
