"""Bring volunteers in from a spreadsheet: check the file (a dry run), then save it in one go."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.interop.csv_format import csv_lines
from community_hub.volunteers import dashboard as board
from community_hub.volunteers.forms import (
    IMPORT_MAX_BYTES,
    IMPORT_PIECE,
    ImportForm,
    SaveImportForm,
)
from community_hub.volunteers.import_layout import SheetError, read_sheet, template_columns
from community_hub.volunteers.importing import VolunteerImport, import_volunteers
from community_hub.volunteers.views import MANAGERS, bp, own_organisation, today


def _uploaded(form: ImportForm) -> bytes | None:
    """The chosen file's bytes, or None (with the reason on the form) when it is too large."""
    content = bytes(form.spreadsheet.data.read(IMPORT_MAX_BYTES + 1))
    if len(content) > IMPORT_MAX_BYTES:
        form.spreadsheet.errors = [_("The file is larger than 5 MB: split it into smaller files.")]
        return None
    return content


def _returned(form: SaveImportForm, errors: ImportForm) -> bytes | None:
    """The file checked a moment ago, as the save form brings it back (None if it is not whole)."""
    content = b""
    if form.validate_on_submit():
        try:
            content = base64.b64decode("".join(e.data or "" for e in form.content), validate=True)
        except (binascii.Error, ValueError):
            content = b""
    if not content or hashlib.sha256(content).hexdigest() != form.digest.data:
        errors.form_errors.append(_("The checked file did not come back whole: check it again."))
        return None
    return content


def _save_form(content: bytes) -> SaveImportForm:
    """A form that brings this file back to be saved."""
    text = base64.b64encode(content).decode("ascii")
    pieces = [text[i : i + IMPORT_PIECE] for i in range(0, len(text), IMPORT_PIECE)]
    digest = hashlib.sha256(content).hexdigest()
    return SaveImportForm(prefix="save", formdata=None, content=pieces, digest=digest)


def _check(
    content: bytes, organisation: Organisation, apply: bool, form: ImportForm
) -> VolunteerImport | None:
    """Run the import on this file (None, with the reasons on the form, if it is unreadable)."""
    try:
        return import_volunteers(read_sheet(content), organisation, current_user, apply, today())
    except SheetError as error:
        form.form_errors.extend(error.messages)
        return None


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def import_page() -> Any:
    """Check a spreadsheet of volunteers and their checks, then save them all in one go."""
    organisation = own_organisation()
    form, save_form = ImportForm(prefix="check"), SaveImportForm(prefix="save")
    report, content, apply = None, None, bool(save_form.submit.data)
    if apply:
        content = _returned(save_form, form)
    elif form.validate_on_submit():
        content = _uploaded(form)
    if content is not None:
        report = _check(content, organisation, apply, form)
    if report is not None and report.applied:
        db.session.commit()
        flash(
            _(
                "Saved: %(added)d added, %(updated)d updated.",
                added=len(report.added),
                updated=len(report.updated),
            ),
            "success",
        )
        return redirect(url_for("volunteers.volunteer_list"))
    db.session.rollback()
    offer = _save_form(content) if content and report and report.ok and report.has_changes else None
    failed = form.errors or form.form_errors or (report and report.errors)
    return render_template(
        "volunteers/import.html",
        form=form,
        save_form=offer,
        report=report,
        columns=template_columns(board.requirement_types(organisation.id)),
    ), 400 if failed else 200


@bp.route("/import/template.csv")
@roles_required(*MANAGERS)
def import_template() -> Any:
    """A header row with every column the organisation's file may have, to fill in."""
    organisation = own_organisation()
    columns = tuple(template_columns(board.requirement_types(organisation.id)))
    # The byte-order mark tells Excel the file is UTF-8, so names like Siân survive.
    return Response(
        "\ufeff" + "".join(csv_lines([], columns)),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="volunteers-template.csv"'},
    )
