"""Saving meetings without an account, sharing one, and browsing by area, on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser_fixtures import PHONE

pytestmark = pytest.mark.browser


def fits_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a {PHONE['width']}px screen"


def test_save_a_meeting_with_javascript_and_see_it_on_my_meetings(new_page, axe, screenshot):
    page = new_page()
    page.goto("/meetings/doncaster-aa")
    axe(page)
    save = page.get_by_role("button", name="Save to my meetings")
    expect(page.get_by_role("link", name="Add to my meetings")).to_be_hidden()
    save.click()
    expect(page.locator("[data-save]")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("status").filter(has_text="Saved on this device")).to_be_visible()
    stored = page.evaluate("localStorage.getItem('community-hub.saved-meetings')")
    assert stored == '["doncaster-aa"]'
    axe(page)
    fits_phone(page)

    page.locator("main").get_by_role("link", name="My meetings", exact=True).click()
    page.wait_for_url(re.compile(r"/my-meetings\?m=doncaster-aa$"))
    expect(page.locator(".saved-list")).to_contain_text("Doncaster Monday Serenity")
    calendar = page.get_by_role("link", name="Calendar for my meetings")
    expect(calendar).to_have_attribute("href", re.compile(r"/my-meetings\.ics\?m=doncaster-aa$"))
    axe(page)
    fits_phone(page)
    screenshot(page, "saved-with-javascript")

    # Saved on the device: a later visit to the meeting shows it saved.
    page.goto("/meetings/doncaster-aa")
    expect(page.locator("[data-save]")).to_have_attribute("aria-pressed", "true")
    axe(page)


def test_save_from_the_finder_results_keeps_the_place_in_the_list(new_page, axe, screenshot):
    page = new_page()
    page.goto("/?q=Doncaster")
    result = page.locator("li.result").filter(
        has=page.get_by_role("link", name="Doncaster Monday Serenity", exact=True)
    )
    save = result.get_by_role("button", name="Save", exact=True)
    expect(save).to_be_visible()
    expect(save).to_have_attribute("aria-pressed", "false")
    axe(page)
    save.click()
    expect(result.get_by_role("button", name="Saved", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.get_by_role("status").filter(has_text="Saved on this device")).to_be_visible()
    assert page.evaluate("localStorage.getItem('community-hub.saved-meetings')") == (
        '["doncaster-aa"]'
    )
    assert page.evaluate("window.location.search") == "?q=Doncaster"  # still on the results
    axe(page)
    fits_phone(page)
    screenshot(page, "finder-saved")

    # Saved again from its own page it shows as saved; removing it in the results forgets it.
    page.goto("/meetings/doncaster-aa")
    expect(page.locator("[data-save]")).to_have_attribute("aria-pressed", "true")
    axe(page)
    page.goto("/?q=Doncaster")
    result.get_by_role("button", name="Saved", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Removed")).to_be_visible()
    assert page.evaluate("localStorage.getItem('community-hub.saved-meetings')") == "[]"


def test_finder_results_have_no_save_button_without_javascript(new_page, axe):
    page = new_page(java_script_enabled=False)
    page.goto("/?q=Doncaster")
    axe(page)
    expect(page.locator("li.result").first).to_be_visible()
    expect(page.locator("li.result [data-save]").first).to_be_hidden()
    expect(page.get_by_role("button", name="Save", exact=True)).to_have_count(0)


def test_my_meetings_without_javascript_keeps_the_list_in_the_address(new_page, axe, screenshot):
    page = new_page(java_script_enabled=False)
    page.goto("/meetings/doncaster-aa")
    axe(page)
    page.get_by_role("link", name="Add to my meetings").click()
    page.wait_for_url(re.compile(r"/my-meetings\?m=doncaster-aa$"))
    axe(page)

    # Add a second meeting by pasting its page's address.
    page.get_by_label("The address of the meeting’s page").fill("/meetings/doncaster-na")
    page.get_by_role("button", name="Add", exact=True).click()
    page.wait_for_url(re.compile(r"add="))
    expect(page.locator(".saved-list > li")).to_have_count(2)
    axe(page)

    # From the list, a meeting's page adds to the same list.
    page.get_by_role("link", name="Doncaster Tuesday Just for Today", exact=True).click()
    axe(page)
    page.locator("main").get_by_role("link", name="My meetings", exact=True).click()
    page.wait_for_url(re.compile(r"/my-meetings\?m=doncaster-aa(%2C|,)doncaster-na$"))
    axe(page)
    page.get_by_role("link", name="Remove Doncaster Monday Serenity from my meetings").click()
    page.wait_for_url(re.compile(r"/my-meetings\?m=doncaster-na$"))
    expect(page.locator(".saved-list > li")).to_have_count(1)
    expect(page.get_by_role("link", name="Calendar for my meetings")).to_have_attribute(
        "href", re.compile(r"\.ics\?m=doncaster-na$")
    )
    axe(page)
    fits_phone(page)
    screenshot(page, "saved-without-javascript")


def test_share_falls_back_to_copying_the_link(new_page, axe, site):
    page = new_page(permissions=["clipboard-read", "clipboard-write"])
    page.add_init_script("delete Navigator.prototype.share; delete navigator.share;")
    page.goto("/meetings/doncaster-na")
    axe(page)
    page.get_by_role("button", name="Share", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith("/meetings/doncaster-na")
    axe(page)


def test_share_is_a_plain_link_without_javascript(new_page, axe):
    page = new_page(java_script_enabled=False)
    page.goto("/meetings/doncaster-na")
    axe(page)
    link = page.locator("[data-no-js-share] a")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", re.compile(r"/meetings/doncaster-na$"))
    expect(page.get_by_role("button", name="Share", exact=True)).to_be_hidden()


def test_browse_meetings_by_area_on_a_phone(new_page, axe, screenshot):
    page = new_page()
    page.goto("/areas")
    axe(page)
    page.get_by_role("link", name="Doncaster", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery meetings in Doncaster")
    expect(page.get_by_role("heading", name="Monday")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Doncaster Monday Serenity")
    expect(page.locator("main")).not_to_contain_text("Leeds Tuesday Hope")
    axe(page)
    fits_phone(page)
    screenshot(page, "area-doncaster")
