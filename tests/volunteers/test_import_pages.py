"""Volunteers from a spreadsheet through the command line and the coordinator's upload page:
check first, then save; problems named by row, nothing saved; each organisation its own."""

from __future__ import annotations

import io
import re
from typing import Any

from sqlalchemy import select

from community_hub.extensions import db
from community_hub.volunteers.models import Stage, StageChange, Volunteer
from community_hub.volunteers.requirement_models import Check
from tests.helpers import page
from tests.volunteers.import_sheets import GOOD, count
from tests.volunteers.import_sheets import group as group

# ---- the command line ----------------------------------------------------------------------


def test_the_command_checks_then_applies(group, runner, tmp_path):
    path = tmp_path / "volunteers.csv"
    path.write_text(GOOD, encoding="utf-8")
    args = ["import-volunteers", str(path), "--organisation", "dvrm"]

    dry = runner.invoke(args=args)
    assert dry.exit_code == 0, dry.output
    assert "add 2, update 0, unchanged 0, checks to record 3, errors 0" in dry.output
    assert "Dry run: nothing saved" in dry.output and count(Volunteer) == 0

    applied = runner.invoke(args=[*args, "--apply"])
    assert applied.exit_code == 0 and "Applied." in applied.output
    assert count(Volunteer) == 2
    history = db.session.scalars(select(StageChange)).all()
    assert {h.changed_by_id for h in history} == {None}  # nobody signed in: shown as automatic

    again = runner.invoke(args=[*args, "--apply"])
    assert "add 0, update 0, unchanged 2" in again.output and count(Volunteer) == 2


def test_the_command_saves_nothing_from_a_bad_file(group, runner, tmp_path):
    path = tmp_path / "volunteers.csv"
    path.write_text(GOOD + "Cai,,not-an-email,,,,,,,,,\n", encoding="utf-8")

    result = runner.invoke(
        args=["import-volunteers", str(path), "--organisation", "dvrm", "--apply"]
    )

    assert result.exit_code == 1
    assert "row 3 (Cai): email: Enter an email like" in result.output
    assert "Nothing was saved" in result.output and count(Volunteer) == 0
    unknown = runner.invoke(args=["import-volunteers", str(path), "--organisation", "nope"])
    assert unknown.exit_code == 2 and "Unknown organisation slug" in unknown.output
    path.write_bytes(b"first_name,shoe_size\nA,9\n")
    header = runner.invoke(args=["import-volunteers", str(path), "--organisation", "dvrm"])
    assert header.exit_code == 1 and "Unknown column shoe_size" in header.output


# ---- the coordinator's page ----------------------------------------------------------------


def upload(client: Any, text: str | bytes, name: str = "volunteers.csv") -> Any:
    content = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        "/volunteers/import",
        data={"check-spreadsheet": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def save_fields(html: str) -> dict[str, str]:
    """The hidden fields of the page's "Save these volunteers" form."""
    fields = dict(re.findall(r'name="(save-[\w-]+)" type="hidden" value="([^"]*)"', html))
    fields["save-submit"] = "Save these volunteers"
    return fields


def test_a_coordinator_checks_a_file_then_saves_it(group, client, auth):
    auth.login(group.coordinator)
    listing = page(client.get("/volunteers/people"))
    assert "Import volunteers from a spreadsheet" in listing
    form = client.get("/volunteers/import")
    assert form.status_code == 200 and "/volunteers/import/template.csv" in page(form)

    checked = upload(client, GOOD)

    html = page(checked)
    assert checked.status_code == 200, html
    assert "Checked: nothing saved yet" in html and "New volunteers: 2 (Amira, Bryn)" in html
    assert "Checks to record: 3" in html and "Save these volunteers" in html
    assert count(Volunteer) == 0
    fields = save_fields(checked.get_data(as_text=True))
    assert "save-content-0" in fields and "save-digest" in fields

    saved = client.post("/volunteers/import", data=fields, content_type="multipart/form-data")

    assert saved.status_code == 302 and saved.headers["Location"].endswith("/volunteers/people")
    assert "Saved: 2 added, 0 updated." in page(client.get("/volunteers/people"))
    assert {v.organisation_id for v in db.session.scalars(select(Volunteer))} == {group.org.id}
    assert count(Check) == 3
    again = page(upload(client, GOOD))
    assert "Already up to date: 2" in again and "nothing to save" in again
    assert 'name="save-submit"' not in again


def test_the_page_reports_problems_with_400_and_saves_nothing(group, client, auth, monkeypatch):
    auth.login(group.coordinator)

    bad = upload(client, GOOD + "Cai,,not-an-email,,,,,,,,,\n")
    assert bad.status_code == 400
    html = page(bad)
    assert "Nothing was saved: fix these rows first" in html
    assert "Row 3 (Cai): email: Enter an email like" in html
    assert 'name="save-submit"' not in html and 'name="save-digest"' not in html
    for content, message in [
        (b"", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff", "not CSV text in UTF-8"),
        (b"first_name,shoe_size\nA,9\n", "Unknown column shoe_size"),
    ]:
        refused = upload(client, content)
        assert refused.status_code == 400 and message in page(refused)
    assert client.post("/volunteers/import", data={}).status_code == 400  # no file chosen
    monkeypatch.setattr("community_hub.volunteers.views_import.IMPORT_MAX_BYTES", 100)
    large = upload(client, GOOD)
    assert large.status_code == 400 and "larger than 5 MB" in page(large)
    assert count(Volunteer) == 0


def test_a_save_that_does_not_bring_back_the_checked_file_saves_nothing(group, client, auth):
    auth.login(group.coordinator)
    fields = save_fields(upload(client, GOOD).get_data(as_text=True))
    fields["save-content-0"] = fields["save-content-0"][:-8]

    response = client.post("/volunteers/import", data=fields, content_type="multipart/form-data")

    assert response.status_code == 400 and "did not come back whole" in page(response)
    assert count(Volunteer) == 0


def test_another_organisation_imports_into_its_own_programme_only(
    group, client, auth, make_volunteer
):
    make_volunteer(first_name="Amira", email="amira@example.org")
    auth.login(group.other_coordinator)

    checked = upload(client, "first_name,email,stage\nAmira,amira@example.org,Applicant\n")
    assert checked.status_code == 200 and "New volunteers: 1 (Amira)" in page(checked)
    fields = save_fields(checked.get_data(as_text=True))
    client.post("/volunteers/import", data=fields, content_type="multipart/form-data")

    theirs = db.session.scalars(
        select(Volunteer).where(Volunteer.organisation_id == group.other_org.id)
    ).one()
    assert theirs.stage == Stage.APPLICANT.value
    ours = db.session.scalars(
        select(Volunteer).where(Volunteer.organisation_id == group.org.id)
    ).one()
    assert ours.stage == Stage.ENQUIRY.value  # A's Amira is untouched
    # Their file cannot name A's requirements: B has none.
    refused = upload(client, "first_name,email,check:dbs\nIolo,iolo@example.org,2025-01-01\n")
    assert refused.status_code == 400 and "Its codes are: none yet." in page(refused)


def test_the_template_names_the_organisation_s_requirement_columns(group, client, auth):
    auth.login(group.coordinator)

    response = client.get("/volunteers/import/template.csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufefffirst_name,stage,email,phone,contact_preference,")
    assert text.rstrip("\r\n").endswith(
        "check:dbs,expires:dbs,dbs_level:dbs,certificate:dbs,update_service:dbs,"
        "check:references,expires:references"
    )
    assert text.count("\n") == 1  # the header row only
    auth.logout()
    auth.login(group.other_coordinator)
    theirs = client.get("/volunteers/import/template.csv").get_data(as_text=True)
    assert "check:" not in theirs
