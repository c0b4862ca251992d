"""A phone-first finder: folded filters after a search, plain Open/Closed, a first-meeting guide."""

from __future__ import annotations

import re
from datetime import time
from urllib.parse import quote

import pytest

from community_hub.core.newcomers import GUIDES, explain_type, kind_of


def _details(html: str) -> str:
    match = re.search(r'<details class="filters" id="filters"[^>]*>', html)
    assert match, "the filters panel is missing"
    return match.group(0)


def test_filters_are_open_before_a_search(client, make_meeting):
    make_meeting(name="Minster Group")
    html = client.get("/").get_data(as_text=True)
    assert " open" in _details(html)
    assert "Filters: day, time, distance, fellowship, type" in html


def test_filters_fold_into_one_line_after_a_search(client, make_meeting, make_fellowship):
    make_fellowship("na")
    make_meeting(name="Minster Group", types=["O", "W"])
    html = client.get(
        "/?q=Doncaster&day=today&time=evening&type=W&fellowship=na&radius=10mi"
    ).get_data(as_text=True)
    assert " open" not in _details(html)
    summary = html[html.index("<summary>") : html.index("</summary>")]
    chosen = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", summary)).strip()
    assert chosen == "Today · Evening · NA · Women · Within 10 miles — Change"
    # The results follow the one line; the choices are still in the (folded) form.
    assert html.index("</details>") < html.index('id="results-title"')
    assert 'value="W" checked' in html


def test_folded_filters_without_choices_say_what_is_shown(client, make_meeting):
    make_meeting(name="Minster Group")
    html = client.get("/?q=Doncaster").get_data(as_text=True)
    assert " open" not in _details(html)
    assert "Any day, any time, the nearest meetings" in html


def test_filters_stay_open_when_there_is_a_problem(client, make_meeting):
    make_meeting()
    response = client.get("/?q=Doncaster&day=someday")
    assert response.status_code == 400
    assert " open" in _details(response.get_data(as_text=True))


def test_folded_summary_is_in_welsh(client, make_meeting):
    make_meeting()
    client.set_cookie("lang", "cy")
    html = client.get("/?q=Doncaster&day=today&radius=1mi").get_data(as_text=True)
    assert "Heddiw · O fewn 1 filltir" in html or "Heddiw · O fewn 1 milltir" in html


@pytest.mark.parametrize(
    ("slug", "closed"),
    [
        ("aa", "stop drinking"),
        ("na", "stop using drugs"),
        ("ga", "stop gambling"),
        ("al-anon", "family and friends of someone who drinks"),
        ("unknown-group", "their own drinking, drugs or gambling"),
    ],
)
def test_closed_is_explained_per_fellowship(app, slug, closed):
    with app.test_request_context():
        assert closed in explain_type("C", slug)
        assert explain_type("O", slug).startswith("Open: anyone")
        assert explain_type("W", slug) == ""


def test_open_and_closed_are_explained_in_results_meeting_page_and_filters(client, make_meeting):
    closed = make_meeting(name="Big Book Study", types=["C"]).slug  # before any request ends
    make_meeting(name="Open Door", types=["O"])
    html = client.get("/?q=Doncaster").get_data(as_text=True)
    assert "Closed: for anyone who wants to stop drinking." in html
    assert "Open: anyone, including family and friends." in html
    assert 'class="type-hint"' in html  # the filter checkboxes explain the two words too
    page = client.get(f"/meetings/{closed}").get_data(as_text=True)
    assert "Closed: for anyone who wants to stop drinking." in page
    assert "/first-meeting/twelve-step" in page


def test_every_first_meeting_guide_says_you_can_just_listen(client):
    for kind in GUIDES:
        response = client.get(f"/first-meeting/{kind}")
        assert response.status_code == 200, kind
        assert "Set-Cookie" not in response.headers
        html = response.get_data(as_text=True)
        assert "You do not have to speak" in html and "It costs nothing" in html
        assert "early" in html
    assert client.get("/first-meeting/nonsense").status_code == 404


def test_first_meeting_guide_in_welsh(client):
    client.set_cookie("lang", "cy")
    html = client.get("/first-meeting/smart").get_data(as_text=True)
    assert "Eich cyfarfod SMART Recovery cyntaf" in html
    assert "Does dim rhaid i chi siarad" in html


def test_meeting_page_links_the_guide_for_its_kind(client, make_meeting, make_fellowship):
    smart = make_fellowship("smart", name="SMART Recovery", short_name="SMART")
    family = make_fellowship("al-anon", name="Al-Anon Family Groups", short_name="Al-Anon")
    local = make_fellowship("local", name="Local", short_name="Local")
    for fellowship, kind in ((smart, "smart"), (family, "family"), (local, "local")):
        meeting = make_meeting(fellowship=fellowship)
        assert kind_of(fellowship.slug) == kind
        html = client.get(f"/meetings/{meeting.slug}").get_data(as_text=True)
        assert f"/first-meeting/{kind}" in html


def test_back_to_the_finder_keeps_the_search(client, make_meeting):
    slug = make_meeting(name="Minster Group").slug  # read before any request ends
    results = client.get("/?q=Doncaster&radius=10mi&type=O").get_data(as_text=True)
    link = re.search(r'href="(/meetings/' + slug + r'\?back=[^"]+)"', results)
    assert link, "the result link does not carry the search"
    page = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert 'href="/?q=Doncaster&amp;radius=10mi&amp;type=O">Back to the finder' in page
    plain = client.get(f"/meetings/{slug}").get_data(as_text=True)
    assert 'href="/">Back to the finder' in plain


def test_back_link_cannot_leave_the_site(client, make_meeting):
    meeting = make_meeting()
    evil = quote("x=1#//evil.example/", safe="")
    html = client.get(f"/meetings/{meeting.slug}?back={evil}").get_data(as_text=True)
    back = re.search(r'href="([^"]*)">Back to the finder', html).group(1)
    assert back.startswith("/?") and "evil.example/" not in back.split("?")[0]


def test_meeting_in_another_zone_shows_the_viewers_own_day(client, make_meeting):
    # 20:00 on Friday in New York is past midnight, Saturday, in London (4 or 5 hours ahead).
    meeting = make_meeting(
        venue=None,
        timezone="America/New_York",
        conference_url="https://meet.example.org/ny",
        day=5,
        start_time=time(20, 0),
        end_time=time(21, 0),
    )
    html = client.get(f"/meetings/{meeting.slug}").get_data(as_text=True)
    assert re.search(r"20:00–21:00 \(America/New_York; Saturday 0[01]:00 your time\)", html)
