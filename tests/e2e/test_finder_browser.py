"""Journeys through the public finder in real headless Chromium, on a phone-sized screen."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.meetings.models import ChangeSuggestion
from tests.e2e.browser_fixtures import PHONE

pytestmark = pytest.mark.browser

DISTANCE = re.compile(r"\d+(\.\d)? miles? \(\d+\.\d km\)|under 0\.1 miles")


def search_for(page: Page, place: str, axe) -> None:
    page.goto("/")
    axe(page)
    page.get_by_label("Town or postcode").fill(place)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]q="))
    axe(page)


def open_filters(page: Page) -> None:
    filters = page.locator("details.filters")
    if filters.get_attribute("open") is None:
        filters.locator("summary").click()
    expect(page.get_by_label("Day", exact=True)).to_be_visible()


def assert_fits_phone(page: Page) -> None:
    """Nothing should make a phone scroll sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px screen"


def test_search_by_town_then_filter_by_day_and_fellowship(new_page, axe, screenshot):
    page = new_page()
    search_for(page, "Doncaster", axe)

    expect(page.locator("#results-title")).to_contain_text("near Doncaster")
    nearest = page.locator("ol.results > li").filter(has_text="Doncaster Monday Serenity")
    expect(nearest).to_have_count(1)
    expect(nearest).to_contain_text(DISTANCE)
    assert_fits_phone(page)
    screenshot(page, "a-results-by-town")

    open_filters(page)
    page.get_by_label("Day", exact=True).select_option(label="Tuesday")
    page.get_by_label("Narcotics Anonymous").check()
    axe(page)
    screenshot(page, "a-filters-open")
    page.get_by_role("button", name="Show meetings").click()
    page.wait_for_url(re.compile(r"fellowship=na"))
    axe(page)

    # Nearest first; the Monday and the AA meetings are gone. For a day, the search stops at
    # travelling distance (40 km): Leeds, about 45 km away, is one link further.
    expect(page.locator("ol.results .result-name")).to_have_text(
        ["Doncaster Tuesday Just for Today"]
    )
    expect(page.locator("ol.results > li").first).to_contain_text(DISTANCE)
    expect(page.get_by_label("Day", exact=True)).to_have_value("2")
    assert_fits_phone(page)
    screenshot(page, "a-filtered-results")
    page.get_by_role("link", name="Show meetings further away").click()
    page.wait_for_url(re.compile(r"further=1"))
    axe(page)
    expect(page.locator("ol.results .result-name")).to_have_text(
        ["Doncaster Tuesday Just for Today", "Leeds Tuesday Hope"]
    )


def test_use_my_location_searches_near_the_browser_position(new_page, axe, screenshot):
    page = new_page(
        geolocation={"latitude": 53.521789, "longitude": -1.128456}, permissions=["geolocation"]
    )
    page.goto("/")
    axe(page)
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url(re.compile(r"lat=53\.52"))

    args = parse_qs(urlsplit(page.url).query)
    # Rounded in the browser to about 100 m before it is sent: the precise spot never leaves.
    assert (args["lat"], args["lng"]) == (["53.522"], ["-1.128"])
    assert args["tz"] == ["Europe/London"]
    expect(page.locator("#results-title")).to_contain_text("near your location")
    expect(page.locator("ol.results > li").first).to_contain_text("Doncaster")
    axe(page)
    screenshot(page, "b-my-location")


def test_add_to_calendar_downloads_an_ics_file(new_page, axe, screenshot):
    page = new_page()
    page.goto("/meetings/doncaster-aa")
    expect(page.get_by_role("heading", level=1)).to_have_text("Doncaster Monday Serenity")
    axe(page)
    assert_fits_phone(page)
    screenshot(page, "c-meeting-page")

    link = page.get_by_role("link", name="Add to calendar")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "doncaster-aa.ics"
    body = Path(download.path()).read_text(encoding="utf-8")
    assert body.startswith("BEGIN:VCALENDAR")
    assert "Doncaster Monday Serenity" in body

    response = page.request.get(link.get_attribute("href") or "")
    assert response.ok
    assert response.headers["content-type"].startswith("text/calendar")


def test_a_monthly_meeting_and_its_cancelled_date_read_clearly(new_page, axe, screenshot):
    from tests.e2e.conftest import MONTHLY

    page = new_page()
    page.goto(f"/meetings/{MONTHLY[0]}")
    expect(page.get_by_role("heading", level=1)).to_have_text(MONTHLY[1])
    expect(page.get_by_text("First Saturday of the month, 10:00–11:30")).to_be_visible()
    expect(page.get_by_text("(Hall booked)")).to_be_visible()
    axe(page)
    assert_fits_phone(page)
    screenshot(page, "c-monthly-meeting-page")
    response = page.request.get(f"/meetings/{MONTHLY[0]}.ics")
    body = response.text()
    assert "RRULE:FREQ=MONTHLY;BYDAY=1SA" in body and "STATUS:CANCELLED" in body


def test_filters_stay_closed_after_a_plain_town_search(new_page, axe):
    page = new_page()
    search_for(page, "Doncaster", axe)
    # A phone should see results first; the form always sends radius=nearest, so only
    # filters a person actually chose should open the panel.
    expect(page.locator("details.filters")).not_to_have_attribute("open", "")


def test_finder_works_without_javascript(new_page, axe, screenshot):
    page = new_page(java_script_enabled=False)
    search_for(page, "Doncaster", axe)

    match = page.locator("ol.results > li").filter(has_text="Doncaster Monday Serenity")
    expect(match).to_contain_text(DISTANCE)
    open_filters(page)
    page.get_by_label("Day", exact=True).select_option(label="Tuesday")
    page.get_by_role("button", name="Show meetings").click()
    expect(page.locator("ol.results .result-name").first).to_have_text(
        "Doncaster Tuesday Just for Today"
    )
    axe(page)
    screenshot(page, "d-no-javascript")


def test_use_my_location_is_not_offered_without_javascript(new_page, axe):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    axe(page)
    location_button = page.locator("#use-location")
    expect(location_button).to_have_count(1)
    expect(location_button).to_be_hidden(timeout=1000)


def test_suggest_a_change_sends_the_csrf_token(new_page, live_server, axe, screenshot):
    page = new_page()
    page.goto("/meetings/doncaster-na")
    axe(page)
    page.get_by_role("link", name="Suggest a change").click()
    expect(page.locator("input[name=csrf_token]")).to_have_count(1)
    axe(page)
    page.get_by_label("What is wrong?").select_option("time")
    page.get_by_label("What should it say?").fill("It starts at 19:00 now, not 19:30.")
    page.get_by_label("Your email").fill("member@example.org")
    screenshot(page, "e-suggest-form")
    page.get_by_role("button", name="Send suggestion").click()

    expect(page.locator(".flash")).to_contain_text("Thank you")
    # A thank-you page, not a redirect with a flash: visitors get no cookie.
    assert urlsplit(page.url).path == "/meetings/doncaster-na/suggest"
    assert page.context.cookies() == []
    expect(page.get_by_role("link", name="Back to")).to_have_attribute(
        "href", "/meetings/doncaster-na"
    )
    axe(page)
    screenshot(page, "e-suggest-thanks")
    with live_server.app.app_context():
        saved = db.session.scalars(
            select(ChangeSuggestion.message).where(
                ChangeSuggestion.reply_email == "member@example.org"
            )
        ).all()
        db.session.remove()
    assert saved == ["It starts at 19:00 now, not 19:30."]


def test_suggestion_with_a_forged_csrf_token_is_refused(new_page, axe, screenshot):
    page = new_page()
    page.goto("/meetings/doncaster-na/suggest")
    axe(page)
    page.locator("input[name=csrf_token]").evaluate("el => el.value = 'forged'")
    page.get_by_label("What is wrong?").select_option("other")
    page.get_by_label("What should it say?").fill("This should never be saved.")
    page.get_by_role("button", name="Send suggestion").click()

    expect(page.locator("main")).to_contain_text("This form has expired")
    axe(page)
    screenshot(page, "e-forged-token")
