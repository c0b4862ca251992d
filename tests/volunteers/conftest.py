"""Factories for the volunteer programme: a group, its requirements, volunteers, placements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from community_hub.auth.models import Organisation, User
from community_hub.extensions import db
from community_hub.volunteers import services
from community_hub.volunteers.course_models import Course
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.placement_models import Placement, PlacementStatus
from community_hub.volunteers.requirement_models import (
    RequirementKind,
    RequirementType,
    RoleRequirement,
)
from tests.volunteers.factories import TODAY


@dataclass
class Programme:
    org: Organisation
    host: Organisation
    coordinator: User
    other_org: Organisation
    other_coordinator: User


@pytest.fixture
def programme(make_org: Callable[..., Organisation], make_user: Callable[..., User]) -> Programme:
    """A peer group with a coordinator, a host, and a second group that must see none of it."""
    org = make_org(name="Don Valley Recovery Mentors", slug="dvrm")
    host = make_org(name="Beacon Recovery Café", slug="beacon", kind="community")
    other = make_org(name="Bay Peers", slug="bay-peers")
    coordinator = make_user("coordinator", organisation=org, email="jo@example.org")
    other_coordinator = make_user("coordinator", organisation=other, email="rhi@example.org")
    return Programme(org, host, coordinator, other, other_coordinator)


@pytest.fixture
def make_requirement(programme: Programme) -> Callable[..., RequirementType]:
    def build(
        code: str = "dbs",
        role: str = "peer_mentor",
        validity: int | None = 1095,
        kind: str = RequirementKind.DBS.value,
        organisation: Organisation | None = None,
        **fields: Any,
    ) -> RequirementType:
        organisation = organisation or programme.org
        requirement = RequirementType(
            organisation_id=organisation.id,
            code=code,
            name=fields.pop("name", code.upper()),
            kind=kind,
            validity_days=validity,
            renewal_window_days=fields.pop("window", 60),
        )
        db.session.add(requirement)
        db.session.add(RoleRequirement(requirement_type=requirement, role=role, **fields))
        db.session.flush()
        return requirement

    return build


@pytest.fixture
def make_volunteer(programme: Programme) -> Callable[..., Volunteer]:
    counter = iter(range(1, 10_000))

    def build(organisation: Organisation | None = None, **fields: Any) -> Volunteer:
        n = next(counter)
        stage = fields.pop("stage", None)
        user = fields.pop("user", None)
        fields.setdefault("first_name", f"Volunteer{n}")
        fields.setdefault("email", f"volunteer{n}@example.org")
        volunteer = services.add_volunteer(
            services.VolunteerData(**fields), organisation or programme.org, programme.coordinator
        )
        if stage:
            volunteer.stage = stage
        if user is not None:
            volunteer.user_id = user.id
        db.session.commit()
        return volunteer

    return build


@pytest.fixture
def make_placement(programme: Programme) -> Callable[..., Placement]:
    def build(
        volunteer: Volunteer, status: str = PlacementStatus.PROPOSED.value, **fields: Any
    ) -> Placement:
        fields.setdefault("role", "peer_mentor")
        fields.setdefault("host_organisation_id", programme.host.id)
        if status in (PlacementStatus.ACTIVE.value, PlacementStatus.ON_HOLD.value):
            fields.setdefault("started_on", TODAY - timedelta(days=10))
        placement = Placement(
            volunteer=volunteer, organisation_id=volunteer.organisation_id, status=status, **fields
        )
        db.session.add(placement)
        db.session.commit()
        return placement

    return build


@pytest.fixture
def make_course(programme: Programme) -> Callable[..., Course]:
    def build(**fields: Any) -> Course:
        fields.setdefault("name", "Peer Support Level 2")
        fields.setdefault("organisation_id", programme.org.id)
        course = Course(**fields)
        db.session.add(course)
        db.session.commit()
        return course

    return build
