"""A new organisation starts a real site from an empty database, in real headless Chromium.

`flask init-site` invites the first administrator, who adds a peer-led group and invites its
coordinator; the coordinator invites a treatment worker and a volunteer. Each invitation
travels as a real email through a local SMTP server, sent by `flask send-mail`, and its link
is opened in the browser. Then everyone signs in afresh and lands on their own start page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.jobs.models import MailStatus, OutboxMessage
from community_hub.jobs.outbox import _fill_links
from tests.conftest import PASSWORD
from tests.e2e.browser_fixtures import PHONE
from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
ORGANISATION = "Don Valley Peers"
ADMIN = ("admin@example.org", "Alex")
COORDINATOR = ("coordinator@example.org", "Jo")
WORKER = ("worker@example.org", "Sam")
VOLUNTEER = ("robin@example.org", "Robin")
LINK = re.compile(r"http://127\.0\.0\.1:\d+/invitation\?token=[\w-]+")


@pytest.fixture
def site(empty_server: LiveServer) -> LiveServer:
    """Pages open on the empty site, not the seeded one."""
    return empty_server


def flask(server: LiveServer, *args: str) -> str:
    """Run a `flask` command against the served app; its output."""
    result = server.app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return str(result.output)


def emailed_link(server: LiveServer, smtp: Any, address: str) -> str:
    """Send the queued mail through the local SMTP server; the link emailed to `address`.

    The outbox row is checked too: sent, and its placeholder works out to the same link.
    """
    inbox, port = smtp
    server.app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    assert f"Sent: {address}: " in flask(server, "send-mail")
    (message,) = [message for tos, message in inbox.received if tos == [address]]
    inbox.received.clear()
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = LINK.search(text)
    assert found, text
    link = found.group(0)
    assert link.startswith(server.url + "/")  # SITE_URL: the link opens this site
    with server.app.app_context():
        row = db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == address, OutboxMessage.kind == "invitation")
            .order_by(OutboxMessage.id.desc())
        ).first()
        assert row is not None and row.status == MailStatus.SENT.value
        assert "[[link:invitation:" in row.body_text and "token=" not in row.body_text
        assert link in (_fill_links(row.body_text) or "")
        db.session.remove()
    return link


def open_invitation(page: Page, axe: Any, link: str, invited_as: str) -> None:
    """Open the link from an invitation email: it says what they are invited to."""
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    expect(page.get_by_role("main")).to_contain_text(invited_as)
    axe(page)


def create_account(page: Page, name: str) -> None:
    """Choose the name colleagues will see and a password: the account is made now."""
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.locator(".flash")).to_contain_text(f"Welcome, {name}. Your account is ready.")


def not_now(page: Page, axe: Any, screenshot: Any, name: str) -> None:
    """A new member of staff is asked to set up two-step sign-in and chooses not yet."""
    expect(page).to_have_url(re.compile(r"/account\?welcome=1$"))
    expect(page.get_by_role("heading", name="One more step: two-step sign-in")).to_be_visible()
    axe(page)
    screenshot(page, name)
    page.get_by_role("link", name="Not now, go to my start page").click()


def sign_in(page: Page, axe: Any, email: str) -> None:
    page.goto("/login")
    axe(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page, axe: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".flash")).to_contain_text("You have signed out.")
    axe(page)


def test_a_new_organisation_starts_from_an_empty_site(
    new_page, empty_server, smtp, axe, screenshot
):
    server = empty_server
    base = server.url

    # 1. The first administrator is invited from the command line.
    printed = flask(server, "init-site", "--admin-email", ADMIN[0])
    (link,) = LINK.findall(printed)
    assert emailed_link(server, smtp, ADMIN[0]) == link  # the email carries the same link

    # 2. The administrator joins and lands on the console.
    admin = new_page(viewport=DESKTOP)
    open_invitation(admin, axe, link, "You are invited as Site administrator.")
    screenshot(admin, "f-invitation")
    create_account(admin, ADMIN[1])
    not_now(admin, axe, screenshot, "f-admin-two-step")
    expect(admin).to_have_url(f"{base}/admin/")
    expect(admin.get_by_role("main")).to_contain_text("0 organisations")
    axe(admin)
    screenshot(admin, "f-console-empty")

    # 3. ...adds the peer-led group and invites its coordinator.
    admin.get_by_role("link", name="Add the organisation").click()
    expect(admin).to_have_url(f"{base}/admin/organisations/new")
    axe(admin)
    admin.get_by_label("Name", exact=True).fill(ORGANISATION)
    admin.get_by_label("Peer-led group").check()
    admin.get_by_label("Area it serves").fill("Doncaster")
    expect(admin.get_by_label("Time zone")).to_have_value("Europe/London")
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".flash")).to_contain_text(f"Saved {ORGANISATION}.")
    expect(admin.get_by_role("heading", level=1)).to_have_text(ORGANISATION)
    axe(admin)
    screenshot(admin, "f-organisation-saved")

    admin.get_by_role("link", name="Console", exact=True).click()
    axe(admin)
    admin.get_by_role("link", name="Invite its coordinator").click()
    expect(admin).to_have_url(f"{base}/admin/people/invite")
    axe(admin)
    admin.get_by_label("Their email address").fill(COORDINATOR[0])
    admin.get_by_label("Role").select_option(label="Coordinator")
    admin.get_by_label("Organisation").select_option(label=ORGANISATION)
    admin.get_by_role("button", name="Send the invitation").click()
    expect(admin.locator(".flash")).to_contain_text(f"Invitation sent to {COORDINATOR[0]}.")
    expect(admin.locator("#invitations + ul")).to_contain_text(COORDINATOR[0])
    axe(admin)
    screenshot(admin, "f-coordinator-invited")
    link = emailed_link(server, smtp, COORDINATOR[0])
    sign_out(admin, axe)

    # 4. On a phone: the coordinator joins and invites a treatment worker to the team...
    coordinator = new_page(viewport=PHONE)
    open_invitation(coordinator, axe, link, f"to join {ORGANISATION} as Coordinator.")
    screenshot(coordinator, "f-invitation-phone")
    create_account(coordinator, COORDINATOR[1])
    not_now(coordinator, axe, screenshot, "f-coordinator-two-step-phone")
    expect(coordinator).to_have_url(f"{base}/manage/")
    axe(coordinator)
    coordinator.get_by_role("link", name="Your team").click()
    expect(coordinator).to_have_url(f"{base}/admin/people")
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("Your team")
    axe(coordinator)
    coordinator.get_by_role("link", name="Invite someone").click()
    expect(coordinator).to_have_url(f"{base}/admin/people/invite")
    axe(coordinator)
    coordinator.get_by_label("Their email address").fill(WORKER[0])
    coordinator.get_by_label("Role").select_option(label="Treatment worker")
    expect(coordinator.get_by_label("Organisation")).to_contain_text(ORGANISATION)
    coordinator.get_by_role("button", name="Send the invitation").click()
    expect(coordinator.locator(".flash")).to_contain_text(f"Invitation sent to {WORKER[0]}.")
    axe(coordinator)
    screenshot(coordinator, "f-worker-invited-phone")
    worker_link = emailed_link(server, smtp, WORKER[0])

    # 5. ...and adds a volunteer, then invites them from their record.
    coordinator.get_by_role("link", name="Volunteers", exact=True).first.click()
    axe(coordinator)
    coordinator.get_by_role("link", name="Add a volunteer").first.click()
    expect(coordinator).to_have_url(f"{base}/volunteers/people/new")
    axe(coordinator)
    coordinator.get_by_label("First name (or the name they use)").fill(VOLUNTEER[1])
    coordinator.get_by_label("Email", exact=True).fill(VOLUNTEER[0])
    coordinator.get_by_label("How they would like to be contacted").select_option("email")
    coordinator.get_by_role("button", name="Save", exact=True).click()
    expect(coordinator.locator(".flash")).to_contain_text(f"Added {VOLUNTEER[1]}.")
    axe(coordinator)
    record = coordinator.url
    coordinator.get_by_role("button", name=f"Invite them to sign in ({VOLUNTEER[0]})").click()
    expect(coordinator.locator(".flash")).to_contain_text(f"Invitation sent to {VOLUNTEER[0]}.")
    signing_in = coordinator.locator("#sign-in-title + p")
    expect(signing_in).to_contain_text("not accepted yet")
    axe(coordinator)
    screenshot(coordinator, "f-volunteer-invited-phone")
    volunteer_link = emailed_link(server, smtp, VOLUNTEER[0])

    # 6. The worker joins and lands on the referral desk; the volunteer on their own record.
    worker = new_page(viewport=DESKTOP)
    open_invitation(worker, axe, worker_link, f"to join {ORGANISATION} as Treatment worker.")
    create_account(worker, WORKER[1])
    not_now(worker, axe, screenshot, "f-worker-two-step")
    expect(worker).to_have_url(f"{base}/referrals/")
    axe(worker)
    screenshot(worker, "f-worker-desk")

    volunteer = new_page(viewport=DESKTOP)
    open_invitation(volunteer, axe, volunteer_link, f"to join {ORGANISATION} as Volunteer.")
    create_account(volunteer, VOLUNTEER[1])
    expect(volunteer).to_have_url(f"{base}/volunteers/me")
    expect(volunteer.get_by_role("heading", level=1)).to_have_text(
        f"Your volunteering, {VOLUNTEER[1]}"
    )
    axe(volunteer)
    screenshot(volunteer, "f-volunteer-me")

    coordinator.goto(record)
    expect(signing_in).to_contain_text(f"{VOLUNTEER[1]} signs in as {VOLUNTEER[0]}")
    expect(coordinator.get_by_role("button", name=re.compile("Invite them"))).to_have_count(0)
    axe(coordinator)

    # 7. Everyone signs in afresh and lands on their own start page.
    homes = {ADMIN: "/admin/", COORDINATOR: "/manage/", WORKER: "/referrals/"}
    homes[VOLUNTEER] = "/volunteers/me"
    pages = {}
    for (email, name), home in homes.items():
        pages[email] = page = new_page(viewport=DESKTOP)
        sign_in(page, axe, email)
        expect(page.locator(".flash")).to_contain_text(f"Signed in as {name}.")
        expect(page).to_have_url(f"{base}{home}")
        axe(page)
    expect(pages[VOLUNTEER[0]].get_by_role("heading", level=1)).to_have_text(
        f"Your volunteering, {VOLUNTEER[1]}"
    )
    console = pages[ADMIN[0]].get_by_role("main")
    for figure in (
        "1 organisation",
        "4 people can sign in",
        "0 invitations waiting to be accepted",
        "0 emails waiting to be sent",
    ):
        expect(console).to_contain_text(figure)
    screenshot(pages[ADMIN[0]], "f-console-done")
