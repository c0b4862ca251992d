"""Volunteers from a spreadsheet: dry run, apply, per-row problems, formula guard, re-import,
and files that are not a volunteers' spreadsheet. The command line and the coordinator's upload
page are in test_import_pages.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.volunteers.import_layout import SheetError, read_sheet
from community_hub.volunteers.importing import VolunteerImport, import_volunteers
from community_hub.volunteers.models import Stage, StageChange, Volunteer
from community_hub.volunteers.requirement_models import Check, RequirementType
from tests.volunteers.factories import TODAY, record
from tests.volunteers.import_sheets import DBS_DAY, GOOD, HEADER, REF_DAY, count
from tests.volunteers.import_sheets import group as group


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
