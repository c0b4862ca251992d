"""Change in recovery capital (BARC-10) from referral to 90 days, for the linkage report.

Cohort: the linkage report's referrals (made in the period, in scope) that have a BARC-10 both
at referral and at 90 days. One GROUP BY (link method, made by, change in total) gives every
figure as a count made by the database; the medians are worked out exactly from those counts.
Peer-accompanied means accompanied to the meeting by a peer; everything else is "the rest".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.postgres import PLAN_EACH_TIME
from community_hub.referrals.models import RecoveryCapital, Referral
from community_hub.reports.filters import Filters
from community_hub.reports.linkage_query import in_cohort, median_of
from community_hub.reports.tables import PERCENT, POINTS, Column, Sheet

GROUPS = (
    ("peer", _l("Accompanied by a peer")),
    ("rest", _l("Every other way of linking")),
    ("all", _l("All referrals")),
)


@dataclass
class Change:
    """Changes in BARC-10 total (90 days minus referral) for one group: {change: people}."""

    changes: Counter[int] = field(default_factory=Counter)

    @property
    def people(self) -> int:
        return sum(self.changes.values())

    @property
    def improved(self) -> int:
        return sum(n for change, n in self.changes.items() if change > 0)

    @property
    def median(self) -> float | None:
        return median_of(self.changes)


def group_of(link_method: str, made_by: str) -> str:
    return "peer" if link_method == "accompanied" and made_by == "peer" else "rest"


def statement(filters: Filters) -> Any:
    r = Referral
    start, end = aliased(RecoveryCapital), aliased(RecoveryCapital)
    change = (end.total - start.total).label("change")
    stmt = (
        select(r.link_method, r.made_by, change, func.count())
        .select_from(r)
        .join(start, and_(start.referral_id == r.id, start.point == 0))
        .join(end, and_(end.referral_id == r.id, end.point == 90))
        .group_by(r.link_method, r.made_by, change)
    )
    return in_cohort(stmt, filters).execution_options(**PLAN_EACH_TIME)  # as linkage's


def changes(filters: Filters) -> dict[str, Change]:
    """{'peer', 'rest', 'all'}: each group's changes from referral to 90 days."""
    found = {key: Change() for key, _label in GROUPS}
    for method, made_by, change, people in db.session.execute(statement(filters)):
        for key in (group_of(method, made_by), "all"):
            found[key].changes[int(change)] += int(people)
    return found


def add_table(sheet: Sheet, filters: Filters) -> None:
    """The recovery capital table, related to the summary so nothing small can be deduced."""
    data = changes(filters)
    table = sheet.table(
        "recovery_capital", _l("Change in recovery capital (BARC-10), referral to 90 days"),
        [Column("people", _l("With BARC-10 at referral and at 90 days")),
         Column("improved", _l("Higher score at 90 days")),
         Column("improved_pct", _l("Share improved"), PERCENT),
         Column("median", _l("Median change (points, of 10 to 60)"), POINTS)],
        note=_l("Only clients who agreed to outcome reporting and answered BARC-10 both times. "
                "Scores run from 10 to 60; higher is more recovery capital."),
    )  # fmt: skip
    for key, label in GROUPS:
        row = table.row(key, str(label))
        people = row.count("people", data[key].people)
        row.count("improved", data[key].improved)
        row.share("improved_pct", "improved", "people")
        row.dependent("median", data[key].median, POINTS, on=people)
    for column in ("people", "improved"):
        sheet.total(
            table.ref("all", column), [table.ref("peer", column), table.ref("rest", column)]
        )
    # Each group is part of a count printed elsewhere: the rest of it is implied, so protected.
    sheet.complement(("summary", "referrals", "n"), table.ref("all", "people"))
    sheet.complement(("by_method", "accompanied", "referrals"), table.ref("peer", "people"))
    sheet.complement(("by_who", "referrals", "peer"), table.ref("peer", "people"))
