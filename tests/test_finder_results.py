"""The finder's results: words and places, more than 20, soonest first, and never a dead end."""

import re
from datetime import UTC, datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from icalendar import Calendar

from community_hub.meetings.schedule import today_in
from tests.test_search import CARDIFF, DONCASTER, MEXBOROUGH, SHEFFIELD

# About 70 km north of Doncaster: beyond the finder's 40 km of travelling.
YORK = (53.9590, -1.0815)


def names_in(html: str) -> list[str]:
    return re.findall(r'class="result-name"[^>]*><a href="[^"]+">([^<]+)</a>', html)


def link(html: str, text: str) -> str:
    match = re.search(r'<a[^>]*href="([^"]+)"[^>]*>\s*' + re.escape(text), html)
    assert match, f"no link {text!r}"
    return match.group(1).replace("&amp;", "&")


@pytest.fixture
def places(make_meeting, make_venue):
    hall = make_venue(name="Friends Meeting House", latitude=DONCASTER[0], longitude=DONCASTER[1])
    make_meeting(name="Newcomers Welcome", venue=hall, notes="Step-free; hearing loop")
    make_meeting(name="Big Book Study", venue=hall)
    make_meeting(
        name="Newcomers Sheffield", venue_latitude=SHEFFIELD[0], venue_longitude=SHEFFIELD[1]
    )
    make_meeting(name="Newcomers Cardiff", venue_latitude=CARDIFF[0], venue_longitude=CARDIFF[1])


def test_text_that_is_not_a_place_is_searched_for(client, places):
    html = client.get("/?q=newcomers").get_data(as_text=True)
    assert sorted(names_in(html)) == [
        "Newcomers Cardiff",
        "Newcomers Sheffield",
        "Newcomers Welcome",
    ]
    assert "3 meetings" in html and "We could not find" not in html


def test_an_address_is_a_place_not_words(client, places):
    # The place finder reads these as Doncaster (a county beside it, an address before it):
    # none of their words is searched for, so every meeting near Doncaster is listed.
    for typed in ("Doncaster South Yorkshire", "High Street, Doncaster", "Doncaster, UK"):
        html = client.get("/", query_string={"q": typed, "radius": "50km"}).get_data(as_text=True)
        assert sorted(names_in(html)) == [
            "Big Book Study",
            "Newcomers Sheffield",
            "Newcomers Welcome",
        ], typed


def test_words_and_a_place_in_one_box(client, places):
    html = client.get("/?q=newcom+in+Doncaster&radius=50km").get_data(as_text=True)
    assert names_in(html) == ["Newcomers Welcome", "Newcomers Sheffield"]
    html = client.get("/?q=newcomers+Doncaster&radius=50km").get_data(as_text=True)
    assert names_in(html) == ["Newcomers Welcome", "Newcomers Sheffield"]


def test_the_search_words_field_with_a_place_and_filters(client, places):
    html = client.get("/?q=Doncaster&search=hearing+loop&radius=25km").get_data(as_text=True)
    assert names_in(html) == ["Newcomers Welcome"]
    html = client.get("/?q=Doncaster&search=friends+meeting&radius=25km").get_data(as_text=True)
    assert names_in(html) == ["Newcomers Welcome", "Big Book Study"]
    assert 'value="friends meeting"' in html
    html = client.get("/?q=Doncaster&search=friends&radius=25km&day=3").get_data(as_text=True)
    assert names_in(html) == []


def test_too_long_search_words_get_a_message(client, places):
    response = client.get("/?search=" + "a" * 201)
    assert response.status_code == 400
    assert "search is at most 200 characters" in response.get_data(as_text=True)


@pytest.fixture
def many(make_meeting, make_venue):
    venue = make_venue(latitude=DONCASTER[0], longitude=DONCASTER[1])
    for n in range(45):
        make_meeting(name=f"Group {n:02d}", venue=venue, start_time=time(6 + n % 16, n % 60))


def test_show_20_more_keeps_the_earlier_results(client, many):
    html = client.get("/?q=Doncaster").get_data(as_text=True)
    assert len(names_in(html)) == 20
    assert "45 meetings within 3 miles of Doncaster" in html
    more = link(html, "Show 20 more")
    assert parse_qs(urlsplit(more).query)["limit"] == ["40"] and more.endswith("#result-21")
    html = client.get(more).get_data(as_text=True)
    assert len(names_in(html)) == 40 and 'id="result-40"' in html
    html = client.get(link(html, "Show 20 more")).get_data(as_text=True)
    assert len(names_in(html)) == 45 and "Show 20 more" not in html


def test_one_meeting_is_not_plural(client, places):
    html = client.get("/?q=Doncaster&search=big").get_data(as_text=True)
    assert re.search(r"\b1 meeting near Doncaster", html)
    html = client.get("/?q=Doncaster&search=big&radius=5mi").get_data(as_text=True)
    assert re.search(r"\b1 meeting within 5 miles of Doncaster", html)


def test_search_words_are_not_logged(client, places, caplog):
    with caplog.at_level("DEBUG"):
        client.get("/?q=Doncaster&search=zebedee+secret")
        client.get("/?q=zebedee+secret")
        client.get("/api/v1/meetings?search=zebedee+secret")
    app_records = [r for r in caplog.records if r.name != "werkzeug"]
    assert not any("zebedee" in r.getMessage() for r in app_records)


def test_welsh_heading_uses_welsh_plural_forms(client, many):
    html = client.get("/?q=Doncaster", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert "45 cyfarfod o fewn 3 milltir i Doncaster" in html


def test_soonest_first(client, many):
    html = client.get("/?q=Doncaster").get_data(as_text=True)
    html = client.get(link(html, "Soonest first")).get_data(as_text=True)
    assert '<strong aria-current="true">Soonest first</strong>' in html
    starts = re.findall(r'class="result-when">\s*<strong>([^<]+)</strong>', html)
    assert len(starts) == 20


@pytest.fixture
def far_tonight(make_meeting):
    now = datetime.now(UTC)
    today = today_in("Europe/London", now)
    make_meeting(
        name="York Tonight", venue_latitude=YORK[0], venue_longitude=YORK[1], day=today,
        start_time=time(23, 59), end_time=time(23, 59),
    )  # fmt: skip
    make_meeting(
        name="Online Tonight", venue=None, conference_url="https://meet.example.org/t",
        day=today, start_time=time(23, 59), end_time=time(23, 59),
    )  # fmt: skip


def test_nearest_today_stops_at_travelling_distance(client, far_tonight):
    html = client.get("/?q=Doncaster&day=today").get_data(as_text=True)
    assert "York Tonight" not in names_in(html)
    assert "York Tonight" not in html  # nor in the "starting next" banner
    further = link(html, "Show meetings further away")
    assert "further=1" in further
    assert "York Tonight" in names_in(client.get(further).get_data(as_text=True))
    online = client.get(link(html, "Online meetings at that time")).get_data(as_text=True)
    assert names_in(online) == ["Online Tonight"]


def test_the_travelling_distance_is_configurable(app, client, far_tonight):
    app.config["FINDER_MAX_TRAVEL_KM"] = 100.0
    html = client.get("/?q=Doncaster&day=today").get_data(as_text=True)
    assert "York Tonight" in names_in(html)


def test_nothing_soon_offers_the_next_that_start(client, make_meeting):
    later = datetime.now(UTC) + timedelta(hours=5)
    make_meeting(
        name="Later Online", venue=None, conference_url="https://meet.example.org/l",
        day=today_in("UTC", later), start_time=later.time().replace(second=0, microsecond=0),
        end_time=None, timezone="UTC",
    )  # fmt: skip
    html = client.get("/?mode=online&within=1&sort=time").get_data(as_text=True)
    assert "No meetings match" in html and "The next ones that do start" in html
    assert "Later Online" in html


def test_the_printable_list_covers_the_area(client, make_meeting):
    for n in range(3):
        make_meeting(name=f"Local {n}", venue_latitude=DONCASTER[0], venue_longitude=DONCASTER[1])
    make_meeting(name="Mex", venue_latitude=MEXBOROUGH[0], venue_longitude=MEXBOROUGH[1])
    make_meeting(name="Far York", venue_latitude=YORK[0], venue_longitude=YORK[1])
    html = client.get("/meetings/print?q=Doncaster").get_data(as_text=True)
    assert "Mex" in html and "Far York" not in html
    assert "4 meetings within 25 miles of Doncaster" in html
    html = client.get("/meetings/print?q=Doncaster&limit=2").get_data(as_text=True)
    assert "This list shows the first 2" in html


def test_the_search_calendar_says_when_it_is_cut(client, many):
    response = client.get("/meetings.ics?q=Doncaster&limit=10")
    calendar = Calendar.from_ical(response.data)
    assert len(calendar.walk("VEVENT")) == 10
    assert "10 of 45" in str(calendar["X-WR-CALDESC"])
    assert response.headers["X-Total-Count"] == "45"
    whole = Calendar.from_ical(client.get("/meetings.ics?q=Doncaster").data)
    assert len(whole.walk("VEVENT")) == 45 and "X-WR-CALDESC" not in whole
    second = Calendar.from_ical(client.get("/meetings.ics?q=Doncaster&limit=10&page=5").data)
    assert len(second.walk("VEVENT")) == 5


def test_api_words_and_pages(client, many, places):
    base = f"/api/v1/meetings?lat={DONCASTER[0]}&lng={DONCASTER[1]}&limit=20"
    body = client.get(base + "&radius_km=5").get_json()
    assert body["total"] == 47 and body["page"] == 1 and body["count"] == 20
    seen = [m["name"] for m in body["meetings"]]
    while body["next"]:
        body = client.get(body["next"]).get_json()
        seen += [m["name"] for m in body["meetings"]]
    assert len(seen) == len(set(seen)) == 47 and body["page"] == 3
    body = client.get(base + "&search=newcom").get_json()
    assert [m["name"] for m in body["meetings"]] == [
        "Newcomers Welcome", "Newcomers Sheffield", "Newcomers Cardiff"
    ]  # fmt: skip
    assert body["next"] is None
    assert client.get(base + "&page=0").status_code == 400
    assert client.get(base + "&search=" + "x" * 201).get_json()["parameter"] == "search"


def test_the_api_document_describes_search_and_paging(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/meetings"]["get"]
    assert {"search", "page"} <= {p["name"] for p in operation["parameters"]}
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"page", "next"} <= set(schema["properties"])


def test_coordinates_win_over_a_place_typed_with_them(client, places):
    url = f"/?lat={DONCASTER[0]}&lng={DONCASTER[1]}&radius=25km"
    html = client.get(url + "&q=Doncaster").get_data(as_text=True)
    assert sorted(names_in(html)) == ["Big Book Study", "Newcomers Welcome"]
    html = client.get(url + "&q=newcomers").get_data(as_text=True)
    assert names_in(html) == ["Newcomers Welcome"]


def test_the_map_holds_the_in_person_results_only_where_the_site_has_a_map(app, client, places):
    import json

    html = client.get("/?q=Doncaster").get_data(as_text=True)
    assert 'id="map-data"' not in html  # no MAP_TILE_URL: no map, no positions sent
    app.config["MAP_TILE_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client.get("/?q=Doncaster").get_data(as_text=True)
    found = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html)
    assert found
    markers = json.loads(found.group(1))
    assert {m["name"] for m in markers} == set(names_in(html))
    for marker in markers:
        assert marker["url"].startswith("/meetings/") and "back=" in marker["url"]
        assert (marker["lat"], marker["lng"]) in {DONCASTER, SHEFFIELD, CARDIFF}


@pytest.mark.parametrize(
    "args",
    [
        {},
        {"q": ["Newcastle upon Tyne & Wear"], "type": ["O", "W"], "day": ["1"]},
        {"q": ["Ystradgynlais – café/“hall”"], "lat": ["51.5"], "limit": ["40"], "search": ["12+"]},
    ],
)
def test_finder_links_read_as_url_for_writes_them(app, args):
    from flask import url_for
    from werkzeug.datastructures import MultiDict

    from community_hub.meetings.finder_results import _encoded, _finder_url

    with app.test_request_context("/"):
        built = _finder_url(_encoded(MultiDict(args)), sort="time", page=None)
        expected = {k: v for k, v in args.items() if k != "page"} | {"sort": "time"}
        assert built == url_for("meetings.finder", **expected)


def test_a_nearest_search_says_how_far_its_results_reach(client, places):
    html = client.get("/?q=Doncaster&day=&radius=nearest").get_data(as_text=True)
    # Cardiff is the furthest of the four: about 240 km (150 miles) from Doncaster.
    found = re.search(r"The nearest meetings, up to ([^<]+) away\.", html)
    assert found, "the nearest-first page says how far it reached"
    from geopy.distance import geodesic

    km = float(re.fullmatch(r"[\d.]+ miles \(([\d.]+) km\)", found.group(1)).group(1))
    assert abs(km - geodesic(DONCASTER, CARDIFF).km) < 15  # the search centre is the town's
    within = client.get("/?q=Doncaster&radius=10km").get_data(as_text=True)
    assert "The nearest meetings, up to" not in within  # a chosen radius says it already
