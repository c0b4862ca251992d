"""Change in recovery capital (BARC-10): figures against hand-worked scores on the world in
conftest.py, on SQLite and PostgreSQL.

BARC-10 totals (referral -> 90 days), by the conftest's referral number:

  #   how                       group  at referral  at 90 days  change
  1   accompanied by a peer     peer   20           32          +12
  2   accompanied by a peer     peer   30           28          -2
  11  accompanied by a peer     peer   25           31          +6
  4   warm handover, worker     rest   40           45          +5
  5   call, worker              rest   33           33          0
  12  signpost, peer            rest   35           36          +1
  13  accompanied by a worker   rest   18           30          +12
  3   warm handover, peer       rest   22           -           (no 90-day score: left out)
  7   signpost                  rest   -            41          (no baseline: left out)
  16  the 2025 referral         peer   10           50          (outside the period)

peer: 3 people, 2 improved (67%), median of -2, 6, 12 = +6
rest: 4 people, 3 improved (75%), median of 0, 1, 5, 12 = +3
all:  7 people, 5 improved (71%), median of -2, 0, 1, 5, 6, 12, 12 = +5
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.referrals.models import RecoveryCapital, Referral
from community_hub.reports import linkage
from community_hub.reports.filters import parse_filters
from tests.reports.conftest import PERIOD

TODAY = date(2027, 6, 1)
SCORES = {1: (20, 32), 2: (30, 28), 11: (25, 31), 4: (40, 45), 5: (33, 33), 12: (35, 36),
          13: (18, 30), 3: (22, None), 7: (None, 41), 16: (10, 50)}  # fmt: skip


def spread(total: int) -> dict[str, int]:
    """Ten item scores (1-6) adding up to `total`."""
    items, left = [], total
    for n in range(10, 0, -1):
        score = max(1, min(6, left - (n - 1)))
        items.append(score)
        left -= score
    assert sum(items) == total
    return {f"item_{n}": s for n, s in enumerate(items, start=1)}


@pytest.fixture
def scores(world):
    referrals = db.session.scalars(select(Referral).order_by(Referral.id)).all()
    for number, (start, end) in SCORES.items():
        referral = referrals[number - 1]
        made = referral.created_at.date()
        for point, total in ((0, start), (90, end)):
            if total is not None:
                db.session.add(
                    RecoveryCapital(
                        referral_id=referral.id, point=point, total=total,
                        taken_on=made + timedelta(days=point), **spread(total),
                    )
                )  # fmt: skip
    db.session.commit()


def build(suppress=False, own=None):
    return linkage.build(parse_filters(PERIOD, TODAY, own), suppress)


def rows(report):
    return {r.key: [c.text() for c in r.cells] for r in report.table("recovery_capital").rows}


def test_change_from_referral_to_90_days_by_how_the_link_was_made(scores, ctx):
    assert rows(build()) == {
        "peer": ["3", "2", "67%", "+6"],
        "rest": ["4", "3", "75%", "+3"],
        "all": ["7", "5", "71%", "+5"],
    }


def test_one_organisation_sees_its_own(world, scores, ctx):
    assert rows(build(own=world.b.id)) == {  # only #13 is B's
        "peer": ["0", "0", "–", "–"],
        "rest": ["1", "1", "100%", "+12"],
        "all": ["1", "1", "100%", "+12"],
    }


def test_small_numbers_are_suppressed_as_every_other_figure(scores, ctx):
    shown = rows(build(suppress=True))
    assert shown["peer"][:2] == ["fewer than 5", "fewer than 5"]
    assert shown["rest"][:2] == ["fewer than 5", "fewer than 5"]
    # Medians and shares about fewer than 5 people are never printed.
    assert shown["peer"][2:] == ["withheld", "withheld"]
    assert shown["rest"][2:] == ["withheld", "withheld"]
    # Whatever is printed, no group's small count can be worked out from the rest.
    for row in shown.values():
        for text in row[:2]:
            assert text in ("fewer than 5", "withheld") or int(text) == 0 or int(text) >= 5


def test_the_csv_carries_the_same_figures(client, auth, scores, make_user, world):
    auth.login(make_user("worker", organisation=world.a))
    response = client.get(
        "/reports/linkage.csv?table=recovery_capital&from=2026-01-01&to=2026-12-31"
    )
    assert response.status_code == 200
    lines = response.get_data(as_text=True).strip().splitlines()
    assert lines[0].startswith("Group,With BARC-10 at referral and at 90 days,")
    # Organisation A's own: #1, #2, #11 (peer); #4, #5, #12 (rest). Changes are numbers.
    assert lines[1:] == [
        "Accompanied by a peer,3,2,67%,6",
        "Every other way of linking,3,2,67%,1",
        "All referrals,6,4,67%,3",
    ]
