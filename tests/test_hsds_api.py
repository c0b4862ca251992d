"""HSDS 3 API: paging, errors, stable ids, how each kind maps, and no personal data of peers."""

from __future__ import annotations

import json
import math
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from community_hub.auth.models import utcnow
from community_hub.extensions import db
from community_hub.interop.hsds import NAMESPACE, utc_offset
from community_hub.meetings.models import Meeting
from community_hub.people.models import PeerSupporter
from community_hub.resources.models import Service
from tests.helpers import statements_sent
from tests.hsds_helpers import all_items, get_page, public_counts


def test_paging_maths(demo_region, client):
    total = sum(public_counts())
    everything = get_page(client, per_page=200)["contents"]
    assert len(everything) == min(total, 200)
    per_page = 10
    pages = math.ceil(total / per_page)
    ids: list[str] = []
    for number in range(1, pages + 1):
        page = get_page(client, page=number, per_page=per_page)
        assert page["total_items"] == total
        assert page["total_pages"] == pages
        assert page["page_number"] == number
        assert page["first_page"] is (number == 1)
        assert page["last_page"] is (number == pages)
        expected = per_page if number < pages else total - per_page * (pages - 1)
        assert page["size"] == len(page["contents"]) == expected
        assert page["empty"] is False
        ids += [item["id"] for item in page["contents"]]
    assert len(ids) == len(set(ids)) == total
    assert ids == [item["id"] for item in all_items(client, per_page=200)]
    beyond = get_page(client, page=pages + 1, per_page=per_page)
    assert beyond["contents"] == [] and beyond["empty"] is True and beyond["size"] == 0
    assert beyond["last_page"] is True and beyond["first_page"] is False
    default = get_page(client)
    assert default["size"] == min(total, 50) and default["page_number"] == 1


def test_empty_directory(app, client):
    page = get_page(client)
    assert page == {
        "total_items": 0,
        "total_pages": 0,
        "page_number": 1,
        "size": 0,
        "first_page": True,
        "last_page": True,
        "empty": True,
        "contents": [],
    }


def test_a_page_reads_a_few_rows_not_the_whole_directory(demo_region, client):
    with statements_sent() as statements:
        small = get_page(client, per_page=5)
        small_count = len(statements)
        statements.clear()
        get_page(client, page=2, per_page=200)
    assert small["size"] == 5
    # Counts per kind plus one query per kind and relationship: never one per record.
    assert small_count <= 15 and len(statements) <= 20
    assert all("LIMIT" in s.upper() for s in statements if "ORDER BY" in s.upper())


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": "²"}, "page"),
        ({"page": ""}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "201"}, "per_page"),
        ({"per_page": "many"}, "per_page"),
        ({"search": "cafe"}, "search"),
    ],
)
def test_bad_parameters_get_400_naming_them(app, client, query, parameter):
    response = client.get("/api/hsds/services", query_string=query)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == "invalid_parameter" and body["parameter"] == parameter
    assert body["message"]


def test_unknown_and_private_ids_get_404(demo_region, client):
    archived = db.session.scalars(select(Service)).first()
    assert archived is not None
    archived.archived_at = utcnow()
    defunct = db.session.scalars(select(Service).where(Service.id != archived.id)).first()
    assert defunct is not None
    defunct.status = "defunct"
    peer = db.session.scalars(select(PeerSupporter)).first()
    assert peer is not None
    peer.hidden_at = utcnow()
    meeting = db.session.scalars(select(Meeting)).first()
    assert meeting is not None
    meeting.archived_at = utcnow()
    db.session.commit()
    hidden_ids = [
        archived.id,
        defunct.id,
        str(uuid.uuid5(NAMESPACE, f"peer:{peer.slug}")),
        str(uuid.uuid5(NAMESPACE, f"meeting:{meeting.slug}")),
    ]
    for service_id in [*hidden_ids, str(uuid.uuid4()), "not-a-uuid", "42"]:
        response = client.get(f"/api/hsds/services/{service_id}")
        assert response.status_code == 404, service_id
        assert response.mimetype == "application/json"
        assert response.get_json()["error"] == "not_found"
    listed = {item["id"] for item in all_items(client)}
    assert not listed & set(hidden_ids)
    assert len(listed) == sum(public_counts())


def test_ids_are_stable_uuids_derived_from_slugs(demo_region, client):
    meeting = db.session.scalars(select(Meeting).order_by(Meeting.id)).first()
    peer = db.session.scalars(select(PeerSupporter).order_by(PeerSupporter.id)).first()
    assert meeting is not None and peer is not None
    items = {item["id"]: item for item in all_items(client)}
    meeting_id = str(uuid.uuid5(NAMESPACE, f"meeting:{meeting.slug}"))
    assert items[meeting_id]["name"] == meeting.name
    organisation_id = str(uuid.uuid5(NAMESPACE, f"organisation:{meeting.organisation.slug}"))
    assert items[meeting_id]["organization"]["id"] == organisation_id
    assert items[meeting_id]["organization_id"] == organisation_id
    assert str(uuid.uuid5(NAMESPACE, f"peer:{peer.slug}")) in items
    for service in db.session.scalars(select(Service)):
        assert (service.id in items) is service.is_public
    assert list(items) == [item["id"] for item in all_items(client, per_page=13)]


def detail(client, service_id: str) -> dict[str, Any]:
    response = client.get(f"/api/hsds/services/{service_id}")
    assert response.status_code == 200
    return response.get_json()


def test_meetings_become_weekly_or_monthly_services_with_places(demo_region, client):
    meetings = db.session.scalars(select(Meeting).where(Meeting.archived_at.is_(None))).all()
    kinds = set()
    for meeting in meetings:
        record = detail(client, str(uuid.uuid5(NAMESPACE, f"meeting:{meeting.slug}")))
        (schedule,) = record["schedules"]
        day = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")[meeting.day]
        if meeting.monthly_week is None:
            assert (schedule["freq"], schedule["byday"]) == ("WEEKLY", day)
        else:  # the demo's first-Saturday speaker night: BYDAY=1SA
            assert (schedule["freq"], schedule["byday"]) == (
                "MONTHLY",
                f"{meeting.monthly_week}{day}",
            )
        assert schedule["opens_at"] == meeting.start_time.strftime("%H:%M")
        if meeting.end_time:
            assert schedule["closes_at"] == meeting.end_time.strftime("%H:%M")
        assert schedule["timezone"] == utc_offset(meeting.timezone)
        assert isinstance(schedule["timezone"], int | float)
        zones = [a["value"] for a in record["attributes"] if a["link_type"] == "timezone"]
        assert zones == [meeting.timezone]
        places = [link["location"] for link in record.get("service_at_locations", [])]
        types = {p["location_type"] for p in places}
        venue = meeting.venue
        in_person = venue is not None and not venue.approximate and "TC" not in meeting.type_list
        assert ("physical" in types) is in_person
        if in_person and venue is not None and venue.address:
            (address,) = next(p for p in places if p["location_type"] == "physical")["addresses"]
            assert address["address_1"] == venue.address
            assert address["postal_code"] == venue.postcode
        virtual = [p for p in places if p["location_type"] == "virtual"]
        assert [p["url"] for p in virtual] == (
            [meeting.conference_url] if meeting.conference_url else []
        )
        kinds.add(frozenset(types))
    # The demo has in-person, online-only and hybrid meetings.
    assert {
        frozenset({"physical"}),
        frozenset({"virtual"}),
        frozenset({"physical", "virtual"}),
    } <= kinds


def test_utc_offset_follows_daylight_saving():
    from datetime import UTC, datetime

    assert utc_offset("Europe/London", datetime(2026, 1, 15, tzinfo=UTC)) == 0
    assert utc_offset("Europe/London", datetime(2026, 7, 15, tzinfo=UTC)) == 1
    assert utc_offset("America/New_York", datetime(2026, 1, 15, tzinfo=UTC)) == -5
    assert utc_offset("Asia/Kolkata", datetime(2026, 1, 15, tzinfo=UTC)) == 5.5


def test_resources_keep_their_uuids_and_details(demo_region, client):
    service = db.session.scalar(
        select(Service).where(Service.slug == "the-beacon-recovery-cafe-doncaster")
    )
    assert service is not None
    record = detail(client, service.id)
    assert record["name"] == service.name and record["status"] == "active"
    assert record["url"] == service.url and record["email"] == service.email
    assert [p["number"] for p in record["phones"]] == [p.number for p in service.phones]
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in record["schedules"]] == [
        ("MO,TU,WE,TH,FR", "10:00", "16:00"),
        ("SA", "11:00", "15:00"),
    ]
    (link,) = record["service_at_locations"]
    location = link["location"]
    assert location["id"] == service.location.id
    assert location["addresses"][0]["address_1"] == "14 Priory Walk"
    category = next(a for a in record["attributes"] if a["link_type"] == "community_hub")
    assert category["taxonomy_term"]["code"] == "recovery_cafe"
    assert [lang["code"] for lang in record["languages"]] == ["en"]
    # Area-only places (safe housing) publish no street address.
    for other in db.session.scalars(select(Service)):
        if other.is_public and other.location is not None and other.location.approximate:
            place = detail(client, other.id)["service_at_locations"][0]["location"]
            assert "addresses" not in place


def test_no_personal_data_of_peers_is_exported(demo_region, client):
    """Names, private phones and emails, slugs (which hold names) and exact points never leak."""
    peers = db.session.scalars(select(PeerSupporter)).all()
    assert peers
    items = all_items(client)
    texts = [json.dumps(get_page(client, page=1, per_page=200))]
    texts += [json.dumps(detail(client, item["id"])) for item in items]
    export = "\n".join(texts)
    for peer in peers:
        assert peer.private_phone and peer.private_email
        assert re.search(rf"\b{re.escape(peer.display_name)}\b", export) is None, peer.display_name
        assert peer.private_phone not in export
        assert peer.private_phone.replace(" ", "") not in export
        assert peer.private_email not in export
        assert peer.slug not in export
        if peer.bio:
            assert peer.bio not in export
    peer_records = [
        detail(client, str(uuid.uuid5(NAMESPACE, f"peer:{p.slug}"))) for p in peers if p.is_public
    ]
    assert peer_records
    for record, peer in zip(peer_records, [p for p in peers if p.is_public], strict=True):
        assert record["name"] == f"Peer support in {peer.area}"
        assert "phones" not in record and "contacts" not in record and "email" not in record
        (link,) = record["service_at_locations"]
        place = link["location"]
        assert "addresses" not in place
        for axis in ("latitude", "longitude"):
            if axis in place:
                assert place[axis] == round(place[axis], 2)
        assert record["organization"]["name"] == peer.organisation.name
