"""Meetings as CSV: the Meeting Guide fields, one column each, in a documented order.

Export and import use the same columns, so a spreadsheet round-trips. Imported rows go
through the Meeting Guide importer, so they get the same per-row checks and report.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

MEETING_COLUMNS = (
    "slug", "name", "day", "time", "end_time", "timezone", "types",
    "location", "formatted_address", "address", "city", "state", "postal_code", "country",
    "region", "sub_region", "regions", "district",
    "latitude", "longitude", "approximate", "location_notes",
    "group", "group_notes", "notes",
    "conference_url", "conference_url_notes", "conference_phone", "conference_phone_notes",
    "contact_1_name", "contact_1_email", "contact_1_phone",
    "contact_2_name", "contact_2_email", "contact_2_phone",
    "contact_3_name", "contact_3_email", "contact_3_phone",
    "venmo", "square", "paypal",
    "updated", "url",
)  # fmt: skip
# Lists in a cell: types separated by spaces, regions from general to specific by " > ".
LIST_SEPARATORS = {"regions": " > "}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Text for a spreadsheet cell; a leading quote stops it being run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_lines(rows: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> Iterator[str]:
    """CSV text, a line at a time (so a large export streams)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        values = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, list):
                value = LIST_SEPARATORS.get(column, " ").join(str(v) for v in value)
            values.append(safe_cell(value))
        writer.writerow(values)
        yield buffer.getvalue()


def feed_rows_from_csv(text: str) -> list[dict[str, Any]]:
    """Read meeting CSV into Meeting Guide feed rows (types split on spaces or commas)."""
    reader = csv.DictReader(io.StringIO(text))
    rows: list[dict[str, Any]] = []
    for record in reader:
        row: dict[str, Any] = {k: (v or "").strip() for k, v in record.items() if k}
        if row.get("day", "").isdigit():
            row["day"] = int(row["day"])
        row["types"] = [t for t in row.get("types", "").replace(",", " ").split() if t]
        for key in ("latitude", "longitude"):
            if row.get(key) == "":
                row.pop(key)
        # Undo the formula guard added on export.
        for key, value in list(row.items()):
            if isinstance(value, str) and value.startswith("'") and value[1:2] in FORMULA_STARTS:
                row[key] = value[1:]
        rows.append(row)
    return rows
