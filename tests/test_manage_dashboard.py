"""Coordinators confirm, archive and restore meetings, and see what needs confirming."""

from __future__ import annotations

from datetime import datetime, timedelta

from community_hub.extensions import db
from tests.helpers import page, reload, section, today

# ---- confirm, archive, restore ---------------------------------------------------------------


def test_confirm_sets_last_confirmed_to_today(client, coordinator, make_meeting):
    mine = make_meeting(
        organisation=coordinator.organisation, last_confirmed=today() - timedelta(days=120)
    )

    response = client.post(f"/manage/listings/meetings/{mine.id}/confirm")

    assert response.status_code == 302
    assert reload(mine).last_confirmed == today()


def test_confirm_is_post_only(client, coordinator, make_meeting):
    mine = make_meeting(organisation=coordinator.organisation)

    assert client.get(f"/manage/listings/meetings/{mine.id}/confirm").status_code == 405


def test_archive_hides_a_meeting_and_restore_brings_it_back(client, coordinator, make_meeting):
    mine = make_meeting(organisation=coordinator.organisation, name="Sunrise Group")
    finder = f"/?lat={mine.venue.latitude}&lng={mine.venue.longitude}"
    link = f"/meetings/{mine.slug}"
    assert link in page(client.get(finder))
    assert client.get(link).status_code == 200

    assert client.post(f"/manage/listings/meetings/{mine.id}/archive").status_code == 302

    assert reload(mine).archived_at is not None
    assert link not in page(client.get(finder))
    assert client.get(link).status_code == 404
    assert client.get(f"{link}.ics").status_code == 404
    dashboard = page(client.get("/manage/"))
    assert "Sunrise Group" in dashboard and "(archived)" in dashboard

    assert client.post(f"/manage/listings/meetings/{mine.id}/restore").status_code == 302

    assert reload(mine).archived_at is None
    assert link in page(client.get(finder))
    assert client.get(link).status_code == 200


# ---- the dashboard ---------------------------------------------------------------------------


def test_dashboard_lists_stale_meetings_first(client, coordinator, make_meeting):
    org = coordinator.organisation
    stale = make_meeting(
        organisation=org, name="Stale Meeting", last_confirmed=today() - timedelta(days=91)
    )
    never = make_meeting(organisation=org, name="Never Confirmed", last_confirmed=None)
    fresh = make_meeting(
        organisation=org, name="Fresh Meeting", last_confirmed=today() - timedelta(days=10)
    )
    edge = make_meeting(
        organisation=org, name="Edge Meeting", last_confirmed=today() - timedelta(days=90)
    )
    archived = make_meeting(
        organisation=org,
        name="Archived Meeting",
        last_confirmed=today() - timedelta(days=300),
        archived_at=datetime(2026, 1, 1),
    )

    response = client.get("/manage/")

    assert response.status_code == 200
    html = page(response)
    stale_list = section(html, "stale-title", "all-title")
    assert "(2)" in stale_list
    for listed in (stale, never):
        assert listed.name in stale_list
        assert f"/manage/listings/meetings/{listed.id}/confirm" in stale_list
    for not_listed in (fresh, edge, archived):
        assert not_listed.name not in stale_list
    everything = html[html.index('id="all-title"') :]
    for meeting in (stale, never, fresh, edge, archived):
        assert meeting.name in everything


def test_confirming_takes_a_meeting_off_the_stale_list(client, coordinator, make_meeting):
    mine = make_meeting(
        organisation=coordinator.organisation,
        name="Stale Meeting",
        last_confirmed=today() - timedelta(days=91),
    )
    assert mine.name in section(page(client.get("/manage/")), "stale-title", "all-title")

    client.post(f"/manage/listings/meetings/{mine.id}/confirm")

    assert mine.name not in section(page(client.get("/manage/")), "stale-title", "all-title")


def test_dashboard_shows_only_the_coordinators_organisation(client, coordinator, make_meeting):
    make_meeting(organisation=coordinator.organisation, name="Our Meeting")
    make_meeting(name="Their Stale Meeting", last_confirmed=today() - timedelta(days=200))
    make_meeting(name="Their Fresh Meeting")

    html = page(client.get("/manage/"))

    assert "Our Meeting" in html
    assert "Their Stale Meeting" not in html
    assert "Their Fresh Meeting" not in html


def test_admin_dashboard_shows_every_organisation(client, auth, make_user, make_meeting):
    make_meeting(name="First Org Meeting")
    make_meeting(name="Second Org Meeting")
    auth.login(make_user("admin"))

    html = page(client.get("/manage/"))

    assert "First Org Meeting" in html
    assert "Second Org Meeting" in html


def test_dashboard_points_to_other_listings_needing_confirmation(client, auth, make_user):
    """Peers, champions and resources not confirmed in 90 days are signposted from /manage/."""
    from datetime import date

    from community_hub.people.models import PeerSupporter

    coordinator = make_user("coordinator")
    db.session.add(
        PeerSupporter(
            organisation_id=coordinator.organisation_id,
            slug="old-peer",
            display_name="Sam",
            area="Doncaster",
            last_confirmed=date(2020, 1, 1),
        )
    )
    db.session.commit()
    auth.login(coordinator)
    html = client.get("/manage/").get_data(as_text=True)
    assert "1 peer or champion listing also needs confirming" in html
