"""The community map over time: meetings, peers and champions per area, and staff at meetings.

"Listed" means listed at the end of the period (created by then, not archived by then); new and
closed count what was added or archived during it. Peers and champions count only people who
agreed to be listed. For every row, listed at the start + new = listed at the end + closed,
and that relation is declared so suppression also protects the unprinted start figure, which
is the figure listed at the end of the period before (declared with `carry`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, or_, select

from community_hub.auth.models import Organisation, Role, User
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.meetings.models import Meeting
from community_hub.people.models import ChampionLevel, PeerSupporter, RecoveryChampion
from community_hub.postgres import PLAN_EACH_TIME
from community_hub.referrals.models import StaffMeetingAttendance
from community_hub.reports.filters import Filters
from community_hub.reports.suppression import Ref
from community_hub.reports.tables import PERCENT, Chart, Column, Report, Sheet, TableSheet

LEVELS = (
    (ChampionLevel.STRATEGIC.value, _l("Strategic")),
    (ChampionLevel.THERAPEUTIC.value, _l("Therapeutic")),
    (ChampionLevel.COMMUNITY.value, _l("Community")),
)
TOTAL = "~total"


def _flag(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _stock(filters: Filters, model: Any, *where: Any, by: Any = None) -> list[Any]:
    """Per area (and `by`): listed at the start, listed at the end, new and closed."""
    created, archived = model.created_at, model.archived_at

    def listed(at: Any) -> Any:
        return and_(created < at, or_(archived.is_(None), archived >= at))

    extra = [by] if by is not None else []
    stmt = (
        select(
            Organisation.area,
            *extra,
            _flag(listed(filters.start_at)),
            _flag(listed(filters.end_before)),
            _flag(and_(created >= filters.start_at, created < filters.end_before)),
            _flag(and_(archived >= filters.start_at, archived < filters.end_before)),
        )
        .join(Organisation, Organisation.id == model.organisation_id)
        .where(filters.organisations(model.organisation_id), *where)
        .group_by(Organisation.area, *extra)
    )
    return list(db.session.execute(stmt, execution_options=PLAN_EACH_TIME))


def _area_label(area: str) -> str:
    return area or str(_l("Area not recorded"))


def _flow_table(sheet: Sheet, key: str, title: Any, rows: list[Any], chart: bool = True) -> None:
    columns = [Column("listed", _l("Listed at the end")), Column("new", _l("New in the period")),
               Column("closed", _l("Closed in the period"))]  # fmt: skip
    table = sheet.table(key, title, columns, chart=Chart(("listed",)) if chart else None)
    found = {str(area): (s, e, n, c) for area, s, e, n, c in rows}
    total = tuple(sum(v[i] for v in found.values()) for i in range(4))
    for area, (start, end, new, closed) in [*sorted(found.items()), (TOTAL, total)]:
        row = table.row(area, str(_l("All areas")) if area == TOTAL else _area_label(area))
        start_ref = _start(sheet, table, area, start)
        refs = [row.count(c, v) for c, v in (("listed", end), ("new", new), ("closed", closed))]
        sheet.balance((start_ref, refs[1]), (refs[0], refs[2]))
    _totals(sheet, table, list(found), ("start", "listed", "new", "closed"))


def _start(sheet: Sheet, table: TableSheet, area: str, value: int) -> Ref:
    """Listed at the start: never printed, but printed last period as listed at the end."""
    ref = table.ref(area, "start")
    sheet.values[ref] = value
    sheet.hidden.add(ref)
    sheet.carry(ref, table.ref(area, "listed"))
    return ref


def _totals(sheet: Sheet, table: TableSheet, areas: list[str], columns: tuple[str, ...]) -> None:
    for column in columns:
        sheet.total(table.ref(TOTAL, column), [table.ref(a, column) for a in areas])


def _champions(sheet: Sheet, filters: Filters) -> None:
    rows = _stock(filters, RecoveryChampion, RecoveryChampion.consent_at.is_not(None),
                  by=RecoveryChampion.level)  # fmt: skip
    columns = [Column(level, label) for level, label in LEVELS]
    columns += [Column("listed", _l("All listed at the end")), Column("new", _l("New")),
                Column("closed", _l("Closed"))]  # fmt: skip
    table = sheet.table(
        "champions", _l("Recovery champions by level"), columns,
        chart=Chart(tuple(level for level, _x in LEVELS)),
    )  # fmt: skip
    sums: dict[str, dict[str, int]] = {}
    for area, level, start, end, new, closed in rows:
        got = sums.setdefault(str(area), dict.fromkeys(["start", "new", "closed"], 0))
        got[level] = got.get(level, 0) + end
        for name, value in (("start", start), ("new", new), ("closed", closed)):
            got[name] += value
    names = ["start", "new", "closed", *(level for level, _x in LEVELS)]
    everyone = {name: sum(v.get(name, 0) for v in sums.values()) for name in names}
    for area, got in [*sorted(sums.items()), (TOTAL, everyone)]:
        row = table.row(area, str(_l("All areas")) if area == TOTAL else _area_label(area))
        levels = [row.count(level, got.get(level, 0)) for level, _x in LEVELS]
        listed = row.count("listed", sum(got.get(level, 0) for level, _x in LEVELS))
        sheet.total(listed, levels)
        start_ref = _start(sheet, table, area, got["start"])
        sheet.balance((start_ref, row.count("new", got["new"])),
                      (listed, row.count("closed", got["closed"])))  # fmt: skip
    _totals(sheet, table, list(sums), ("start", "listed", "new", "closed",
                                       *(level for level, _x in LEVELS)))  # fmt: skip


def _staff(sheet: Sheet, filters: Filters) -> None:
    """How many treatment staff went to at least one open meeting themselves (Bradford: 6 of 38)."""
    staff = (
        select(Organisation.area, func.count(User.id))
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == Role.WORKER.value, User.active.is_(True),
               User.created_at < filters.end_before, filters.organisations(User.organisation_id))
        .group_by(Organisation.area)
    )  # fmt: skip
    a = StaffMeetingAttendance
    went = (
        select(Organisation.area, func.count(func.distinct(a.user_id)), func.count(a.id))
        .join(User, User.id == a.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.role == Role.WORKER.value, User.active.is_(True),
               a.attended_on.between(filters.start, filters.end),
               filters.organisations(User.organisation_id))
        .group_by(Organisation.area)
    )  # fmt: skip
    if filters.fellowship_id is not None:
        went = went.where(a.fellowship_id == filters.fellowship_id)
    counts = {
        str(area): [int(n), 0, 0]
        for area, n in db.session.execute(staff, execution_options=PLAN_EACH_TIME)
    }
    for area, people, visits in db.session.execute(went, execution_options=PLAN_EACH_TIME):
        counts.setdefault(str(area), [0, 0, 0])[1:] = [int(people), int(visits)]
    columns = [Column("staff", _l("Treatment staff")),
               Column("attended", _l("Went to at least one open meeting")),
               Column("attended_pct", _l("Share of staff"), PERCENT),
               Column("visits", _l("Meetings attended"))]  # fmt: skip
    table = sheet.table("staff", _l("Staff attendance at open meetings"), columns,
                        chart=Chart(("attended_pct",), percent=True))  # fmt: skip
    everyone = [sum(v[i] for v in counts.values()) for i in range(3)]
    for area, (n, people, visits) in [*sorted(counts.items()), (TOTAL, everyone)]:
        row = table.row(area, str(_l("All areas")) if area == TOTAL else _area_label(area))
        row.count("staff", n)
        row.count("attended", people)
        row.share("attended_pct", "attended", "staff")
        row.count("visits", visits)
    _totals(sheet, table, list(counts), ("staff", "attended", "visits"))


NOTES = (
    _l("An area is the area of the organisation that keeps the listing."),
    _l("Peers and champions are counted only if they agreed to be listed."),
)


def collect(filters: Filters, carried_only: bool = False) -> Sheet:
    """Every figure of the community map and the relations between them.

    `carried_only`: only the tables whose start is carried from the period before.
    """
    sheet = Sheet("community", _l("Community map over time"), NOTES)
    meeting_filter = [] if filters.fellowship_id is None else [
        Meeting.fellowship_id == filters.fellowship_id
    ]  # fmt: skip
    _flow_table(sheet, "meetings", _l("Meetings"), _stock(filters, Meeting, *meeting_filter))
    peers = _stock(filters, PeerSupporter, PeerSupporter.consent_at.is_not(None))
    _flow_table(sheet, "peers", _l("Peer supporters"), peers)
    _champions(sheet, filters)
    if not carried_only:
        _staff(sheet, filters)
    return sheet


def build(filters: Filters, suppress: bool) -> Report:
    """The community map for these filters, protected on its own (see linkage.build)."""
    return collect(filters).resolve(suppress)
