"""The JSON search API (GET only) and its OpenAPI description."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request, url_for

from community_hub.meetings.openapi import openapi_document
from community_hub.meetings.params import parse_search
from community_hub.meetings.search import MeetingResult, search_meetings
from community_hub.web import public

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def meeting_json(result: MeetingResult) -> dict[str, Any]:
    m = result.meeting
    venue = m.venue if m.venue is not None and not m.venue.approximate else None
    physical = venue is not None
    return {
        "slug": m.slug,
        "name": m.name,
        "fellowship": m.fellowship.slug,
        "day": m.day,
        "time": m.start_time.strftime("%H:%M"),
        "end_time": m.end_time.strftime("%H:%M") if m.end_time else None,
        "timezone": m.timezone,
        "types": m.type_list,
        "attendance": m.attendance,
        "distance_km": round(result.distance_km, 3) if result.distance_km is not None else None,
        "latitude": m.latitude,
        "longitude": m.longitude,
        "approximate": not physical,
        "location": venue.name if venue else None,
        "formatted_address": venue.formatted_address if venue else None,
        "region": m.region,
        "conference_url": m.conference_url or None,
        "conference_phone": m.conference_phone or None,
        "next_start": result.occurrence.start.isoformat().replace("+00:00", "Z"),
        "in_progress": result.in_progress,
        "last_confirmed": m.last_confirmed.isoformat() if m.last_confirmed else None,
        "updated": m.updated_at.isoformat() + "Z",
        "url": url_for("meetings.meeting", slug=m.slug, _external=True),
    }


@bp.route("/meetings")
@public
def meetings() -> Any:
    """Search meetings; nearest first. Bad parameters get 400 naming the parameter."""
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
    outcome = search_meetings(parsed.query)
    return jsonify(
        count=len(outcome.results),
        total=outcome.total_within,
        radius_km=outcome.radius_km,
        meetings=[meeting_json(r) for r in outcome.results],
    )


ALLOWED_PARAMS = {
    "lat", "lng", "radius_km", "limit", "day", "fellowship", "type", "mode",
    "time", "within", "sort", "tz",
}  # fmt: skip


@bp.route("/openapi.json")
@public
def openapi() -> Any:
    """The OpenAPI 3.1 document describing this API."""
    return jsonify(openapi_document(request.host_url.rstrip("/")))
