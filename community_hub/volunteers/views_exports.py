"""CSV downloads of the coordinator's own programme (never emergency contacts)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort

from community_hub.auth.decorators import roles_required
from community_hub.volunteers import exports
from community_hub.volunteers.views import MANAGERS, bp, scope, today

EXPORTS: dict[str, Callable[[int | None], str]] = {
    "volunteers": exports.volunteers_csv,
    "placements": exports.placements_csv,
    "hours": exports.hours_csv,
}


@bp.route("/export/<name>.csv")
@roles_required(*MANAGERS)
def export(name: str) -> Any:
    """Download volunteers, placements or hours as CSV for a spreadsheet."""
    build = EXPORTS.get(name)
    if build is None:
        abort(404)
    filename = f"{name}-{today().isoformat()}.csv"
    return Response(
        build(scope()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
