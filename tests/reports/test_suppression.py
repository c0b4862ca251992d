"""Small-number suppression: the primary rule, differencing, implied figures, derived figures."""

from itertools import product

from community_hub.reports.suppression import Equation, Mark, bounds, disclosed, protect
from community_hub.reports.tables import PERCENT, Column, Sheet
from tests.reports.reader import possible_values


def ref(name):
    return ("t", name, "n")


def parts(values, total=None):
    """A table of named counts with a total row, and the equation joining them."""
    counts = {ref(k): v for k, v in values.items()}
    equations = []
    if total is not None:
        counts[ref("total")] = total
        equations = [Equation((ref("total"),), tuple(ref(k) for k in values))]
    return counts, equations


def readable(marks):
    return {r[1]: m.value for r, m in marks.items()}


def test_counts_of_one_to_four_are_fewer_than_five_and_zero_and_five_are_shown():
    counts, _eqs = parts({"none": 0, "one": 1, "four": 4, "five": 5, "many": 120})
    assert readable(protect(counts)) == {
        "none": "shown", "one": "small", "four": "small", "five": "shown", "many": "shown",
    }  # fmt: skip


def test_differencing_a_total_and_all_but_one_part_is_blocked():
    """Total 20 = 3 + 8 + 9: publishing 20, 8 and 9 would give away the 3."""
    counts, eqs = parts({"a": 3, "b": 8, "c": 9}, total=20)
    primary_only = {r: Mark.SMALL if r == ref("a") else Mark.SHOWN for r in counts}
    assert disclosed(counts, primary_only, eqs) == [ref("a")]  # the attack works without more
    marks = protect(counts, eqs)
    # The next-smallest part is withheld too; the total stays published.
    assert readable(marks) == {"a": "small", "b": "withheld", "c": "shown", "total": "shown"}
    assert disclosed(counts, marks, eqs) == []
    low, high = bounds(counts, marks, eqs)[ref("a")]
    assert (low, high) == (1, 4)  # all a reader learns: 1 to 4


def test_two_small_parts_that_would_pin_each_other_are_protected():
    """Total 52 = 1 + 1 + 50: two "fewer than 5" summing to 2 must each be 1, so withhold more."""
    counts, eqs = parts({"a": 1, "b": 1, "c": 50}, total=52)
    marks = protect(counts, eqs)
    assert readable(marks) == {"a": "small", "b": "small", "c": "withheld", "total": "shown"}
    assert disclosed(counts, marks, eqs) == []


def test_a_withheld_five_cannot_be_used_to_pin_a_small_count():
    """Total 6 = 1 + 5 + 0: withholding the 5 alone leaves 1 + (5 or more) = 6, pinned; so the
    total is withheld as well."""
    counts, eqs = parts({"a": 1, "b": 5, "c": 0}, total=6)
    marks = protect(counts, eqs)
    assert readable(marks) == {"a": "small", "b": "withheld", "c": "shown", "total": "withheld"}
    assert disclosed(counts, marks, eqs) == []


def test_an_implied_rest_is_protected_too():
    """20 referred and 17 attended says 3 did not attend."""
    counts = {ref("referred"): 20, ref("attended"): 17, ref("rest"): 3}
    eqs = [Equation((ref("referred"),), (ref("attended"), ref("rest")))]
    marks = protect(counts, eqs, hidden={ref("rest")})
    assert marks[ref("attended")] == Mark.WITHHELD
    assert marks[ref("referred")] == Mark.SHOWN and marks[ref("rest")] == Mark.HIDDEN
    assert disclosed(counts, marks, eqs) == []


def test_protection_holds_across_a_table_with_row_and_column_totals():
    """A 2 x 2 table with margins: withholding one cell would not do, the engine follows through."""
    cells = {("t", r, c): v for (r, c), v in {
        ("x", "p"): 2, ("x", "q"): 10, ("x", "all"): 12,
        ("y", "p"): 7, ("y", "q"): 9, ("y", "all"): 16,
        ("all", "p"): 9, ("all", "q"): 19, ("all", "all"): 28,
    }.items()}  # fmt: skip
    eqs = [Equation((("t", r, "all"),), (("t", r, "p"), ("t", r, "q"))) for r in ("x", "y", "all")]
    eqs += [Equation((("t", "all", c),), (("t", "x", c), ("t", "y", c))) for c in ("p", "q", "all")]
    marks = protect(cells, eqs)
    assert marks[("t", "x", "p")] == Mark.SMALL
    assert disclosed(cells, marks, eqs) == []

    # Brute force, independently of the engine's reasoning: every table a reader could think
    # possible given what is printed; the small cell must still have more than one value.
    def consistent(r, v):
        mark = marks[("t", *r)]
        return (
            (mark == Mark.SHOWN and v == cells[("t", *r)])
            or (mark == Mark.SMALL and 1 <= v <= 4)
            or (mark == Mark.WITHHELD and v >= 5)
        )

    possible = set()
    for xp, xq, yp, yq in product(range(21), repeat=4):
        table = {("x", "p"): xp, ("x", "q"): xq, ("y", "p"): yp, ("y", "q"): yq,
                 ("x", "all"): xp + xq, ("y", "all"): yp + yq, ("all", "p"): xp + yp,
                 ("all", "q"): xq + yq, ("all", "all"): xp + xq + yp + yq}  # fmt: skip
        if all(consistent(r, v) for r, v in table.items()):
            possible.add(xp)
    assert len(possible) > 1


def test_a_percentage_of_a_suppressed_count_is_suppressed(ctx):
    sheet = Sheet()
    table = sheet.table("t", "T", [Column("n", "N"), Column("pct", "%", PERCENT)])
    row = table.row("a", "A")
    row.count("n", 30)
    row.count("k", 3)
    row.share("pct", "k", "n")
    other = table.row("b", "B")
    other.count("n", 30)
    other.count("k", 12)
    other.share("pct", "k", "n")
    report = sheet.resolve(suppress=True)
    assert report.cell("t", "a", "pct").text() == "withheld"
    assert report.cell("t", "b", "pct").text() == "40%"
    unsuppressed = sheet.resolve(suppress=False)
    assert unsuppressed.cell("t", "a", "pct").text() == "10%"


def test_four_fewer_than_5_adding_up_to_a_total_under_5_are_not_all_printed():
    """4 = 1 + 1 + 1 + 1 + 0: printed as five "fewer than 5" and a 0, each would have to be 1.
    Nothing is left to withhold, so one figure is not published at all."""
    counts, eqs = parts({"a": 1, "b": 1, "c": 1, "d": 1, "e": 0}, total=4)
    primary_only = {r: Mark.SHOWN if counts[r] == 0 else Mark.SMALL for r in counts}
    assert len(disclosed(counts, primary_only, eqs)) == 5  # the attack works without more
    marks = protect(counts, eqs)
    assert Mark.UNPUBLISHED in marks.values() and Mark.WITHHELD not in marks.values()
    assert disclosed(counts, marks, eqs) == []
    possible = possible_values(counts, marks, eqs, cap=10)
    assert all(len(possible[r]) > 1 for r, v in counts.items() if v)


def test_figures_published_before_are_kept_and_only_new_ones_withheld():
    """Last quarter ended with 20 listed, printed. This quarter: 22 listed, 0 closed, so the 2
    new ones would be pinned; the start cannot be taken back, so the end is withheld."""
    counts = {ref("start"): 20, ref("new"): 2, ref("end"): 22, ref("closed"): 0}
    eqs = [Equation((ref("start"), ref("new")), (ref("end"), ref("closed")))]
    marks = protect(counts, eqs, fixed={ref("start"): Mark.SHOWN})
    assert readable(marks) == {"start": "shown", "new": "small", "end": "withheld",
                               "closed": "shown"}  # fmt: skip
    assert disclosed(counts, marks, eqs) == []


def test_a_later_figure_cannot_pin_a_count_published_earlier():
    """Earlier: 9 people, 7 at enquiry (withheld) and 2 applicants, so a reader knew enquiry was
    5 to 8. Now nobody moved: printing the 7 still at enquiry would give the 2 applicants."""
    before = {ref("all"): 9, ref("enquiry"): 7, ref("applicant"): 2}
    earlier = [Equation((ref("all"),), (ref("enquiry"), ref("applicant")))]
    fixed = {ref("all"): Mark.SHOWN, ref("enquiry"): Mark.WITHHELD, ref("applicant"): Mark.SMALL}
    prior = bounds(before, fixed, earlier)
    assert prior[ref("enquiry")] == (5, 8)
    now = {ref("still"): 7, ref("joined"): 0, ref("left"): 0}
    eqs = [*earlier, Equation((ref("enquiry"), ref("joined")), (ref("still"), ref("left")))]
    marks = protect({**before, **now}, eqs, fixed=fixed, prior=prior)
    assert all(marks[r] == m for r, m in fixed.items())  # printed before: kept as they were
    assert marks[ref("still")] == Mark.WITHHELD
    assert disclosed({**before, **now}, marks, eqs, prior) == []


def test_when_a_zero_and_the_bounds_of_withheld_figures_pin_a_count_it_is_not_published():
    """6 listed at the start (printed last quarter), none new, 5 listed at the end (withheld,
    so 5 or more) and 1 closed ("fewer than 5", so 1 or more): 6 = 5 + 1 exactly."""
    counts = {ref("start"): 6, ref("new"): 0, ref("end"): 5, ref("closed"): 1}
    eqs = [Equation((ref("start"), ref("new")), (ref("end"), ref("closed")))]
    marks = protect(counts, eqs, fixed={ref("start"): Mark.SHOWN})
    assert marks[ref("end")] == Mark.WITHHELD  # withheld first; not enough on its own
    assert marks[ref("closed")] == Mark.UNPUBLISHED
    assert disclosed(counts, marks, eqs) == []
    assert possible_values(counts, marks, eqs, cap=20)[ref("closed")] == {0, 1}


def test_a_total_whose_parts_are_all_printed_is_printed_not_withheld():
    """Total 37 = 20 + 14 + 3, where 14 = 9 + 5. The 3 needs a neighbour withheld (the 20 is
    enough). Withholding the 14 as well would print "withheld" beside its own parts 9 and 5,
    which add up to it: the page would contradict itself and protect nothing."""
    counts = {ref("total"): 37, ref("a"): 20, ref("b"): 14, ref("c"): 3,
              ref("b1"): 9, ref("b2"): 5}  # fmt: skip
    eqs = [
        Equation((ref("total"),), (ref("a"), ref("b"), ref("c"))),
        Equation((ref("b"),), (ref("b1"), ref("b2"))),
    ]
    marks = protect(counts, eqs)
    assert readable(marks) == {"total": "shown", "a": "withheld", "b": "shown", "c": "small",
                               "b1": "shown", "b2": "shown"}  # fmt: skip
    assert disclosed(counts, marks, eqs) == []
    assert bounds(counts, marks, eqs)[ref("a")] == (19, 22)  # 37 - 14 - (1 to 4)


def test_consistency_holds_for_every_small_table():
    """Brute force over small tables: a total and three parts, one part split in two. Whatever
    the counts, nothing small is pinned, no withheld figure can be worked out, and a total is
    withheld only beside a part that is not printed as a number."""
    for a, b1, b2, c in product((0, 1, 3, 5, 9, 20), repeat=4):
        counts = {ref("total"): a + b1 + b2 + c, ref("a"): a, ref("b"): b1 + b2,
                  ref("c"): c, ref("b1"): b1, ref("b2"): b2}  # fmt: skip
        eqs = [
            Equation((ref("total"),), (ref("a"), ref("b"), ref("c"))),
            Equation((ref("b"),), (ref("b1"), ref("b2"))),
        ]
        marks = protect(counts, eqs)
        assert disclosed(counts, marks, eqs) == [], counts
        known = bounds(counts, marks, eqs)
        for r, m in marks.items():
            if m == Mark.WITHHELD:
                assert known[r][0] < known[r][1], (counts, r)
        for total, members in (("total", "abc"), ("b", ("b1", "b2"))):
            if marks[ref(total)] == Mark.WITHHELD:
                assert any(marks[ref(p)] != Mark.SHOWN for p in members), counts
