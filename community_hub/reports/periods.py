"""The periods that viewers of suppressed figures may choose: whole calendar quarters, ended.

Suppression protects the figures of one period; it cannot protect two periods that overlap,
because their difference is itself a period (15 referrals to 29 November and 16 to 30 November
give away one referral on 30 November). So anyone who sees suppressed figures (commissioners,
administrators, the public) is offered calendar quarters and nothing else: quarters never
overlap, no published period is a sum of others, and only quarters that have ended are
offered, because a quarter still running changes every day and could be differenced day by
day. Quarters are offered from `REPORTS_FIRST_QUARTER`, which must never move: the figures of
each quarter are protected together with those of the quarters before it (publication.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from community_hub.catalogue import lazy_gettext as _l
from community_hub.dates import long_date
from community_hub.reports.filters import BadFilter, Filters

QUARTER_RE = re.compile(r"^(\d{4})-Q([1-4])$")
# Narrowing a suppressed report by these would publish figures that differ from its totals.
NARROWING = ("organisation", "area", "fellowship")


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: January to March is Q1."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter | None:
        """'2026-Q3', or None if the text is not a quarter."""
        found = QUARTER_RE.match(text.strip())
        return cls(int(found[1]), int(found[2])) if found else None

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """The last day of the quarter."""
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def label(self) -> str:
        """'1 July 2026 to 30 September 2026', in the reader's language."""
        return _("%(start)s to %(end)s", start=long_date(self.start), end=long_date(self.end))

    def filters(self) -> Filters:
        return Filters(self.start, self.end)


def latest_complete(today: date) -> Quarter:
    """The last quarter that ended before today."""
    return Quarter.containing(today).previous()


def complete_quarters(today: date, first: Quarter) -> list[Quarter]:
    """Every quarter a viewer of suppressed figures may choose, the latest first."""
    found, quarter = [], latest_complete(today)
    while quarter >= first:
        found.append(quarter)
        quarter = quarter.previous()
    return found


def parse_quarter(args: Mapping[str, str], today: date, first: Quarter) -> Quarter:
    """The quarter a viewer of suppressed figures asked for (default: the latest ended one).

    Free dates and narrowing filters are refused, never quietly ignored, so that nobody reads
    a page believing it answers a question it does not.
    """
    if args.get("from") or args.get("to"):
        raise BadFilter(
            _l(
                "Figures across organisations are published for whole calendar quarters that"
                " have ended: choose one from the list."
            )
        )
    if any(args.get(name) for name in NARROWING):
        raise BadFilter(
            _l(
                "Figures across organisations cannot be narrowed by organisation, area or"
                " fellowship: the tables already break them down as far as is safe."
            )
        )
    offered = complete_quarters(today, first)
    if not offered:
        raise BadFilter(_l("No calendar quarter has ended since reports began."))
    text = (args.get("period") or "").strip()
    if not text:
        return offered[0]
    quarter = Quarter.parse(text)
    if quarter is None or quarter not in offered:
        raise BadFilter(_l("Choose a period from the list."))
    return quarter
