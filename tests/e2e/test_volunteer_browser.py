"""Volunteer programme journeys in real headless Chromium, with and without JavaScript."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.placement_models import HoursLog, Placement
from tests.e2e.conftest import COORDINATOR, EXPIRED_DBS, VOLUNTEER

pytestmark = pytest.mark.browser

JAVASCRIPT = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


def sign_in(page: Page, axe, who: tuple[str, str]) -> None:
    page.goto("/login")
    axe(page)
    page.get_by_label("Email").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    axe(page)


def placement_status(live_server, name: str) -> str:
    with live_server.app.app_context():
        status = db.session.scalars(
            select(Placement.status).join(Placement.volunteer).where(Volunteer.first_name == name)
        ).one()
        db.session.remove()
    return status


@JAVASCRIPT
def test_a_placement_is_refused_while_a_check_has_expired_then_goes_active(
    javascript, new_page, live_server, axe, screenshot
):
    name = EXPIRED_DBS[0] if javascript else EXPIRED_DBS[1]
    suffix = "" if javascript else "-no-js"
    page = new_page(java_script_enabled=javascript)
    sign_in(page, axe, COORDINATOR)
    page.get_by_role("link", name="Volunteers", exact=True).first.click()
    axe(page)
    page.get_by_role("link", name="Placements", exact=True).click()
    axe(page)
    page.get_by_role("row").filter(has_text=name).get_by_role("link", name=name).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Placement: {name} at Riverside Recovery Café"
    )
    expect(page.locator("#gaps-title + ul")).to_contain_text("DBS check: expired on")
    axe(page)
    screenshot(page, f"v-placement-induction{suffix}")

    page.get_by_role("button", name="Active", exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("That change was not made")
    expect(summary).to_contain_text("Not every check is current: DBS check: expired on")
    expect(page.locator("dl.summary")).to_contain_text("Induction")
    axe(page)
    screenshot(page, f"v-placement-refused{suffix}")
    assert placement_status(live_server, name) == "induction"

    # The coordinator records the renewed DBS check; first with a mistake the form points to.
    page.get_by_role("link", name=name, exact=True).click()
    axe(page)
    page.get_by_label("Requirement").select_option(label="DBS check")
    page.get_by_label("Date completed or issued").fill(date.today().isoformat())
    page.get_by_label("DBS level (DBS checks only)").select_option("enhanced")
    page.get_by_label("DBS certificate number (DBS checks only)").fill("1234")
    page.get_by_role("button", name="Record", exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("A DBS certificate number is 12 digits.")
    axe(page)
    screenshot(page, f"v-check-error{suffix}")
    summary.get_by_role("link", name="A DBS certificate number is 12 digits.").click()
    expect(page.get_by_label("DBS certificate number (DBS checks only)")).to_be_focused()

    page.get_by_label("DBS certificate number (DBS checks only)").fill("001234567891")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator(".flash")).to_contain_text(f"Recorded for {name}")
    axe(page)

    page.get_by_role("link", name=re.compile("Riverside Recovery Café")).click()
    # Wait for the placement page itself: the absent gaps list is also absent from the page
    # being left, so on its own it would let axe run while the next page is still loading.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Placement: {name} at Riverside Recovery Café"
    )
    expect(page.locator("#gaps-title")).to_have_count(0)
    axe(page)
    page.get_by_role("button", name="Active", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Placement is now: Active.")
    expect(page.locator("dl.summary")).to_contain_text("Active")
    axe(page)
    screenshot(page, f"v-placement-active{suffix}")
    assert placement_status(live_server, name) == "active"


@JAVASCRIPT
def test_a_volunteer_logs_hours_and_the_coordinator_approves_them(
    javascript, new_page, live_server, axe, screenshot
):
    suffix = "" if javascript else "-no-js"
    worked_on = date.today() - timedelta(days=1 if javascript else 2)
    page = new_page(java_script_enabled=javascript)
    sign_in(page, axe, VOLUNTEER)
    page.get_by_role("link", name="Your volunteering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your volunteering, Dee")
    axe(page)
    screenshot(page, f"h-your-volunteering{suffix}")

    placement = page.get_by_label("Placement", exact=True)
    placement.select_option(label="Riverside Recovery Café (cafe helper)")
    page.get_by_label("Date", exact=True).fill(worked_on.isoformat())
    page.get_by_label("Hours", exact=True).fill("20")
    page.get_by_label("What you did (optional)").fill("Ran the Saturday breakfast.")
    page.get_by_role("button", name="Log hours").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Enter between 0.25 and 16 hours for one day.")
    expect(page.get_by_label("Hours", exact=True)).to_have_attribute("aria-invalid", "true")
    axe(page)
    screenshot(page, f"h-hours-error{suffix}")

    page.get_by_label("Hours", exact=True).fill("2.5")
    page.get_by_role("button", name="Log hours").click()
    expect(page.locator(".flash")).to_contain_text("waiting for your coordinator's approval")
    row = page.get_by_role("row").filter(has_text=f"{worked_on.day} {worked_on:%B %Y}")
    expect(row).to_contain_text("2.50")
    axe(page)
    screenshot(page, f"h-hours-logged{suffix}")

    coordinator = new_page(java_script_enabled=javascript)
    sign_in(coordinator, axe, COORDINATOR)
    coordinator.goto("/volunteers/hours")
    axe(coordinator)
    label = f"Approve Dee, {worked_on.day} {worked_on:%B %Y}"
    coordinator.get_by_role("button", name=label).click()
    expect(coordinator.locator(".flash")).to_contain_text("Approved 2.50 hours for Dee.")
    axe(coordinator)
    screenshot(coordinator, f"h-hours-approved{suffix}")
    with live_server.app.app_context():
        status = db.session.scalars(
            select(HoursLog.status).where(HoursLog.worked_on == worked_on)
        ).one()
        db.session.remove()
    assert status == "approved"
