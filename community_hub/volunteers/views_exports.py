"""CSV downloads of the coordinator's own programme (never emergency contacts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Response, abort

from community_hub.auth.decorators import roles_required
from community_hub.volunteers import exports
from community_hub.volunteers.views import MANAGERS, bp, scope, today

EXPORTS: dict[str, Callable[[int | None, date], str]] = {
    "volunteers": lambda organisation_id, _day: exports.volunteers_csv(organisation_id),
    "checks": exports.checks_csv,
    "placements": lambda organisation_id, _day: exports.placements_csv(organisation_id),
    "hours": lambda organisation_id, _day: exports.hours_csv(organisation_id),
}


@bp.route("/export/<name>.csv")
@roles_required(*MANAGERS)
def export(name: str) -> Any:
    """Download volunteers, checks, placements or hours as CSV for a spreadsheet."""
    build = EXPORTS.get(name)
    if build is None:
        abort(404)
    filename = f"{name}-{today().isoformat()}.csv"
    return Response(
        build(scope(), today()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
