"""Words and a place, "show 20 more" without JavaScript, and soonest first, on a phone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest
from playwright.sync_api import expect

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting, Venue
from tests.e2e.conftest import LiveServer
from tests.e2e.test_finder_browser import assert_fits_phone

pytestmark = pytest.mark.browser


@pytest.fixture
def site(empty_server: LiveServer) -> LiveServer:
    """A site of its own: 30 Newcomers meetings in Doncaster and a few others."""
    with empty_server.app.app_context():
        org = Organisation(name="Doncaster Intergroup", slug="doncaster", kind="fellowship")
        aa = Fellowship(slug="aa", name="Alcoholics Anonymous", short_name="AA", type_codes="O")
        hall = Venue(
            name="Town Hall", address="1 Church Street", city="Doncaster", postcode="DN1 3AA",
            latitude=53.5228, longitude=-1.1285, timezone="Europe/London",
        )  # fmt: skip
        today = datetime.now(UTC).date()
        for n in range(30):
            db.session.add(
                Meeting(
                    slug=f"newcomers-{n}", name=f"Newcomers {n:02d}", fellowship=aa,
                    organisation=org, venue=hall, day=n % 7, start_time=time(7 + n % 14, 0),
                    end_time=time(7 + n % 14, 45), timezone="Europe/London",
                    last_confirmed=today, types=",O,",
                )
            )  # fmt: skip
        for n in range(5):
            db.session.add(
                Meeting(
                    slug=f"big-book-{n}", name=f"Big Book {n}", fellowship=aa, organisation=org,
                    venue=hall, day=n, start_time=time(19, 30), end_time=time(20, 30),
                    timezone="Europe/London", last_confirmed=today, types=",O,",
                )
            )  # fmt: skip
        db.session.commit()
        db.session.remove()
    return empty_server


def result_names(page) -> list[str]:
    return page.locator("ol.results > li .result-name").all_inner_texts()


def test_words_and_place_then_20_more_without_javascript_then_soonest(new_page, axe):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    axe(page)
    page.get_by_label("Town or postcode").fill("newcomers in Doncaster")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]q="))
    axe(page)
    expect(page.locator("#results-title")).to_have_text(
        re.compile(r"30 meetings within \d+ miles of Doncaster")
    )
    names = result_names(page)
    assert len(names) == 20 and all(name.startswith("Newcomers") for name in names)
    assert_fits_phone(page)

    page.get_by_role("link", name="Show 20 more").click()
    page.wait_for_url(re.compile(r"limit=40"))
    axe(page)
    assert result_names(page)[:20] == names  # the earlier results stay on the page
    assert len(result_names(page)) == 30
    expect(page.locator("#result-21")).to_be_visible()
    expect(page.get_by_role("link", name="Show 20 more")).to_have_count(0)

    page.get_by_role("link", name="Soonest first").click()
    page.wait_for_url(re.compile(r"sort=time"))
    axe(page)
    expect(page.locator("strong[aria-current]")).to_have_text("Soonest first")
    assert len(result_names(page)) == 30
    assert_fits_phone(page)


def test_the_search_words_field_with_javascript(new_page, axe):
    page = new_page()
    page.goto("/")
    axe(page)
    page.get_by_label("Town or postcode").fill("Doncaster")
    page.get_by_label("Search words (optional)").fill("big bo")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"search=big"))
    axe(page)
    expect(page.locator("#results-title")).to_have_text("5 meetings near Doncaster")
    assert all(name.startswith("Big Book") for name in result_names(page))
