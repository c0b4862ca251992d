"""Issue 19, item 2: a commissioner who asks for everything and differences it all.

The world: five quarters (July 2025 to September 2026) of a small region, drawn at random
(fixed seed) so that most counts are small: referrals by three treatment services in two
areas (some with BARC-10 scores at referral and at 90 days), a volunteer programme moving
people along the pathway and placing them, meetings, peers and champions listed and closed.
Today is 3 December 2026; suppressed reports start at 2025-Q3.

The adversary:
1. finds what a commissioner may choose: the quarters offered on the form, and nothing else
   (free dates and narrowing filters are refused; every quarter offered has ended, and no two
   overlap);
2. reads every report for every quarter, and the public dashboard, as printed (checked
   against the publication the reasoning below uses);
3. writes down every relation between figures it knows of, independently of the code: each
   report's own totals and balances, the same count printed by two reports (referrals and first
   meetings in linkage, uptake and the public dashboard; an area's referrals as the sum of its
   organisations'), and each stock at the start of a quarter as that stock at the end of the
   quarter before (volunteers at each stage, placements running, listings);
4. works out the narrowest range of every figure from all of it at once, and finds no count
   from 1 to 4, printed or implied, pinned to one value.

The same reasoning applied to each report protected on its own, quarter by quarter (as before
this change, with the periods already fixed), does pin counts: the test has teeth.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import re
from datetime import date, datetime, timedelta
from html import unescape

import pytest

from community_hub.extensions import db
from community_hub.people.models import PeerSupporter, RecoveryChampion
from community_hub.referrals.models import RecoveryCapital
from community_hub.reports import publication
from community_hub.reports.periods import Quarter
from community_hub.reports.suppression import Equation, Ref, protect
from community_hub.volunteers.models import StageChange, Volunteer
from community_hub.volunteers.placement_models import Placement
from tests.reports.conftest import TODAY, add_referral
from tests.reports.reader import pinned

FIRST, LAST = Quarter(2025, 3), Quarter(2026, 3)
QUARTERS = [Quarter(2025, 3), Quarter(2025, 4), Quarter(2026, 1), Quarter(2026, 2), LAST]
REPORTS = ("linkage", "pipeline", "community", "uptake")
GROUPS = {"linkage": ("linkage", "uptake", "public"), "pipeline": ("pipeline",),
          "community": ("community",)}  # fmt: skip
PATHWAY = ["enquiry", "applicant", "in_training", "active_volunteer", "peer_mentor"]
BEGIN, END = date(2025, 1, 1), date(2026, 9, 30)


@pytest.fixture
def app_config():
    return {"REPORTS_FIRST_QUARTER": FIRST.key}


def _day(rng: random.Random, start: date = BEGIN, end: date = END) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()) + timedelta(hours=11)


@pytest.fixture
def region(make_org, make_meeting, make_fellowship, make_user, today):
    rng = random.Random(19)
    don_a = make_org(name="Don Valley Treatment", slug="dvt", kind="treatment", area="Doncaster")
    don_c = make_org(name="Mexborough Recovery", slug="mex", kind="treatment", area="Doncaster")
    cal_b = make_org(name="Calder Recovery", slug="crs", kind="treatment", area="Calderdale")
    intergroups = [make_org(name=f"{a} Intergroup", kind="fellowship", area=a)
                   for a in ("Doncaster", "Calderdale")]  # fmt: skip
    dream = make_org(name="DREAM", kind="peer_group", area="Doncaster")
    hosts = [make_org(name="Recovery Café", kind="community"), don_a]
    aa, na = make_fellowship("aa"), make_fellowship("na")
    meetings = []
    for n in range(10):
        created = _day(rng, date(2024, 6, 1))
        archived = _day(rng, created) if rng.random() < 0.4 else None
        meetings.append(make_meeting(
            organisation=intergroups[n % 2], fellowship=(aa, na)[n % 3 == 0],
            created_at=_at(created), archived_at=_at(archived) if archived else None,
        ))  # fmt: skip
    # Referrals: the same shape every quarter, drawn at random; Calder's few, Mexborough's fewer.
    for quarter in QUARTERS[:-1]:
        for org, most in ((don_a, 9), (don_c, 4), (cal_b, 6)):
            for _n in range(rng.randrange(most + 1)):
                method = rng.choice(["signpost", "in_session_call", "warm_handover", "accompanied"])
                attended = rng.random() < 0.6
                made = _day(rng, quarter.start, quarter.end)
                referral = add_referral(
                    org, rng.choice(meetings), made, method,
                    made_by=rng.choice(["peer", "worker"]),
                    days=rng.randrange(40) if attended else None,
                    f30=(rng.random() < 0.5,) if rng.random() < 0.6 else None,
                    f90=(rng.random() < 0.5, rng.random() < 0.3) if rng.random() < 0.4 else None,
                    status="engaged" if attended else "requested",
                    district=rng.choice(["DN1", "DN4", "HX1", ""]),
                )  # fmt: skip
                if rng.random() < 0.4:  # BARC-10 at referral and at 90 days
                    for point in (0, 90):
                        db.session.add(RecoveryCapital(
                            referral_id=referral.id, point=point, total=rng.randrange(10, 61),
                            taken_on=made + timedelta(days=point),
                        ))  # fmt: skip
    # The last quarter is fixed: Doncaster's 15 are Don Valley's 12 and Mexborough's 3, which
    # the public figure for Doncaster would give away if Don Valley's were printed.
    for n, org in enumerate([don_a] * 12 + [don_c] * 3 + [cal_b] * 6):
        add_referral(org, meetings[0], date(2026, 8, 1) + timedelta(days=n), "accompanied",
                     days=2, status="engaged", district="DN1")  # fmt: skip
    # The programme: people join and move along the pathway a step every month or so.
    for n in range(14):
        joined = _day(rng, date(2025, 3, 1))
        volunteer = Volunteer(organisation_id=dream.id, first_name=f"V{n}",
                              created_at=_at(joined))  # fmt: skip
        db.session.add(volunteer)
        when, before = joined, None
        for step in PATHWAY[: 1 + rng.randrange(len(PATHWAY))]:
            if when > END:
                break
            db.session.add(StageChange(volunteer=volunteer, from_stage=before, to_stage=step,
                                       changed_at=_at(when)))  # fmt: skip
            volunteer.stage, before = step, step
            when += timedelta(days=rng.randrange(20, 120))
        if before in ("active_volunteer", "peer_mentor"):
            started = _day(rng, joined, END)
            ended = _day(rng, started) if rng.random() < 0.4 else None
            db.session.add(Placement(
                volunteer=volunteer, organisation_id=dream.id, role="peer mentor",
                host_organisation_id=rng.choice(hosts).id, started_on=started, ended_on=ended,
                status="ended" if ended else "active",
            ))  # fmt: skip
    listed = _at(date(2024, 1, 1))
    for n in range(6):
        created = _day(rng, date(2024, 6, 1))
        archived = _day(rng, created) if rng.random() < 0.4 else None
        org = intergroups[n % 2]
        db.session.add(PeerSupporter(
            slug=f"p{n}", organisation_id=org.id, display_name="P", area="x", consent_at=listed,
            created_at=_at(created), archived_at=_at(archived) if archived else None,
        ))  # fmt: skip
        db.session.add(RecoveryChampion(
            slug=f"c{n}", organisation_id=org.id, display_name="C", area="x", consent_at=listed,
            level=rng.choice(["strategic", "therapeutic", "community"]), visibility="public",
            created_at=_at(created), archived_at=_at(archived) if archived else None,
        ))  # fmt: skip
    db.session.commit()
    return {"areas": {o.id: o.area for o in (don_a, don_c, cal_b)}}


@pytest.fixture
def commissioner(client, make_user, auth, region):
    auth.login(make_user("commissioner"))
    return client


# ---- 1. what a commissioner may choose ----------------------------------------------------


def test_a_commissioner_may_choose_only_quarters_that_have_ended(commissioner):
    for name in REPORTS:
        html = commissioner.get(f"/reports/{name}").get_data(as_text=True)
        offered = [Quarter.parse(k) for k in re.findall(r'<option value="([^"]*)"', html)]
        assert offered == QUARTERS[::-1], name
        assert not re.search(r'<(?:input|select)\b[^>]*name="(?!period")', html.split("<main")[1])
    spans = sorted((q.start, q.end) for q in QUARTERS)
    assert all(end < TODAY for _start, end in spans)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))  # none overlap
    for args in ({"from": "2026-07-01"}, {"to": "2026-09-29"}, {"organisation": "1"},
                 {"area": "Doncaster"}, {"fellowship": "aa"}, {"period": "2026-Q4"}):  # fmt: skip
        for name in REPORTS:
            assert commissioner.get(f"/reports/{name}", query_string=args).status_code == 400
            url = f"/reports/{name}.csv"
            assert commissioner.get(url, query_string={**args, "table": "x"}).status_code == 400


# ---- 2. everything printed ------------------------------------------------------------------


def _printed_tables(html: str) -> dict[str, list[list[str]]]:
    """Each table on a page: its rows of cells as printed."""
    found = {}
    for key, body in re.findall(r'<section class="report-section" aria-labelledby="([^"]+)-title">'
                                r"(.*?)</section>", html, re.S):  # fmt: skip
        rows = re.findall(r'<th scope="row">.*?</th>(.*?)</tr>', body, re.S)
        found[key] = [[unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", r)] for r in rows]
    return found


def _expected_tables(report) -> dict[str, list[list[str]]]:
    return {t.key: [[c.text() for c in row.cells] for row in t.rows] for t in report.tables}


def test_every_page_prints_exactly_the_publication(commissioner, client, ctx):
    for quarter in QUARTERS:
        for name in REPORTS:
            html = commissioner.get(f"/reports/{name}", query_string={"period": quarter.key})
            expected = publication.report(name, quarter, FIRST)
            assert _printed_tables(html.get_data(as_text=True)) == _expected_tables(expected)
        # The CSV download of a table is the same table.
        table = "by_organisation"
        query = {"period": quarter.key, "table": table}
        response = commissioner.get("/reports/linkage.csv", query_string=query)
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:]
        expected = publication.report("linkage", quarter, FIRST)
        assert [r[1:] for r in rows] == _expected_tables(expected)[table]
    public = _printed_tables(client.get("/reports/public").get_data(as_text=True))
    assert public == _expected_tables(publication.report("public", LAST, FIRST))


# ---- 3. and 4. every relation, all at once ------------------------------------------------


def _tag(quarter: Quarter, report: str, ref: Ref) -> Ref:
    return (f"{quarter.key}/{report}:{ref[0]}", ref[1], ref[2])


def _relations(sheets, areas) -> dict[str, list[Equation]]:
    """What the adversary knows about how figures relate, written out here, not taken from
    the code: the same count in two reports, areas as sums of organisations ("reports"), and
    stocks carried from one quarter into the next ("quarters")."""
    found: dict[str, list[Equation]] = {"reports": [], "quarters": []}

    def same(a: Ref, b: Ref | None, kind: str = "reports") -> None:
        found[kind].append(Equation((a,), (b,) if b is not None else ()))  # missing row: 0

    for quarter in QUARTERS:
        t = {name: (lambda ref, n=name, q=quarter: _tag(q, n, ref)) for name in sheets[quarter]}
        for measure, row in (("referrals", "referrals"), ("attended", "attended")):
            same(t["linkage"](("summary", row, "n")), t["uptake"](("bands", "~total", measure)))
            same(t["linkage"](("summary", row, "n")), t["public"](("areas", "~total", measure)))
        linkage_values = sheets[quarter]["linkage"].values
        for area in {*areas.values()}:
            orgs = [("by_organisation", str(o), "referrals") for o, a in areas.items() if a == area]
            parts = tuple(t["linkage"](r) for r in orgs if r in linkage_values)
            if ("areas", area, "referrals") in sheets[quarter]["public"].values:
                found["reports"].append(
                    Equation((t["public"](("areas", area, "referrals")),), parts)
                )
        if quarter == FIRST:
            continue
        before = QUARTERS[QUARTERS.index(quarter) - 1]
        carried = [("pipeline", "stages", "start", "end"), ("pipeline", "placements", "start",
                    "running")] + [("community", table, "start", "listed")
                                   for table in ("meetings", "peers", "champions")]  # fmt: skip
        for report, table, start, end in carried:
            now, then = sheets[quarter][report], sheets[before][report]
            for ref in [r for r in now.values if r[0] == table and r[2] == start]:
                previous = (table, ref[1], end)
                old = _tag(before, report, previous) if previous in then.values else None
                same(_tag(quarter, report, ref), old, "quarters")
    return found


def _everything(marks_for, region, kinds=("reports", "quarters")) -> tuple[dict, dict, list]:
    """Every figure of every report of every quarter, printed or implied, with its marks, and
    every relation: each report's own, and the adversary's of these kinds."""
    values, marks, equations, sheets = {}, {}, [], {}
    for quarter in QUARTERS:
        sheets[quarter] = {}
        for group in GROUPS.values():
            published = publication.publish(group[0], quarter, FIRST)
            for name in group:
                sheet = published.parts[name]
                sheets[quarter][name] = sheet
                own = marks_for(published, name)
                for ref, value in sheet.values.items():
                    values[_tag(quarter, name, ref)] = value
                    marks[_tag(quarter, name, ref)] = own[ref]
                equations += [
                    Equation(tuple(_tag(quarter, name, r) for r in e.left),
                             tuple(_tag(quarter, name, r) for r in e.right))
                    for e in sheet.equations
                ]  # fmt: skip
    relations = _relations(sheets, region["areas"])
    for e in relations["reports"] + relations["quarters"]:  # they hold in this world
        assert sum(values[r] for r in e.left) == sum(values[r] for r in e.right), e
    return values, marks, equations + [e for kind in kinds for e in relations[kind]]


def test_no_small_count_can_be_worked_out_from_everything_a_commissioner_can_see(region, ctx):
    values, marks, equations = _everything(lambda pub, name: pub.marks_of(name), region)
    small = [r for r, v in values.items() if 0 < v < 5]
    assert len(small) > 200  # a world of small numbers, not a vacuous pass
    assert any("recovery_capital" in r[0] for r in small)  # BARC-10 figures among them
    assert pinned(values, marks, equations) == []


def test_the_adversary_beats_reports_protected_one_by_one(region, ctx):
    """The same reasoning against each report protected alone for each quarter: each report
    holds up on its own, but counts fall to the relations between reports, and to those
    between quarters."""

    def alone(published, name):
        sheet = published.parts[name]
        return protect(sheet.values, sheet.equations, sheet.hidden)

    assert pinned(*_everything(alone, region, kinds=())) == []
    across_reports = pinned(*_everything(alone, region, kinds=("reports",)))
    # Mexborough's 3 referrals in 2026-Q3: the public dashboard's Doncaster less Don Valley.
    mexborough = ("2026-Q3/linkage:by_organisation", str(_org_id("mex")), "referrals")
    assert (mexborough, 3) in across_reports
    across_quarters = pinned(*_everything(alone, region, kinds=("quarters",)))
    # Listings closed, and moves between stages, from last quarter's stock and this one's.
    tables = {ref[0].split("/")[1] for ref, _v in across_quarters}
    assert {"community:meetings", "pipeline:moves"} <= tables, across_quarters


def _org_id(slug: str) -> int:
    from community_hub.auth.models import Organisation

    return db.session.scalar(db.select(Organisation.id).where(Organisation.slug == slug))


def test_the_same_quarter_is_published_the_same_way_every_time(commissioner):
    """Marks depend only on the figures: asking again, or in another order, changes nothing."""

    def tables(quarter):
        response = commissioner.get("/reports/pipeline", query_string={"period": quarter.key})
        return _printed_tables(response.get_data(as_text=True))

    first = {quarter: tables(quarter) for quarter in QUARTERS}
    for quarter in reversed(QUARTERS):
        assert tables(quarter) == first[quarter]
