"""Help now by nation: the lines that answer where the person is searching."""

from __future__ import annotations

import pytest

from community_hub import create_app
from community_hub.core.nations import nation_at


@pytest.mark.parametrize(
    ("place", "lat", "lng", "nation"),
    [
        ("Cardiff", 51.4816, -3.1791, "wales"),
        ("Swansea", 51.6214, -3.9436, "wales"),
        ("Wrexham", 53.0462, -2.9930, "wales"),
        ("Holyhead", 53.3090, -4.6330, "wales"),
        ("Chester", 53.1934, -2.8931, "england"),
        ("Bristol", 51.4545, -2.5879, "england"),
        ("Doncaster", 53.5228, -1.1285, "england"),
        ("Carlisle", 54.8925, -2.9329, "england"),
        ("Berwick-upon-Tweed", 55.7704, -2.0054, "england"),
        ("Edinburgh", 55.9533, -3.1883, "scotland"),
        ("Glasgow", 55.8642, -4.2518, "scotland"),
        ("Stranraer", 54.9030, -5.0240, "scotland"),
        ("Belfast", 54.5973, -5.9301, "northern-ireland"),
        ("Derry", 54.9966, -7.3086, "northern-ireland"),
        ("Dublin", 53.3498, -6.2603, None),
        ("Paris", 48.8566, 2.3522, None),
    ],
)
def test_nation_of_a_place(place, lat, lng, nation):
    assert nation_at(lat, lng) == nation, place


def _strip(html: str) -> str:
    return html[html.index('<aside class="crisis"') : html.index("</aside>")]


def test_default_nation_shows_england_lines(client):
    html = client.get("/help").get_data(as_text=True)
    assert "Lines for England" in html
    for number in ("0300 123 6600", "116 123", "85258", "111", "999"):
        assert number in html
    assert "0808 808 2234" not in html  # DAN 24/7 answers in Wales
    assert 'href="sms:85258?body=SHOUT"' in html


def test_searching_a_welsh_place_shows_dan(client):
    html = client.get("/?q=Cardiff").get_data(as_text=True)
    strip = _strip(html)
    assert "DAN 24/7" in strip and "0808 808 2234" in strip and "116 123" in strip
    assert "nation=wales" in strip
    help_page = client.get("/help?nation=wales").get_data(as_text=True)
    assert "Lines for Wales" in help_page and "0808 808 2234" in help_page
    assert "0300 123 6600" not in help_page


@pytest.mark.parametrize("path", ["/?q=Cardiff", "/?q=newcomers+Cardiff", "/near?q=Cardiff"])
def test_a_search_page_looks_its_place_up_once(client, monkeypatch, path):
    """The help lines follow the place the page searched, found once: no text is looked up
    again for the nation (and words with the place still find Wales)."""
    import community_hub.geo.geocode as geocode_module

    calls: list[str] = []
    real = geocode_module.resolve

    def counted(text, *args, **kwargs):
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(geocode_module, "resolve", counted)
    monkeypatch.setattr("community_hub.meetings.views.resolve", counted)  # imported by name
    strip = _strip(client.get(path).get_data(as_text=True))
    assert "DAN 24/7" in strip
    assert len(calls) == len(set(calls)), f"looked up more than once: {calls}"
    assert calls[0] == path.split("q=")[1].replace("+", " ")


def test_searching_by_location_in_scotland_and_northern_ireland(client):
    scotland = client.get("/?lat=55.95&lng=-3.19").get_data(as_text=True)
    assert "Know the Score" in _strip(scotland)
    ni = client.get("/help?nation=northern-ireland").get_data(as_text=True)
    assert "Lifeline" in ni and "0808 808 8000" in ni


def test_a_staff_page_never_geocodes_its_search_text(client, monkeypatch):
    import community_hub.geo.geocode as geocode_module

    def refuse(text):
        raise AssertionError("geocoded a non-place search")

    monkeypatch.setattr(geocode_module, "geocode", refuse)
    assert client.get("/login?q=Cardiff").status_code == 200


def test_help_by_nation_in_welsh(client):
    client.set_cookie("lang", "cy")
    html = client.get("/help?nation=wales").get_data(as_text=True)
    assert "Llinellau ar gyfer Cymru" in html
    assert "tecstiwch SHOUT i 85258" in html


def test_default_nation_is_configurable():
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "DEFAULT_NATION": "wales",
        }
    )
    with app.app_context():
        from community_hub.extensions import db

        db.create_all()
        html = app.test_client().get("/").get_data(as_text=True)
    assert "0808 808 2234" in _strip(html)


def test_lines_by_nation_are_configurable():
    lines = {
        "wales": [{"name": "Welsh line", "phone": "0800 000 2222", "hours": "", "url": ""}],
        "england": [{"name": "English line", "phone": "0800 000 3333", "hours": "", "url": ""}],
    }
    app = create_app(
        {
            "APP_ENV": "testing",
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "CRISIS_LINES": lines,
        }
    )
    with app.app_context():
        from community_hub.extensions import db

        db.create_all()
        client = app.test_client()
        assert "0800 000 2222" in client.get("/help?nation=wales").get_data(as_text=True)
        # A nation without its own lines gets the default nation's.
        assert "0800 000 3333" in client.get("/help?nation=scotland").get_data(as_text=True)
