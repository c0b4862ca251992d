"""Each volunteer's stored "cleared until" date: the last day `may_accompany` says yes.

Nothing in the rules depends on today except expiry dates and supervision due dates, and both
only ever end a clearance, so a volunteer is cleared on a day exactly when the day is on or
before one date: the earliest expiry of a check they need and the earliest supervision due
date of their active placements (FOREVER when neither ends). The date is None when they are
not cleared on any day (paused, not at an accompanying stage, no active placement, or a
requirement with no check at all).

Kept in the same transaction as every write it depends on: a session hook (`after_flush`)
looks at the volunteers, placements, supervision sessions, checks and requirements the flush
touched and recomputes the volunteers concerned. Writes that bypass the session (bulk inserts)
call `recompute`, or `flask recompute-clearance` recomputes everyone. Each peer listing keeps
a copy of its volunteer's date (kept by the same hook) for matching's index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import Connection, bindparam, event, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from community_hub.extensions import db
from community_hub.people.models import PeerSupporter
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.placement_models import (
    Placement,
    PlacementStatus,
    SupervisionSession,
)
from community_hub.volunteers.requirement_models import Check, RequirementType, RoleRequirement
from community_hub.volunteers.requirements import ACCOMPANY_ROLE, ACCOMPANYING_STAGES

FOREVER = date(9999, 12, 31)
BATCH = 2_000  # volunteers per round of statements (SQLite takes 32,766 values at most)


@dataclass(frozen=True)
class _Placement:
    role: str
    host_id: int
    due: date | None  # the next supervision (None: never started, never supervised)


def _chunks(ids: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def compute(connection: Connection, volunteer_ids: Iterable[int]) -> dict[int, date | None]:
    """Each volunteer's cleared-until date (None: not cleared), five statements per batch."""
    found: dict[int, date | None] = {}
    for ids in _chunks(sorted(set(volunteer_ids)), BATCH):
        found.update(_compute_batch(connection, ids))
    return found


def _compute_batch(connection: Connection, ids: list[int]) -> dict[int, date | None]:
    people = connection.execute(
        select(Volunteer.id, Volunteer.organisation_id, Volunteer.paused_at, Volunteer.stage)
        .where(Volunteer.id.in_(ids))
    ).all()  # fmt: skip
    active = PlacementStatus.ACTIVE.value
    last_session = (
        select(func.max(SupervisionSession.held_on))
        .where(SupervisionSession.placement_id == Placement.id)
        .scalar_subquery()
    )
    placements: dict[int, list[_Placement]] = defaultdict(list)
    for vid, role, host, started, every, last in connection.execute(
        select(
            Placement.volunteer_id, Placement.role, Placement.host_organisation_id,
            Placement.started_on, Placement.supervision_every_days, last_session,
        ).where(Placement.volunteer_id.in_(ids), Placement.status == active)
    ):  # fmt: skip
        since = last if last is not None else started
        due = since + timedelta(days=every) if since is not None else None
        placements[vid].append(_Placement(role, host, due))
    organisations = sorted({org for _id, org, _paused, _stage in people})
    requirements: dict[int, list[tuple[int, str, int | None]]] = defaultdict(list)
    for owner, type_id, role, at in connection.execute(
        select(RequirementType.organisation_id, RoleRequirement.requirement_type_id,
               RoleRequirement.role, RoleRequirement.host_organisation_id)
        .join(RequirementType, RequirementType.id == RoleRequirement.requirement_type_id)
        .where(RequirementType.organisation_id.in_(organisations))
    ):  # fmt: skip
        requirements[owner].append((type_id, role, at))
    latest: dict[tuple[int, int], date | None] = {}  # the latest check's expiry
    for vid, type_id, expires in connection.execute(
        select(Check.volunteer_id, Check.requirement_type_id, Check.expires_on)
        .where(Check.volunteer_id.in_(ids))
        .order_by(Check.completed_on, Check.id)
    ):  # fmt: skip
        latest[(vid, type_id)] = expires
    return {
        vid: _until(vid, paused, stage, placements[vid], requirements[org], latest)
        for vid, org, paused, stage in people
    }


def _until(
    vid: int,
    paused: Any,
    stage: str,
    placements: list[_Placement],
    requirements: list[tuple[int, str, int | None]],
    latest: dict[tuple[int, int], date | None],
) -> date | None:
    """The rules of `requirements.may_accompany`, with the day left open."""
    if paused is not None or stage not in ACCOMPANYING_STAGES or not placements:
        return None
    until = FOREVER
    for placement in placements:
        roles = ("", placement.role, ACCOMPANY_ROLE)
        for type_id, role, host in requirements:
            if role not in roles or (host is not None and host != placement.host_id):
                continue
            if (vid, type_id) not in latest:
                return None
            expires = latest[(vid, type_id)]
            if expires is not None:
                until = min(until, expires)
        if placement.due is not None:
            until = min(until, placement.due)
    return until


def recompute(session: Session, volunteer_ids: Iterable[int]) -> int:
    """Store the date for these volunteers (and on any of them loaded in the session)."""
    connection = session.connection()
    ids = sorted(set(volunteer_ids))
    values = compute(connection, ids)
    stored: dict[int, date | None] = {}
    for batch in _chunks(ids, BATCH):
        rows = connection.execute(
            select(Volunteer.id, Volunteer.cleared_until).where(Volunteer.id.in_(batch))
        )
        stored.update((vid, until) for vid, until in rows)
    changed = [{"vid": v, "until": until} for v, until in values.items() if stored.get(v) != until]
    if changed:
        table = Volunteer.__table__
        stmt = (
            update(table)  # type: ignore[arg-type]
            .where(table.c.id == bindparam("vid"))
            # A derived value: the volunteer's record itself has not been edited.
            .values(cleared_until=bindparam("until"), updated_at=table.c.updated_at)
        )
        connection.execute(stmt, changed)
        peers = PeerSupporter.__table__
        connection.execute(
            update(peers)  # type: ignore[arg-type]
            .where(peers.c.volunteer_id == bindparam("vid"))
            .values(cleared_until=bindparam("until"), updated_at=peers.c.updated_at),
            changed,
        )
    for obj in session.identity_map.values():
        if isinstance(obj, Volunteer) and obj.id in values:
            set_committed_value(obj, "cleared_until", values[obj.id])
        elif isinstance(obj, PeerSupporter) and obj.volunteer_id in values:
            set_committed_value(obj, "cleared_until", values[obj.volunteer_id])
    return len(changed)


def recompute_all(session: Session) -> int:
    """Every volunteer's date, in batches, and every peer's copy: how many volunteers changed."""
    ids = list(session.execute(select(Volunteer.id).order_by(Volunteer.id)).scalars())
    changed = sum(recompute(session, batch) for batch in _chunks(ids, BATCH))
    copy_to_peers(session, None)
    return changed


def copy_to_peers(session: Session, peer_ids: Iterable[int] | None) -> None:
    """These peers (all with None) take their volunteer's date, None without a volunteer."""
    peers = PeerSupporter.__table__
    own = select(Volunteer.cleared_until).where(Volunteer.id == peers.c.volunteer_id)
    stmt = update(peers).values(  # type: ignore[arg-type]
        cleared_until=own.scalar_subquery(), updated_at=peers.c.updated_at
    )
    loaded = {
        obj.id: obj for obj in session.identity_map.values() if isinstance(obj, PeerSupporter)
    }
    if peer_ids is not None:
        wanted = sorted(set(peer_ids))
        stmt = stmt.where(peers.c.id.in_(wanted))
        loaded = {pid: loaded[pid] for pid in wanted if pid in loaded}
    connection = session.connection()
    connection.execute(stmt)
    if loaded:
        rows = connection.execute(
            select(peers.c.id, peers.c.cleared_until).where(peers.c.id.in_(sorted(loaded)))
        )
        for pid, until in rows:
            set_committed_value(loaded[pid], "cleared_until", until)


# Rows whose changes can change a volunteer's date.
_WATCHED = (Volunteer, Placement, SupervisionSession, Check, RequirementType, RoleRequirement)


def _touched_peers(session: Session) -> set[int]:
    """Peers new in this flush or linked to another volunteer."""
    found = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, PeerSupporter) and obj not in session.deleted:
            history = db.inspect(obj).attrs["volunteer_id"].history
            if obj in session.new or history.added or history.deleted:
                found.add(obj.id)
    return found


def _touched(session: Session) -> tuple[set[int], set[int], set[int], set[int]]:
    """Volunteers, placements, organisations and requirement types this flush touched."""
    volunteers: set[int] = set()
    placements: set[int] = set()
    organisations: set[int] = set()
    types: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, _WATCHED):
            continue
        if isinstance(obj, Volunteer):
            if obj not in session.deleted:
                volunteers.add(obj.id)
        elif isinstance(obj, Placement | Check):
            volunteers.update(_old_and_new(obj, "volunteer_id"))
        elif isinstance(obj, SupervisionSession):
            placements.update(_old_and_new(obj, "placement_id"))
        elif isinstance(obj, RequirementType):
            organisations.update(_old_and_new(obj, "organisation_id"))
        else:
            types.update(_old_and_new(obj, "requirement_type_id"))
    return volunteers, placements, organisations, types


def _old_and_new(obj: Any, name: str) -> set[int]:
    """The attribute's value now and, if this flush changed it, before."""
    history = db.inspect(obj).attrs[name].history
    return {v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None}


@event.listens_for(Session, "after_flush")
def _keep(session: Session, _flush_context: Any) -> None:
    peers = _touched_peers(session)
    if peers:
        copy_to_peers(session, peers)
    volunteers, placements, organisations, types = _touched(session)
    if not (volunteers or placements or organisations or types):
        return
    connection = session.connection()
    if placements:
        volunteers.update(
            connection.execute(
                select(Placement.volunteer_id).where(Placement.id.in_(sorted(placements)))
            ).scalars()
        )
    if types:
        organisations.update(
            connection.execute(
                select(RequirementType.organisation_id).where(RequirementType.id.in_(sorted(types)))
            ).scalars()
        )
    if organisations:
        volunteers.update(
            connection.execute(
                select(Volunteer.id).where(Volunteer.organisation_id.in_(sorted(organisations)))
            ).scalars()
        )
    recompute(session, volunteers)


@click.command("recompute-clearance")
@with_appcontext
def recompute_clearance_command() -> None:
    """Recompute every volunteer's stored cleared-until date (after bulk writes)."""
    count = recompute_all(db.session())
    db.session.commit()
    click.echo(f"Recomputed {count} volunteers.")
