"""Fixtures for journeys in real headless Chromium against the app served on 127.0.0.1.

The seeded demo site runs once per test session (not once per database backend) on a SQLite
file, so the server thread and the test share one database; `empty_server` is a new site with
no data at all, for one test. CSRF stays on: a real browser must carry it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from community_hub import create_app
from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting, Venue
from tests.conftest import need

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(__file__).parent / "screenshots"


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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; never a downloaded browser build."""
    if not CHROMIUM.exists():
        need(f"Chromium not installed at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("Playwright not installed: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# WCAG 2.1 A and AA: what UK public sector accessibility regulations require.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class PageLog:
    """Pages each test opened, and those an accessibility check has looked at."""

    visited: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    without_js: set[int] = field(default_factory=set)  # id() of pages opened with JS disabled

    def unchecked(self) -> list[str]:
        """Pages opened but never checked (a jump to #fragment is the same page)."""
        pages = dict.fromkeys(urldefrag(url).url for url in self.visited)
        return [url for url in pages if url not in self.checked]


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


def _mirror(browser: Any, page: Any) -> Any:
    """The page's HTML as served, in a page where axe can run but the site's own scripts cannot.

    axe-core needs timers, which never fire in a page with JavaScript disabled, so a no-JS page
    is checked as a copy: same URL and stylesheets, same DOM, page scripts blocked.
    """
    html, url = page.content(), page.url
    context = browser.new_context(
        base_url=url, viewport=page.viewport_size, storage_state=page.context.storage_state()
    )
    copy = context.new_page()
    copy.route(
        lambda target: target == url,
        lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
    )
    copy.route("**/*.js", lambda route: route.abort())
    copy.goto(url)
    return copy


@pytest.fixture
def axe(browser: Any, page_log: PageLog) -> Iterator[Callable[[Any], None]]:
    """axe-core (shipped in axe-playwright-python) finds no WCAG 2.1 A/AA failures on the page."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        need("axe-playwright-python not installed: pip install -e '.[dev]'")
    checker = Axe()
    copies: list[Any] = []

    def check(page: Any) -> None:
        target = page
        if id(page) in page_log.without_js:
            target = _mirror(browser, page)
            copies.append(target.context)
        results = checker.run(target, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        page_log.checked.add(urldefrag(page.url).url)
        if results.violations_count:
            pytest.fail(f"axe found problems on {page.url}:\n{results.generate_report()}")

    yield check
    for context in copies:
        context.close()


@pytest.fixture
def new_page(browser: Any, site: LiveServer, page_log: PageLog) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh phone-sized context; extra options go to new_context().

    A script error or a Content-Security-Policy refusal on any page fails the test, and so does
    a page the test opened but never ran the `axe` check on.
    """
    contexts: list[Any] = []
    problems: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    def open_page(**options: Any) -> Any:
        options.setdefault("viewport", PHONE)
        options.setdefault("timezone_id", "Europe/London")
        options.setdefault("locale", "en-GB")
        context = browser.new_context(base_url=site.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if options.get("java_script_enabled") is False:
            page_log.without_js.add(id(page))
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", on_console)
        page.on(
            "framenavigated",
            lambda frame: page_log.visited.append(frame.url) if frame == page.main_frame else None,
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    problems.extend(f"no accessibility check on {url}" for url in page_log.unchecked())
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems))


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """Save the whole page as tests/e2e/screenshots/<name>.png (gitignored) for a person to see."""

    def save(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
