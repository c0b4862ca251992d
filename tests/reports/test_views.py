"""Report pages: who sees what, filters that cannot be read, charts, CSV, the public page."""

import csv
import io

import pytest

from tests.helpers import page
from tests.reports.conftest import PERIOD

REPORTS = ("linkage", "pipeline", "community", "uptake")


@pytest.fixture
def commissioner(make_user, auth, world):
    user = make_user("commissioner")
    auth.login(user)
    return user


@pytest.fixture
def worker(make_user, auth, world):
    user = make_user("worker", organisation=world.a)
    auth.login(user)
    return user


def test_index_lists_the_reports(client, commissioner):
    html = page(client.get("/reports/"))
    for title in ("Linkage outcomes", "Volunteer pipeline", "Community map over time",
                  "Uptake by postcode district", "public dashboard"):  # fmt: skip
        assert title in html


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_renders_with_charts_beside_tables(client, commissioner, name):
    response = client.get(f"/reports/{name}", query_string=PERIOD)
    assert response.status_code == 200
    html = page(response)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "<title id=" in html and "<desc id=" in html
    assert html.count("<table") >= 1 and "Download this table (CSV)" in html
    assert ' style="' not in html  # the Content-Security-Policy allows no inline styles
    assert "<script" not in html.split("</header>")[1]


def test_commissioners_see_every_organisation_suppressed_and_no_client(client, commissioner):
    html = page(client.get("/reports/linkage", query_string=PERIOD))
    assert "Calder Recovery Service" in html and "Don Valley Treatment" in html
    assert "fewer than 5" in html and "withheld" in html
    assert "R-1" not in html  # no client reference, anywhere
    csv_text = client.get(
        "/reports/linkage.csv", query_string={**PERIOD, "table": "by_organisation"}
    ).get_data(as_text=True)
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(csv_text))}
    assert rows["Calder Recovery Service"][:3] == ["fewer than 5"] * 3
    assert rows["Don Valley Treatment"][0] == "withheld"


def test_workers_see_their_own_organisation_in_full(client, worker, world):
    html = page(client.get("/reports/linkage", query_string=PERIOD))
    assert "Don Valley Treatment" in html and "Calder Recovery Service" not in html
    assert "fewer than 5" not in html
    assert "Your organisation only." in html
    response = client.get("/reports/linkage.csv", query_string={**PERIOD, "table": "summary"})
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(response.get_data(as_text=True)))}
    assert rows["Referrals made"] == ["12", "–"]
    assert rows["Lost to follow-up"] == ["2", "17%"]
    assert "attachment" in response.headers["Content-Disposition"]


def test_workers_cannot_ask_for_another_organisation(client, worker, world):
    response = client.get("/reports/linkage", query_string={"organisation": world.b.id})
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["volunteer"])
def test_volunteers_have_no_reports(client, make_user, auth, role):
    auth.login(make_user(role))
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/linkage").status_code == 403


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"from": "last tuesday"}, "From must be a date written like 2026-04-30."),
        ({"to": "2026-13-01"}, "To must be a date written like 2026-04-30."),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "must be on or before its end"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "three years or less"),
        ({"organisation": "abc"}, "Choose an organisation from the list."),
        ({"organisation": "99999"}, "Choose an organisation from the list."),
        ({"area": "Atlantis"}, "Choose an area from the list."),
        ({"fellowship": "nope"}, "Choose a fellowship from the list."),
    ],
)
def test_filters_that_cannot_be_read_say_why(client, commissioner, args, message):
    response = client.get("/reports/linkage", query_string=args)
    assert response.status_code == 400
    html = page(response)
    assert message in html and "There is a problem" in html
    csv_response = client.get("/reports/uptake.csv", query_string={**args, "table": "bands"})
    assert csv_response.status_code == 400 and message in csv_response.get_data(as_text=True)


def test_default_period_is_the_last_twelve_months(client, commissioner):
    assert client.get("/reports/community").status_code == 200


def test_an_unknown_csv_table_is_not_found(client, commissioner):
    response = client.get("/reports/linkage.csv", query_string={**PERIOD, "table": "clients"})
    assert response.status_code == 404


def test_public_dashboard_needs_no_sign_in_and_sets_no_cookie(client, world):
    response = client.get("/reports/public")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    html = page(response)
    assert "Recovery in numbers" in html and 'role="img"' in html
    response = client.get("/reports/public.csv", query_string={"table": "areas"})
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert header[1:] == [
        "Meetings listed",
        "Places that help listed",
        "Referrals made",
        "First meetings attended",
        "Share of referrals",
        "Volunteers trained",
    ]


def test_reports_link_in_the_navigation(client, commissioner):
    assert 'href="/reports/"' in page(client.get("/reports/public"))
