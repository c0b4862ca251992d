"""Outcome reports for staff and commissioners, and the public dashboard.

Views are thin: read the filters, call a report service, render a page or a CSV. Commissioners
and administrators see every organisation with small numbers suppressed, for a calendar quarter
that has ended (periods.py, publication.py); coordinators and workers see their own
organisation's figures in full (they already see its referrals), for any dates.
Nothing here lists a client or a referral, or compares individual workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from community_hub.auth.decorators import roles_required
from community_hub.auth.models import Organisation, Role
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship
from community_hub.reports import community, linkage, pipeline, publication, uptake
from community_hub.reports.charts import bar_chart
from community_hub.reports.export import table_csv
from community_hub.reports.filters import BadFilter, Filters, known_areas, parse_filters
from community_hub.reports.periods import Quarter, complete_quarters, parse_quarter
from community_hub.reports.public import public_period
from community_hub.reports.tables import Report
from community_hub.web import public

bp = Blueprint("reports", __name__, url_prefix="/reports")
VIEWERS = (Role.ADMIN.value, Role.COMMISSIONER.value, Role.COORDINATOR.value, Role.WORKER.value)
ACROSS_ORGANISATIONS = (Role.ADMIN.value, Role.COMMISSIONER.value)
REPORTS: dict[str, tuple[Any, Callable[[Filters, bool], Report]]] = {
    "linkage": (_l("Linkage outcomes"), linkage.build),
    "pipeline": (_l("Volunteer pipeline"), pipeline.build),
    "community": (_l("Community map over time"), community.build),
    "uptake": (_l("Uptake by postcode district"), uptake.build),
}
NAMES = "any(linkage, pipeline, community, uptake)"
FILTER_KEYS = ("from", "to", "organisation", "area", "fellowship")
PERIOD_KEYS = ("period",)


def today() -> date:
    """Today where the service runs."""
    return datetime.now(ZoneInfo(current_app.config.get("DEFAULT_TIMEZONE") or "UTC")).date()


def viewer() -> tuple[int | None, bool]:
    """The organisation this user is limited to (None: all), and whether to suppress."""
    if current_user.role in ACROSS_ORGANISATIONS:
        return None, True
    if current_user.organisation_id is None:
        abort(403)
    return int(current_user.organisation_id), False


def first_quarter() -> Quarter:
    """The first quarter published with suppression (REPORTS_FIRST_QUARTER; never moved)."""
    first = Quarter.parse(str(current_app.config["REPORTS_FIRST_QUARTER"]))
    assert first is not None, "REPORTS_FIRST_QUARTER is checked when the app starts"
    return first


def _periods() -> dict[str, Any]:
    """What the form offers a viewer of suppressed figures: quarters that have ended."""
    offered = complete_quarters(today(), first_quarter())
    return {"periods": [(q.key, q.label()) for q in offered]}


def _choices(own: int | None) -> dict[str, Any]:
    """What the filter form offers this user."""
    organisations = [] if own is not None else list(
        db.session.execute(select(Organisation.id, Organisation.name).order_by(Organisation.name))
    )  # fmt: skip
    fellowships = [
        (f.slug, f.shown_name)
        for f in db.session.scalars(select(Fellowship).order_by(Fellowship.name))
    ]
    areas = [] if own is not None else known_areas()
    return {"organisations": organisations, "areas": areas, "fellowships": fellowships}


def _read(own: int | None) -> Filters:
    try:
        return parse_filters(request.args, today(), own)
    except PermissionError:
        abort(403)


def _csv(report: Report, filename: str) -> Response:
    table = next((t for t in report.tables if t.key == request.args.get("table")), None)
    if table is None:
        abort(404)
    return Response(
        table_csv(table),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}-{table.key}.csv"'},
    )


@bp.route("/")
@roles_required(*VIEWERS)
def index() -> Any:
    """The reports this user can see."""
    return render_template("reports/index.html", reports=REPORTS)


@dataclass(frozen=True)
class _Choice:
    """What a viewer asked for: a quarter (viewers of suppressed figures), or any filters."""

    filters: Filters
    quarter: Quarter | None = None

    @property
    def span(self) -> str:
        """For file names."""
        if self.quarter is not None:
            return self.quarter.key
        return f"{self.filters.start.isoformat()}-to-{self.filters.end.isoformat()}"


def _choose(own: int | None, suppress: bool) -> _Choice:
    """Read the query string (BadFilter says what is wrong with it)."""
    if suppress:
        quarter = parse_quarter(request.args, today(), first_quarter())
        return _Choice(quarter.filters(), quarter)
    return _Choice(_read(own))


def _build(name: str, choice: _Choice) -> Report:
    """Suppressed figures come from their quarter's publication; full ones straight from the
    report."""
    if choice.quarter is not None:
        return publication.report(name, choice.quarter, first_quarter())
    return REPORTS[name][1](choice.filters, False)


@bp.route(f"/<{NAMES}:name>")
@roles_required(*VIEWERS)
def report(name: str) -> Any:
    """One report for the chosen period (a quarter, if suppressed), organisation, area and
    fellowship."""
    own, suppress = viewer()
    args = {k: request.args.get(k, "") for k in (PERIOD_KEYS if suppress else FILTER_KEYS)}
    choices = _periods() if suppress else _choices(own)
    page = {"name": name, "title": REPORTS[name][0], "args": args, **choices}
    try:
        choice = _choose(own, suppress)
    except BadFilter as bad:
        return render_template("reports/report.html", error=str(bad), **page), 400
    if choice.quarter is not None:
        args["period"] = choice.quarter.key
    query = {k: v for k, v in args.items() if v}
    return render_template(
        "reports/report.html", report=_build(name, choice), filters=choice.filters, query=query,
        chart=bar_chart, **page,
    )  # fmt: skip


@bp.route(f"/<{NAMES}:name>.csv")
@roles_required(*VIEWERS)
def report_csv(name: str) -> Any:
    """One table of a report as CSV (`?table=`), suppressed exactly as on the page."""
    own, suppress = viewer()
    try:
        choice = _choose(own, suppress)
    except BadFilter as bad:
        return Response(str(bad), status=400, mimetype="text/plain")
    return _csv(_build(name, choice), f"{name}-{choice.span}")


@bp.route("/public")
@public
def public_dashboard() -> Any:
    """Area figures for everyone, no sign-in: small numbers suppressed."""
    built = publication.dashboard(today())
    return render_template("reports/public.html", report=built, chart=bar_chart)


@bp.route("/public.csv")
@public
def public_csv() -> Any:
    """The public dashboard's table as CSV, suppressed as on the page."""
    built = publication.dashboard(today())
    period = public_period(today())
    return _csv(
        built, f"recovery-in-numbers-{period.start.isoformat()}-to-{period.end.isoformat()}"
    )
