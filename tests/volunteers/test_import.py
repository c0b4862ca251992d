"""Volunteers from a spreadsheet: dry run, apply, per-row problems, formula guard, re-import,
the CLI, and the coordinator's upload page."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.volunteers.import_layout import SheetError, read_sheet
from community_hub.volunteers.importing import VolunteerImport, import_volunteers
from community_hub.volunteers.models import Stage, StageChange, Volunteer
from community_hub.volunteers.requirement_models import Check, RequirementKind, RequirementType
from tests.helpers import page
from tests.volunteers.factories import TODAY, record

DBS_DAY = TODAY - timedelta(days=400)
REF_DAY = TODAY - timedelta(days=30)
HEADER = (
    "first_name,stage,email,phone,contact_preference,languages,availability,"
    "check:dbs,dbs_level:dbs,certificate:dbs,check:references,expires:references"
)
GOOD = (
    f"{HEADER}\n"
    f"Amira,Active volunteer,amira@example.org,,email,en cy,Weekday evenings,"
    f"{DBS_DAY.isoformat()},enhanced,001234567890,{REF_DAY:%d/%m/%Y},\n"
    f"Bryn,peer_mentor,,07700 900123,phone,,,,,,{REF_DAY.isoformat()},"
    f"{(REF_DAY + timedelta(days=100)).isoformat()}\n"
)


@pytest.fixture
def group(programme, make_requirement):
    """The programme with a DBS check (3 years) and references (never expire)."""
    make_requirement("dbs")
    make_requirement("references", kind=RequirementKind.REFERENCES.value, validity=None)
    db.session.commit()
    return programme


def run(programme: Any, text: str, apply: bool = False, **kwargs: Any) -> VolunteerImport:
    """Import as the CLI and the page do: the caller commits only what was applied."""
    organisation = kwargs.get("organisation", programme.org)
    report = import_volunteers(
        read_sheet(text.encode("utf-8")), organisation, programme.coordinator, apply, TODAY
    )
    if report.applied:
        db.session.commit()
    else:
        db.session.rollback()
    return report


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def volunteer(first_name: str) -> Volunteer:
    return db.session.scalars(select(Volunteer).where(Volunteer.first_name == first_name)).one()


def test_a_dry_run_of_a_good_file_reports_and_saves_nothing(group):
    report = run(group, GOOD)

    assert report.ok and not report.applied
    assert (report.added, report.updated, report.checks) == (["Amira", "Bryn"], [], 3)
    assert count(Volunteer) == count(Check) == count(StageChange) == 0


def test_apply_saves_volunteers_their_stage_history_and_checks(group):
    report = run(group, GOOD, apply=True)

    assert report.applied
    amira, bryn = volunteer("Amira"), volunteer("Bryn")
    assert (amira.stage, amira.languages, amira.availability) == (
        Stage.ACTIVE.value,
        "en,cy",
        "Weekday evenings",
    )
    assert (bryn.stage, bryn.contact_preference, bryn.phone) == (
        "peer_mentor",
        "phone",
        "07700 900123",
    )
    assert (amira.source, bryn.source) == ("import", "import")  # where they came from
    history = [(h.from_stage, h.to_stage, h.reason) for h in amira.history]
    assert history == [
        (None, "enquiry", "Imported from a spreadsheet."),
        ("enquiry", "active_volunteer", "Imported from a spreadsheet."),
    ]
    assert all(h.changed_by_id == group.coordinator.id for h in amira.history)
    checks = {
        (c.volunteer.first_name, c.requirement_type.code): c
        for c in db.session.scalars(select(Check))
    }
    dbs = checks[("Amira", "dbs")]
    assert (dbs.completed_on, dbs.expires_on) == (DBS_DAY, DBS_DAY + timedelta(days=1095))
    assert (dbs.dbs_level, dbs.certificate_number) == ("enhanced", "001234567890")
    assert checks[("Amira", "references")].completed_on == REF_DAY  # from DD/MM/YYYY
    assert checks[("Amira", "references")].expires_on is None  # references never expire
    assert checks[("Bryn", "references")].expires_on == REF_DAY + timedelta(days=100)  # expires:


def test_one_bad_row_saves_nothing_and_every_problem_is_named_by_row_and_column(group):
    future = (TODAY + timedelta(days=3)).isoformat()
    text = (
        f"{HEADER}\n"
        "Amira,Active volunteer,amira@example.org,,,,,,,,,\n"
        "Bryn,astronaut,bryn@example,,,,,31/02/2025,,,,\n"
        f",,,,,,,{DBS_DAY.isoformat()},enhanced,1234567890,{future},\n"
    )

    report = run(group, text, apply=True)

    assert not report.applied and report.added == ["Amira"]
    assert count(Volunteer) == count(Check) == 0
    problems = [str(e) for e in report.errors]
    assert "row 2 (Bryn): stage: Use one of: enquiry, applicant" in problems[0]
    assert any(p.startswith("row 2 (Bryn): email: Enter an email like") for p in problems)
    assert (
        "row 2 (Bryn): check:dbs: 31/02/2025 is not a date: write it as YYYY-MM-DD or DD/MM/YYYY."
        in problems
    )
    row3 = [p for p in problems if p.startswith("row 3")]
    assert any("first_name: Enter the volunteer's first name" in p for p in row3)
    assert any("email: Give an email or a phone number" in p for p in row3)
    assert any("certificate:dbs: A DBS certificate number is 12 digits." in p for p in row3)
    assert any("leading zeros" in p for p in row3)
    assert any("check:references: The date cannot be in the future." in p for p in row3)


def test_formula_cells_are_refused_unless_marked_as_text(group):
    text = (
        "first_name,email,phone,availability,gender\n"
        "Cai,cai@example.org,+44 7700 900321,'=SUM(A1:A3),'-\n"
        '=HYPERLINK("http://x"),evil@example.org,,,\n'
        "Dee,dee@example.org,,-evenings,@home\n"
    )

    report = run(group, text, apply=True)

    assert count(Volunteer) == 0
    formula = (
        "A spreadsheet would run this as a formula. If it is text, start it with ' (an apostrophe)."
    )
    assert [str(e) for e in report.errors] == [
        f'row 2 (=HYPERLINK("http://x")): first_name: {formula}',
        f"row 3 (Dee): availability: {formula}",
        f"row 3 (Dee): gender: {formula}",
    ]
    fixed = text.replace('=HYPERLINK("http://x")', "Eve").replace(
        "-evenings,@home", "'-evenings,'@home"
    )

    assert run(group, fixed, apply=True).applied
    cai = volunteer("Cai")
    assert (cai.phone, cai.availability, cai.gender) == ("+44 7700 900321", "=SUM(A1:A3)", "-")
    assert (volunteer("Dee").availability, volunteer("Dee").gender) == ("-evenings", "@home")


def test_excel_files_with_a_bom_semicolons_and_uk_dates(group):
    text = "\ufefffirst_name;stage;email;check:references\nFfion;Applicant;ffion@example.org;"
    text += f"{REF_DAY:%d/%m/%Y}\n;;;\n"

    report = run(group, text, apply=True)

    assert report.applied and report.added == ["Ffion"]
    ffion = volunteer("Ffion")
    assert ffion.stage == Stage.APPLICANT.value
    assert db.session.scalars(select(Check)).one().completed_on == REF_DAY


def test_importing_the_same_file_again_changes_nothing(group):
    run(group, GOOD, apply=True)
    before = (count(Volunteer), count(Check), count(StageChange))

    again = run(group, GOOD, apply=True)

    assert (again.added, again.updated, again.checks, again.unchanged) == ([], [], 0, 2)
    assert (count(Volunteer), count(Check), count(StageChange)) == before


def test_a_known_volunteer_gets_new_details_and_new_checks_only(group, make_volunteer):
    kerry = make_volunteer(first_name="Kerry", email="kerry@example.org", gender="woman")
    references = db.session.scalars(
        select(RequirementType).where(RequirementType.code == "references")
    ).one()
    record(kerry, references, REF_DAY)
    text = (
        "first_name,stage,email,phone,gender,check:references,check:dbs,dbs_level:dbs,"
        "certificate:dbs\n"
        f"Kez,Left,KERRY@example.org,07700 900555,,{REF_DAY.isoformat()},"
        f"{DBS_DAY.isoformat()},basic,000000000001\n"
    )

    report = run(group, text, apply=True)

    assert (report.added, report.updated, report.checks) == ([], ["Kerry"], 1)
    kerry = volunteer("Kerry")
    assert (kerry.first_name, kerry.stage) == ("Kerry", Stage.ENQUIRY.value)  # left alone
    assert (kerry.email, kerry.phone, kerry.gender) == (
        "KERRY@example.org",
        "07700 900555",
        "woman",
    )
    assert sorted(c.requirement_type.code for c in db.session.scalars(select(Check))) == [
        "dbs",
        "references",
    ]
    assert len(kerry.history) == 1  # no stage change from the file


def test_without_an_email_the_first_name_and_phone_find_the_volunteer(group, make_volunteer):
    make_volunteer(first_name="Lowri", email="", phone="07700 900456", contact_preference="phone")
    text = "first_name,phone,availability\nlowri,+44 7700 900456,Saturdays\n"

    report = run(group, text, apply=True)

    assert (report.added, report.updated) == ([], ["Lowri"])
    assert count(Volunteer) == 1
    assert volunteer("Lowri").availability == "Saturdays"


def test_the_same_volunteer_twice_in_a_file_is_a_problem(group):
    text = "first_name,email,phone\nMo,mo@example.org,07700 900111\nMo,,07700 900111\n"

    report = run(group, text)

    assert [str(e) for e in report.errors] == ["row 2 (Mo): The same volunteer is on row 1."]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty."),
        (b"first_name,email\n", "header row but no volunteers"),
        ("first_name\nSiân\n".encode("cp1252"), "not CSV text in UTF-8"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xff\xfe", "not CSV text in UTF-8"),
        ("first_name\nSiân\n".encode("utf-16"), "not CSV text in UTF-8"),
        (b"first_name,email\nA\x00,a@example.org\n", "not CSV text in UTF-8"),
        (b"Amira,amira@example.org\nBryn,bryn@example.org\n", "There is no first_name column"),
        (b"first_name,shoe_size\nAmira,9\n", "Unknown column shoe_size"),
        (
            b"first_name,check:first_aid\nAmira,2025-01-01\n",
            "no requirement with the code first_aid. Its codes are: dbs, references.",
        ),
        (b"first_name,dbs_level:references\nA,basic\n", "references is not a DBS check"),
        (b"first_name,expires:dbs\nA,2025-01-01\n", "Add a check:dbs column"),
        (b"first_name,email,Email\nA,a@example.org,a@example.org\n", "email appears twice"),
    ],
)
def test_a_file_that_is_not_a_volunteers_spreadsheet_is_refused(group, content, expected):
    with pytest.raises(SheetError) as refused:
        import_volunteers(read_sheet(content), group.org, None, True, TODAY)
    assert expected in str(refused.value)
    assert count(Volunteer) == 0


def test_the_volunteers_export_imports_back_unchanged(group, client, auth, make_volunteer):
    make_volunteer(first_name="=cmd|' /C calc'!A0", phone="+44 7700 900777", skills="@home")
    auth.login(group.coordinator)
    exported = client.get("/volunteers/export/volunteers.csv").get_data(as_text=True)

    report = run(group, exported, apply=True)

    assert (report.added, report.updated, report.unchanged) == ([], [], 1)


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
