"""Resources CSV: export of public listings, checked import, round trip, per-row errors."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

from community_hub.auth.models import Organisation, utcnow
from community_hub.extensions import db
from community_hub.interop.csv_format import csv_lines
from community_hub.interop.feed_import import RowError
from community_hub.interop.resources_csv import (
    RESOURCE_COLUMNS,
    bp,
    import_resources,
    import_resources_command,
    read_rows,
)
from community_hub.meetings.models import ChangeSuggestion
from community_hub.referrals.models import Referral
from community_hub.resources.models import Location, Service
from community_hub.seed import load_seed

TODAY = date(2026, 12, 1)


@pytest.fixture
def seeded(app):
    if "resources_csv" not in app.blueprints:
        app.register_blueprint(bp)
    load_seed()
    db.session.commit()
    return app


def export(client) -> str:
    response = client.get("/api/resources.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return response.get_data(as_text=True)


def parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def to_csv(rows: list[dict[str, Any]]) -> str:
    return "".join(csv_lines(rows, RESOURCE_COLUMNS))


def org(slug: str) -> Organisation:
    found = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    assert found is not None
    return found


def service_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Service)) or 0


def mentors_rows(client) -> list[dict[str, str]]:
    return [
        r for r in read_rows(export(client)) if r["organisation"] == "doncaster-recovery-mentors"
    ]


def test_export_lists_public_resources_in_the_documented_layout(seeded, client):
    archived, defunct = db.session.scalars(select(Service).order_by(Service.slug).limit(2))
    archived.archived_at = utcnow()
    defunct.status = "defunct"
    db.session.commit()
    text = export(client)
    rows = parsed(text)
    assert tuple(next(csv.reader(io.StringIO(text)))) == RESOURCE_COLUMNS
    public = sorted(s.slug for s in db.session.scalars(select(Service)) if s.is_public)
    assert [r["slug"] for r in rows] == public
    assert archived.slug not in public and defunct.slug not in public
    beacon = next(r for r in rows if r["slug"] == "the-beacon-recovery-cafe-doncaster")
    assert beacon["organisation"] == "doncaster-recovery-mentors"
    assert beacon["category"] == "recovery_cafe"
    assert beacon["address_1"] == "14 Priory Walk" and beacon["approximate"] == "no"
    assert (beacon["schedule1_days"], beacon["schedule1_opens_at"]) == ("MO TU WE TH FR", "10:00")
    assert (beacon["schedule2_days"], beacon["schedule2_description"]) == ("SA", "Family Saturday")
    assert beacon["phone1_number"] == "07700 900100"


def _wipe_resources() -> None:
    db.session.execute(delete(ChangeSuggestion).where(ChangeSuggestion.service_id.is_not(None)))
    # Referrals keep their history: point the demo's resource referrals at a named group.
    db.session.execute(
        update(Referral)
        .where(Referral.service_id.is_not(None))
        .values(service_id=None, group_name="A resource that was wiped")
    )
    for service in db.session.scalars(select(Service)):
        db.session.delete(service)
    db.session.flush()
    db.session.execute(delete(Location))
    db.session.commit()


def _import_by_organisation(rows: list[dict[str, str]], apply: bool) -> dict[str, Any]:
    totals = {"added": 0, "changed": 0, "unchanged": 0}
    for slug in sorted({r["organisation"] for r in rows}):
        mine = [r for r in rows if r["organisation"] == slug]
        report = import_resources(mine, org(slug), apply=apply, today=TODAY)
        assert report.errors == []
        totals["added"] += len(report.added)
        totals["changed"] += len(report.changed)
        totals["unchanged"] += report.unchanged
    return totals


def test_round_trip_into_an_empty_directory(seeded, client):
    first = export(client)
    rows = read_rows(first)
    _wipe_resources()
    assert service_count() == 0
    assert _import_by_organisation(rows, apply=True)["added"] == len(rows)
    db.session.commit()
    second = export(client)

    def without_updated(text: str) -> list[dict[str, str]]:
        return [{k: v for k, v in r.items() if k != "updated"} for r in parsed(text)]

    assert without_updated(second) == without_updated(first)
    # Importing the same file again changes nothing.
    again = _import_by_organisation(read_rows(second), apply=True)
    assert again == {"added": 0, "changed": 0, "unchanged": len(rows)}


def test_formula_cells_are_guarded_and_restored(seeded, client):
    rows = read_rows(export(client))
    row = dict(rows[0], name="=HYPERLINK(1)", phone1_number="+44 1302 000000")
    report = import_resources([row], org(row["organisation"]), apply=True, today=TODAY)
    assert report.errors == [] and report.changed == [row["slug"]]
    db.session.commit()
    exported = next(r for r in parsed(export(client)) if r["slug"] == row["slug"])
    assert exported["name"] == "'=HYPERLINK(1)"
    assert exported["phone1_number"] == "'+44 1302 000000"
    assert read_rows(to_csv([exported]))[0]["name"] == "=HYPERLINK(1)"


def test_every_bad_row_is_reported_and_nothing_is_saved(seeded, client):
    rows = [
        r for r in read_rows(export(client)) if r["organisation"] == "doncaster-recovery-mentors"
    ]
    assert len(rows) >= 2
    other = next(
        r for r in read_rows(export(client)) if r["organisation"] != "doncaster-recovery-mentors"
    )
    good_new = dict(rows[0], slug="a-brand-new-cafe", name="A Brand New Café")
    changed = dict(rows[0], description="Changed, but the file has errors.")
    bad = [
        good_new,
        changed,
        dict(rows[1], slug="bad-category", category="nightclub"),
        dict(rows[1], slug="bad-times", schedule1_opens_at="25:00", schedule1_closes_at="09:00"),
        dict(rows[1], slug="backwards", schedule1_opens_at="17:00", schedule1_closes_at="09:00"),
        dict(rows[1], slug="bad-place", latitude="91", longitude="-1.1"),
        dict(rows[1], slug="bad-email", email="nobody", url="ftp://x"),
        dict(rows[1], slug="bad-name", name=""),
        dict(rows[1], slug=""),
        dict(rows[1], slug="twice"),
        dict(rows[1], slug="twice"),
        other,
    ]
    before = service_count()
    first = select(Service.description).where(Service.slug == rows[0]["slug"])
    description = db.session.scalar(first)
    report = import_resources(bad, org("doncaster-recovery-mentors"), apply=True, today=TODAY)
    assert not report.ok and not report.applied
    found = {(e.row, e.slug, e.message.split(":")[0]) for e in report.errors}
    assert {
        (3, "bad-category", "category"),
        (4, "bad-times", "schedule1_opens_at"),
        (5, "backwards", "schedule1_closes_at"),
        (6, "bad-place", "latitude"),
        (7, "bad-email", "email"),
        (7, "bad-email", "url"),
        (8, "bad-name", "name"),
        (9, "", "slug"),
        (10, "twice", "slug"),
        (11, "twice", "slug"),
        (12, other["slug"], "slug"),
    } <= found
    assert all(isinstance(e, RowError) for e in report.errors)
    assert "row 12 (" in str(next(e for e in report.errors if e.row == 12))
    assert not {e.row for e in report.errors} & {1, 2}
    db.session.commit()
    assert service_count() == before
    assert db.session.scalar(select(Service.id).where(Service.slug == "a-brand-new-cafe")) is None
    assert db.session.scalar(first) == description


def test_dry_run_reports_without_saving(seeded, client):
    rows = [
        r for r in read_rows(export(client)) if r["organisation"] == "doncaster-recovery-mentors"
    ]
    new = dict(rows[0], slug="new-drop-in", name="New Drop-in", last_confirmed="")
    changed = dict(rows[1], description="Now open on Sundays too.")
    before = service_count()
    report = import_resources(
        [new, changed, *rows[2:]], org("doncaster-recovery-mentors"), apply=False, today=TODAY
    )
    assert report.ok and not report.applied
    assert report.added == ["new-drop-in"] and report.changed == [changed["slug"]]
    assert report.unchanged == len(rows) - 2
    db.session.commit()
    assert service_count() == before
    report = import_resources([new, changed], org("doncaster-recovery-mentors"), True, TODAY)
    assert report.applied
    db.session.commit()
    created = db.session.scalar(select(Service).where(Service.slug == "new-drop-in"))
    assert created is not None and created.last_confirmed == TODAY
    assert created.organisation.slug == "doncaster-recovery-mentors"


def test_command_line_import(seeded, client, runner, tmp_path):
    rows = [
        r for r in read_rows(export(client)) if r["organisation"] == "doncaster-recovery-mentors"
    ]
    path = tmp_path / "resources.csv"
    path.write_text(to_csv([dict(rows[0], slug="cli-cafe", name="CLI Café"), *rows[1:]]))
    args = [str(path), "--organisation", "doncaster-recovery-mentors"]
    result = runner.invoke(import_resources_command, args)
    assert result.exit_code == 0, result.output
    assert "add 1, change 0" in result.output and "Dry run" in result.output
    assert db.session.scalar(select(Service.id).where(Service.slug == "cli-cafe")) is None
    result = runner.invoke(import_resources_command, [*args, "--apply"])
    assert result.exit_code == 0, result.output
    assert "Applied." in result.output
    assert db.session.scalar(select(Service.id).where(Service.slug == "cli-cafe")) is not None
    path.write_text(to_csv([dict(rows[0], slug="broken", category="nope")]))
    result = runner.invoke(import_resources_command, [*args, "--apply"])
    assert result.exit_code == 1
    assert "row 1 (broken): category" in result.output and "Nothing was saved" in result.output
    result = runner.invoke(import_resources_command, [str(path), "--organisation", "nobody"])
    assert result.exit_code == 2
