"""Keyboard use, a visible focus, light pages and the public side without JavaScript."""

from __future__ import annotations

import gzip
import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# The scale issue's page-weight target: a first visit to a public page, gzip-compressed.
FIRST_LOAD_BUDGET = 60 * 1024

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName, text: (el.innerText || el.value || el.id || "").slice(0, 40),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== "none",
    onScreen: box.width > 0 && box.height > 0,
  };
}"""


def tab_stops(page: Page, count: int) -> list[dict]:
    """Where the focus lands on each of the first `count` presses of Tab (until it leaves)."""
    stops = []
    for _ in range(count):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_STYLE)
        if stop["tag"] == "BODY":  # past the last control: focus went to the browser
            break
        stops.append(stop)
    return stops


@pytest.mark.parametrize("path", ["/?q=Doncaster", "/meetings/doncaster-aa", "/login"])
def test_every_tab_stop_shows_where_the_focus_is(new_page, axe, path):
    page = new_page()
    page.goto(path)
    axe(page)
    stops = tab_stops(page, 30)
    assert len(stops) >= 5
    for stop in stops:
        assert stop["onScreen"], f"focus went to something invisible: {stop}"
        assert stop["outline"] or stop["shadow"], f"no visible focus on {stop}"


def test_find_a_meeting_with_the_keyboard_alone(new_page, axe, screenshot):
    page = new_page()
    page.goto("/")
    axe(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    screenshot(page, "k-skip-link")
    page.keyboard.press("Enter")
    place = page.get_by_label("Town or postcode")
    for _ in range(10):
        page.keyboard.press("Tab")
        if place.evaluate("el => el === document.activeElement"):
            break
    expect(place).to_be_focused()
    page.keyboard.type("Doncaster")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q=Doncaster"))
    expect(page.locator("#results-title")).to_contain_text("near Doncaster")
    axe(page)

    # Into the first result and back out to its page, still by keyboard.
    first = page.locator("ol.results .result-name a").first
    name = first.inner_text()
    first.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    axe(page)


def test_a_meeting_page_and_its_links_work_without_javascript(new_page, axe, screenshot):
    page = new_page(java_script_enabled=False)
    page.goto("/meetings/doncaster-aa")
    expect(page.get_by_role("heading", level=1)).to_have_text("Doncaster Monday Serenity")
    expect(page.locator("address")).to_contain_text("DN1 3AA")
    axe(page)
    screenshot(page, "n-meeting-no-js")

    calendar = page.request.get(
        page.get_by_role("link", name="Add to calendar").get_attribute("href")
    )
    assert calendar.ok and calendar.text().startswith("BEGIN:VCALENDAR")

    page.get_by_role("link", name="Suggest a change").click()
    axe(page)
    page.get_by_label("What is wrong?").select_option("place")
    page.get_by_label("What should it say?").fill("The hall has moved next door.")
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.locator(".flash")).to_contain_text("Thank you")
    axe(page)


def test_print_a_days_list_from_the_finder_without_javascript(new_page, axe, screenshot):
    page = new_page(java_script_enabled=False)
    page.goto("/?q=Doncaster&day=2&radius=25mi")
    axe(page)
    page.get_by_role("link", name=re.compile("Print this list")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery meetings near Doncaster")
    expect(page.locator("#day-2 + ol strong")).to_have_text(
        ["Bentley Tuesday Big Book", "Doncaster Tuesday Just for Today"]
    )
    expect(page.locator(".print-help")).to_contain_text("116 123")
    axe(page)
    screenshot(page, "p-print-list-screen")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".print-form")).to_be_hidden()
    expect(page.locator(".print-help")).to_be_visible()
    screenshot(page, "p-print-list-paper")


@pytest.mark.parametrize("path", ["/", "/?q=Doncaster", "/meetings/doncaster-aa", "/help"])
def test_public_pages_are_light_and_need_no_web_fonts(new_page, axe, path):
    page = new_page()
    loaded: list[tuple[str, str, int]] = []

    def keep(response) -> None:
        body = response.body() if response.status < 300 else b""
        loaded.append((response.url, response.request.resource_type, len(gzip.compress(body))))

    page.on("response", keep)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    axe(page)
    assert not [url for url, kind, _size in loaded if kind == "font"]
    total = sum(size for _url, _kind, size in loaded)
    assert total <= FIRST_LOAD_BUDGET, f"{path} weighs {total} bytes gzipped: {loaded}"


def test_switch_to_welsh_search_and_switch_back(new_page, axe, screenshot):
    page = new_page()
    page.goto("/?q=Doncaster")
    axe(page)
    page.get_by_role("link", name="Cymraeg").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_label("Tref neu god post")).to_have_value("Doncaster")
    axe(page)
    page.locator("ol.results").get_by_role("link", name="Doncaster Monday Serenity").click()
    expect(page.get_by_role("link", name="Ychwanegu at y calendr")).to_be_visible()
    axe(page)
    screenshot(page, "w-meeting-in-welsh")
    page.goto("/help")  # the choice is remembered from page to page
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    axe(page)
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe(page)


PUBLIC_PAGES = [
    "/help",
    "/peers?q=Doncaster",
    "/peers/kerry",
    "/champions?q=Doncaster",
    "/resources?q=Doncaster",
    "/near?q=Doncaster",
    "/community-map?q=Doncaster",
    "/meetings/print?q=Doncaster",
    "/reports/public",
    "/no-such-page",
]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_every_public_page_passes_axe_in_both_languages(new_page, axe, language):
    page = new_page()
    page.goto(f"/language/{language}?next=/")
    axe(page)
    for path in PUBLIC_PAGES:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        axe(page)
