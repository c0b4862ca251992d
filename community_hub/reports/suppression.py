"""Small-number suppression for public and commissioner figures.

Primary rule: a count of 1 to 4 is published as "fewer than 5". Zero is published as 0 (it
identifies nobody, and gaps such as "no meetings in this area" are what commissioners need).

Secondary rule: no published figure may be combined with others to recover a small count,
including counts the page never prints but implies (for example "did not attend" = referred
minus attended). Every relation a reader could use is declared as an `Equation` (a total and its
parts, or a balance). `protect` then reasons as a reader would: it narrows what each unpublished
figure could be from everything published, and while some small count is pinned to one value it
withholds one more figure (the smallest count published beside it, a total as a last resort).
A withheld figure is shown as "withheld", so a reader learns only that it is 5 or more.

Consistency: a figure is never "withheld" when the page lets a reader work it out exactly
(`release`): a total whose parts are all printed is printed, and so is a part whose total and
other parts are printed. So a total is withheld only beside a part that is itself not printed
as a number, and a printed total never gives away a suppressed part by subtraction.

Those two lower bounds can pin a count on their own, where nothing is left to withhold: four
"fewer than 5" adding up to a total of "fewer than 5" are each 1, and 6 listed at the start of
a quarter, none added, "5 or more" listed at its end and "fewer than 5" closed means 1 closed.
As a last resort `protect` then stops publishing a figure near the pinned one at all: it is
shown as "not published", which says nothing about it, not even that it is more than 0.

Figures published earlier (last quarter's figures, whose end is this quarter's start) cannot
be taken back: `protect` takes their marks as `fixed` and withholds only new figures, until no
count is pinned, old or new. `prior` is what a reader already knows from earlier figures (the
bounds worked out when they were published): reasoning starts from there.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

THRESHOLD = 5
MAX_ROUNDS = 60

# A figure's address on a page: (table, row, column).
Ref = tuple[str, str, str]
Bounds = dict[Ref, tuple[float, float]]


class Mark(enum.StrEnum):
    SHOWN = "shown"
    SMALL = "small"  # 1 to 4: "fewer than 5"
    WITHHELD = "withheld"  # 5 or more, withheld so that a small count cannot be worked out
    UNPUBLISHED = "unpublished"  # could be anything: the last resort when nothing can be withheld
    HIDDEN = "hidden"  # never printed, but implied by others (e.g. "did not attend")


@dataclass(frozen=True)
class Equation:
    """sum(left) == sum(right): a relation between figures that a reader can use."""

    left: tuple[Ref, ...]
    right: tuple[Ref, ...]

    @property
    def refs(self) -> tuple[Ref, ...]:
        return self.left + self.right


def is_small(value: int) -> bool:
    """A count that must not be published exactly."""
    return 0 < value < THRESHOLD


def first_marks(values: Mapping[Ref, int], hidden: Collection[Ref]) -> dict[Ref, Mark]:
    """The primary rule alone."""
    return {
        ref: Mark.HIDDEN if ref in hidden else Mark.SMALL if is_small(v) else Mark.SHOWN
        for ref, v in values.items()
    }


def _start(value: int, mark: Mark) -> tuple[float, float]:
    """What a reader knows about one figure from how it is printed."""
    if mark == Mark.SHOWN:
        return (value, value)
    if mark == Mark.SMALL:
        return (1, THRESHOLD - 1)
    if mark == Mark.WITHHELD:
        return (THRESHOLD, math.inf)
    return (0, math.inf)  # hidden or not published: anything


def _initial(
    values: Mapping[Ref, int], marks: Mapping[Ref, Mark], prior: Bounds | None = None
) -> Bounds:
    """What a reader knows before reasoning: how each figure is printed, and what they knew."""
    known = {ref: _start(values[ref], marks[ref]) for ref in values}
    for ref, (lo, hi) in (prior or {}).items():
        if ref in known:
            known[ref] = (max(lo, known[ref][0]), min(hi, known[ref][1]))
    return known


def bounds(
    values: Mapping[Ref, int],
    marks: Mapping[Ref, Mark],
    equations: Sequence[Equation],
    prior: Bounds | None = None,
) -> Bounds:
    """The narrowest range a reader can deduce for each figure (interval reasoning)."""
    known = _initial(values, marks, prior)
    for _round in range(MAX_ROUNDS):
        changed = False
        for equation in equations:
            changed |= _tighten(known, equation.left, equation.right)
            changed |= _tighten(known, equation.right, equation.left)
        if not changed:
            break
    return known


def _tighten(known: Bounds, side: tuple[Ref, ...], other: tuple[Ref, ...]) -> bool:
    """Narrow each figure on one side from the other side's range and its own neighbours."""
    other_lo = sum(known[r][0] for r in other)
    other_hi = sum(known[r][1] for r in other)
    # One snapshot of the side, so each figure's neighbours are summed in O(1), not O(n).
    snapshot = [known[r] for r in side]
    side_lo = sum(lo for lo, _hi in snapshot)
    finite_hi = sum(hi for _lo, hi in snapshot if hi != math.inf)
    unbounded = sum(1 for _lo, hi in snapshot if hi == math.inf)
    changed = False
    for ref, (lo, hi) in zip(side, snapshot, strict=True):
        rest_lo = side_lo - lo
        if hi == math.inf:
            rest_hi = math.inf if unbounded > 1 else finite_hi
        else:
            rest_hi = math.inf if unbounded else finite_hi - hi
        new_lo, new_hi = max(lo, other_lo - rest_hi), min(hi, other_hi - rest_lo)
        if new_lo <= new_hi and (new_lo, new_hi) != (lo, hi):
            known[ref] = (new_lo, new_hi)
            changed = True
    return changed


def disclosed(
    values: Mapping[Ref, int],
    marks: Mapping[Ref, Mark],
    equations: Sequence[Equation],
    prior: Bounds | None = None,
) -> list[Ref]:
    """Small counts that a reader could work out exactly from the published figures.

    A count the reader could already work out before (`prior`) is not listed: nothing
    published now can hide it again.
    """
    known = bounds(values, marks, equations, prior)
    lost = {ref for ref, (lo, hi) in (prior or {}).items() if lo == hi}
    return [
        ref
        for ref, mark in marks.items()
        if mark != Mark.SHOWN
        and is_small(values[ref])
        and known[ref][0] == known[ref][1]
        and ref not in lost
    ]


def _nearest(
    exposed: Ref,
    values: Mapping[Ref, int],
    eqs: Sequence[Equation],
    usable: Callable[[Ref], bool],
) -> Ref | None:
    """The figure nearest the exposed one that `usable` accepts: the smallest count in a
    relation with it (parts before totals).

    If no figure beside it will do, the pin comes through a further relation: look one
    relation further out each time, never at unrelated tables.
    """
    if usable(exposed):
        return exposed
    reached, used = {exposed}, set()
    while True:
        related = [i for i, e in enumerate(eqs) if i not in used and reached & set(e.refs)]
        if not related:
            return None
        candidates: list[tuple[bool, int, Ref]] = []
        for i in related:
            used.add(i)
            total_side = eqs[i].left if len(eqs[i].left) == 1 else ()
            for ref in eqs[i].refs:
                reached.add(ref)
                if usable(ref):
                    candidates.append((ref in total_side, values[ref], ref))
        if candidates:
            return min(candidates)[2]


def protect(
    values: Mapping[Ref, int],
    equations: Sequence[Equation] = (),
    hidden: Collection[Ref] = (),
    fixed: Mapping[Ref, Mark] | None = None,
    prior: Bounds | None = None,
) -> dict[Ref, Mark]:
    """How to print each figure so that no count of 1 to 4 can be seen or worked out.

    `fixed`: figures already published, printed as they were and never withheld now.
    `prior`: what a reader already knows about some figures (it must follow from `fixed`).
    """
    marks = first_marks(values, hidden)
    marks.update(fixed or {})
    kept = fixed or {}

    def can_withhold(ref: Ref) -> bool:
        return marks[ref] == Mark.SHOWN and values[ref] > 0 and ref not in kept

    def can_unpublish(ref: Ref) -> bool:
        """Printed, and still saying something: a zero, "fewer than 5" or "withheld"."""
        printed = marks[ref] in (Mark.SMALL, Mark.WITHHELD) or (
            marks[ref] == Mark.SHOWN and values[ref] == 0
        )
        return printed and ref not in kept

    while True:
        exposed = disclosed(values, marks, equations, prior)
        for usable, mark in ((can_withhold, Mark.WITHHELD), (can_unpublish, Mark.UNPUBLISHED)):
            found = (_nearest(ref, values, equations, usable) for ref in exposed)
            victim = next((v for v in found if v is not None), None)
            if victim is not None:
                marks[victim] = mark
                break
        else:  # nothing exposed, or nothing left that could be withheld or left out
            return release(values, marks, equations, kept, prior)


def release(
    values: Mapping[Ref, int],
    marks: dict[Ref, Mark],
    equations: Sequence[Equation],
    kept: Collection[Ref] = (),
    prior: Bounds | None = None,
) -> dict[Ref, Mark]:
    """Print every withheld figure that a reader can work out anyway (a total whose parts are
    all printed, a part whose total and other parts are printed).

    Withholding such a figure protects nothing and makes the page contradict itself. Printing
    it tells a reader nothing new, so every small count stays as hidden as it was (checked).
    """
    known = bounds(values, marks, equations, prior)
    free = [
        ref
        for ref, mark in marks.items()
        if mark == Mark.WITHHELD and ref not in kept and known[ref] == (values[ref], values[ref])
    ]
    if not free:
        return marks
    released = {**marks, **dict.fromkeys(free, Mark.SHOWN)}
    before = set(disclosed(values, marks, equations, prior))
    if set(disclosed(values, released, equations, prior)) <= before:
        return released
    return marks
