"""Linkage outcomes: every figure against the hand-worked world in conftest.py."""

from datetime import date

import pytest

from community_hub.reports import linkage
from community_hub.reports.filters import parse_filters
from tests.reports.conftest import PERIOD

TODAY = date(2027, 1, 15)


def build(args=None, suppress=False, own=None):
    return linkage.build(parse_filters({**PERIOD, **(args or {})}, TODAY, own), suppress)


def column(report, table, col):
    """{row key: printed text} for one column."""
    t = report.table(table)
    i = t.column_index(col)
    return {row.key: row.cells[i].text() for row in t.rows}


SUMMARY = {  # referrals 1-15: worked out in the conftest docstring
    "referrals": ("15", "–"),
    "assertive": ("9", "60%"),
    "signposted": ("6", "40%"),
    "attended": ("10", "67%"),
    "within14": ("6", "40%"),
    "followed30": ("7", "47%"),
    "weekly30": ("5", "33%"),
    "followed90": ("4", "27%"),
    "weekly90": ("2", "13%"),
    "sponsor90": ("2", "13%"),
    "lost": ("3", "20%"),
}


def test_summary(world, ctx):
    report = build()
    got = dict(zip(column(report, "summary", "n"), zip(
        column(report, "summary", "n").values(), column(report, "summary", "pct").values(),
        strict=True), strict=True))  # fmt: skip
    assert got == SUMMARY


def test_by_organisation(world, ctx):
    report = build()
    rows = {
        row.label: [c.text() for c in row.cells] for row in report.table("by_organisation").rows
    }
    assert rows == {
        "Calder Recovery Service": ["3", "2", "1", "67%", "1", "33%"],
        "Don Valley Treatment": ["12", "7", "5", "58%", "5", "42%"],
    }


def test_by_link_method(world, ctx):
    report = build()
    rows = {row.key: [c.text() for c in row.cells] for row in report.table("by_method").rows}
    # referrals, then count and % for: within 14 days, weekly 30, weekly 90, sponsor 90, lost
    assert rows == {
        "signpost": ["6", "0", "0%", "0", "0%", "0", "0%", "0", "0%", "2", "33%"],
        "in_session_call": ["2", "1", "50%", "0", "0%", "0", "0%", "0", "0%", "1", "50%"],
        "warm_handover": ["3", "1", "33%", "1", "33%", "0", "0%", "0", "0%", "0", "0%"],
        "accompanied": ["4", "4", "100%", "4", "100%", "2", "50%", "2", "50%", "0", "0%"],
    }


def test_peer_and_worker_introduced_side_by_side(world, ctx):
    report = build()
    rows = {row.key: [c.text() for c in row.cells] for row in report.table("by_who").rows}
    # peer: 1, 2, 3, 11, 15; worker: 4, 5, 6, 13; signposted: 7, 8, 9, 10, 12, 14
    assert rows == {
        "referrals": ["5", "–", "4", "–", "6", "–"],
        "attended": ["5", "100%", "3", "75%", "2", "33%"],
        "within14": ["3", "60%", "3", "75%", "0", "0%"],
        "weekly30": ["4", "80%", "1", "25%", "0", "0%"],
        "weekly90": ["2", "40%", "0", "0%", "0", "0%"],
        "sponsor90": ["2", "40%", "0", "0%", "0", "0%"],
        "lost": ["0", "0%", "1", "25%", "2", "33%"],
        # medians of days: peer 1,3,10,15,20; worker 5,7,14; signposted 40,100
        "median_days": ["10", "–", "7", "–", "70", "–"],
    }


def test_time_to_first_meeting(world, ctx):
    report = build()
    assert column(report, "time_to_first", "people") == {
        "0": "4", "8": "2", "15": "2", "31": "1", "91": "1", "median": "12",
    }  # fmt: skip
    assert column(report, "time_to_first", "pct")["0"] == "40%"


def test_one_organisation(world, ctx):
    report = build(own=world.a.id)
    assert column(report, "summary", "n") == {
        "referrals": "12", "assertive": "7", "signposted": "5", "attended": "8", "within14": "5",
        "followed30": "6", "weekly30": "4", "followed90": "4", "weekly90": "2", "sponsor90": "2",
        "lost": "2",
    }  # fmt: skip
    assert [r.label for r in report.table("by_organisation").rows] == ["Don Valley Treatment"]


@pytest.mark.parametrize(
    ("args", "referrals"),
    [({"area": "Calderdale"}, "3"), ({"fellowship": "aa"}, "8"), ({"fellowship": "na"}, "7")],
)
def test_area_and_fellowship_filters(world, ctx, args, referrals):
    assert build(args).cell("summary", "referrals", "n").text() == referrals


def test_organisation_filter(world, ctx):
    report = build({"organisation": str(world.b.id)})
    assert report.cell("summary", "referrals", "n").text() == "3"
    assert report.cell("summary", "lost", "n").text() == "1"


def test_period_boundaries_and_exclusions(world, ctx):
    """The 2025 referral, the draft and the one entered in error are never counted."""
    report = build({"from": "2025-12-31", "to": "2025-12-31"})
    assert report.cell("summary", "referrals", "n").text() == "1"
    assert report.cell("summary", "within14", "n").text() == "1"


def test_suppressed_for_commissioners(world, ctx):
    """Only the published figures that cannot give away a small count, worked out by hand."""
    report = build(suppress=True)
    by_org = {
        row.label: [c.text() for c in row.cells] for row in report.table("by_organisation").rows
    }
    calder = by_org["Calder Recovery Service"]
    assert calder[:3] == ["fewer than 5"] * 3 and calder[3] == "withheld"
    # 15 - 12 would give Calder's 3: Don Valley's count is withheld, not the other way round.
    assert by_org["Don Valley Treatment"][0] == "withheld"
    assert report.cell("summary", "weekly90", "n").text() == "fewer than 5"
    assert report.cell("summary", "weekly90", "pct").text() == "withheld"
    assert report.cell("summary", "attended", "n").text() == "10"
    # The time buckets are all under 5, so each is "fewer than 5"; the median of 10 is shown.
    assert set(column(report, "time_to_first", "people").values()) == {"fewer than 5", "12"}
