"""The demo region's referral history: generated the same way every time, and enough of it
that a commissioner's report shows figures, consistent under suppression."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.referrals.models import Client, Consent, FollowUp, Referral
from community_hub.referrals.seed_history import plan
from community_hub.reports import publication
from community_hub.reports.periods import Quarter, latest_complete
from community_hub.reports.suppression import Mark, bounds
from community_hub.seed import DEFAULT_DIRECTORY, load_seed

HISTORY = json.loads((Path(DEFAULT_DIRECTORY) / "referrals.json").read_text("utf-8"))["history"]
MEETINGS = ["aa-one", "na-two", "smart-three"]


def planned(today: date) -> list:
    return [
        p
        for spec in HISTORY["organisations"]
        for p in plan(spec, MEETINGS, HISTORY["random_seed"], HISTORY["days"], today)
    ]


def test_the_history_is_the_same_every_time_and_moves_with_today():
    today = date(2026, 11, 23)
    first, again = planned(today), planned(today)
    assert first == again
    later = planned(today + timedelta(days=10))
    assert [p.made + timedelta(days=10) for p in first] == [p.made for p in later]
    assert 350 <= len(first) <= 450
    assert all(today - timedelta(days=730) <= p.made < today for p in first)


def test_the_history_looks_like_a_service_at_work():
    """Every way of linking, follow-ups done at 7, 30 and 90 days, missed ones, outcomes, and
    consent that varies; accompanied referrals reach a first meeting more often."""
    found = planned(date(2026, 11, 23))
    assert {p.method for p in found} == {"signpost", "in_session_call", "warm_handover",
                                         "accompanied"}  # fmt: skip
    done = [f for p in found for f in p.follow_ups if f.status == "done"]
    assert {f.day for f in done} == {7, 30, 90}
    assert any(f.status == "cancelled" and f.attempts for p in found for f in p.follow_ups)
    assert {p.closed_reason for p in found} >= {"", "engaged", "lost_to_follow_up",
                                                "declined_by_client"}  # fmt: skip
    assert len({p.purposes for p in found}) >= 3 and any(p.withdrawn_on for p in found)

    def attended(method: str) -> float:
        group = [p for p in found if p.method == method]
        return sum(p.first_meeting is not None for p in group) / len(group)

    assert attended("accompanied") > attended("signpost") + 0.2
    assert all(p.reference[:3] in ("DP-", "TR-", "EL-") for p in found)  # pseudonymous


@pytest.fixture
def today() -> date:
    return datetime.now(UTC).date()  # as load_seed uses


def figures(today: date) -> dict[tuple[str, str], list[str]]:
    """Every printed figure of the commissioner's linkage report for the last whole quarter."""
    first = Quarter.parse("2024-Q1")
    assert first is not None
    report = publication.report("linkage", latest_complete(today), first)
    return {(t.key, r.key): [c.text() for c in r.cells] for t in report.tables for r in t.rows}


def test_the_demo_has_three_treatment_services_with_two_years_of_referrals(demo_region, today):
    rows = db.session.execute(
        select(Organisation.slug, func.count(Referral.id))
        .join(Referral, Referral.organisation_id == Organisation.id)
        .group_by(Organisation.slug)
    )
    by_org = {slug: n for slug, n in rows}
    assert set(by_org) == {"doncaster-pathways", "taff-recovery-service",
                           "east-lancs-recovery-service"}  # fmt: skip
    assert 400 <= sum(by_org.values()) <= 450
    oldest = db.session.scalar(select(func.min(Referral.created_at)))
    assert oldest is not None and oldest.date() >= today - timedelta(days=731)
    assert db.session.scalar(select(func.count()).select_from(Consent)) > 1000
    done = set(db.session.scalars(select(FollowUp.day_offset).where(FollowUp.status == "done")))
    assert done == {7, 30, 90}
    assert not db.session.scalars(select(Client.reference).where(Client.reference.like("%@%")))\
        .first()  # fmt: skip


def test_the_commissioners_report_shows_figures_and_the_same_after_loading_again(
    demo_region, today, ctx
):
    before = figures(today)
    summary = [cells[0] for (table, _row), cells in before.items() if table == "summary"]
    assert summary[0].isdigit() and int(summary[0]) >= 30  # referrals made: shown
    numbers = [text for text in summary if text.replace(",", "").isdigit()]
    assert len(numbers) >= len(summary) - 2  # not a page of "withheld"
    organisations = [cells for (table, _r), cells in before.items() if table == "by_organisation"]
    assert len(organisations) == 3 and all(cells[0].isdigit() for cells in organisations)
    assert sum(int(cells[0]) for cells in organisations) == int(summary[0])
    load_seed()
    db.session.commit()
    assert figures(today) == before


def test_no_withheld_figure_in_the_demo_can_be_worked_out(demo_region, today, ctx):
    """The page never says "withheld" about a figure its other figures give away, and never
    withholds a total while printing all of its parts."""
    first = Quarter.parse("2024-Q1")
    assert first is not None
    for quarter in (latest_complete(today), latest_complete(today - timedelta(days=200))):
        published = publication.publish("linkage", quarter, first)
        sheet, marks = published.sheet, published.marks
        known = bounds(sheet.values, marks, sheet.equations)
        withheld = [r for r, m in marks.items() if m == Mark.WITHHELD]
        assert [r for r in withheld if known[r][0] == known[r][1]] == []
        for equation in sheet.equations:
            (total,), parts = equation.left, equation.right
            if marks[total] == Mark.WITHHELD:
                assert any(marks[p] != Mark.SHOWN for p in parts), equation
