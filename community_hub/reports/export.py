"""One report table as CSV, with exactly the suppression the page applied."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from community_hub.reports.tables import POINTS, Cell, Table
from community_hub.volunteers.exports import to_csv


def _csv_cell(cell: Cell) -> str | Decimal:
    """A change in score as a number (-2, 6), which a spreadsheet sums: never "+6" as text."""
    if cell.kind == POINTS and cell.shown and cell.value is not None:
        return Decimal(f"{cell.value:g}")
    return cell.text(thousands=False)


def table_csv(table: Table) -> str:
    """The table's rows as CSV: suppressed figures read "fewer than 5", "withheld" or
    "not published"."""
    header = [_("Group"), *(str(c.label) for c in table.columns)]
    rows = [[row.label, *(_csv_cell(cell) for cell in row.cells)] for row in table.rows]
    return to_csv(header, rows)
