"""The JSON search API (GET only) and its OpenAPI description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for

from community_hub.meetings.listing import meeting_json, meeting_page_url, meeting_rows
from community_hub.meetings.openapi import openapi_document
from community_hub.meetings.params import COUNT_UP_TO, MAX_PAGE, parse_search
from community_hub.meetings.search import rank_meetings, shown_distance
from community_hub.web import public, reads_only

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/meetings")
@public
@reads_only
def meetings() -> Any:
    """Search meetings by place and words, nearest first, a page at a time; 400 names bad input."""
    parsed = parse_search(request.args, current_app.config["DEFAULT_TIMEZONE"])
    unknown = sorted(set(request.args) - ALLOWED_PARAMS)
    if unknown:
        parsed.errors[unknown[0]] = f"Unknown parameter {unknown[0][:40]!r}."
    if parsed.errors:
        name = next(iter(parsed.errors))
        return (
            jsonify(
                error="invalid_parameter",
                parameter=name,
                message=parsed.errors[name],
                errors=parsed.errors,
            ),
            400,
        )
    query = parsed.query
    query.count_up_to = COUNT_UP_TO
    ranking = rank_meetings(query)
    page = ranking.ranked[query.offset : query.offset + query.limit]
    rows = meeting_rows([meeting_id for _dist, _occurrence, meeting_id in page])
    page_url = meeting_page_url()
    found = [
        meeting_json(
            m,
            shown_distance(query, dist, m["latitude"], m["longitude"]),
            occurrence,
            occurrence.in_progress(query.now),
            page_url,
        )
        for dist, occurrence, meeting_id in page
        if (m := rows.get(meeting_id)) is not None
    ]
    total = ranking.total
    number = query.offset // query.limit + 1
    more = query.offset + query.limit < total and number < MAX_PAGE
    return jsonify(
        count=len(found),
        total=total,
        total_exact=ranking.exact,
        radius_km=ranking.radius_km,
        page=number,
        next=_page_url(number + 1) if more else None,
        meetings=found,
    )


def _page_url(number: int) -> str:
    """This search's page `number`, as an absolute URL."""
    values: dict[str, Any] = request.args.to_dict(flat=False)
    values["page"] = str(number)
    return url_for("api.meetings", _external=True, **values)


ALLOWED_PARAMS = {
    "lat", "lng", "radius_km", "limit", "day", "fellowship", "type", "mode",
    "time", "within", "sort", "tz", "search", "page",
}  # fmt: skip


@bp.route("/openapi.json")
@public
def openapi() -> Any:
    """The OpenAPI 3.1 document describing this API."""
    return jsonify(openapi_document(str(current_app.config["SITE_URL"]).rstrip("/")))
