"""The volunteers spreadsheet: its columns, reading the file, and reading each kind of cell.

Column layout (one volunteer per row; the first row names the columns, in any order and in
any case; only first_name must be there):

- first_name: the name they use (required, 60 characters at most).
- stage: a stage code (enquiry, applicant, in_training, active_volunteer, peer_mentor,
  recovery_champion, paid_work, left) or its English label ("Active volunteer"), in any case.
  Blank means enquiry. Used for new volunteers only.
- email, phone: each row needs at least one, so the volunteer is recognised when the file is
  imported again.
- contact_preference: email, phone, text, post or none (or "Phone call", "Text message",
  "Do not contact"). Blank means email when there is an email, else phone.
- availability, skills, gender: text as on the volunteer form.
- languages: ISO 639 codes separated by spaces or commas ("en cy"). Blank means en.
- emergency_contact_name, emergency_contact_phone: staff only, as on the form.
- check:CODE, one column per requirement, named by the organisation's requirement code
  (check:dbs): the date it was completed, YYYY-MM-DD or DD/MM/YYYY (day first). Blank means
  not recorded.
- expires:CODE (optional): the expiry date, instead of the one worked out from the
  requirement's validity.
- dbs_level:CODE (basic, standard, enhanced, enhanced_barred), certificate:CODE (12 digits:
  format the column as text so a spreadsheet keeps the leading zeros) and update_service:CODE
  (yes or no): for DBS requirements only; level and certificate number are needed.
- id, paused_since, joined: written by the volunteers export and ignored here, so an export
  can be edited and imported back.

The file is CSV in UTF-8 (a byte-order mark, as Excel writes, is fine), separated by commas
or by semicolons. Formula guard, following the resources and meetings import: a cell that
starts with ' followed by = + - @ tab or CR has the ' removed (our exports add it, and it is
how a spreadsheet user marks text). A cell that starts with one of those characters without
the ' is refused, as a spreadsheet would run it, except a phone number like +44 7700 900123.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _

from community_hub.volunteers.requirement_models import RequirementKind, RequirementType

COLUMNS = (
    "first_name", "stage", "email", "phone", "contact_preference", "availability", "languages",
    "skills", "gender", "emergency_contact_name", "emergency_contact_phone",
)  # fmt: skip
EXPORT_ONLY = ("id", "paused_since", "joined")
CHECK_PARTS = ("check", "expires")
DBS_PARTS = ("dbs_level", "certificate", "update_service")


class SheetError(ValueError):
    """The file as a whole cannot be read as a volunteers spreadsheet; nothing is imported."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass
class SheetRow:
    position: int  # 1 = the first row after the header
    cells: dict[str, str]
    stray: bool = False  # a value under no column heading


@dataclass
class Sheet:
    columns: list[str]
    rows: list[SheetRow] = field(default_factory=list)


def read_sheet(content: bytes) -> Sheet:
    """The header and rows of an uploaded CSV file (UTF-8, comma or semicolon separated)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:  # not UTF-8, or binary (UTF-16, a workbook): no real cell holds NUL
        raise SheetError(
            [_("The file is not CSV text in UTF-8. In your spreadsheet, save it as CSV UTF-8.")]
        )
    if not text.strip():
        raise SheetError([_("The file is empty.")])
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise SheetError(
            [_("The file could not be read as CSV. In your spreadsheet, save it as CSV UTF-8.")]
        ) from error
    while records and not any(cell.strip() for cell in records[0]):
        records.pop(0)
    if not records:
        raise SheetError([_("The file is empty.")])
    columns = [name.strip().lower() for name in records[0]]
    sheet = Sheet(columns)
    for position, record in enumerate(records[1:], start=1):
        if not any(cell.strip() for cell in record):
            continue  # spreadsheets leave empty rows at the end
        row = SheetRow(position, {})
        for index, cell in enumerate(record):
            name = columns[index] if index < len(columns) else ""
            if name:
                row.cells[name] = cell.strip()
            elif cell.strip():
                row.stray = True
        sheet.rows.append(row)
    if not sheet.rows:
        raise SheetError([_("The file has a header row but no volunteers in it.")])
    return sheet


def template_columns(requirements: list[RequirementType]) -> list[str]:
    """Every column the organisation's file may have, in the template's order."""
    columns = list(COLUMNS)
    for requirement in sorted(requirements, key=lambda r: r.code.lower()):
        parts = CHECK_PARTS + (DBS_PARTS if requirement.kind == RequirementKind.DBS.value else ())
        columns += [f"{part}:{requirement.code.lower()}" for part in parts]
    return columns


def check_header(
    columns: list[str], requirements: Mapping[str, RequirementType]
) -> dict[str, RequirementType]:
    """The requirements the file has columns for; every problem with the header raised at once."""
    problems: list[str] = []
    named = [c for c in columns if c]
    if "first_name" not in named:
        problems.append(
            _(
                "There is no first_name column. The first row must name the columns: "
                "download the template to see them."
            )
        )
    for column in dict.fromkeys(c for c in named if named.count(c) > 1):
        problems.append(_("The column %(column)s appears twice.", column=column))
    found: dict[str, RequirementType] = {}
    codes = ", ".join(sorted(requirements)) or _("none yet")
    for column in dict.fromkeys(named):
        if column in COLUMNS or column in EXPORT_ONLY:
            continue
        part, _colon, code = column.partition(":")
        requirement = requirements.get(code)
        if part not in CHECK_PARTS + DBS_PARTS:
            problems.append(
                _(
                    "Unknown column %(column)s: download the template to see the columns.",
                    column=column,
                )
            )
        elif requirement is None:
            problems.append(
                _(
                    "%(column)s: your organisation has no requirement with the code %(code)s. "
                    "Its codes are: %(codes)s.",
                    column=column,
                    code=code,
                    codes=codes,
                )
            )
        elif part in DBS_PARTS and requirement.kind != RequirementKind.DBS.value:
            problems.append(_("%(column)s: %(code)s is not a DBS check.", column=column, code=code))
        else:
            found[code] = requirement
    for code in found:
        if f"check:{code}" not in named:
            problems.append(_("Add a check:%(code)s column for the date completed.", code=code))
    if problems:
        raise SheetError(problems)
    return found
