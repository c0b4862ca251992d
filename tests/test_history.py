"""One listing lifecycle and change history for every kind: recorded by construction (forms,
imports, suggestions, lifecycle buttons), shown as a diff, and reverted one change at a time."""

from __future__ import annotations

from sqlalchemy import select

from community_hub.extensions import db
from community_hub.interop.feed_import import import_feed
from community_hub.listings.models import ListingChange
from community_hub.meetings.models import ChangeSuggestion, Meeting, Venue
from tests.helpers import page, reload
from tests.test_manage import form  # noqa: F401 - the meeting form fixture


def changes(kind: str, listing_id: object) -> list[ListingChange]:
    return list(
        db.session.scalars(
            select(ListingChange)
            .where(ListingChange.kind == kind, ListingChange.listing_id == str(listing_id))
            .order_by(ListingChange.id)
        )
    )


def mine(coordinator, make_meeting, form, **fields):  # noqa: F811
    return make_meeting(organisation=coordinator.organisation, venue=form.venue, **fields)


def test_a_form_edit_is_recorded_shown_as_a_diff_and_reverted(
    client,
    coordinator,
    make_meeting,
    form,  # noqa: F811
):
    meeting = mine(coordinator, make_meeting, form, name="Monday Night Big Book")
    client.post(f"/manage/meetings/{meeting.id}/edit", data=form(name="Monday Night Steps"))
    last = changes("meetings", meeting.id)[-1]
    assert (last.action, last.source, last.user_id) == ("changed", "form", coordinator.id)
    assert last.changes["name"] == ["Monday Night Big Book", "Monday Night Steps"]

    html = page(client.get(f"/manage/listings/meetings/{meeting.id}/history"))
    assert "<del>Monday Night Big Book</del>" in html and "<ins>Monday Night Steps</ins>" in html
    assert coordinator.display_name in html

    response = client.post(f"/manage/listings/meetings/{meeting.id}/history/{last.id}/revert")
    assert response.status_code == 302
    assert reload(meeting).name == "Monday Night Big Book"
    revert = changes("meetings", meeting.id)[-1]
    assert (revert.source, revert.changes["name"]) == (
        "revert",
        ["Monday Night Steps", "Monday Night Big Book"],
    )
    assert reload(last).reverted_by_id == revert.id
    again = client.post(f"/manage/listings/meetings/{meeting.id}/history/{last.id}/revert")
    assert again.status_code == 302 and reload(meeting).name == "Monday Night Big Book"


def test_a_change_overtaken_by_a_later_one_is_not_reverted(
    client,
    coordinator,
    make_meeting,
    form,  # noqa: F811
):
    meeting = mine(coordinator, make_meeting, form, name="First")
    client.post(f"/manage/meetings/{meeting.id}/edit", data=form(name="Second"))
    client.post(f"/manage/meetings/{meeting.id}/edit", data=form(name="Third"))
    first_edit = next(c for c in changes("meetings", meeting.id) if c.action == "changed")
    client.post(f"/manage/listings/meetings/{meeting.id}/history/{first_edit.id}/revert")
    assert reload(meeting).name == "Third"
    html = page(client.get(f"/manage/listings/meetings/{meeting.id}/history"))
    assert "has changed since: revert the later change first" in html


def test_private_contact_details_are_recorded_as_changed_without_their_values(
    client,
    coordinator,
    make_meeting,
    form,  # noqa: F811
):
    meeting = mine(coordinator, make_meeting, form)
    client.post(
        f"/manage/meetings/{meeting.id}/edit",
        data=form(contact_name="Sam", contact_email="sam@example.org"),
    )
    last = changes("meetings", meeting.id)[-1]
    assert last.changes["contact_email"] == [None, None]
    assert last.changes["contact_name"] == ["", "Sam"]
    html = page(client.get(f"/manage/listings/meetings/{meeting.id}/history"))
    assert "sam@example.org" not in html and "the values are not kept" in html


def test_lifecycle_buttons_are_one_mechanism_and_recorded(client, coordinator, make_meeting, form):  # noqa: F811
    meeting = mine(coordinator, make_meeting, form, last_confirmed=None)
    base = f"/manage/listings/meetings/{meeting.id}"
    for action in ("confirm", "archive", "restore"):
        assert client.post(f"{base}/{action}").status_code == 302
    actions = [c.action for c in changes("meetings", meeting.id)]
    assert actions[-3:] == ["confirmed", "archived", "restored"]
    archived = changes("meetings", meeting.id)[-2]
    client.post(f"{base}/history/{archived.id}/revert")  # already undone by the restore
    assert reload(meeting).archived_at is None


def test_a_venue_in_use_is_not_archived_and_its_history_moves_its_meetings(
    client,
    coordinator,
    make_meeting,
    form,  # noqa: F811
):
    meeting = mine(coordinator, make_meeting, form)
    venue = form.venue
    venue.organisation = coordinator.organisation
    db.session.commit()
    refused = client.post(f"/manage/listings/venues/{venue.id}/archive", follow_redirects=True)
    assert "1 meeting is held here: move or archive it first." in page(refused)
    assert reload(venue).archived_at is None
    data = {"name": venue.name, "address": "1 New Street", "city": "Doncaster",
            "postcode": "DN1 1AA", "latitude": "53.6", "longitude": "-1.2",
            "timezone": "Europe/London"}  # fmt: skip
    assert client.post(f"/manage/venues/{venue.id}/edit", data=data).status_code == 302
    assert reload(meeting).latitude == 53.6
    moved = changes("venues", venue.id)[-1]
    assert moved.changes["latitude"][1] == 53.6
    client.post(f"/manage/listings/venues/{venue.id}/history/{moved.id}/revert")
    assert reload(meeting).latitude == 53.5228  # the meeting followed the venue back
    assert "History" in page(client.get("/manage/venues"))


def test_imports_are_recorded_as_imports(make_org, make_fellowship, make_user):
    admin = make_user("admin")
    org, aa = make_org(name="Intergroup"), make_fellowship("aa")
    row = {
        "slug": "x",
        "name": "X",
        "day": 1,
        "time": "19:00",
        "conference_url": "https://zoom.us/j/1",
    }
    import_feed([row], org, aa, apply=True, user=admin)
    import_feed([row | {"name": "X renamed"}], org, aa, apply=True, user=admin)
    db.session.commit()
    meeting = db.session.scalar(select(Meeting))
    created, changed = changes("meetings", meeting.id)
    assert (created.action, created.source, created.source_name) == (
        "created",
        "import",
        "Intergroup",
    )
    assert (changed.source, changed.user_id, changed.changes["name"]) == (
        "import",
        admin.id,
        ["X", "X renamed"],
    )


def test_an_accepted_suggestion_is_in_the_history_and_marked_applied(
    client,
    coordinator,
    make_meeting,
    form,  # noqa: F811
):
    meeting = mine(coordinator, make_meeting, form, name="Tuesday")
    suggestion = ChangeSuggestion(meeting=meeting, kind="time", message="It is on Wednesdays now")
    db.session.add(suggestion)
    db.session.commit()
    review = page(client.get(f"/manage/suggestions/{suggestion.id}"))
    link = f"/manage/meetings/{meeting.id}/edit?suggestion={suggestion.id}"
    assert link in review
    assert client.post(link, data=form(name="Tuesday", day="3")).status_code == 302
    last = changes("meetings", meeting.id)[-1]
    assert (last.source, last.suggestion_id, last.changes["day"]) == (
        "suggestion",
        suggestion.id,
        [1, 3],
    )
    assert reload(suggestion).status == "applied"
    assert "From a public suggestion" in page(
        client.get(f"/manage/listings/meetings/{meeting.id}/history")
    )


def test_another_organisations_history_is_not_found(client, coordinator, make_meeting):
    theirs = make_meeting()
    change = changes("meetings", theirs.id)[0]
    assert client.get(f"/manage/listings/meetings/{theirs.id}/history").status_code == 404
    url = f"/manage/listings/meetings/{theirs.id}/history/{change.id}/revert"
    assert client.post(url).status_code == 404
    assert client.post(f"/manage/listings/meetings/{theirs.id}/archive").status_code == 404
    assert client.get("/manage/listings/meetings/not-a-number/history").status_code == 404


def test_the_form_warns_about_a_link_readers_do_not_show_but_saves_it(client, coordinator, form):  # noqa: F811
    response = client.post(
        "/manage/meetings/new",
        data=form(conference_url="https://video.example.org/room/7"),
        follow_redirects=True,
    )
    html = page(response)
    assert "video.example.org is not one of them" in html
    assert db.session.scalar(select(Meeting.conference_url)) == "https://video.example.org/room/7"
    known = client.post(
        "/manage/meetings/new",
        data=form(name="Zoom group", conference_url="https://us02web.zoom.us/j/123"),
        follow_redirects=True,
    )
    assert "is not one of them" not in page(known)


def test_venues_are_archived_and_restored_like_any_listing(client, coordinator, make_venue):
    venue = make_venue(organisation=coordinator.organisation)
    db.session.commit()
    assert client.post(f"/manage/listings/venues/{venue.id}/archive").status_code == 302
    assert reload(venue).archived_at is not None
    assert client.post(f"/manage/listings/venues/{venue.id}/restore").status_code == 302
    assert reload(venue).archived_at is None
    assert isinstance(reload(venue), Venue)
