"""Small things that matter on a phone: plurals, icons, one button, plain opening hours."""

from __future__ import annotations

import re
from datetime import time

import pytest

from community_hub.meetings.present import distance
from community_hub.numbers import DecimalCommaFloatField, decimal_text, parse_decimal
from community_hub.resources.models import Schedule
from community_hub.resources.opening import days_text, opening_lines


@pytest.mark.parametrize(
    ("km", "english"),
    [(1.609344, "1 mile (1.6 km)"), (2.5 * 1.609344, "2.5 miles (4.0 km)"), (0.5, "0.3 miles")],
)
def test_distances_take_the_right_plural(app, km, english):
    with app.test_request_context():
        assert distance(km).startswith(english)


def test_distances_in_welsh(app):
    with app.test_request_context(headers={"Cookie": "lang=cy"}):
        assert distance(1.609344) == "1 milltir (1.6 km)"


def test_every_finder_page_says_within_1_mile(client, demo_region):
    for url in ("/peers", "/resources", "/near", "/champions", "/community-map", "/"):
        html = client.get(url).get_data(as_text=True)
        assert "1 miles" not in html, url
    assert "Within 1 mile<" in client.get("/near").get_data(as_text=True)


def test_near_has_one_show_button(client):
    html = client.get("/near").get_data(as_text=True)
    form = html[html.index('id="search-form"') : html.index("</form>")]
    assert len(re.findall(r'<button type="submit"', form)) == 1
    assert ">Show</button>" in form


def test_favicon_is_linked_and_served(client):
    html = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in html
    icon = client.get("/favicon.ico")
    body = icon.get_data(as_text=True)
    icon.close()
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert body.startswith("<svg") and "Set-Cookie" not in icon.headers
    static = client.get("/static/favicon.svg")
    static.close()
    assert static.status_code == 200


def _schedule(days: str, opens: time | None, closes: time | None, note: str = "") -> Schedule:
    return Schedule(byday=days, opens_at=opens, closes_at=closes, description=note)


def test_the_same_hours_every_day_say_every_day(app):
    with app.test_request_context():
        assert days_text(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]) == "Every day"
        assert days_text(["WE", "MO"]) == "Monday, Wednesday"
        split = [
            _schedule("MO,TU,WE", time(10), time(16)),
            _schedule("TH,FR,SA,SU", time(10), time(16)),
        ]
        assert opening_lines(split) == [("Every day", "10:00–16:00", "")]
        mixed = [_schedule("MO,TU,WE,TH,FR", time(9), time(17)), _schedule("SA", time(10), None)]
        assert opening_lines(mixed) == [
            ("Monday, Tuesday, Wednesday, Thursday, Friday", "09:00–17:00", ""),
            ("Saturday", "10:00", ""),
        ]


def test_every_day_in_welsh(app):
    with app.test_request_context(headers={"Cookie": "lang=cy"}):
        assert days_text(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]) != "Every day"


@pytest.mark.parametrize(
    ("typed", "value"),
    [("2,5", "2.5"), (" 1,75 ", "1.75"), ("2.5", "2.5"), (",5", "0.5"), ("-3,2", "-3.2")],
)
def test_decimal_comma_is_read_as_a_point(typed, value):
    from decimal import Decimal

    assert parse_decimal(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["1,2,3", "lots", "NaN", "Infinity", ""])
def test_not_a_number_stays_not_a_number(typed):
    assert parse_decimal(typed) is None


def test_thousands_are_not_mistaken_for_decimals():
    assert decimal_text("1,2,3") == "1,2,3"


def test_coordinates_accept_a_decimal_comma(app):
    from flask_wtf import FlaskForm

    class Form(FlaskForm):
        latitude = DecimalCommaFloatField()

    with app.test_request_context(method="POST", data={"latitude": "53,52"}):
        form = Form(meta={"csrf": False})
        assert form.latitude.data == pytest.approx(53.52)
