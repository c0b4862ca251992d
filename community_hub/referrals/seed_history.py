"""Two years of demo referral history, generated, so the reports have something to show.

`referrals.json` ("history") names the treatment services, how many referrals each made, their
client reference prefix, towns and postcode districts. `plan` turns that into referrals with a
fixed random seed: the same `today` always gives the same referrals, consents, follow-ups and
outcomes. Dates are relative to `today`. Clients are pseudonymous, as everywhere: a reference,
a postcode district, substances, goal and a birth decade, never a name.

The rates are plausible, not real: an accompanied referral leads to a first meeting more often
than a signpost, as in the trials. `load_history` writes the plan with one flush (the demo
region is loaded by many tests) and skips a service whose history is already there.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert, select

from community_hub.auth.models import Organisation
from community_hub.auth.services import find_user
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting, Venue
from community_hub.referrals.models import (
    Client,
    Consent,
    ContactAttempt,
    FollowUp,
    Purpose,
    Referral,
    ReferralChange,
)
from community_hub.referrals.states import ClosedReason, Status

Record = dict[str, Any]
OFFSETS = (7, 30, 90)
FELLOWSHIPS = ("aa", "na", "ca", "smart", "local")  # where treatment services refer people
# method: (share of referrals, chance of a first meeting, days to it: lo, hi)
METHODS = {
    "signpost": (0.30, 0.32, 3, 45),
    "in_session_call": (0.20, 0.50, 2, 30),
    "warm_handover": (0.20, 0.62, 1, 21),
    "accompanied": (0.30, 0.78, 1, 12),
}
SUBSTANCES = (("alcohol", 45), ("drugs", 35), ("both", 20))
GOALS = (("abstinence", 60), ("medication_assisted", 25), ("controlled", 15))
DECADES = ("1950s", "1960s", "1970s", "1980s", "1990s", "2000s")


@dataclass
class PlannedFollowUp:
    day: int
    due_on: date
    status: str  # due, done, cancelled
    attempts: int = 0  # unanswered calls before it was done or given up
    attended: bool | None = None
    first_meeting_on: date | None = None
    weekly: bool | None = None
    sponsor: bool | None = None
    satisfaction: int | None = None


@dataclass
class Planned:
    """One generated referral, everything decided, nothing written yet."""

    reference: str
    district: str
    substances: str
    goal: str
    decade: str
    made: date
    meeting_slug: str
    method: str
    made_by: str
    planned: date
    purposes: tuple[str, ...]
    withdrawn_on: date | None
    first_meeting: date | None
    follow_ups: list[PlannedFollowUp] = field(default_factory=list)
    path: list[tuple[str, date]] = field(default_factory=list)  # (to status, on)
    closed_reason: str = ""


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _w in weighted], [w for _k, w in weighted])[0]


def _follow_ups(rng: random.Random, p: Planned, today: date) -> None:
    """Follow-ups at 7, 30 and 90 days: done, missed, or still ahead."""
    if Purpose.FOLLOW_UP.value not in p.purposes:
        return
    weekly_before = False
    for day in OFFSETS:
        due = p.planned + timedelta(days=day)
        if due > today or (p.withdrawn_on is not None and due >= p.withdrawn_on):
            status = "due" if due > today and p.withdrawn_on is None else "cancelled"
            p.follow_ups.append(PlannedFollowUp(day, due, status))
            continue
        if rng.random() > (0.85, 0.75, 0.65)[OFFSETS.index(day)]:
            p.follow_ups.append(PlannedFollowUp(day, due, "cancelled", rng.randint(2, 3)))
            continue
        went = p.first_meeting is not None and p.first_meeting <= due
        weekly = went and rng.random() < (0.8 if weekly_before else 0.55)
        weekly_before = weekly
        p.follow_ups.append(
            PlannedFollowUp(
                day, due, "done", rng.randint(0, 1), went, p.first_meeting if went else None,
                weekly if day >= 30 else None,
                (weekly and rng.random() < 0.55) if day == 90 else None, rng.randint(3, 5),
            )
        )  # fmt: skip


def _path(rng: random.Random, p: Planned, today: date) -> None:
    """The statuses the referral went through, and whether and why it closed."""
    steps = {"accompanied": ("matched", "accepted", "first_meeting_planned"),
             "warm_handover": ("introduced", "first_meeting_planned"),
             "in_session_call": ("first_meeting_planned",), "signpost": ()}[p.method]  # fmt: skip
    p.path.append((Status.REQUESTED.value, p.made))
    if p.method == "signpost" and p.first_meeting is not None:
        steps = ("first_meeting_planned",)  # the client told us when they would go
    p.path += [(s, min(p.made + timedelta(days=1), today)) for s in steps]
    if p.first_meeting is not None:
        p.path.append((Status.ATTENDED_FIRST.value, p.first_meeting))
    done = [f for f in p.follow_ups if f.status == "done"]
    engaged = next((f for f in done if f.weekly), None)
    if engaged is not None:
        p.path.append((Status.ENGAGED.value, engaged.due_on))
    end = p.planned + timedelta(days=120)
    if end > today:
        return
    missed = [f for f in p.follow_ups if f.status == "cancelled" and f.attempts]
    if p.first_meeting is None and len(missed) >= 2:
        p.closed_reason = ClosedReason.LOST_TO_FOLLOW_UP.value
    elif p.first_meeting is None and rng.random() < 0.35:
        p.closed_reason = ClosedReason.DECLINED_BY_CLIENT.value
    elif engaged is not None and rng.random() < 0.6:
        p.closed_reason = ClosedReason.ENGAGED.value
    elif p.first_meeting is None and rng.random() < 0.3:
        p.closed_reason = ClosedReason.CANCELLED.value
    if p.closed_reason:
        p.path.append((Status.CLOSED.value, end))


def plan(spec: Record, meetings: list[str], seed: int, days: int, today: date) -> list[Planned]:
    """One service's generated referrals, the same every time for the same inputs."""
    rng = random.Random(f"{seed}:{spec['organisation']}")  # noqa: S311 - demo data, not secrets
    methods = tuple((k, round(v[0] * 100)) for k, v in METHODS.items())
    found = []
    for n in range(int(spec["count"])):
        made = today - timedelta(days=int(rng.triangular(7, days, days / 4)))
        method = _pick(rng, methods)
        peer = rng.random() < {"accompanied": 0.85, "warm_handover": 0.5}.get(method, 0.0)
        _share, attend, lo, hi = METHODS[method]
        planned = made + timedelta(days=rng.randint(lo, min(hi, 10)))
        first = made + timedelta(days=rng.randint(lo, hi)) if rng.random() < attend else None
        roll = rng.random()
        purposes = tuple(p.value for p in Purpose) if roll < 0.86 else (
            (Purpose.SHARE_WITH_PEER.value, Purpose.FOLLOW_UP.value) if roll < 0.95
            else (Purpose.SHARE_WITH_PEER.value,)
        )  # fmt: skip
        withdrawn = made + timedelta(days=45) if rng.random() < 0.03 else None
        p = Planned(
            f"{spec['prefix']}{n + 1:04d}", rng.choice(spec["districts"]),
            _pick(rng, SUBSTANCES), _pick(rng, GOALS), rng.choice(DECADES), made,
            rng.choice(meetings), method, "peer" if peer else "worker", planned, purposes,
            withdrawn if withdrawn is not None and withdrawn <= today else None,
            first if first is not None and first <= today else None,
        )  # fmt: skip
        _follow_ups(rng, p, today)
        _path(rng, p, today)
        found.append(p)
    return found


def _meetings(towns: list[str]) -> list[str]:
    """Slugs of the meetings a service in these towns refers people to, in a fixed order."""
    return list(
        db.session.scalars(
            select(Meeting.slug)
            .join(Meeting.venue)
            .join(Meeting.fellowship)
            .where(Venue.city.in_(towns), Fellowship.slug.in_(FELLOWSHIPS))
            .order_by(Meeting.slug)
        )
    )


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


def _insert(model: type, rows: list[Record]) -> None:
    """One executemany INSERT (no ORM unit of work: the demo region is loaded by many tests)."""
    if rows:
        db.session.connection().execute(insert(model.__table__), rows)  # type: ignore[attr-defined]


def _ids(*columns: Any, where: Any) -> dict[Any, int]:
    """Ids of rows just inserted, by their natural key (RETURNING goes row by row on SQLite)."""
    *key, _id = columns
    found = db.session.execute(select(*columns).where(where))
    return {tuple(row[:-1]) if len(key) > 1 else row[0]: row[-1] for row in found}


def _write(
    found: list[Planned], org: Organisation, worker: int | None, meetings: dict[str, int]
) -> None:
    """The planned referrals as rows: clients, consents, referrals, history, follow-ups."""
    _insert(Client, [
        dict(organisation_id=org.id, reference=p.reference, birth_decade=p.decade,
             postcode_district=p.district, substances=p.substances, goal=p.goal,
             created_by_id=worker, created_at=_at(p.made))
        for p in found
    ])  # fmt: skip
    by_reference = _ids(Client.reference, Client.id, where=Client.organisation_id == org.id)
    clients = [by_reference[p.reference] for p in found]
    _insert(Consent, [
        dict(client_id=c, purpose=purpose, given_on=p.made, method="verbal in session",
             recorded_by_id=worker, expires_on=None,
             withdrawn_on=p.withdrawn_on if purpose == Purpose.FOLLOW_UP.value else None,
             withdrawn_reason="Client asked us to stop." if p.withdrawn_on else "")
        for c, p in zip(clients, found, strict=True) for purpose in p.purposes
    ])  # fmt: skip
    _insert(Referral, [
        dict(organisation_id=org.id, client_id=c, created_by_id=worker,
             meeting_id=meetings[p.meeting_slug], link_method=p.method, made_by=p.made_by,
             planned_first_meeting=p.planned, status=p.path[-1][0],
             closed_reason=p.closed_reason, first_meeting_attended_on=p.first_meeting,
             created_at=_at(p.made), updated_at=_at(p.path[-1][1], 11))
        for c, p in zip(clients, found, strict=True)
    ])  # fmt: skip
    by_client = _ids(Referral.client_id, Referral.id, where=Referral.client_id.in_(clients))
    referrals = [by_client[c] for c in clients]
    _insert(ReferralChange, [
        dict(referral_id=r, from_status=before, to_status=to, changed_by_id=worker,
             changed_at=_at(on, 11), reason="")
        for r, p in zip(referrals, found, strict=True)
        for before, (to, on) in zip(_froms(p), p.path, strict=True)
    ])  # fmt: skip
    planned = [(r, p, f) for r, p in zip(referrals, found, strict=True) for f in p.follow_ups]
    _insert(FollowUp, [
        dict(referral_id=r, day_offset=f.day, due_on=f.due_on, status=_status(p, f),
             completed_on=f.due_on if f.status == "done" else None,
             attended_first_meeting=f.attended, first_meeting_on=f.first_meeting_on,
             meetings_since=None, attending_weekly=f.weekly, has_sponsor_or_mentor=f.sponsor,
             doing_service=None, satisfaction=f.satisfaction, barriers="",
             recorded_by_id=worker if f.status == "done" else None)
        for r, p, f in planned
    ])  # fmt: skip
    by_day = _ids(FollowUp.referral_id, FollowUp.day_offset, FollowUp.id,
                  where=FollowUp.referral_id.in_(referrals))  # fmt: skip
    follow_ups = [by_day[(r, f.day)] for r, _p, f in planned]
    _insert(ContactAttempt, [
        dict(follow_up_id=i, at=_at(f.due_on + timedelta(days=n)), method="phone",
             reached=False, by_id=worker)
        for i, (_r, _p, f) in zip(follow_ups, planned, strict=True) for n in range(f.attempts)
    ])  # fmt: skip


def _status(p: Planned, f: PlannedFollowUp) -> str:
    """A follow-up still ahead of a referral that has closed was cancelled with it."""
    return "cancelled" if p.closed_reason and f.status == "due" else f.status


def load_history(data: Record, today: date) -> int:
    """Add the generated referrals of each service in `data` that has none yet; how many."""
    added = 0
    for spec in data["organisations"]:
        org = db.session.scalar(select(Organisation).filter_by(slug=spec["organisation"]))
        if org is None:
            raise ValueError(f"referrals.json history names unknown {spec['organisation']!r}.")
        there = db.session.scalar(
            select(Client.id).where(
                Client.organisation_id == org.id, Client.reference == f"{spec['prefix']}0001"
            )
        )
        if there is not None:
            continue
        worker = find_user(spec["worker"]) if spec.get("worker") else None
        slugs = _meetings(spec["towns"])
        if not slugs:
            raise ValueError(f"No meetings in {spec['towns']} for the referral history.")
        rows = db.session.execute(select(Meeting.slug, Meeting.id).where(Meeting.slug.in_(slugs)))
        ids = {slug: meeting_id for slug, meeting_id in rows}
        found = plan(spec, slugs, int(data["random_seed"]), int(data["days"]), today)
        _write(found, org, worker.id if worker else None, ids)
        added += len(found)
    return added


def _froms(p: Planned) -> list[str]:
    """The status each step of the path left."""
    return [Status.DRAFT.value] + [to for to, _on in p.path[:-1]]
