"""Phone journeys (360x740) in headless Chromium: results first, errors first, first meeting."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.people.models import PeerSupporter
from tests.e2e.browser_fixtures import PHONE

pytestmark = pytest.mark.browser


def _search(page: Page, axe) -> None:
    page.goto("/")
    axe(page)
    expect(page.locator("details.filters")).to_have_attribute("open", "")
    page.get_by_label("Town or postcode").fill("Doncaster")
    page.get_by_label("Day", exact=True).select_option(label="Tuesday")
    page.get_by_role("button", name="Show meetings").click()
    page.wait_for_url(re.compile(r"[?&]q=Doncaster"))
    axe(page)


def _results_come_first(page: Page) -> None:
    filters = page.locator("details.filters")
    expect(filters).not_to_have_attribute("open", "")
    summary = filters.locator("summary")
    expect(summary).to_contain_text("Tuesday")
    expect(summary).to_contain_text("Change")
    expect(page.get_by_label("Time of day")).to_be_hidden()
    first = page.locator("ol.results > li").first
    top = first.bounding_box()["y"]
    assert top < 2 * PHONE["height"], f"the first result starts {top:.0f}px down"
    banner = page.locator("section.banner")
    if banner.count():
        print(f"'happening now and next' starts {banner.bounding_box()['y']:.0f}px down")
    print(f"first result starts {top:.0f}px down on a {PHONE['height']}px screen")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    summary.click()  # a native <details>: opens with or without JavaScript
    expect(page.get_by_label("Time of day")).to_be_visible()


def test_filters_fold_after_a_search(new_page, axe, screenshot):
    page = new_page()
    _search(page, axe)
    _results_come_first(page)
    axe(page)
    screenshot(page, "phone-folded-filters")


def test_filters_fold_without_javascript(new_page, axe):
    page = new_page(java_script_enabled=False)
    _search(page, axe)
    _results_come_first(page)


def test_from_a_result_to_the_first_meeting_guide_and_back(new_page, axe, screenshot):
    page = new_page()
    _search(page, axe)
    page.locator("ol.results > li").first.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/meetings/"))
    axe(page)
    back = page.get_by_role("link", name="Back to the finder")
    expect(back).to_have_attribute("href", re.compile(r"q=Doncaster.*day=2|day=2.*q=Doncaster"))
    page.get_by_role("link", name=re.compile("Your first meeting")).click()
    page.wait_for_url(re.compile(r"/first-meeting/twelve-step"))
    axe(page)
    expect(page.locator("h1")).to_have_text("Your first 12-step meeting")
    expect(page.locator("main")).to_contain_text("You can just listen")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "phone-first-meeting")
    page.go_back()
    back.click()
    page.wait_for_url(re.compile(r"[?&]q=Doncaster"))
    axe(page)
    expect(page.locator("details.filters summary")).to_contain_text("Tuesday")


def _peer_url(site) -> str:
    with site.app.app_context():
        peer_id = db.session.scalar(select(PeerSupporter.id).where(PeerSupporter.slug == "kerry"))
        db.session.remove()
    return f"/peers/{peer_id}"


def test_contact_errors_come_first_and_take_focus(new_page, axe, site, screenshot):
    page = new_page()
    page.goto(_peer_url(site))
    axe(page)
    page.get_by_role("button", name="Send request").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert summary.bounding_box()["y"] < PHONE["height"], "the errors are off the first screen"
    axe(page)
    screenshot(page, "phone-contact-errors")
    summary.get_by_role("link").first.click()
    expect(page.locator("#first_name")).to_be_focused()


def test_contact_errors_come_first_without_javascript(new_page, axe, site):
    page = new_page(java_script_enabled=False)
    page.goto(_peer_url(site))
    axe(page)
    page.get_by_role("button", name="Send request").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert summary.bounding_box()["y"] < PHONE["height"]
    axe(page)
