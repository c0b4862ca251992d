"""Report pages: who sees what, periods and filters, charts, CSV, the public page."""

import csv
import io
import re

import pytest
from flask_babel import refresh

from tests.helpers import page
from tests.reports.conftest import PERIOD
from tests.security.test_fuzz_api import HOSTILE, SCRIPT
from tests.security.test_fuzz_forms import EXPLAINED

REPORTS = ("linkage", "pipeline", "community", "uptake")
QUARTER = {"period": "2026-Q2"}  # April to June 2026: referrals 6 to 15


@pytest.fixture
def commissioner(make_user, auth, world, today):
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
    response = client.get(f"/reports/{name}", query_string=QUARTER)
    assert response.status_code == 200
    html = page(response)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "<title id=" in html and "<desc id=" in html
    assert html.count("<table") >= 1 and "Download this table (CSV)" in html
    assert ' style="' not in html  # the Content-Security-Policy allows no inline styles
    assert "<script" not in html.split("</header>")[1]


def test_commissioners_see_every_organisation_suppressed_and_no_client(client, commissioner):
    html = page(client.get("/reports/linkage", query_string=QUARTER))
    assert "Calder Recovery Service" in html and "Don Valley Treatment" in html
    assert "fewer than 5" in html and "withheld" in html
    assert "From 1 April 2026 to 30 June 2026." in html
    assert "R-1" not in html  # no client reference, anywhere
    response = client.get(
        "/reports/linkage.csv", query_string={**QUARTER, "table": "by_organisation"}
    )
    assert "linkage-2026-Q2-by_organisation.csv" in response.headers["Content-Disposition"]
    rows = {r[0]: r[1:] for r in csv.reader(io.StringIO(response.get_data(as_text=True)))}
    # Calder's 3 referrals; Don Valley's 7 withheld, as 10 - 7 would give Calder's away.
    assert rows["Calder Recovery Service"][:3] == ["fewer than 5"] * 3
    assert rows["Don Valley Treatment"][0] == "withheld"


def test_commissioners_choose_a_quarter_that_has_ended(client, commissioner, today):
    """Only whole calendar quarters, none still running, offered by name in the reader's
    language; the latest is the default, and the CSV links carry the choice."""
    html = page(client.get("/reports/pipeline"))
    assert 'type="date"' not in html and 'name="organisation"' not in html
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)
    assert options[:2] == [
        ("2026-Q3", " selected", "1 July 2026 to 30 September 2026"),
        ("2026-Q2", "", "1 April 2026 to 30 June 2026"),
    ]
    assert [key for key, _s, _l in options][-1] == "2024-Q1"  # REPORTS_FIRST_QUARTER
    assert len(options) == 11 and "2026-Q4" not in html  # October to December is not over
    assert "/reports/pipeline.csv?table=stages&period=2026-Q3" in html
    client.get("/language/cy?next=/")
    refresh()  # requests share the test's app context, where Flask-Babel keeps the locale
    assert "1 Gorffennaf 2026 i 30 Medi 2026" in page(client.get("/reports/pipeline"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"from": "2026-07-01", "to": "2026-11-29"}, "whole calendar quarters that have ended"),
        ({"to": "2026-11-30"}, "whole calendar quarters that have ended"),
        ({"period": "2026-Q3", "from": "2026-07-01"}, "whole calendar quarters that have ended"),
        ({"organisation": "1"}, "cannot be narrowed by organisation, area or fellowship"),
        ({"area": "Doncaster"}, "cannot be narrowed by organisation, area or fellowship"),
        ({"fellowship": "aa"}, "cannot be narrowed by organisation, area or fellowship"),
        ({"period": "2026-Q4"}, "Choose a period from the list."),  # not over yet
        ({"period": "2023-Q4"}, "Choose a period from the list."),  # before the first
        ({"period": "2026-07"}, "Choose a period from the list."),
    ],
)
def test_commissioners_free_dates_and_narrowing_are_refused(client, commissioner, args, message):
    """Issue 19, item 2: to=2026-11-29 then to=2026-11-30 gave away one referral on a day."""
    response = client.get("/reports/linkage", query_string=args)
    assert response.status_code == 400
    html = page(response)
    assert message in html and "There is a problem" in html
    assert 'name="period"' in html  # the form to choose again
    csv_response = client.get("/reports/linkage.csv", query_string={**args, "table": "summary"})
    assert csv_response.status_code == 400 and message in csv_response.get_data(as_text=True)


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
        ({"fellowship": "nope"}, "Choose a fellowship from the list."),
    ],
)
def test_filters_that_cannot_be_read_say_why(client, worker, args, message):
    response = client.get("/reports/linkage", query_string=args)
    assert response.status_code == 400
    html = page(response)
    assert message in html and "There is a problem" in html
    csv_response = client.get("/reports/uptake.csv", query_string={**args, "table": "bands"})
    assert csv_response.status_code == 400 and message in csv_response.get_data(as_text=True)


def test_default_period_is_the_last_twelve_months(client, worker):
    html = page(client.get("/reports/community"))
    assert 'type="date"' in html and 'name="period"' not in html


def test_an_unknown_csv_table_is_not_found(client, commissioner):
    response = client.get("/reports/linkage.csv", query_string={**QUARTER, "table": "clients"})
    assert response.status_code == 404


def test_public_dashboard_needs_no_sign_in_and_sets_no_cookie(client, world, today):
    response = client.get("/reports/public")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    html = page(response)
    assert "Recovery in numbers" in html and 'role="img"' in html
    assert "From 1 July 2026 to 30 September 2026." in html
    response = client.get("/reports/public.csv", query_string={"table": "areas"})
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "recovery-in-numbers-2026-07-01-to-2026-09-30-areas.csv" in disposition
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


@pytest.mark.parametrize("role", ["commissioner", "worker"])
def test_the_report_forms_survive_hostile_input(client, make_user, auth, world, today, role):
    """The report filter forms are GET forms, which the fuzz walk (tests/security) leaves out:
    every field with each hostile value answers a page or a 400 that explains itself."""
    auth.login(make_user(role, organisation=world.a if role == "worker" else None))
    for value in HOSTILE:
        for field in ("period", "from", "to", "organisation", "area", "fellowship"):
            for url in ("/reports/linkage", "/reports/pipeline.csv"):
                query = {field: value, "table": "stages"}
                response = client.get(url, query_string=query)
                assert response.status_code in (200, 400, 403), (url, query)
                body = response.get_data(as_text=True)
                assert SCRIPT not in body
                if response.status_code == 400 and url.endswith(".csv"):
                    assert body.strip()
                elif response.status_code == 400:
                    assert any(sign in body for sign in EXPLAINED), (url, query)
