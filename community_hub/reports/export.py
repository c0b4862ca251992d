"""One report table as CSV, with exactly the suppression the page applied."""

from __future__ import annotations

from flask_babel import gettext as _

from community_hub.reports.tables import Table
from community_hub.volunteers.exports import to_csv


def table_csv(table: Table) -> str:
    """The table's rows as CSV: suppressed figures read "fewer than 5", "withheld" or
    "not published"."""
    header = [_("Group"), *(str(c.label) for c in table.columns)]
    rows = [[row.label, *(cell.text(thousands=False) for cell in row.cells)] for row in table.rows]
    return to_csv(header, rows)
