"""Referral fixtures: a worker at a treatment service, a meeting, and cleared peers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from community_hub.auth.models import Organisation, User
from community_hub.extensions import db
from community_hub.meetings.models import Meeting
from community_hub.people.models import PeerSupporter
from community_hub.referrals import consent, services
from community_hub.referrals.services import ClientData, ReferralData
from community_hub.volunteers import services as volunteer_services
from community_hub.volunteers.models import Stage
from community_hub.volunteers.placement_models import Placement, PlacementStatus
from tests.helpers import today

# The day the matching tests match on.
MATCH_DAY = date(2026, 11, 23)


@pytest.fixture
def worker(make_user: Callable[..., User], make_org: Callable[..., Organisation]) -> User:
    return make_user(
        "worker",
        organisation=make_org(name="Don Valley Treatment", slug="dvt", kind="treatment"),
    )


@pytest.fixture
def meeting(make_meeting: Callable[..., Meeting]) -> Meeting:
    return make_meeting(name="Hope Group", venue_latitude=53.52, venue_longitude=-1.13)


@pytest.fixture
def peer_group(make_org: Callable[..., Organisation]) -> Organisation:
    return make_org(name="Peer group", slug="peers")


@pytest.fixture
def peer_coordinator(make_user: Callable[..., User], peer_group: Organisation) -> User:
    return make_user("coordinator", organisation=peer_group)


@pytest.fixture
def cleared_peer(
    make_org: Callable[..., Organisation], peer_group: Organisation, peer_coordinator: User
) -> Callable[..., PeerSupporter]:
    """A peer supporter whose volunteer record clears them to accompany a client."""
    host = make_org(name="Host", slug="host")

    def build(
        name: str = "Kerry",
        languages: str = ",en,",
        pathways: str = ",aa,",
        gender: str = "",
        cleared: bool = True,
        lat: float = 53.53,
        user: User | None = None,
    ) -> PeerSupporter:
        volunteer = volunteer_services.add_volunteer(
            volunteer_services.VolunteerData(first_name=name, contact_preference="none"),
            peer_group,
            peer_coordinator,
        )
        volunteer.user_id = user.id if user else None
        volunteer_services.change_stage(volunteer, Stage.PEER_MENTOR.value, peer_coordinator)
        if cleared:
            db.session.add(
                Placement(
                    volunteer=volunteer,
                    organisation_id=peer_group.id,
                    host_organisation_id=host.id,
                    role="peer_mentor",
                    status=PlacementStatus.ACTIVE.value,
                    started_on=today() - timedelta(days=7),
                )
            )
        peer = PeerSupporter(
            organisation_id=peer_group.id,
            slug=f"peer-{name.lower()}",
            display_name=name,
            area="Doncaster",
            languages=languages,
            pathways=pathways,
            gender=gender,
            volunteer_id=volunteer.id,
            consent_at=datetime.now(UTC).replace(tzinfo=None),  # listed: matching needs it
        )
        peer.place_at(lat, -1.13)
        db.session.add(peer)
        db.session.flush()
        return peer

    return build


def meeting_date(meeting: Meeting, after_days: int = 1) -> date:
    """The meeting's first date at least `after_days` from today (a planned date must be one)."""
    from community_hub.meetings.occurrences import next_date

    return next_date(meeting, today() + timedelta(days=after_days))


def form(**fields: Any) -> dict[str, Any]:
    """Form data with booleans as browsers send them (present when checked, absent when not)."""
    return {k: ("y" if v is True else v) for k, v in fields.items() if v is not False}


@pytest.fixture
def make_referral(worker):
    """An accompanied referral to a meeting, with consent to share with a peer (MATCH_DAY)."""

    def build(meeting, preference="", reference="DV-1", language="en"):
        client = services.add_client(
            ClientData(reference=reference, preferred_language=language), worker
        )
        consent.give(client, "share_with_peer", MATCH_DAY, "verbal in session", worker, MATCH_DAY)
        data = ReferralData(
            link_method="accompanied", made_by="peer", meeting_id=meeting.id,
            peer_gender_preference=preference,
        )  # fmt: skip
        return services.make_referral(client, data, worker, MATCH_DAY)

    return build


@pytest.fixture
def refer(make_referral):
    """make_referral with a new client reference each time."""
    counter = iter(range(1, 1000))

    def build(meeting, preference="", language="en"):
        return make_referral(meeting, preference, f"SC-{next(counter)}", language)

    return build
