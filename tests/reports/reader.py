"""A determined reader of suppressed figures, for the adversary tests.

Two ways of working figures out from what is printed, both independent of `protect`'s choices:

- `pinned`: interval reasoning over every figure published and every relation between them
  (the `bounds` the engine uses, but fed relations the test declares itself, across reports
  and quarters);
- `possible_values`: brute force, exact integer reasoning: every table of counts a reader
  could think possible given what is printed (as in the 2x2 test of test_suppression.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from community_hub.reports.suppression import THRESHOLD, Equation, Mark, Ref, bounds, is_small


def pinned(
    values: Mapping[Ref, int], marks: Mapping[Ref, Mark], equations: Sequence[Equation]
) -> list[tuple[Ref, int]]:
    """Counts of 1 to 4, printed or implied, that a reader can work out exactly."""
    known = bounds(values, marks, equations)
    return [
        (ref, values[ref])
        for ref, mark in marks.items()
        if mark != Mark.SHOWN and is_small(values[ref]) and known[ref][0] == known[ref][1]
    ]


def _domain(value: int, mark: Mark, cap: int) -> range:
    if mark == Mark.SHOWN:
        return range(value, value + 1)
    if mark == Mark.SMALL:
        return range(1, THRESHOLD)
    if mark == Mark.WITHHELD:
        return range(THRESHOLD, cap + 1)
    return range(cap + 1)


def possible_values(
    values: Mapping[Ref, int],
    marks: Mapping[Ref, Mark],
    equations: Iterable[Equation],
    cap: int,
) -> dict[Ref, set[int]]:
    """Every value each figure can take in some table consistent with what is printed and with
    every relation (counts up to `cap`). Exhaustive: a value forced by one relation once the
    others are chosen is worked out, never skipped."""
    refs = list(values)
    domains = {r: _domain(values[r], marks[r], cap) for r in refs}
    eqs = [e for e in equations if set(e.refs) <= set(refs)]
    seen: dict[Ref, set[int]] = {r: set() for r in refs}

    def settle(chosen: dict[Ref, int]) -> dict[Ref, int] | None:
        """Work out every figure a relation forces; None if something contradicts."""
        chosen = dict(chosen)
        changed = True
        while changed:
            changed = False
            for e in eqs:
                open_ = [r for r in set(e.refs) if r not in chosen]
                if len(open_) > 1:
                    continue
                total = sum(chosen.get(r, 0) for r in e.left) - sum(
                    chosen.get(r, 0) for r in e.right
                )
                if not open_:
                    if total != 0:
                        return None
                    continue
                ref = open_[0]
                weight = e.left.count(ref) - e.right.count(ref)
                if weight == 0 or total % weight:
                    return None
                value = -total // weight
                if value not in domains[ref]:
                    return None
                chosen[ref] = value
                changed = True
        return chosen

    def search(chosen: dict[Ref, int]) -> None:
        settled = settle(chosen)
        if settled is None:
            return
        free = [r for r in refs if r not in settled]
        if not free:
            for ref, value in settled.items():
                seen[ref].add(value)
            return
        ref = min(free, key=lambda r: len(domains[r]))
        for value in domains[ref]:
            search({**settled, ref: value})

    search({})
    return seen
