"""Suppressed figures, published a calendar quarter at a time and protected as a reader uses them.

A commissioner (or anyone, on the public dashboard) can hold every suppressed figure ever
published side by side, so each must be safe against all the others, not just its own table:

- Periods. Viewers of suppressed figures choose whole calendar quarters that have ended
  (periods.py): they never overlap, so no figure is the difference of two others.
- Reports. The linkage report, the uptake report and the public dashboard all count the
  referrals made in a quarter and the first meetings attended. They are one publication: their
  sheets are merged, a count they share (`Sheet.measure`) is declared to be one count, and an
  area's referrals the sum of its organisations'.
- Stocks. Volunteers at each stage, placements running and listings at the start of a quarter
  are the figures at the end of the quarter before (`Sheet.carry`). So a quarter with such
  figures is protected together with every quarter before it back to REPORTS_FIRST_QUARTER:
  earlier quarters keep the marks they were published with, and only the new quarter's
  figures are withheld, until no count in any of them can be pinned.

Every step is deterministic, so every request for a quarter publishes the same marks, and a
later quarter never changes an earlier one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.reports import community, linkage, pipeline, public, uptake
from community_hub.reports.filters import Filters
from community_hub.reports.periods import Quarter, latest_complete
from community_hub.reports.suppression import Bounds, Equation, Mark, Ref, bounds, protect
from community_hub.reports.tables import Report, Sheet

COLLECT: dict[str, Callable[[Filters, bool], Sheet]] = {
    "linkage": linkage.collect,
    "uptake": uptake.collect,
    "public": public.collect,
    "pipeline": pipeline.collect,
    "community": community.collect,
}
REFERRALS = ("linkage", "uptake", "public")
TOGETHER = {
    "linkage": REFERRALS,
    "uptake": REFERRALS,
    "public": REFERRALS,
    "pipeline": ("pipeline",),
    "community": ("community",),
}


def _tag(prefix: str, ref: Ref) -> Ref:
    return (f"{prefix}{ref[0]}", ref[1], ref[2])


def _holds(values: Mapping[Ref, int], equation: Equation) -> bool:
    """A relation a reader could rely on: the figures bear it out."""
    return sum(values[r] for r in equation.left) == sum(values[r] for r in equation.right)


def merge(parts: Mapping[str, Sheet], areas: Mapping[int, str]) -> Sheet:
    """One sheet of several reports' figures ('linkage:summary', ...), with the counts they
    share declared equal, and an area's count the sum of its organisations' counts."""
    merged = Sheet()
    for name, sheet in parts.items():
        tag = f"{name}:"
        merged.values.update({_tag(tag, r): v for r, v in sheet.values.items()})
        merged.hidden.update(_tag(tag, r) for r in sheet.hidden)
        merged.equations += [
            Equation(tuple(_tag(tag, r) for r in e.left), tuple(_tag(tag, r) for r in e.right))
            for e in sheet.equations
        ]
        merged.carried.update({_tag(tag, a): _tag(tag, b) for a, b in sheet.carried.items()})
        merged.measures.update({_tag(tag, r): key for r, key in sheet.measures.items()})
    found: dict[tuple[Any, ...], list[Ref]] = defaultdict(list)
    for ref, key in merged.measures.items():
        found[key].append(ref)
    shared = [Equation((refs[0],), (other,)) for refs in found.values() for other in refs[1:]]
    for key, refs in found.items():
        if len(key) == 3 and key[1] == "area":
            parts_of = [(key[0], "organisation", o) for o, area in areas.items() if area == key[2]]
            if any((key[0], "organisation", o) in found for o in areas):
                shared.append(
                    Equation((refs[0],), tuple(found[p][0] for p in parts_of if p in found))
                )
    merged.equations += [e for e in shared if _holds(merged.values, e)]
    return merged


@dataclass
class _History:
    """Every quarter protected so far, as a reader holds them: marks and what they imply."""

    values: dict[Ref, int] = field(default_factory=dict)
    equations: list[Equation] = field(default_factory=list)
    hidden: set[Ref] = field(default_factory=set)
    marks: dict[Ref, Mark] = field(default_factory=dict)
    known: Bounds = field(default_factory=dict)
    last: str = ""

    def add(self, quarter: Quarter, sheet: Sheet) -> dict[Ref, Mark]:
        """Protect one more quarter's figures against all earlier ones; their marks."""
        tag = f"{quarter.key}/"
        values = {**self.values, **{_tag(tag, r): v for r, v in sheet.values.items()}}
        equations = self.equations + [
            Equation(tuple(_tag(tag, r) for r in e.left), tuple(_tag(tag, r) for r in e.right))
            for e in sheet.equations
        ]
        hidden = self.hidden | {_tag(tag, r) for r in sheet.hidden}
        fixed = dict(self.marks)
        for start, previous in sheet.carried.items() if self.last else ():
            now, before = _tag(tag, start), _tag(self.last, previous)
            # A row missing last quarter had nothing in it then.
            same = Equation((now,), (before,) if before in values else ())
            if _holds(values, same):
                equations.append(same)
                if start not in sheet.hidden and before in self.marks:
                    fixed[now] = self.marks[before]  # the same figure, printed again
        marks = protect(values, equations, hidden, fixed, self.known)
        self.known = bounds(values, marks, equations, self.known)
        self.values, self.equations, self.hidden, self.marks = values, equations, hidden, marks
        self.last = tag
        return {r: marks[_tag(tag, r)] for r in sheet.values}


@dataclass
class Publication:
    """One quarter's suppressed figures for a group of reports."""

    quarter: Quarter
    parts: dict[str, Sheet]
    sheet: Sheet  # the parts merged, with the relations between them
    marks: dict[Ref, Mark]  # of the merged sheet's figures

    def marks_of(self, name: str) -> dict[Ref, Mark]:
        """The marks of one report's figures, by their own addresses."""
        tag = f"{name}:"
        return {
            (t[len(tag) :], r, c): m for (t, r, c), m in self.marks.items() if t[: len(tag)] == tag
        }

    def report(self, name: str) -> Report:
        return self.parts[name].resolve(True, self.marks_of(name))


def publish(name: str, quarter: Quarter, first: Quarter) -> Publication:
    """The quarter's figures of `name` and the reports published with it, protected."""
    names = TOGETHER[name]
    areas = {
        int(i): str(a) for i, a in db.session.execute(select(Organisation.id, Organisation.area))
    }
    parts = {n: COLLECT[n](quarter.filters(), False) for n in names}
    merged = merge(parts, areas)
    history = _History()
    if merged.carried:
        past = first
        while past < quarter:
            history.add(past, merge({n: COLLECT[n](past.filters(), True) for n in names}, areas))
            past = past.next()
    return Publication(quarter, parts, merged, history.add(quarter, merged))


def report(name: str, quarter: Quarter, first: Quarter) -> Report:
    """One report as viewers of suppressed figures see it for a quarter."""
    return publish(name, quarter, first).report(name)


def dashboard(today: date) -> Report:
    """The public dashboard: the last quarter that has ended, published with the linkage and
    uptake reports of that quarter (it has no figures carried from quarter to quarter)."""
    quarter = latest_complete(today)
    return publish("public", quarter, quarter).report("public")
