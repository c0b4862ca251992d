"""Report tables: a `Sheet` collects counts and the relations between them, then resolves
them into printable cells, suppressed or not.

Every count has an address (table, row, column). Percentages, medians and hours are derived
from counts and are only printed when the counts they come from are.

Two kinds of relation reach beyond one sheet, and are declared here for publication.py: a
stock at the start of the period is the same count as that stock at the end of the period
before (`carry`), and a count printed by several reports is one count (`measure`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from community_hub.reports.suppression import Equation, Mark, Ref, first_marks, protect

COUNT, PERCENT, DAYS, HOURS, KM = "count", "percent", "days", "hours", "km"
POINTS = "points"  # a change in a score: +3, -1.5, 0


@dataclass(frozen=True)
class Cell:
    """One printable figure."""

    value: float | None
    mark: Mark = Mark.SHOWN
    kind: str = COUNT

    @property
    def shown(self) -> bool:
        return self.mark == Mark.SHOWN and self.value is not None

    def text(self, thousands: bool = True) -> str:
        if self.mark == Mark.SMALL:
            return _("fewer than 5")
        if self.mark == Mark.UNPUBLISHED:
            return _("not published")
        if self.mark != Mark.SHOWN:
            return _("withheld")
        if self.value is None:
            return "–"
        if self.kind == COUNT:
            return f"{int(self.value):,}" if thousands else str(int(self.value))
        if self.kind == PERCENT:
            return f"{self.value:.0f}%"
        if self.kind == HOURS:
            return f"{self.value:,.1f}" if thousands else f"{self.value:.1f}"
        if self.kind == KM:
            return f"{self.value:.1f}"
        if self.kind == POINTS:
            return f"{self.value:+g}" if self.value else "0"
        return f"{self.value:g}"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = COUNT


@dataclass(frozen=True)
class Chart:
    """Which columns of a table to draw as bars (one series each) and the unit of the axis."""

    series: tuple[str, ...]
    percent: bool = False
    rows: tuple[str, ...] | None = None  # None: every row
    labels: tuple[Any, ...] | None = None  # series names, when the column labels are terse


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[Row]
    note: str = ""
    chart: Chart | None = None

    def column_index(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)


@dataclass
class Report:
    key: str
    title: str
    tables: list[Table]
    notes: list[str] = field(default_factory=list)
    suppressed: bool = False

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def cell(self, table: str, row: str, column: str) -> Cell:
        """One figure by its address (used by tests and the CSV export)."""
        t = self.table(table)
        found = next(r for r in t.rows if r.key == row)
        return found.cells[t.column_index(column)]


# A recipe for one cell, resolved once the marks are known.
@dataclass(frozen=True)
class _Count:
    ref: Ref


@dataclass(frozen=True)
class _Percent:
    num: Ref
    den: Ref


@dataclass(frozen=True)
class _Dependent:
    value: float | None
    kind: str
    on: Ref


@dataclass(frozen=True)
class _Plain:
    value: float | None
    kind: str


Recipe = _Count | _Percent | _Dependent | _Plain


class TableSheet:
    """One table being filled in."""

    def __init__(self, sheet: Sheet, key: str, title: str, columns: Sequence[Column], **kw: Any):
        self.sheet, self.key, self.title = sheet, key, title
        self.columns = list(columns)
        self.kw = kw
        self.rows: list[tuple[str, str, dict[str, Recipe]]] = []

    def row(self, key: str, label: str) -> RowSheet:
        recipes: dict[str, Recipe] = {}
        self.rows.append((key, label, recipes))
        return RowSheet(self, key, recipes)

    def ref(self, row: str, column: str) -> Ref:
        return (self.key, row, column)


class RowSheet:
    """One row being filled in."""

    def __init__(self, table: TableSheet, key: str, recipes: dict[str, Recipe]):
        self.table, self.key, self.recipes = table, key, recipes

    def count(self, column: str, value: int) -> Ref:
        ref = self.table.ref(self.key, column)
        self.table.sheet.values[ref] = int(value)
        self.recipes[column] = _Count(ref)
        return ref

    def share(self, column: str, part: str, of: str) -> Ref:
        """A percentage of this row's `of` count; the rest (of - part) is implied, so hidden."""
        num, den = self.table.ref(self.key, part), self.table.ref(self.key, of)
        self.table.sheet.complement(den, num)
        self.recipes[column] = _Percent(num, den)
        return num

    def percent(self, column: str, num: Ref, den: Ref) -> None:
        self.recipes[column] = _Percent(num, den)

    def dependent(self, column: str, value: float | None, kind: str, on: Ref) -> None:
        """A figure about the people counted at `on` (a median, hours): printed only with it."""
        self.recipes[column] = _Dependent(value, kind, on)

    def plain(self, column: str, value: float | None, kind: str) -> None:
        """A figure about places, not people (a distance): always printed."""
        self.recipes[column] = _Plain(value, kind)


class Sheet:
    """Counts, the relations between them, and the tables that print them."""

    def __init__(self, key: str = "", title: Any = "", notes: Sequence[Any] = ()) -> None:
        self.key, self.title, self.notes = key, title, list(notes)
        self.values: dict[Ref, int] = {}
        self.hidden: set[Ref] = set()
        self.equations: list[Equation] = []
        self.tables: list[TableSheet] = []
        self.carried: dict[Ref, Ref] = {}  # a stock at the start: the same at the end before
        self.measures: dict[Ref, tuple[Any, ...]] = {}

    def table(self, key: str, title: str, columns: Sequence[Column], **kw: Any) -> TableSheet:
        built = TableSheet(self, key, title, columns, **kw)
        self.tables.append(built)
        return built

    def total(self, total: Ref, parts: Iterable[Ref]) -> None:
        """Declare that `total` is the sum of `parts`."""
        self.equations.append(Equation((total,), tuple(parts)))

    def balance(self, left: Iterable[Ref], right: Iterable[Ref]) -> None:
        """Declare that the counts on the left add up to those on the right.

        Declared only where the figures bear it out: records made outside the usual path (a
        volunteer without stage history) can break a balance, and a reader who relied on a
        broken one would only be misled.
        """
        equation = Equation(tuple(left), tuple(right))
        values = self.values
        if sum(values[r] for r in equation.left) == sum(values[r] for r in equation.right):
            self.equations.append(equation)

    def complement(self, whole: Ref, part: Ref) -> Ref:
        """The implied rest of a whole (e.g. did not attend): never printed, still protected."""
        rest = (part[0], part[1], f"{part[2]}~not~{whole[1]}.{whole[2]}")
        if rest not in self.values:
            self.values[rest] = self.values[whole] - self.values[part]
            self.hidden.add(rest)
            self.total(whole, (part, rest))
        return rest

    def carry(self, ref: Ref, previous: Ref) -> None:
        """`ref`, a stock at the start of the period, is `previous` of the period before."""
        self.carried[ref] = previous

    def measure(self, ref: Ref, *key: Any) -> None:
        """`ref` counts the measure `key`, such as ("referrals",) or ("referrals", "area", "X").

        Another report printing the same measure for the same period prints the same count,
        and an area's count is the sum of its organisations' counts.
        """
        self.measures[ref] = key

    def marks(self, suppress: bool) -> dict[Ref, Mark]:
        if suppress:
            return protect(self.values, self.equations, self.hidden)
        marks = first_marks(self.values, self.hidden)
        return {ref: Mark.HIDDEN if m == Mark.HIDDEN else Mark.SHOWN for ref, m in marks.items()}

    def resolve(self, suppress: bool, marks: Mapping[Ref, Mark] | None = None) -> Report:
        """The finished report, with every figure suppressed as the viewer requires.

        `marks`: worked out with other sheets (publication.py); by default this sheet alone.
        """
        marks = dict(marks) if marks is not None else self.marks(suppress)
        tables = []
        for spec in self.tables:
            rows = [
                Row(key, label, [self._cell(recipes.get(c.key), c, marks) for c in spec.columns])
                for key, label, recipes in spec.rows
            ]
            tables.append(Table(spec.key, spec.title, spec.columns, rows, **spec.kw))
        return Report(self.key, self.title, tables, list(self.notes), suppress)

    def _cell(self, recipe: Recipe | None, column: Column, marks: Mapping[Ref, Mark]) -> Cell:
        if recipe is None:
            return Cell(None, Mark.SHOWN, column.kind)
        if isinstance(recipe, _Count):
            return Cell(self.values[recipe.ref], marks[recipe.ref], COUNT)
        if isinstance(recipe, _Plain):
            return Cell(recipe.value, Mark.SHOWN, recipe.kind)
        if isinstance(recipe, _Dependent):
            if marks[recipe.on] != Mark.SHOWN:
                return Cell(None, Mark.WITHHELD, recipe.kind)
            return Cell(recipe.value, Mark.SHOWN, recipe.kind)
        if marks[recipe.num] != Mark.SHOWN or marks[recipe.den] != Mark.SHOWN:
            return Cell(None, Mark.WITHHELD, PERCENT)
        den = self.values[recipe.den]
        value = 100.0 * self.values[recipe.num] / den if den else None
        return Cell(value, Mark.SHOWN, PERCENT)
