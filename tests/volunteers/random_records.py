"""Random volunteer records for checking fast rules against the plain ones (seeded, small).

Every branch of `may_accompany` is hit often: paused, stages, no placement or several, roles
and hosts with their own requirements, checks missing, expired, renewed, recorded twice on one
day, supervision overdue or never started.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.volunteers.models import Stage, Volunteer
from community_hub.volunteers.placement_models import (
    Placement,
    PlacementStatus,
    SupervisionSession,
)
from community_hub.volunteers.requirement_models import Check, RequirementType, RoleRequirement

ROLES = ("peer_mentor", "cafe_host", "driver")
STAGES = [s.value for s in Stage]


def programme(rng: random.Random, index: int) -> tuple[Organisation, list[Organisation]]:
    """A peer group with requirements for some roles and hosts, and two hosts."""
    org = Organisation(name=f"Random group {index}", slug=f"random-{index}", kind="peer_group")
    hosts = [
        Organisation(name=f"Random host {index}-{h}", slug=f"random-{index}-{h}", kind="community")
        for h in range(2)
    ]
    db.session.add_all([org, *hosts])
    db.session.flush()
    for code in range(rng.randint(0, 4)):
        requirement = RequirementType(
            organisation_id=org.id, code=f"r{code}", name=f"R{code}",
            validity_days=rng.choice([None, 365]),
        )  # fmt: skip
        db.session.add(requirement)
        db.session.flush()
        for _ in range(rng.randint(1, 2)):
            db.session.add(
                RoleRequirement(
                    requirement_type_id=requirement.id,
                    role=rng.choice(["", "", "accompanying", *ROLES]),
                    host_organisation_id=rng.choice([None, None, hosts[0].id, hosts[1].id]),
                )
            )
    db.session.flush()
    return org, hosts


def volunteer(
    rng: random.Random, org: Organisation, hosts: list[Organisation], today: date, name: str
) -> Volunteer:
    """One volunteer with random stage, pause, placements, supervision and checks."""
    person = Volunteer(
        organisation_id=org.id,
        first_name=name,
        stage=rng.choice([Stage.ACTIVE.value, Stage.PEER_MENTOR.value, *STAGES]),
        paused_at=datetime(2026, 1, 1) if rng.random() < 0.1 else None,
    )
    db.session.add(person)
    db.session.flush()
    statuses = [PlacementStatus.ACTIVE.value] * 3 + [PlacementStatus.ENDED.value]
    for _ in range(rng.choice([0, 1, 1, 1, 2])):
        started = today - timedelta(days=rng.randint(0, 90)) if rng.random() < 0.9 else None
        host = rng.choice(hosts).id
        placement = Placement(
            volunteer_id=person.id, organisation_id=org.id, host_organisation_id=host,
            role=rng.choice(ROLES), status=rng.choice(statuses), started_on=started,
            supervision_every_days=rng.choice([14, 28, 56]),
        )  # fmt: skip
        db.session.add(placement)
        db.session.flush()
        for _ in range(rng.choice([0, 0, 1, 2])):
            held = today - timedelta(days=rng.randint(0, 70))
            db.session.add(SupervisionSession(placement_id=placement.id, held_on=held))
    requirements = db.session.scalars(
        db.select(RequirementType.id).where(RequirementType.organisation_id == org.id)
    ).all()
    for requirement_id in requirements:
        for _ in range(rng.choice([0, 1, 1, 1, 2, 3])):
            completed = today - timedelta(days=rng.choice([0, 5, 5, 30, 400, 800]))
            expires = rng.choice([None, completed + timedelta(days=rng.choice([1, 10, 365]))])
            db.session.add(
                Check(
                    volunteer_id=person.id, requirement_type_id=requirement_id,
                    completed_on=completed, expires_on=expires,
                    renewal_started_on=today if rng.random() < 0.1 else None,
                )
            )  # fmt: skip
    db.session.flush()
    return person


def cleared_volunteer(
    org: Organisation, hosts: list[Organisation], today: date, name: str
) -> Volunteer:
    """A volunteer who meets everything: mentor, placed, supervised, every check current."""
    person = Volunteer(organisation_id=org.id, first_name=name, stage=Stage.PEER_MENTOR.value)
    db.session.add(person)
    db.session.flush()
    db.session.add(
        Placement(
            volunteer_id=person.id, organisation_id=org.id, host_organisation_id=hosts[0].id,
            role=ROLES[0], status=PlacementStatus.ACTIVE.value,
            started_on=today - timedelta(days=7),
        )
    )  # fmt: skip
    for requirement_id in db.session.scalars(
        db.select(RequirementType.id).where(RequirementType.organisation_id == org.id)
    ):
        db.session.add(
            Check(volunteer_id=person.id, requirement_type_id=requirement_id, completed_on=today)
        )
    db.session.flush()
    return person
