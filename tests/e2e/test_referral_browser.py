"""A worker's journeys in real headless Chromium: refer from a meeting page, record a follow-up."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.referrals.models import Referral
from tests.e2e.conftest import WORKER

pytestmark = pytest.mark.browser


def sign_in(page: Page, axe) -> None:
    page.goto("/login")
    axe(page)
    page.get_by_label("Email").fill(WORKER[0])
    page.get_by_label("Password").fill(WORKER[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Referrals")).to_be_visible()
    axe(page)


def referral_status(live_server, reference: str) -> tuple[str, int]:
    with live_server.app.app_context():
        referral = db.session.scalars(
            select(Referral).join(Referral.client).where(Referral.client.has(reference=reference))
        ).one()
        found = (referral.status, len(referral.follow_ups))
        db.session.remove()
    return found


def test_an_accompanied_referral_from_a_meeting_page_in_three_screens(
    new_page, live_server, axe, screenshot
):
    page = new_page()
    sign_in(page, axe)
    page.goto("/meetings/doncaster-na")
    axe(page)
    page.get_by_role("link", name="Refer a client here").click()

    expect(page.locator("main")).to_contain_text("Step 1 of 3")
    axe(page)
    page.get_by_label("Client reference").fill("DV-2001")
    page.get_by_label("Accompanied to the first meeting").check()
    page.get_by_label("A peer supporter", exact=True).check()
    page.get_by_label("Share their reference, meeting and time with a peer supporter").check()
    page.get_by_label("Follow-up contact by this service").check()
    screenshot(page, "r-referral-form")
    page.get_by_role("button", name="Make the referral").click()

    expect(page.locator("main")).to_contain_text("Step 2 of 3")
    expect(page.get_by_label(re.compile("Kerry"))).to_be_checked()
    axe(page)
    screenshot(page, "r-choose-peer")
    page.get_by_role("button", name="Offer to this peer").click()

    expect(page.locator(".flash")).to_contain_text("Offered to Kerry")
    expect(page.locator("dl.summary")).to_contain_text("Offered to a peer")
    axe(page)
    screenshot(page, "r-referral-offered")
    # A date and follow-up consent at creation: its follow-ups are scheduled at once.
    assert referral_status(live_server, "DV-2001") == ("matched", 3)


def test_a_referral_and_its_follow_up_work_without_javascript(
    new_page, live_server, axe, screenshot
):
    page = new_page(java_script_enabled=False)
    sign_in(page, axe)
    page.goto("/meetings/doncaster-aa")
    axe(page)
    page.get_by_role("link", name="Refer a client here").click()
    axe(page)
    page.get_by_label("Client reference").fill("DV-2002")
    page.get_by_label("Warm handover").check()
    page.get_by_label("Me", exact=True).check()
    page.get_by_label("Follow-up contact by this service").check()
    page.get_by_role("button", name="Make the referral").click()
    expect(page.locator(".flash")).to_contain_text("Referral made.")
    axe(page)

    page.get_by_label("Move to").select_option(label="First meeting planned")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("dl.summary")).to_contain_text("First meeting planned")
    axe(page)
    page.get_by_role("link", name="Record day 7 follow-up").click()
    axe(page)

    page.get_by_label("Attended the first meeting?").select_option("yes")
    page.get_by_label("How many meetings since?").fill("-3")
    page.get_by_role("button", name="Save the follow-up").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe(page)
    screenshot(page, "r-follow-up-error")
    page.get_by_label("How many meetings since?").fill("2")
    page.get_by_label("Attending at least weekly?").select_option("yes")
    page.get_by_role("button", name="Save the follow-up").click()
    expect(page.locator(".flash")).to_contain_text("Follow-up recorded")
    axe(page)
    screenshot(page, "r-follow-up-recorded")
    # "Attended the first meeting: yes" moved it on by itself.
    assert referral_status(live_server, "DV-2002") == ("attended_first_meeting", 3)
