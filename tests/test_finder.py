"""The public finder page and meeting page, as a person without an account sees them."""

from datetime import time

import pytest

from tests.test_search import CARDIFF, DONCASTER, MEXBOROUGH


@pytest.fixture
def listed(make_meeting, make_venue):
    don = make_venue(
        name="Hall by the Minster",
        city="Doncaster",
        postcode="DN1 3BU",
        latitude=DONCASTER[0],
        longitude=DONCASTER[1],
        accessibility_notes="Step-free entrance",
    )
    mex = make_venue(
        name="Mexborough Centre",
        city="Mexborough",
        postcode="S64 9AA",
        latitude=MEXBOROUGH[0],
        longitude=MEXBOROUGH[1],
    )
    cardiff = make_venue(
        name="Cathays Hall",
        city="Cardiff",
        postcode="CF24 4AA",
        latitude=CARDIFF[0],
        longitude=CARDIFF[1],
    )
    return {
        "don": make_meeting(
            name="Minster Group",
            venue=don,
            types=["O", "X", "HL"],
            notes="Tea from 7pm",
            contact_name="Zebedee",
            contact_phone="07700 900123",
            contact_public=False,
        ),
        "mex": make_meeting(name="Mexborough Hope", venue=mex),
        "hybrid": make_meeting(
            name="Cathays Hybrid",
            venue=cardiff,
            conference_url="https://meet.example.org/c",
            conference_url_notes="Passcode 1234",
        ),
    }


def test_search_by_town_name_uses_the_offline_gazetteer(client, listed):
    html = client.get("/?q=Doncaster&radius=25km").get_data(as_text=True)
    assert "Minster Group" in html and "Mexborough Hope" in html
    assert "Cathays Hybrid" not in html
    assert html.index("Minster Group") < html.index("Mexborough Hope")
    assert "miles" in html
    assert "Happening now and next" in html and "Starting next" in html  # the page's banner


def test_search_by_welsh_place_name(client, listed):
    html = client.get("/?q=Caerdydd&radius=5km").get_data(as_text=True)
    assert "Cathays Hybrid" in html and "Minster Group" not in html


def test_search_by_full_postcode_and_district_from_venues(client, listed):
    assert "Mexborough Hope" in client.get("/?q=s649aa&radius=1mi").get_data(as_text=True)
    html = client.get("/?q=DN1&radius=1mi").get_data(as_text=True)
    assert "Minster Group" in html and "Mexborough Hope" not in html


def test_search_by_coordinates(client, listed):
    html = client.get(f"/?lat={MEXBOROUGH[0]}&lng={MEXBOROUGH[1]}&radius=2km").get_data(
        as_text=True
    )
    assert "Mexborough Hope" in html and "Minster Group" not in html


def test_unknown_place_gets_a_clear_message(client, listed):
    # Text that is not a place is searched for as words; with no match either, it says so.
    response = client.get("/?q=Nowhereville-on-Sea")
    assert response.status_code == 200
    assert "We could not find a place called" in response.get_data(as_text=True)


def test_bad_filter_gets_a_clear_message_not_a_500(client, listed):
    response = client.get("/?q=Doncaster&day=blursday&radius=99parsecs")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "day must be" in html and "Choose a distance" in html


def test_filters_on_the_page(client, listed, make_meeting):
    html = client.get("/?q=Doncaster&radius=25km&type=HL").get_data(as_text=True)
    assert "Minster Group" in html and "Mexborough Hope" not in html
    html = client.get("/?q=Cardiff&radius=5km&mode=hybrid").get_data(as_text=True)
    assert "Cathays Hybrid" in html and "In person and online" in html


def test_no_results_offers_a_way_forward(client, listed):
    html = client.get("/?q=Doncaster&radius=1mi&type=BSL").get_data(as_text=True)
    assert "No meetings match" in html and "Talk to someone now" in html


def test_meeting_page_shows_what_a_visitor_needs(client, listed):
    html = client.get("/meetings/" + listed["don"].slug).get_data(as_text=True)
    assert "Hall by the Minster" in html and "DN1 3BU" in html
    assert "Directions" in html and "geo:53.5228,-1.1285" in html
    assert "Wheelchair Access" in html and "Hearing Loop" in html and "Step-free entrance" in html
    assert "Tea from 7pm" in html
    assert "Add to calendar" in html and "Suggest a change" in html
    assert "Confirmed" in html


def test_private_group_contact_is_not_shown(client, listed):
    html = client.get("/meetings/" + listed["don"].slug).get_data(as_text=True)
    assert "07700 900123" not in html and "Zebedee" not in html


def test_published_group_contact_is_shown(client, make_meeting):
    meeting = make_meeting(contact_name="Jo", contact_phone="07700 900456", contact_public=True)
    assert "07700 900456" in client.get("/meetings/" + meeting.slug).get_data(as_text=True)


def test_hybrid_meeting_page_has_joining_details(client, listed):
    html = client.get("/meetings/" + listed["hybrid"].slug).get_data(as_text=True)
    assert "https://meet.example.org/c" in html and "Passcode 1234" in html


def test_meeting_in_another_zone_shows_its_zone(client, make_meeting):
    meeting = make_meeting(
        venue=None,
        timezone="America/New_York",
        conference_url="https://meet.example.org/ny",
        start_time=time(19, 0),
    )
    html = client.get("/meetings/" + meeting.slug).get_data(as_text=True)
    assert "America/New_York" in html and "your time" in html


def test_stale_listing_is_flagged(client, make_meeting):
    from datetime import date

    meeting = make_meeting(last_confirmed=date(2020, 1, 1))
    assert "may be out of date" in client.get("/meetings/" + meeting.slug).get_data(as_text=True)


def test_hostile_text_is_escaped(client, make_meeting):
    meeting = make_meeting(name="<script>alert(1)</script>", notes="<img src=x onerror=alert(1)>")
    html = client.get("/meetings/" + meeting.slug).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    html = client.get("/?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
