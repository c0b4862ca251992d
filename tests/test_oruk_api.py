"""Open Referral UK API: endpoints, paging, every filter against the records themselves,
errors, openness (CORS, no key, throttling) and the privacy rules of every export."""

from __future__ import annotations

import json
import math
import re
from datetime import time
from typing import Any

import pytest
from sqlalchemy import select

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import db
from community_hub.interop.hsds import stable_id
from community_hub.interop.oruk_taxonomies import TAXONOMIES
from community_hub.meetings.models import Meeting
from community_hub.people.models import PeerSupporter, RecoveryChampion
from community_hub.resources.models import PUBLIC_STATUSES, Service, ServiceStatus
from tests.conftest import make_app
from tests.helpers import statements_sent
from tests.hsds_helpers import all_items as hsds_items
from tests.oruk_helpers import BASE, all_items, by_id, get

DAYS = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")  # Meeting.day: 0 is Sunday


@pytest.fixture
def records(demo_region, client) -> dict[str, dict[str, Any]]:
    """Every public service's full record, by id: the oracle the filters are checked against."""
    return {s["id"]: get(client, f"/services/{s['id']}") for s in all_items(client, "/services")}


def ids(client: Any, path: str = "/services", **params: Any) -> set[str]:
    return set(by_id(all_items(client, path, **params)))


def terms_of(record: dict[str, Any]) -> set[str]:
    return {a["taxonomy_term_id"] for a in record.get("attributes", [])}


def test_the_base_url_says_what_it_is(app, client):
    info = get(client, "/")
    assert info["version"] == "HSDS-UK-3.0"
    assert info["profile"].startswith("https://")
    assert info["openapi_url"] == "http://localhost/api/oruk/openapi.json"
    document = get(client, "/openapi.json")
    assert {"/", "/services", "/services/{id}", "/service_at_locations", "/organizations",
            "/taxonomies/{id}", "/taxonomy_terms"} <= set(document["paths"])  # fmt: skip
    assert client.get(BASE).status_code == 308  # /api/oruk -> /api/oruk/


def test_open_to_every_origin_without_a_key(demo_region, client):
    """CORS on answers, errors and preflights; no cookie is ever set."""
    for path in ("/services", "/services/not-an-id", "/nowhere", "/services?page=0"):
        response = client.get(BASE + path)
        assert response.headers["Access-Control-Allow-Origin"] == "*", path
        assert "Set-Cookie" not in response.headers
        assert response.mimetype == "application/json"
    preflight = client.options(BASE + "/services", headers={"Origin": "https://council.example"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_throttled_by_the_apps_limiter(demo_region):
    limited = make_app(
        "sqlite://", RATELIMIT_ENABLED=True, ORUK_RATE_LIMIT="3 per minute"
    ).test_client()
    answers = [limited.get(BASE + "/taxonomies").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    blocked = limited.get(BASE + "/taxonomies")
    assert blocked.headers["Access-Control-Allow-Origin"] == "*"
    assert blocked.get_json()["error"] == "too_many_requests"


def test_paging_maths(demo_region, client):
    for path in ("/services", "/service_at_locations", "/taxonomy_terms"):
        everything = all_items(client, path)
        total, per_page = len(everything), 17
        pages = math.ceil(total / per_page)
        seen: list[str] = []
        for number in range(1, pages + 1):
            page = get(client, path, page=number, per_page=per_page)
            assert page["total_items"] == total and page["total_pages"] == pages
            assert page["page_number"] == number and page["empty"] is False
            assert page["first_page"] is (number == 1) and page["last_page"] is (number == pages)
            assert page["size"] == len(page["contents"]) == min(per_page, total - len(seen))
            seen += [item["id"] for item in page["contents"]]
        assert seen == [item["id"] for item in everything]
        beyond = get(client, path, page=pages + 1, per_page=per_page)
        assert beyond["contents"] == [] and beyond["empty"] is True
        assert beyond["last_page"] is True and beyond["first_page"] is False
        assert get(client, path)["size"] == min(total, 50)


def test_services_are_the_hsds_services_with_the_same_ids(demo_region, client):
    assert [s["id"] for s in all_items(client, "/services")] == [
        s["id"] for s in hsds_items(client)
    ]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": " 2"}, "page"),
        ({"per_page": "201"}, "per_page"),
        ({"taxonomy_term_id": "recovery_cafe"}, "taxonomy_term_id"),
        ({"taxonomy_id": "1"}, "taxonomy_id"),
        ({"organization_id": "doncaster"}, "organization_id"),
        ({"minimum_age": "-1"}, "minimum_age"),
        ({"maximum_age": "old"}, "maximum_age"),
        ({"day": "Mondays"}, "day"),
        ({"day": "7"}, "day"),
        ({"start_time": "7pm"}, "start_time"),
        ({"end_time": "24:00"}, "end_time"),
        ({"postcode": "Atlantis"}, "postcode"),
        ({"postcode": "DN1", "proximity": "0"}, "proximity"),
        ({"postcode": "DN1", "proximity": "nan"}, "proximity"),
        ({"proximity": "1000"}, "proximity"),
        ({"modified_after": "yesterday"}, "modified_after"),
        ({"modified_after": "2026-02-30"}, "modified_after"),
        ({"search": "x" * 201}, "search"),
        ({"format": "ndjson"}, "format"),
        ([("day", "MO"), ("day", "TU")], "day"),
    ],
)
def test_bad_parameters_get_400_naming_them(app, client, query, parameter):
    for path in ("/services", "/service_at_locations"):
        response = client.get(BASE + path, query_string=query)
        assert response.status_code == 400, (path, query)
        body = response.get_json()
        assert body["error"] == "invalid_parameter" and body["parameter"] == parameter
        assert body["message"]


def test_empty_values_are_left_out(demo_region, client):
    assert get(client, "/services", search="", day="", postcode="")["total_items"] == len(
        all_items(client, "/services")
    )


def test_unknown_ids_get_404(demo_region, client):
    for detail in ("/services", "/service_at_locations", "/organizations", "/taxonomies",
                   "/taxonomy_terms"):  # fmt: skip
        for bad in ("00000000-0000-0000-0000-000000000000", "not-an-id", "42", "'; --"):
            response = client.get(f"{BASE}{detail}/{bad}")
            assert response.status_code == 404, (detail, bad)
            assert response.get_json()["error"] == "not_found"


def test_every_term_filter_matches_the_records_that_carry_it(records, client):
    """taxonomy_term_id and taxonomy_id against each full record's attributes."""
    carried = {term for record in records.values() for term in terms_of(record)}
    checked = 0
    for taxonomy in TAXONOMIES:
        terms = {t.id for t in taxonomy.terms()}
        expected = {i for i, r in records.items() if terms_of(r) & terms}
        assert ids(client, taxonomy_id=taxonomy.id) == expected, taxonomy.key
        for term in terms & carried:
            expected = {i for i, r in records.items() if term in terms_of(r)}
            assert ids(client, taxonomy_term_id=term) == expected, (taxonomy.key, term)
            checked += 1
    assert checked > 40
    elsewhere = "5b7c2a1e-0000-4000-8000-000000000000"  # a term from someone else's taxonomy
    assert ids(client, taxonomy_term_id=elsewhere) == set()


def test_the_places_filter_by_their_service(records, client):
    aa = stable_id("term", "fellowships", "aa")
    places = all_items(client, "/service_at_locations", taxonomy_term_id=aa)
    assert places and {p["service_id"] for p in places} <= {
        i for i, r in records.items() if aa in terms_of(r)
    }


def test_organization_filter(records, client):
    for org in db.session.scalars(select(Organisation)):
        org_id = stable_id("organisation", org.slug)
        expected = {i for i, r in records.items() if r["organization_id"] == org_id}
        assert ids(client, organization_id=org_id) == expected, org.slug


def _times(record: dict[str, Any]) -> list[tuple[set[str], str, str]]:
    """Each schedule's weekdays (a monthly "1SA", the first Saturday, is a Saturday) and times."""
    return [
        (
            {code[-2:] for code in s.get("byday", "").split(",") if code},
            s.get("opens_at", ""),
            s.get("closes_at", ""),
        )
        for s in record.get("schedules", [])
    ]


TIMED = [
    {"day": "MO"},
    {"day": "saturday"},
    {"day": "SU,sa"},
    {"start_time": "18:00"},
    {"end_time": "16:00"},
    {"day": "TU", "start_time": "10:00", "end_time": "21:00"},
]


def _fits(record: dict[str, Any], query: dict[str, str]) -> bool:
    """One of the record's schedules is on a chosen day and within the times."""
    days = {d.strip().upper()[:2] for d in query.get("day", "").split(",") if d}
    start, end = query.get("start_time"), query.get("end_time")
    return any(
        (not days or byday & days)
        and (not start or opens >= start)
        and (not end or (closes and closes <= end))
        for byday, opens, closes in _times(record)
    )


def test_day_and_time_filters_match_the_schedules(records, client):
    for query in TIMED:
        expected = {i for i, r in records.items() if _fits(r, query)}
        assert expected and ids(client, **query) == expected, query


def test_ages(demo_region, client):
    """Adults-only resources say 18; a young people's service says 12 to 17."""
    young = db.session.scalar(select(Service).where(Service.slug.like("%families%")).limit(1))
    assert young is not None
    young.minimum_age, young.maximum_age = 12, 17
    db.session.commit()
    young_id = young.id
    adults = {s.id for s in db.session.scalars(select(Service)) if s.minimum_age == 18}
    assert len(adults) > 5
    assert ids(client, minimum_age=18) == adults
    assert ids(client, minimum_age="12") == adults | {young_id}
    assert ids(client, maximum_age=17) == {young_id}
    assert ids(client, maximum_age="16.5") == set()
    assert ids(client, minimum_age=0) == ids(client)  # everything states at least 0
    record = get(client, f"/services/{young_id}")
    assert (record["minimum_age"], record["maximum_age"]) == (12, 17)


def test_search_matches_words_in_names_and_descriptions(records, client):
    def text(record: dict[str, Any]) -> str:
        names = [a["taxonomy_term"]["name"] for a in record.get("attributes", [])]
        return " ".join([record["name"], record.get("description", ""), *names]).casefold()

    for words in ("café", "Doncaster", "women", "narcotics anonymous", "GARDEN", "urdu"):
        wanted = words.casefold().split()
        expected = {i for i, r in records.items() if all(w in text(r) for w in wanted)}
        assert expected and ids(client, search=words) == expected, words


def test_search_takes_wildcards_literally(demo_region, client):
    service = db.session.scalars(select(Service)).first()
    assert service is not None
    service.description += " 100% free_of_charge"
    db.session.commit()
    service_id = service.id
    assert ids(client, search="100%") == {service_id}
    assert ids(client, search="free_of") == {service_id}
    assert ids(client, search="%") == {service_id}
    assert ids(client, search="_") == {service_id}


def test_records_are_the_same_in_english_and_welsh(demo_region, client):
    peer = db.session.scalars(select(PeerSupporter).where(PeerSupporter.offers != "")).first()
    assert peer is not None
    record_id = stable_id("peer", peer.slug)
    english = get(client, f"/services/{record_id}")
    client.get("/language/cy?next=/")
    welsh = client.get(f"{BASE}/services/{record_id}", headers={"Accept-Language": "cy"})
    assert welsh.get_json() == english


def test_no_personal_data_and_no_private_listing_ever_appears(demo_region, client):
    """Peers without names, contacts or exact points; champions, hidden, unconsented,
    archived and defunct listings nowhere: in lists, places, organisations or by id."""
    hidden = db.session.scalars(select(PeerSupporter)).first()
    archived = db.session.scalars(select(Meeting)).first()
    defunct = db.session.scalars(select(Service)).first()
    assert hidden and archived and defunct
    hidden.hidden_at = archived.archived_at = utcnow()
    defunct.status = "defunct"
    db.session.commit()
    # (Requests end the test's session on PostgreSQL, read-only views: keep what we need.)
    private = (stable_id("peer", hidden.slug), stable_id("meeting", archived.slug), defunct.id)
    texts = []
    for path in ("/services", "/service_at_locations", "/organizations"):
        for item in all_items(client, path):
            texts.append(json.dumps(item))
            detail = f"{path}/{item['id']}"
            texts.append(json.dumps(get(client, detail)))
    export = "\n".join(texts)
    for peer in db.session.scalars(select(PeerSupporter)):
        assert re.search(rf"\b{re.escape(peer.display_name)}\b", export) is None
        assert peer.slug not in export and peer.private_email not in export
        assert peer.private_phone not in export
        assert peer.private_phone.replace(" ", "") not in export
        if peer.bio:
            assert peer.bio not in export
    for champion in db.session.scalars(select(RecoveryChampion)):
        assert re.search(rf"\b{re.escape(champion.display_name)}\b", export) is None
        assert champion.slug not in export
    listed = ids(client)
    for private_id in private:
        assert private_id not in listed
        assert client.get(f"{BASE}/services/{private_id}").status_code == 404
    peers = {stable_id("peer", p.slug) for p in db.session.scalars(select(PeerSupporter))}
    for place in all_items(client, "/service_at_locations"):
        if place["service_id"] in peers:
            location = get(client, f"/service_at_locations/{place['id']}")["location"]
            assert "addresses" not in location
            for axis in ("latitude", "longitude"):
                assert location[axis] == round(location[axis], 2)


def test_public_resources_are_every_status_but_defunct():
    """hsds_kinds.public() says "not defunct" for speed: it must mean PUBLIC_STATUSES."""
    assert set(PUBLIC_STATUSES) == {s.value for s in ServiceStatus} - {"defunct"}


def test_only_publishing_organisations_are_listed(demo_region, client, make_org):
    make_org(name="A commissioner with no listings", slug="quiet", kind="commissioner")
    db.session.commit()
    listed = {o["name"] for o in all_items(client, "/organizations")}
    assert "A commissioner with no listings" not in listed
    publishing = {s["organization"]["name"] for s in all_items(client, "/services")}
    assert listed == publishing


def test_taxonomies_have_stable_ids_and_the_meeting_guide_codes(demo_region, client):
    taxonomies = by_id(all_items(client, "/taxonomies"))
    assert set(taxonomies) == {stable_id("taxonomy", t.key) for t in TAXONOMIES}
    types = get(client, f"/taxonomies/{stable_id('taxonomy', 'meeting_guide_types')}")
    codes = {t["term"]: t for t in types["taxonomy_terms"]}
    assert {"O", "C", "W", "BE", "X", "HL", "BSL", "CY"} <= set(codes)
    assert codes["W"]["name"] == "Women"
    assert codes["W"]["id"] == stable_id("term", "meeting_guide_types", "W")
    offers = get(client, "/taxonomy_terms", taxonomy_id=stable_id("taxonomy", "peer_offers"))
    assert {t["term"] for t in offers["contents"]} == {"accompany", "one_to_one", "phone", "family"}
    term = get(client, f"/taxonomy_terms/{stable_id('term', 'fellowships', 'na')}")
    assert term["name"] == "Narcotics Anonymous" and term["term"] == "na"


def test_meetings_keep_their_joining_details(demo_region, client):
    online = db.session.scalars(
        select(Meeting).where(Meeting.conference_url != "", Meeting.archived_at.is_(None))
    ).first()
    assert online is not None
    link, day, start = online.conference_url, online.day, online.start_time
    record = get(client, f"/services/{stable_id('meeting', online.slug)}")
    assert record["schedules"][0]["schedule_link"] == link
    assert f"Join online: {link}" in record["description"]
    assert record["schedules"][0]["byday"] == DAYS[day]
    assert record["schedules"][0]["opens_at"] == start.strftime("%H:%M")
    kinds = {p["location"]["location_type"] for p in record.get("service_at_locations", [])}
    assert "virtual" in kinds


def test_a_page_reads_a_few_rows_not_the_whole_directory(demo_region, client):
    with statements_sent() as statements:
        get(client, "/services", per_page=5)
        plain = len(statements)
        statements.clear()
        get(client, "/services", postcode="DN1", proximity=20000, per_page=5)
        near = len(statements)
        statements.clear()
        get(client, "/service_at_locations", search="recovery", day="MO", per_page=5)
        places = len(statements)
    assert plain <= 15 and near <= 20 and places <= 25


def test_start_time_is_local_and_inclusive(app, client, make_meeting):
    meeting = make_meeting(start_time=time(19, 30), end_time=time(20, 30), day=2)
    record_id = stable_id("meeting", meeting.slug)
    assert ids(client, start_time="19:30", end_time="20:30", day="TU") == {record_id}
    assert ids(client, start_time="19:31") == set()
    assert ids(client, end_time="20:29") == set()
