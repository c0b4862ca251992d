"""Every route against every role, from one table: a new route without an entry fails.

The table, and the world it describes, are in access_matrix.py. Here the world is built (a
record of organisation A for every kind of id a URL can carry), each route's URL is made from it,
and every role asks for every route.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from community_hub.accounts.invitations import invite
from community_hub.auth.models import Organisation
from community_hub.auth.services import create_user, find_user
from community_hub.extensions import db
from community_hub.interop.hsds import stable_id
from community_hub.interop.models import FeedSource
from community_hub.listings import history
from community_hub.listings.models import ListingChange
from community_hub.meetings.models import ChangeSuggestion, Meeting, Venue
from community_hub.meetings.one_offs import ChangeData, add_change
from community_hub.people.models import ContactRequest, PeerSupporter, RecoveryChampion
from community_hub.referrals.models import Referral
from community_hub.resources.models import Service
from community_hub.volunteering.models import Opportunity
from community_hub.volunteers.course_models import Course, CourseSession, Enrolment
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.placement_models import HoursLog, Placement
from community_hub.volunteers.requirement_models import Check
from tests.security.access_matrix import LOGINS, POST_REFUSED, ROLES, TABLE


def organisation(slug: str) -> Organisation:
    return db.session.scalars(select(Organisation).where(Organisation.slug == slug)).one()


def ids(app: Flask) -> dict[str, Any]:
    """A record of organisation A for every kind of id a URL can carry."""
    a = organisation("doncaster-recovery-mentors")

    def first(model: Any, *where: Any) -> Any:
        return db.session.scalars(select(model).where(*where).order_by(model.id)).first()

    meeting = first(Meeting, Meeting.organisation_id == a.id)
    services = db.session.scalars(
        select(Service).where(Service.organisation_id == a.id).order_by(Service.slug)
    ).all()
    peer = first(PeerSupporter, PeerSupporter.organisation_id == a.id)
    opportunity = first(
        Opportunity,
        Opportunity.organisation_id == a.id,
        Opportunity.closes_on.is_(None),
        Opportunity.archived_at.is_(None),
    )
    course = first(Course, Course.organisation_id == a.id)
    offered = db.session.scalars(
        select(Referral).where(Referral.status == "matched").order_by(Referral.id)
    ).first()
    accepted = db.session.scalars(
        select(Referral).where(Referral.status == "accepted").order_by(Referral.id)
    ).first()
    with_follow_ups = db.session.scalars(
        select(Referral).where(Referral.follow_ups.any()).order_by(Referral.id)
    ).first()
    invitation, _link = invite("new.worker@example.org", "worker", a, None)
    dean = find_user("volunteer@example.org")
    suggestion = ChangeSuggestion(
        organisation_id=a.id, meeting_id=meeting.id, kind="time", message="Starts at 7"
    )
    with history.recorded_as("form"):
        peer.bio = peer.bio + " (checked)"  # a change to revert
    change_id = db.session.scalar(
        select(ListingChange.id)
        .where(ListingChange.kind == "peers", ListingChange.listing_id == str(peer.id))
        .order_by(ListingChange.id.desc())
    )
    friday = next(
        d
        for d in (date.today() + timedelta(days=n) for n in range(1, 40))
        if (d.weekday() + 1) % 7 == meeting.day
    )
    one_off = add_change(meeting, ChangeData("cancelled", friday), None, date.today())
    source = FeedSource(
        organisation_id=a.id,
        key="matrix",
        name="Matrix",
        url="https://example.org/f.json",
        fellowship_id=meeting.fellowship_id,
    )
    db.session.add(source)
    request = ContactRequest(
        peer_id=peer.id, organisation_id=a.id, first_name="Sam", contact_method="phone",
        reply_phone="07700 900000",
    )  # fmt: skip
    db.session.add_all([suggestion, request])
    db.session.commit()
    known = {
        "slug": meeting.slug, "meeting_id": meeting.id,
        "venue_id": first(Venue, Venue.organisation_id == a.id).id,
        "suggestion_id": suggestion.id, "request_id": request.id,
        "peer_id": peer.id, "listing_id": peer.id, "kind": "peers",
        "champion_id": first(RecoveryChampion).id,
        "service_id": next(s.id for s in services if s.is_public),
        "volunteer_id": first(Volunteer, Volunteer.organisation_id == a.id).id,
        "placement_id": first(Placement, Placement.organisation_id == a.id).id,
        "course_id": course.id,
        "opportunity_id": opportunity.id, "opportunity_slug": opportunity.slug,
        "session_id": first(CourseSession, CourseSession.course_id == course.id).id,
        "enrolment_id": first(Enrolment, Enrolment.course_id == course.id).id,
        "check_id": first(Check).id, "entry_id": first(HoursLog).id,
        "client_id": with_follow_ups.client_id, "referral_id": with_follow_ups.id,
        "follow_up_id": with_follow_ups.follow_ups[0].id,
        "offer_id": offered.id, "accepted_id": accepted.id,
        "guide_name": "twelve-step",
        "code": "en", "filename": "leaflet.css", "name": "linkage", "purpose": "follow_up",
        "answer": "accept", "action": "confirm", "change_id": change_id,
        "source_id": source.id,
        "area_id": _an_area(),
        "organisation_id": a.id, "user_id": dean.id, "invitation_id": invitation.id,
        # Open Referral UK ids (/api/oruk/): A's, and two of our taxonomies' ids.
        "service_at_location_id": next(s for s in services if s.is_public)
        .service_at_locations[0].id,
        "organization_id": stable_id("organisation", a.slug),
        "taxonomy_id": stable_id("taxonomy", "fellowships"),
        "taxonomy_term_id": stable_id("term", "fellowships", "aa"),
    }  # fmt: skip
    known["one_off_id"] = one_off.id
    return known


QUERIES = {
    "meetings.print_list": "?q=Doncaster&day=2",
    "favourites.my_meetings_ics": "?m=__slug__",
    "directory_api.nearby_api": "?lat=53.52&lng=-1.13",
    "oruk.services": "?postcode=DN1&proximity=8000",
    "reports.public_csv": "?table=areas",
    "reports.report_csv": "?table=by_organisation",
}


def _an_area() -> int:
    """Doncaster's area, made from the demo region's places (areas are shared, not A's)."""
    from community_hub.areas.models import Area
    from community_hub.areas.services import sync

    sync()
    db.session.commit()
    return int(db.session.scalars(select(Area.id).where(Area.slug == "doncaster")).one())


def url_for_rule(rule: Any, known: dict[str, Any]) -> str:
    values = {name: known[name] for name in rule.arguments}
    if rule.endpoint.startswith(("referrals.respond", "referrals.offer")) and rule.arguments:
        values["referral_id"] = known["offer_id"]  # offered to Dean, waiting for his answer
    if rule.endpoint == "referrals.offer_ics":
        values["referral_id"] = known["accepted_id"]  # the calendar entry comes with a yes
    if rule.endpoint == "static":
        values["filename"] = "css/site.css"
    if rule.endpoint == "volunteers.export":
        values["name"] = "volunteers"
    if rule.endpoint == "manage.remove_meeting_change":
        values["change_id"] = known["one_off_id"]
    if rule.endpoint == "manage_people.act":
        values["action"] = "hide"
    if rule.endpoint == "feeds.switch_subscription":
        values["action"] = "stop"
    if rule.endpoint == "areas.area":
        values["slug"] = "doncaster"
    query = QUERIES.get(rule.endpoint, "").replace("__slug__", known["slug"])
    return str(rule.build(values)[1]) + query


def answer(response: Any) -> int:
    """The status code, closing the response (static files hold an open file)."""
    response.close()
    return int(response.status_code)


@pytest.fixture
def world(demo_region: Flask) -> dict[str, Any]:
    create_user(
        "worker.wales@example.org", "demo-password-worker-wales", "worker", "Bethan",
        organisation("taff-recovery-service"),
    )  # fmt: skip
    db.session.commit()
    return ids(demo_region)


def test_the_table_names_every_route(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(TABLE) == set(), "add the new routes to TABLE"
    assert set(TABLE) - endpoints == set(), "remove routes that no longer exist"


def test_every_role_gets_the_expected_answer_on_every_route(app, client, world) -> None:
    assert find_user(LOGINS["volunteer"][0]) is not None
    problems, checked = [], 0
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint)
    for role in ROLES:
        if role != "anonymous":
            email, password = LOGINS[role]
            signed_in = client.post("/login", data={"email": email, "password": password})
            assert signed_in.status_code == 302, role
        for rule in rules:
            url = url_for_rule(rule, world)
            expected = TABLE[rule.endpoint]
            if expected is not None and "GET" in rule.methods:
                got, checked = answer(client.get(url)), checked + 1
                if got != expected[role]:
                    problems.append(f"GET {url} as {role}: {got}, expected {expected[role]}")
            refused = POST_REFUSED.get(rule.endpoint, {})
            if "POST" in rule.methods and role in refused and rule.endpoint != "auth.logout":
                got, checked = answer(client.post(url)), checked + 1
                if got != refused[role]:
                    problems.append(f"POST {url} as {role}: {got}, expected {refused[role]}")
        client.post("/logout")
    assert problems == [], "\n".join(problems)
    assert checked > 8 * 100  # every role on every route, not a vacuous pass
