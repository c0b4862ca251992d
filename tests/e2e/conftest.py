"""Fixtures for journeys in real headless Chromium against the app served on 127.0.0.1.

The seeded demo site runs once per test session (not once per database backend) on a SQLite
file, so the server thread and the test share one database; `empty_server` is a new site with
no data at all, for one test. CSRF stays on: a real browser must carry it.

This module serves the site; the browser and its pages (`browser`, `new_page`, `axe`,
`page_log`, `screenshot`) are in browser_fixtures.py, imported below so that they are fixtures
here and only here. (A `pytest_plugins` list would not do: pytest refuses one outside the
top-level conftest when the whole suite runs.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from community_hub import create_app
from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting, Venue
from tests.e2e.browser_fixtures import axe, browser, new_page, page_log, screenshot

__all__ = ["axe", "browser", "new_page", "page_log", "screenshot"]


@dataclass
class LiveServer:
    url: str
    app: Flask
    meetings: dict[str, str] = field(default_factory=dict)  # slug -> name


def _seed() -> dict[str, str]:
    """A few meetings in and around Doncaster, one in Leeds and one online: slug -> name."""
    org = Organisation(name="Doncaster Intergroup", slug="doncaster", kind="fellowship")
    aa = Fellowship(slug="aa", name="Alcoholics Anonymous", short_name="AA", type_codes="O,C,W,X")
    na = Fellowship(slug="na", name="Narcotics Anonymous", short_name="NA", type_codes="O,C,W,X")
    today = datetime.now(UTC).date()

    def venue(name: str, city: str, postcode: str, lat: float, lng: float) -> Venue:
        return Venue(
            name=name, address="1 Church Street", city=city, postcode=postcode,
            region="Yorkshire and Humber", latitude=lat, longitude=lng, timezone="Europe/London",
        )  # fmt: skip

    town_hall = venue("Town Hall", "Doncaster", "DN1 3AA", 53.5228, -1.1285)
    church = venue("St Peter's Church", "Doncaster", "DN4 5PL", 53.5150, -1.1100)
    bentley = venue("Bentley Pavilion", "Bentley", "DN5 0AA", 53.5440, -1.1500)
    leeds = venue("Civic Hall", "Leeds", "LS1 1UR", 53.8008, -1.5491)
    meetings = {
        "doncaster-aa": ("Doncaster Monday Serenity", aa, town_hall, 1, ["O", "X"], ""),
        "doncaster-na": ("Doncaster Tuesday Just for Today", na, church, 2, ["O"], ""),
        "bentley-aa": ("Bentley Tuesday Big Book", aa, bentley, 2, ["C"], ""),
        "leeds-na": ("Leeds Tuesday Hope", na, leeds, 2, ["O"], ""),
        "online-aa": ("Online Early Risers", aa, None, 0, ["O"], "https://meet.example.org/early"),
    }
    for slug, (name, fellowship, place, day, types, url) in meetings.items():
        meeting = Meeting(
            slug=slug, name=name, fellowship=fellowship, organisation=org, venue=place, day=day,
            start_time=time(19, 30), end_time=time(20, 30), timezone="Europe/London",
            conference_url=url, last_confirmed=today,
        )  # fmt: skip
        meeting.type_list = types
        db.session.add(meeting)
    _seed_monthly(org, aa, church, today)
    db.session.commit()
    _seed_people(today)
    return {slug: spec[0] for slug, spec in meetings.items()}


MONTHLY = ("doncaster-first-saturday", "Doncaster First Saturday Speakers")


def _seed_monthly(org: Organisation, aa: Fellowship, place: Venue, today: Any) -> None:
    """A meeting on the first Saturday of the month, with its second coming date cancelled."""
    from datetime import timedelta

    from community_hub.meetings.one_offs import ChangeData, add_change
    from community_hub.meetings.schedule import regular_dates

    meeting = Meeting(
        slug=MONTHLY[0], name=MONTHLY[1], fellowship=aa, organisation=org, venue=place, day=6,
        monthly_week=1, start_time=time(10), end_time=time(11, 30), timezone="Europe/London",
        last_confirmed=today,
    )  # fmt: skip
    meeting.type_list = ["O"]
    db.session.add(meeting)
    dates = regular_dates(6, 1, today + timedelta(days=1))
    next(dates)
    add_change(meeting, ChangeData("cancelled", next(dates), note="Hall booked"), None, today)


WORKER = ("worker@example.org", "correct-horse-battery")


def _seed_people(today: Any) -> None:
    """A treatment worker, and a peer group with Kerry, who is cleared to go with clients."""
    from datetime import timedelta

    from community_hub.auth.services import create_user
    from community_hub.people.models import PeerSupporter
    from community_hub.volunteers import services as volunteers
    from community_hub.volunteers.models import Stage
    from community_hub.volunteers.placement_models import Placement, PlacementStatus

    treatment = Organisation(name="Don Valley Treatment", slug="dvt", kind="treatment")
    peers = Organisation(name="Doncaster Peers", slug="peers", kind="peer_group")
    db.session.add_all([treatment, peers])
    create_user(*WORKER, "worker", "Sam", treatment)
    coordinator = create_user("jo@example.org", WORKER[1], "coordinator", "Jo", peers)
    db.session.flush()
    kerry = volunteers.add_volunteer(
        volunteers.VolunteerData(first_name="Kerry", contact_preference="none"), peers, coordinator
    )
    volunteers.change_stage(kerry, Stage.PEER_MENTOR.value, coordinator)
    db.session.add(
        Placement(
            volunteer=kerry, organisation_id=peers.id, host_organisation_id=treatment.id,
            role="peer_mentor", status=PlacementStatus.ACTIVE.value,
            started_on=today - timedelta(days=7),
        )
    )  # fmt: skip
    peer = PeerSupporter(
        organisation_id=peers.id, slug="kerry", display_name="Kerry", area="Doncaster",
        languages=",en,", pathways=",na,", volunteer_id=kerry.id,
        consent_at=datetime.now(UTC).replace(tzinfo=None),
    )  # fmt: skip
    peer.place_at(53.52, -1.12)
    db.session.add(peer)
    db.session.commit()
    _seed_volunteers(today, peers, coordinator)


VOLUNTEER = ("dee@example.org", WORKER[1])
COORDINATOR = ("jo@example.org", WORKER[1])
# Volunteers whose café placement waits in induction while their DBS check has expired: one for
# the journey with JavaScript and one for the journey without.
EXPIRED_DBS = ("Alex", "Bea")


def _seed_volunteers(today: Any, peers: Organisation, coordinator: Any) -> None:
    """A recovery café hosting placements: Alex and Bea are held up by an expired DBS check,
    and Dee, who signs in, is active there and logs her own hours.

    The DBS requirement applies only to the café role, so Kerry stays cleared to accompany.
    """
    from datetime import timedelta

    from community_hub.auth.services import create_user
    from community_hub.volunteers import services as volunteers
    from community_hub.volunteers.models import Stage
    from community_hub.volunteers.placement_models import (
        Placement,
        PlacementChange,
        PlacementStatus,
    )
    from community_hub.volunteers.requirement_models import (
        Check,
        RequirementKind,
        RequirementType,
        RoleRequirement,
    )

    cafe = Organisation(name="Riverside Recovery Café", slug="riverside-cafe", kind="community")
    dbs = RequirementType(
        organisation=peers, code="dbs", name="DBS check", kind=RequirementKind.DBS.value,
        validity_days=3 * 365,
    )  # fmt: skip
    db.session.add_all([cafe, dbs, RoleRequirement(requirement_type=dbs, role="cafe_host")])

    def volunteer(name: str) -> Any:
        person = volunteers.add_volunteer(
            volunteers.VolunteerData(first_name=name, contact_preference="none"), peers, coordinator
        )
        volunteers.change_stage(person, Stage.ACTIVE.value, coordinator)
        return person

    def placement(person: Any, role: str, status: PlacementStatus, **dates: Any) -> None:
        placed = Placement(
            volunteer=person, organisation_id=peers.id, host=cafe, role=role, status=status.value,
            supervisor_name="Pat", **dates,
        )  # fmt: skip
        history = PlacementChange(placement=placed, from_status="", to_status=status.value)
        db.session.add_all([placed, history])

    for name in EXPIRED_DBS:
        person = volunteer(name)
        db.session.add(
            Check(
                volunteer=person, requirement_type=dbs, dbs_level="enhanced",
                certificate_number="001234567890", completed_on=today - timedelta(days=4 * 365),
                expires_on=today - timedelta(days=365),
            )
        )  # fmt: skip
        placement(person, "cafe_host", PlacementStatus.INDUCTION)

    dee = volunteer("Dee")
    dee.user_id = create_user(*VOLUNTEER, "volunteer", "Dee", peers).id
    placement(dee, "cafe_helper", PlacementStatus.ACTIVE, started_on=today - timedelta(days=30))
    db.session.commit()


def _e2e_app(path: Path) -> Flask:
    """The app on a SQLite file, as served to the browser: CSRF on, rate limits off."""
    return create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "e2e-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "RATELIMIT_ENABLED": False,
        }
    )


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on 127.0.0.1 and a free port, in a background thread; yields its address."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The seeded demo site, served for the whole test session."""
    app = _e2e_app(tmp_path_factory.mktemp("e2e") / "hub.sqlite3")
    with app.app_context():
        db.create_all()
        meetings = _seed()
        db.session.remove()
    with serving(app) as url:
        yield LiveServer(url, app, meetings)


@pytest.fixture
def empty_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A new site as an organisation starts one: the tables and nothing in them.

    SITE_URL is the served address, so links in its emails open in the browser.
    """
    app = _e2e_app(tmp_path / "empty.sqlite3")
    with app.app_context():
        db.create_all()
        db.session.remove()
    with serving(app) as url:
        app.config["SITE_URL"] = url
        yield LiveServer(url, app)


@pytest.fixture
def site(live_server: LiveServer) -> LiveServer:
    """The server `new_page` opens pages on; a test module overrides it to use another."""
    return live_server
