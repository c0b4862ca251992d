"""Volunteer pipeline: stages and moves, courses, placements by host, hours, checks, graduates.

People at a stage at the end = at the start + moves in - moves out, and placements running at
the end = running at the start + started - ended. Both are declared, so suppression protects
a small move or stage that the others would give away; and the figures at the start are
those at the end of the period before (`carry`), so quarters are protected together.
"""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.reports import pipeline_query as q
from community_hub.reports.filters import Filters
from community_hub.reports.tables import HOURS, PERCENT, Chart, Column, Report, Sheet
from community_hub.volunteers.models import STAGE_LABELS, Stage
from community_hub.volunteers.requirement_models import RequirementKind

CHECK_KINDS = {
    RequirementKind.DBS: _l("DBS check"),
    RequirementKind.REFERENCES: _l("References"),
    RequirementKind.ID_SEEN: _l("ID seen"),
    RequirementKind.AGREEMENT: _l("Volunteer agreement"),
    RequirementKind.SAFEGUARDING_ADULTS: _l("Safeguarding adults"),
    RequirementKind.SAFEGUARDING_CHILDREN: _l("Safeguarding children"),
    RequirementKind.COURSE: _l("Training course"),
    RequirementKind.OTHER: _l("Other"),
}


def _stage(code: str) -> str:
    return str(STAGE_LABELS[Stage(code)]) if code in {s.value for s in Stage} else code


def _counted(
    sheet: Sheet, key: str, title: object, rows: list[tuple[str, str, int]], **kw: object
) -> None:
    """A one-column table of counts with its total."""
    table = sheet.table(
        key, str(title), [Column("n", str(_l("People")))], chart=Chart(("n",)), **kw
    )
    refs = [table.row(k, label).count("n", n) for k, label, n in rows]
    sheet.total(table.row("total", str(_l("Total"))).count("n", sum(n for *_x, n in rows)), refs)


def _stages(sheet: Sheet, filters: Filters) -> None:
    """People at each stage at the start and end of the period, the moves between stages,
    and each stage's balance (start + moves in = end + moves out)."""
    start, end = q.stages_at(filters.start_at, filters), q.stages_at(filters.end_before, filters)
    table = sheet.table(
        "stages", _l("People at each stage at the start and end of the period"),
        [Column("start", _l("At the start")), Column("end", _l("At the end"))],
        chart=Chart(("start", "end")),
    )  # fmt: skip
    keys = [s.value for s in Stage]
    for key, label in [*((s.value, STAGE_LABELS[s]) for s in Stage), ("total", _l("Total"))]:
        row = table.row(key, str(label))
        for column, found in (("start", start), ("end", end)):
            value = sum(found.get(k, 0) for k in keys) if key == "total" else found.get(key, 0)
            row.count(column, value)
        sheet.carry(table.ref(key, "start"), table.ref(key, "end"))
    for column in ("start", "end"):
        sheet.total(table.ref("total", column), [table.ref(k, column) for k in keys])
    moved = sorted(q.moves(filters).items())
    moves = [
        (f"{a}>{b}", f"{_stage(a) if a else _l('Joined')} → {_stage(b)}", n) for (a, b), n in moved
    ]
    _counted(sheet, "moves", _l("Moves between stages in the period"), moves,
             note=_l("Each move is counted: one person can move more than once."))  # fmt: skip
    for key in keys:
        into = [("moves", f"{a}>{b}", "n") for (a, b), _n in moved if b == key]
        out = [("moves", f"{a}>{b}", "n") for (a, b), _n in moved if a == key]
        sheet.balance((table.ref(key, "start"), *into), (table.ref(key, "end"), *out))
    # Their sum (moves between stages cancel out), which a reader can work out too.
    joined = [("moves", f"{a}>{b}", "n") for (a, b), _n in moved if not a]
    sheet.balance((table.ref("total", "start"), *joined), (table.ref("total", "end"),))


def _courses(sheet: Sheet, filters: Filters) -> None:
    columns = [Column("enrolled", _l("Enrolled")), Column("on_course", _l("Still on the course")),
               Column("finished", _l("Finished")), Column("completed", _l("Completed")),
               Column("withdrawn", _l("Withdrew")),
               Column("completed_pct", _l("Completion"), PERCENT),
               Column("withdrawn_pct", _l("Drop-out"), PERCENT)]  # fmt: skip
    table = sheet.table(
        "courses", _l("Course completion and drop-out"), columns,
        chart=Chart(("completed_pct", "withdrawn_pct"), percent=True),
        note=_l("Courses starting in the period. Completion and drop-out are shares of those"
                " who finished either way (11 of 16 completing is 69%)."),
    )  # fmt: skip
    sums = dict.fromkeys(("enrolled", "on_course", "finished", "completed", "withdrawn"), 0)
    rows = [
        (str(i), f"{name} ({org})", on, done, gone)
        for i, name, org, on, done, gone in q.courses(filters)
    ]
    for key, label, on, done, gone in [*rows, ("total", str(_l("All courses")), 0, 0, 0)]:
        if key == "total":
            on, done, gone = sums["on_course"], sums["completed"], sums["withdrawn"]
        row = table.row(key, label)
        values = {"enrolled": on + done + gone, "on_course": on, "finished": done + gone,
                  "completed": done, "withdrawn": gone}  # fmt: skip
        refs = {name: row.count(name, value) for name, value in values.items()}
        sheet.total(refs["enrolled"], (refs["on_course"], refs["finished"]))
        sheet.total(refs["finished"], (refs["completed"], refs["withdrawn"]))
        row.percent("completed_pct", refs["completed"], refs["finished"])
        row.percent("withdrawn_pct", refs["withdrawn"], refs["finished"])
        for name, value in values.items():
            sums[name] += value
    for name in sums:
        sheet.total(table.ref("total", name), [table.ref(k, name) for k, *_x in rows])


def _placements(sheet: Sheet, filters: Filters) -> None:
    found = q.placements_by_host(filters)
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    columns = [Column("running", _l("Running at the end of the period")),
               Column("started", _l("Started in the period")),
               Column("ended", _l("Ended in the period"))]  # fmt: skip
    table = sheet.table("placements", _l("Placements by host"), columns, chart=Chart(("running",)))
    found.sort(key=lambda r: (names.get(r[0], ""), r[0]))
    sums = tuple(sum(r[i] for r in found) for i in (1, 2, 3, 4))
    for host, before, *counts in [*found, (0, *sums)]:
        key = str(host) if host else "total"
        row = table.row(key, names.get(host) or str(_l("All hosts")))
        running, started, ended = (
            row.count(column, value)
            for column, value in zip(("running", "started", "ended"), counts, strict=True)
        )
        start = table.ref(key, "start")  # running at the start: never printed
        sheet.values[start] = before
        sheet.hidden.add(start)
        sheet.carry(start, running)
        sheet.balance((start, started), (running, ended))
    for column in ("start", "running", "started", "ended"):
        sheet.total(table.ref("total", column), [table.ref(str(r[0]), column) for r in found])


def _hours(sheet: Sheet, filters: Filters) -> None:
    table = sheet.table(
        "hours", _l("Volunteer hours per month"),
        [Column("volunteers", _l("Volunteers")), Column("hours", _l("Approved hours"), HOURS)],
        chart=Chart(("hours",)),
        note=_l("Hours are shown only for months when at least 5 volunteers logged them."),
    )  # fmt: skip
    for month, volunteers, hours in q.hours_by_month(filters):
        label = str(format_date(date.fromisoformat(month + "-01"), "LLLL y"))
        row = table.row(month, label)
        row.dependent("hours", hours, HOURS, on=row.count("volunteers", volunteers))


def _checks(sheet: Sheet, filters: Filters) -> None:
    found = q.checks(filters)
    columns = [Column("expiring", _l("Expiring within 60 days")), Column("expired", _l("Expired")),
               Column("renewing", _l("Renewal in progress"))]  # fmt: skip
    table = sheet.table(
        "checks", _l("Checks expiring"), columns, chart=Chart(("expiring", "expired")),
        note=_l("Each volunteer's latest check of each kind, at the end of the period."),
    )  # fmt: skip
    kinds = [k for k in CHECK_KINDS if k.value in found]
    for kind in [*kinds, None]:
        counts = (
            found[kind.value]
            if kind
            else tuple(sum(found[k.value][i] for k in kinds) for i in range(3))
        )
        row = table.row(
            kind.value if kind else "total", str(CHECK_KINDS[kind] if kind else _l("All checks"))
        )
        for column, value in zip(("expiring", "expired", "renewing"), counts, strict=True):
            row.count(column, value)
    for column in ("expiring", "expired", "renewing"):
        sheet.total(table.ref("total", column), [table.ref(k.value, column) for k in kinds])


def _graduates(sheet: Sheet, filters: Filters) -> None:
    total, engaged = q.graduates(filters)
    table = sheet.table(
        "graduates", _l("Graduates still engaged at six months"),
        [Column("graduates", _l("Graduates")), Column("engaged", _l("Still engaged")),
         Column("engaged_pct", _l("Share still engaged"), PERCENT)],
        note=_l("Volunteers whose first course completion was six months before a day in the"
                " period. Engaged: a placement running on that day, or hours logged in the 30"
                " days before it."),
    )  # fmt: skip
    row = table.row("all", str(_l("All graduates")))
    row.count("graduates", total)
    row.count("engaged", engaged)
    row.share("engaged_pct", "engaged", "graduates")


def collect(filters: Filters, carried_only: bool = False) -> Sheet:
    """Every figure of the volunteer pipeline and the relations between them.

    `carried_only`: only the tables whose start is carried from the period before.
    """
    sheet = Sheet("pipeline", _l("Volunteer pipeline"))
    _stages(sheet, filters)
    if not carried_only:
        _courses(sheet, filters)
    _placements(sheet, filters)
    if not carried_only:
        _hours(sheet, filters)
        _checks(sheet, filters)
        _graduates(sheet, filters)
    return sheet


def build(filters: Filters, suppress: bool) -> Report:
    """The volunteer pipeline for these filters, protected on its own (see linkage.build)."""
    return collect(filters).resolve(suppress)
