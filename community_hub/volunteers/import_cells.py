"""Reading a volunteers spreadsheet's cells: text, dates, choices, yes/no and languages.

The formula guard lives here (see import_layout.py for the rule); every problem is kept under
its column's name, in plain words, for the row's report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _

from community_hub.interop.csv_format import FORMULA_STARTS
from community_hub.volunteers.import_layout import SheetRow

ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
INTERNATIONAL_PHONE = re.compile(r"^\+\d")
FLAGS = {
    "yes": True, "y": True, "true": True, "1": True,
    "no": False, "n": False, "false": False, "0": False,
}  # fmt: skip


def choices(labels: Mapping[Any, Any]) -> dict[str, str]:
    """What a cell may say for each code: the code, or its label in English or the reader's."""
    found = {str(code).lower(): str(code) for code in labels}
    found |= {str(label).lower(): str(code) for code, label in labels.items()}
    with force_locale("en"):
        found |= {str(label).lower(): str(code) for code, label in labels.items()}
    return found


def _guarded(cell: str) -> bool:
    """Starts with the ' our exports (and spreadsheet users) put before formula-like text."""
    return cell.startswith("'") and cell[1:2] in FORMULA_STARTS


class Cells:
    """One row's cells, read column by column; a problem is kept under its column's name."""

    def __init__(self, row: SheetRow):
        self.row = row
        self.problems: dict[str, str] = {}

    def problem(self, column: str, message: str) -> None:
        self.problems.setdefault(column, message)

    def raw(self, column: str) -> str:
        """The cell, without the ' that keeps a formula-like text from running."""
        cell = self.row.cells.get(column, "")
        return cell[1:] if _guarded(cell) else cell

    def text(self, column: str, limit: int, phone: bool = False) -> str:
        cell = self.row.cells.get(column, "")
        if cell.startswith(FORMULA_STARTS) and not (phone and INTERNATIONAL_PHONE.match(cell)):
            self.problem(
                column,
                _(
                    "A spreadsheet would run this as a formula. If it is text, "
                    "start it with ' (an apostrophe)."
                ),
            )
        value = self.raw(column)
        if len(value) > limit:
            self.problem(column, _("Use %(limit)d characters or fewer.", limit=limit))
        return value

    def date(self, column: str) -> date | None:
        value = self.raw(column)
        iso, uk = ISO_DATE.match(value), UK_DATE.match(value)
        try:
            if iso:
                return date(int(iso[1]), int(iso[2]), int(iso[3]))
            if uk:
                return date(int(uk[3]), int(uk[2]), int(uk[1]))
        except ValueError:
            pass
        if value:
            self.problem(
                column,
                _("%(value)s is not a date: write it as YYYY-MM-DD or DD/MM/YYYY.", value=value),
            )
        return None

    def choice(self, column: str, options: Mapping[str, str]) -> str:
        value = self.raw(column)
        if value and value.lower() not in options:
            allowed = ", ".join(dict.fromkeys(options.values()))
            self.problem(column, _("Use one of: %(allowed)s.", allowed=allowed))
        return options.get(value.lower(), "")

    def flag(self, column: str) -> bool:
        value = self.raw(column).lower()
        if value not in FLAGS and value:
            self.problem(column, _("Write yes or no."))
        return FLAGS.get(value, False)

    def languages(self, column: str) -> str:
        codes = [c.lower() for c in re.split(r"[\s,;]+", self.raw(column)) if c]
        if any(not LANGUAGE.match(code) for code in codes):
            self.problem(
                column,
                _("Use ISO 639 language codes such as en, cy or pl, separated by spaces."),
            )
        joined = ",".join(dict.fromkeys(codes))
        if len(joined) > 200:
            self.problem(column, _("Use %(limit)d characters or fewer.", limit=200))
        return joined
