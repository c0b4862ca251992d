"""Factories for volunteering: the programme of tests/volunteers, its opportunities and the
public's applications."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import db
from community_hub.volunteering import services
from community_hub.volunteering.models import Opportunity, VolunteeringApplication
from community_hub.volunteers.models import Source
from community_hub.volunteers.services import VolunteerData, add_volunteer
from tests.volunteers import conftest as volunteers
from tests.volunteers.conftest import Programme
from tests.volunteers.factories import TODAY

# The volunteer programme's fixtures, shared with tests/volunteers.
programme = volunteers.programme
make_requirement = volunteers.make_requirement
make_volunteer = volunteers.make_volunteer


@pytest.fixture
def make_opportunity(programme: Programme) -> Callable[..., Opportunity]:
    """An opportunity saved through the service (so it is placed by the geocoder)."""

    def build(organisation: Organisation | None = None, **fields: Any) -> Opportunity:
        fields.setdefault("title", "Peer mentor")
        fields.setdefault("area", "Doncaster and Mexborough")
        fields.setdefault("centre_place", "Doncaster")
        fields.setdefault("description", "Go with people new to recovery to a first meeting.")
        fields.setdefault("time_asked", "3 hours a week, weekday afternoons")
        opportunity = services.create_opportunity(
            services.OpportunityData(**fields), organisation or programme.org, TODAY
        )
        db.session.commit()
        return opportunity

    return build


@pytest.fixture
def application_form() -> Callable[..., dict[str, str]]:
    """A good application, as the public form sends it; override any field."""

    def build(**fields: str) -> dict[str, str]:
        form = {
            "first_name": "Kerry",
            "contact_method": "phone",
            "reply_phone": "07700 900456",
            "reply_email": "",
            "availability": "Tuesday and Thursday afternoons",
            "about": "Two years sober; I would like to give something back.",
            "consent": "y",
        }
        form.update(fields)
        return {k: v for k, v in form.items() if v is not None}

    return build


@pytest.fixture
def make_application(programme: Programme, make_opportunity: Callable[..., Opportunity]) -> Any:
    """An application made `days_ago`, as the service records it (without the email)."""

    def build(days_ago: int = 0, **volunteer: Any) -> VolunteeringApplication:
        opportunity = make_opportunity()
        volunteer.setdefault("first_name", "Kerry")
        volunteer.setdefault("email", "kerry@example.org")
        volunteer.setdefault("availability", "Weekday afternoons")
        person = add_volunteer(
            VolunteerData(**volunteer), programme.org, None, "Applied online: Peer mentor",
            source=Source.APPLICATION.value,
        )  # fmt: skip
        when = utcnow() - timedelta(days=days_ago)
        person.created_at = when
        application = VolunteeringApplication(
            opportunity=opportunity, volunteer=person, organisation_id=programme.org.id,
            about="I was in recovery myself.", consent_at=when, created_at=when,
        )  # fmt: skip
        db.session.add(application)
        db.session.commit()
        return application

    return build
