"""Safe matching and the peer's handover, in real headless Chromium.

A worker refers a woman to a women's meeting: only cleared women peers are offered (not Dean,
a man, nor Hattie, a woman whose checks have lapsed, nor Kerry, who gives no gender). The
worker offers it to Fran and sets the meeting point; Fran signs in, sees the new request on her
start page, accepts, sees the handover (meeting, date, meeting point, the duty line, a
calendar entry) and then withdraws with a reason, which sends it back to the worker.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from community_hub.extensions import db
from tests.e2e.conftest import WORKER, LiveServer, _e2e_app, _seed, serving

pytestmark = pytest.mark.browser
FRAN = ("fran@example.org", WORKER[1])
POINT = "Outside the main door at 18:50"


def _seed_linkage() -> None:
    """A women's AA meeting, a duty line, and four more peers: two cleared women (Fran signs
    in), a cleared man, and a woman whose placement has ended."""
    from community_hub.auth.models import Organisation
    from community_hub.auth.services import create_user
    from community_hub.meetings.models import Fellowship, Meeting
    from community_hub.people.models import PeerSupporter
    from community_hub.volunteers import services as volunteers
    from community_hub.volunteers.models import Stage
    from community_hub.volunteers.placement_models import Placement, PlacementStatus

    today = datetime.now(UTC).date()
    treatment = db.session.scalars(select(Organisation).where(Organisation.slug == "dvt")).one()
    treatment.duty_phone = "01302 555 0100"
    peers = db.session.scalars(select(Organisation).where(Organisation.slug == "peers")).one()
    coordinator = peers.users[0]
    aa = db.session.scalars(select(Fellowship).where(Fellowship.slug == "aa")).one()
    intergroup = db.session.scalars(
        select(Organisation).where(Organisation.slug == "doncaster")
    ).one()
    town_hall = db.session.scalars(select(Meeting).where(Meeting.slug == "doncaster-aa")).one()
    womens = Meeting(
        slug="doncaster-aa-women", name="Doncaster Thursday Women", fellowship=aa,
        organisation=intergroup, venue=town_hall.venue, day=4, start_time=time(19, 0),
        end_time=time(20, 0), timezone="Europe/London", last_confirmed=today,
    )  # fmt: skip
    womens.type_list = ["O", "W"]
    db.session.add(womens)
    fran_user = create_user(*FRAN, "volunteer", "Fran", peers)
    for name, gender, cleared, user in (
        ("Fran", "Woman", True, fran_user),
        ("Gail", "female", True, None),
        ("Dean", "Man", True, None),
        ("Hattie", "Woman", False, None),
    ):
        person = volunteers.add_volunteer(
            volunteers.VolunteerData(first_name=name, contact_preference="none"), peers,
            coordinator,
        )  # fmt: skip
        person.user_id = user.id if user else None
        volunteers.change_stage(person, Stage.PEER_MENTOR.value, coordinator)
        db.session.add(
            Placement(
                volunteer=person, organisation_id=peers.id, host_organisation_id=treatment.id,
                role="peer_mentor",
                status=(PlacementStatus.ACTIVE if cleared else PlacementStatus.ENDED).value,
                started_on=today - timedelta(days=7),
            )
        )  # fmt: skip
        peer = PeerSupporter(
            organisation_id=peers.id, slug=f"peer-{name.lower()}", display_name=name,
            area="Doncaster", languages=",en,", pathways=",aa,", gender=gender,
            volunteer_id=person.id, consent_at=datetime.now(UTC).replace(tzinfo=None),
        )  # fmt: skip
        peer.place_at(53.52, -1.12)
        db.session.add(peer)
    db.session.commit()


@pytest.fixture(scope="module")
def linkage_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    app = _e2e_app(Path(tmp_path_factory.mktemp("e2e-linkage")) / "hub.sqlite3")
    with app.app_context():
        db.create_all()
        meetings = _seed()
        _seed_linkage()
        db.session.remove()
    with serving(app) as url:
        app.config["SITE_URL"] = url
        yield LiveServer(url, app, meetings)


@pytest.fixture
def site(linkage_server: LiveServer) -> LiveServer:
    return linkage_server


def sign_in(page: Page, axe, who: tuple[str, str]) -> None:
    page.goto("/login")
    axe(page)
    page.get_by_label("Email").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    axe(page)


def test_a_woman_is_matched_only_with_cleared_women_and_the_peer_hands_back(
    new_page, linkage_server, axe, screenshot
):
    worker = new_page()
    sign_in(worker, axe, WORKER)
    worker.goto("/meetings/doncaster-aa-women")
    axe(worker)
    worker.get_by_role("link", name="Refer a client here").click()
    axe(worker)
    worker.get_by_label("Client reference").fill("DV-3001")
    worker.get_by_label("Accompanied to the first meeting").check()
    worker.get_by_label("A peer supporter", exact=True).check()
    worker.get_by_label("Peer's gender, if the client has a preference").fill("Woman")
    worker.get_by_role("button", name="Make the referral").click()
    # Without consent to share with a peer, nothing is saved and the worker is told why.
    expect(worker.locator(".error-summary")).to_contain_text("A peer can only go with the client")
    axe(worker)
    worker.get_by_label("Share their reference, meeting and time with a peer supporter").check()
    worker.get_by_label("Follow-up contact by this service").check()
    worker.get_by_role("button", name="Make the referral").click()

    expect(worker.locator("main")).to_contain_text("Step 2 of 3")
    offered = worker.locator("fieldset#peer_id label")
    expect(offered).to_have_count(2)
    expect(offered.nth(0)).to_contain_text("Fran")
    expect(offered.nth(1)).to_contain_text("Gail")
    for never in ("Dean", "Hattie", "Kerry"):
        expect(worker.locator("main")).not_to_contain_text(never)
    axe(worker)
    screenshot(worker, "l-women-only")
    worker.get_by_role("button", name="Offer to this peer").click()
    expect(worker.locator(".flash")).to_contain_text("Offered to Fran")
    worker.get_by_label("Meeting point").fill(POINT)
    worker.get_by_role("button", name="Save the plan").click()
    expect(worker.locator(".flash")).to_contain_text("Plan saved.")
    axe(worker)

    fran = new_page()
    sign_in(fran, axe, FRAN)
    expect(fran.locator("main")).to_contain_text("1 new request to go with someone to a meeting")
    fran.get_by_role("link", name="Answer them").click()
    axe(fran)
    fran.get_by_role("link", name=re.compile("Details")).click()
    axe(fran)
    fran.get_by_role("button", name="Accept").click()
    expect(fran.locator(".flash")).to_contain_text("Accepted")
    main = fran.locator("main")
    expect(main).to_contain_text("Doncaster Thursday Women")
    expect(main).to_contain_text(POINT)
    expect(main).to_contain_text("01302 555 0100")
    expect(main).not_to_contain_text(WORKER[0])
    axe(fran)
    screenshot(fran, "l-handover")
    with fran.expect_download() as download:
        fran.get_by_role("link", name="Add this date to your calendar (.ics)").click()
    ics = Path(download.value.path()).read_text()
    assert "BEGIN:VEVENT" in ics and "RRULE" not in ics and "DV-3001" not in ics

    fran.get_by_role("button", name="Withdraw from this referral").click()
    expect(fran.locator(".error-summary")).to_contain_text("Say why you can no longer go")
    axe(fran)
    fran.get_by_label("Why you can no longer go").fill("My own group moved to Thursdays")
    fran.get_by_role("button", name="Withdraw from this referral").click()
    expect(fran.locator(".flash")).to_contain_text("The worker has been told")
    axe(fran)

    worker.reload()
    expect(worker.locator("dl.summary")).to_contain_text("Requested")
    expect(worker.locator("main")).to_contain_text("Fran withdrew: My own group moved to Thursdays")
    axe(worker)
    screenshot(worker, "l-back-to-matching")
