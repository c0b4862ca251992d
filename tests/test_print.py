"""The printable meeting list: an area and a day on paper, for people without phones."""

from datetime import time

import pytest

from tests.test_search import CARDIFF, DONCASTER, MEXBOROUGH


@pytest.fixture
def week(make_meeting, make_venue):
    don = make_venue(
        name="Hall by the Minster", address="1 Church Way", city="Doncaster", postcode="DN1 3BU",
        latitude=DONCASTER[0], longitude=DONCASTER[1],
    )  # fmt: skip
    mex = make_venue(
        name="Mexborough Centre", city="Mexborough", postcode="S64 9AA",
        latitude=MEXBOROUGH[0], longitude=MEXBOROUGH[1],
    )  # fmt: skip
    cardiff = make_venue(name="Cathays Hall", latitude=CARDIFF[0], longitude=CARDIFF[1])
    make_meeting(name="Late Tuesday", venue=don, day=2, start_time=time(19, 30), types=["O", "X"])
    make_meeting(name="Early Tuesday", venue=mex, day=2, start_time=time(7, 0), types=["C"])
    make_meeting(name="Monday Group", venue=don, day=1, name_cy="Grŵp Dydd Llun")
    make_meeting(name="Sunday Group", venue=don, day=0, last_confirmed=None)
    make_meeting(name="Cardiff Tuesday", venue=cardiff, day=2)


def test_one_day_in_time_order_with_addresses_codes_and_helplines(client, week, app):
    response = client.get("/meetings/print?q=Doncaster&day=2&radius=25km")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index("Early Tuesday") < html.index("Late Tuesday")
    assert "Monday Group" not in html and "Cardiff Tuesday" not in html
    assert "Hall by the Minster, 1 Church Way, Doncaster DN1 3BU" in html
    assert "07:00–20:30" in html
    assert "What the letters mean" in html and "Wheelchair" in html
    for line in app.config["CRISIS_LINES"]["england"]:  # Doncaster is in England
        assert line["phone"] in html
    assert "<script" not in html


def test_every_day_is_grouped_monday_first_and_flags_unconfirmed(client, week):
    html = client.get("/meetings/print?q=Doncaster&radius=25km").get_data(as_text=True)
    assert html.index('id="day-1"') < html.index('id="day-2"') < html.index('id="day-0"')
    assert "Never confirmed" in html


def test_welsh_names_are_printed_in_welsh(client, week):
    client.set_cookie("lang", "cy")
    html = client.get("/meetings/print?q=Doncaster&day=1").get_data(as_text=True)
    assert '<html lang="cy">' in html
    assert "Grŵp Dydd Llun" in html and "Dydd Llun" in html
    assert "Beth mae'r llythrennau'n ei olygu" in html or "Beth mae&#39;r" in html


def test_without_a_place_it_asks_for_one(client, week):
    response = client.get("/meetings/print")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'href="#p-q"' in html and 'id="p-q"' in html
    assert "Monday Group" not in html


def test_an_unknown_place_is_explained(client, week):
    response = client.get("/meetings/print?q=Nowhereville")
    assert response.status_code == 400
    assert "We could not find" in response.get_data(as_text=True)


def test_the_finder_links_to_the_printable_list(client, week):
    html = client.get("/?q=Doncaster&day=2").get_data(as_text=True)
    assert "/meetings/print?q=Doncaster&amp;day=2" in html
