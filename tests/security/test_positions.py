"""No public output places an approximate listing more finely than about 1 km.

Safe housing shown at town level, an online group placed only by its town, a peer supporter's
and a champion's area centre: each is given a distinctive exact position, through the forms
a coordinator uses, then every public page, feed and API is read and must not carry any
figure finer than two decimal places of those positions.
"""

from __future__ import annotations

import re
from datetime import time

from flask import Flask
from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting, Venue
from community_hub.people.models import PeerSupporter, RecoveryChampion
from community_hub.resources.models import Location, Service
from tests.resources.test_manage import resource_form

# Exact positions nobody may learn; the prefixes are what any finer figure would start with.
HOUSE = (53.5123456, -1.1234567)
ONLINE_GROUP_TOWN = (53.4987654, -1.0987654)
PEER_CENTRE = (53.4876543, -1.1876543)
CHAMPION_CENTRE = (53.5376543, -1.1576543)
FINER = ("53.512", "-1.123", "53.498", "-1.098", "53.487", "-1.187", "53.537", "-1.157")


def test_every_public_output_rounds_every_approximate_place(demo_region: Flask) -> None:
    staff = demo_region.test_client()
    staff.post(
        "/login",
        data={"email": "coordinator@example.org", "password": "demo-password-coordinator"},
    )
    created = staff.post(
        "/manage/resources/new",
        data=resource_form(
            name="Haven House", category="sober_living", approximate="y",
            latitude=str(HOUSE[0]), longitude=str(HOUSE[1]), postcode="DN4", address_1="",
        ),
    )  # fmt: skip
    body = created.get_data(as_text=True)
    assert created.status_code == 302, re.findall(r"<li><a href=\"#[^\"]*\">[^<]*", body)
    house = db.session.scalar(select(Service).where(Service.name == "Haven House"))
    place = db.session.scalar(select(Location).where(Location.id == house.location.id))
    assert (place.latitude, place.longitude, place.postcode) == (53.51, -1.12, "DN4")

    peers = db.session.scalar(
        select(Organisation).where(Organisation.slug == "doncaster-recovery-mentors")
    )
    peer = db.session.scalars(
        select(PeerSupporter).where(PeerSupporter.organisation_id == peers.id)
    ).first()
    edit = staff.get(f"/manage/people/peers/{peer.id}/edit")
    assert edit.status_code == 200
    peer.place_at(*PEER_CENTRE)  # as an import or an old record might hold it
    champion = db.session.scalars(select(RecoveryChampion)).first()
    champion.place_at(*CHAMPION_CENTRE)
    venue = Venue(
        name="Online (Doncaster)", city="Doncaster", latitude=ONLINE_GROUP_TOWN[0],
        longitude=ONLINE_GROUP_TOWN[1], approximate=True, organisation_id=peers.id,
    )  # fmt: skip
    meeting = Meeting(
        slug="online-evening-hope", name="Evening Hope Online", venue=venue,
        fellowship=db.session.scalars(select(Fellowship)).first(), organisation_id=peers.id,
        day=2, start_time=time(19), end_time=time(20), timezone="Europe/London",
        conference_url="https://meet.example.org/hope",
    )  # fmt: skip
    meeting.type_list = ["O"]
    db.session.add_all([venue, meeting])
    db.session.commit()

    visitor = demo_region.test_client()
    near = "lat=53.51&lng=-1.12"
    outputs = [
        "/api/resources.csv", "/api/hsds/services?per_page=50",
        f"/api/hsds/services/{house.id}", f"/api/v1/nearby?{near}&radius_km=25",
        "/api/meetings.json", "/api/meetings.csv", f"/api/v1/meetings?{near}&limit=100",
        f"/meetings.ics?{near}", f"/meetings/{meeting.slug}", f"/meetings/{meeting.slug}.ics",
        f"/resources/{house.id}", "/resources?q=Doncaster", f"/peers/{peer.id}",
        "/peers?q=Doncaster", f"/champions/{champion.id}", "/community-map?q=Doncaster",
        "/near?q=Doncaster", "/?q=Doncaster",
    ]  # fmt: skip
    leaks = []
    for url in outputs:
        response = visitor.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, url
        leaks += [f"{url}: {fine}" for fine in FINER if fine in body]
    assert leaks == []
    # The peer's and champion's stored centres were rounded on the way out, not just on save.
    db.session.refresh(peer)
    assert peer.latitude == PEER_CENTRE[0]
