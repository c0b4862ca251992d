"""The stored cleared-until date always says what may_accompany says, after any writes.

Random sequences of the writes it depends on (checks, placements, supervision, pauses, stages,
requirements and which volunteer a peer listing belongs to), each flushed through the session;
after each one the stored dates of the programme's volunteers (and their peers' copies), read
back from the database, are compared with may_accompany on several days, the date itself and
the day after it among them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, update

from community_hub.extensions import db
from community_hub.people.models import PeerSupporter
from community_hub.volunteers import cleared_until
from community_hub.volunteers.models import Stage, Volunteer
from community_hub.volunteers.placement_models import (
    Placement,
    PlacementStatus,
    SupervisionSession,
)
from community_hub.volunteers.requirement_models import Check, RequirementType, RoleRequirement
from community_hub.volunteers.requirements import may_accompany
from tests.volunteers import random_records

TODAY = date(2026, 11, 23)
STATUSES = [PlacementStatus.ACTIVE.value] * 3 + [
    PlacementStatus.ON_HOLD.value,
    PlacementStatus.ENDED.value,
]


def _stored(volunteer_id: int) -> date | None:
    return db.session.execute(
        select(Volunteer.cleared_until).where(Volunteer.id == volunteer_id)
    ).scalar_one()


def _agrees(volunteers: list[Volunteer]) -> None:
    db.session.expire_all()  # may_accompany reads loaded collections: read them afresh
    for volunteer in volunteers:
        until = _stored(volunteer.id)
        days = {TODAY - timedelta(days=40), TODAY, TODAY + timedelta(days=9), date(2028, 1, 1)}
        if until is not None and until != cleared_until.FOREVER:
            days |= {until, until + timedelta(days=1)}
        for day in sorted(days):
            expected = may_accompany(volunteer, day).cleared
            assert (until is not None and until >= day) == expected, (volunteer.id, day, until)
        copies = db.session.scalars(
            select(PeerSupporter.cleared_until).where(PeerSupporter.volunteer_id == volunteer.id)
        ).all()
        assert all(copy == until for copy in copies)


def _pick(rng: random.Random, model: type, **where: int) -> object | None:
    stmt = select(model).filter_by(**where).order_by(model.id)  # type: ignore[attr-defined]
    found = db.session.scalars(stmt).all()
    return rng.choice(found) if found else None


def _write(rng: random.Random, org_id: int, hosts: list[int], people: list[Volunteer]) -> None:
    """One random write that may change someone's clearance."""
    person = rng.choice(people)
    kinds = db.session.scalars(
        select(RequirementType.id).where(RequirementType.organisation_id == org_id)
    ).all()
    placement = _pick(rng, Placement, volunteer_id=person.id)
    check = _pick(rng, Check, volunteer_id=person.id)
    op = rng.randrange(12)
    if op == 0 and kinds:
        done = TODAY - timedelta(days=rng.choice([0, 3, 40, 400]))
        expires = rng.choice([None, done + timedelta(days=rng.choice([1, 10, 365]))])
        db.session.add(
            Check(volunteer_id=person.id, requirement_type_id=rng.choice(kinds),
                  completed_on=done, expires_on=expires)
        )  # fmt: skip
    elif op == 1 and check is not None:
        assert isinstance(check, Check)
        check.expires_on = rng.choice([None, TODAY + timedelta(days=rng.randint(-20, 400))])
        check.completed_on = TODAY - timedelta(days=rng.choice([0, 1, 500]))
    elif op == 2 and check is not None:
        db.session.delete(check)
    elif op == 3 and placement is not None:
        assert isinstance(placement, Placement)
        placement.status = rng.choice(STATUSES)
        placement.supervision_every_days = rng.choice([7, 28, 56])
    elif op == 4:
        db.session.add(
            Placement(volunteer_id=person.id, organisation_id=org_id,
                      host_organisation_id=rng.choice(hosts),
                      role=rng.choice(random_records.ROLES), status=rng.choice(STATUSES),
                      started_on=rng.choice([None, TODAY - timedelta(days=rng.randint(0, 60))]))
        )  # fmt: skip
    elif op == 5 and placement is not None:
        held = TODAY - timedelta(days=rng.randint(0, 70))
        db.session.add(SupervisionSession(placement_id=placement.id, held_on=held))  # type: ignore[attr-defined]
    elif op == 6 and placement is not None:
        session = _pick(rng, SupervisionSession, placement_id=placement.id)  # type: ignore[attr-defined]
        if session is not None:
            db.session.delete(session)
    elif op == 7:
        person.paused_at = None if person.paused_at else datetime(2026, 11, 1)
    elif op == 8:
        person.stage = rng.choice(random_records.STAGES)
    elif op == 9 and kinds:
        db.session.add(
            RoleRequirement(requirement_type_id=rng.choice(kinds),
                            role=rng.choice(["", "accompanying", *random_records.ROLES]),
                            host_organisation_id=rng.choice([None, *hosts]))
        )  # fmt: skip
    elif op == 10 and kinds:
        rule = _pick(rng, RoleRequirement, requirement_type_id=rng.choice(kinds))
        if rule is not None:
            db.session.delete(rule)
    elif op == 11:
        peer = _pick(rng, PeerSupporter, organisation_id=org_id)
        if peer is not None:
            assert isinstance(peer, PeerSupporter)
            free = [p.id for p in people if _pick(rng, PeerSupporter, volunteer_id=p.id) is None]
            peer.volunteer_id = rng.choice([None, *free])
    if rng.random() < 0.3:
        db.session.commit()
    else:
        db.session.flush()


def test_stored_date_agrees_with_may_accompany_after_random_writes(app):
    rng = random.Random(2212)
    programmes = []
    for index in range(3):
        org, hosts = random_records.programme(rng, index)
        people = [
            random_records.volunteer(rng, org, hosts, TODAY, f"V{index}-{n}") for n in range(12)
        ]
        for n, person in enumerate(people[:8]):
            db.session.add(
                PeerSupporter(organisation_id=org.id, slug=f"cu-{index}-{n}",
                              display_name=f"P{n}", area="Doncaster", volunteer_id=person.id)
            )  # fmt: skip
        programmes.append((org.id, [h.id for h in hosts], people))
    db.session.commit()
    everyone = [p for _org, _hosts, people in programmes for p in people]
    _agrees(everyone)
    seen: set[bool] = set()
    for _ in range(90):
        org_id, hosts, people = rng.choice(programmes)
        _write(rng, org_id, hosts, people)
        _agrees(people)
        seen.update(_stored(p.id) is not None for p in people)
    _agrees(everyone)
    assert seen == {True, False}  # both cleared and not cleared volunteers were exercised


def test_bulk_writes_are_caught_up_by_the_command(app):
    rng = random.Random(3)
    org, hosts = random_records.programme(rng, 0)
    person = random_records.cleared_volunteer(org, hosts, TODAY, "Ada")
    peer = PeerSupporter(organisation_id=org.id, slug="ada", display_name="Ada", area="Leeds",
                         volunteer_id=person.id)  # fmt: skip
    db.session.add(peer)
    db.session.commit()
    assert _stored(person.id) is not None
    # Writes that bypass the session (as a bulk import would): the stored date goes stale.
    db.session.execute(update(Volunteer).values(stage=Stage.LEFT.value))
    db.session.execute(insert(Volunteer), [{"organisation_id": org.id, "first_name": "Bo"}])
    db.session.commit()
    assert _stored(person.id) is not None
    result = app.test_cli_runner().invoke(args=["recompute-clearance"])
    assert result.exit_code == 0 and "Recomputed 1 volunteers." in result.output
    assert _stored(person.id) is None
    assert db.session.scalar(select(PeerSupporter.cleared_until)) is None
    _agrees(list(db.session.scalars(select(Volunteer))))
