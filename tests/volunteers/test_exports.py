"""CSV exports: one organisation only, no emergency contacts, no spreadsheet formulas."""

from __future__ import annotations

import csv
import io

import pytest

from community_hub.volunteers.exports import safe_cell
from community_hub.volunteers.placement_models import PlacementStatus as S
from tests.volunteers.factories import log


def rows(response):
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 7700", "'+44 7700"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Kim", "Kim"),
        ("", ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_safe_cell(value, cell):
    assert safe_cell(value) == cell


def test_exports_hold_only_this_organisation_and_no_emergency_contacts(
    client, auth, programme, make_volunteer, make_placement
):
    ours = make_volunteer(
        first_name="=cmd|' /C calc'!A0",
        emergency_contact_name="Auntie Pam",
        emergency_contact_phone="07700 900999",
        skills="@home",
    )
    theirs = make_volunteer(organisation=programme.other_org, first_name="Iolo")
    placement = make_placement(ours, S.ACTIVE.value, supervisor_name="+Mo")
    log(placement, "2.5", description="-helped at the café")
    log(make_placement(theirs, S.ACTIVE.value), "4")
    auth.login(programme.coordinator)

    volunteers = rows(client.get("/volunteers/export/volunteers.csv"))
    assert [v["first_name"] for v in volunteers] == ["'=cmd|' /C calc'!A0"]
    assert volunteers[0]["skills"] == "'@home"
    text = client.get("/volunteers/export/volunteers.csv").get_data(as_text=True)
    assert "Auntie Pam" not in text and "900999" not in text and "emergency" not in text

    placements = rows(client.get("/volunteers/export/placements.csv"))
    assert len(placements) == 1
    assert (placements[0]["supervisor"], placements[0]["status"]) == ("'+Mo", "active")
    assert placements[0]["host"] == "Beacon Recovery Café"

    hours = rows(client.get("/volunteers/export/hours.csv"))
    assert [(h["hours"], h["description"], h["status"]) for h in hours] == [
        ("2.50", "'-helped at the café", "submitted")
    ]
    assert client.get("/volunteers/export/secrets.csv").status_code == 404


def test_checks_export_lists_each_volunteers_checks_with_their_status(
    client, auth, programme, make_volunteer, make_requirement
):
    from tests.volunteers.factories import TODAY, expiring_in, record

    dbs = make_requirement(name="Enhanced DBS check")
    kim = make_volunteer(first_name="Kim")
    record(kim, dbs, expiring_in(dbs, -5))
    theirs = make_volunteer(organisation=programme.other_org, first_name="Iolo")
    record(theirs, make_requirement(code="dbs2", organisation=programme.other_org), TODAY)
    auth.login(programme.coordinator)
    checks = rows(client.get("/volunteers/export/checks.csv"))
    assert [(c["volunteer"], c["requirement"], c["status"]) for c in checks] == [
        ("Kim", "Enhanced DBS check", "expired")
    ]
