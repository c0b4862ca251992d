"""A misspelt town in the finder, in real headless Chromium on a 360x740 phone: the page
offers the place it probably meant as a link, and the link finds the meetings."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_fixtures import PHONE

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_misspelt_town_to_suggestion_to_results(new_page, axe, javascript):
    assert (PHONE["width"], PHONE["height"]) == (360, 740)
    page = new_page(java_script_enabled=javascript)
    page.goto("/")
    axe(page)
    page.get_by_label("Town or postcode").fill("Doncastr")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]q=Doncastr"))
    axe(page)
    # Not a place, so it was searched for as words too: the empty result says so and offers places.
    expect(page.locator(".empty")).to_contain_text("We could not find a place called “Doncastr”")
    options = page.locator("#f-q-options")
    expect(options).to_contain_text("Did you mean:")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]

    options.get_by_role("link", name=re.compile(r"^Doncaster")).click()
    page.wait_for_url(re.compile(r"[?&]q=Doncaster"))
    axe(page)
    expect(page.locator("#results-title")).to_contain_text("near Doncaster")
    expect(page.locator("ol.results > li").first).to_be_visible()


def test_newport_asks_which_one(new_page, axe):
    page = new_page()
    page.goto("/?q=Newport")
    axe(page)
    options = page.locator("#f-q-options")
    expect(options).to_contain_text("Which one did you mean?")
    options.get_by_role("link", name="Newport (Isle of Wight, England)").click()
    page.wait_for_url(re.compile(r"q=Newport%2C\+Isle|q=Newport,\+Isle"))
    axe(page)
    expect(page.locator("#f-q-error")).to_have_count(0)
