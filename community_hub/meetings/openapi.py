"""OpenAPI 3.1 description of the public search API."""

from __future__ import annotations

from typing import Any

from community_hub.geo.spatial import MAX_RADIUS_KM
from community_hub.meetings.params import COUNT_UP_TO, DAY_WORDS, MAX_PAGE, MAX_SEARCH_CHARS
from community_hub.meetings.search import MAX_LIMIT
from community_hub.meetings.types import vocabulary


def _param(
    name: str, schema: dict[str, Any], description: str, many: bool = False
) -> dict[str, Any]:
    if many:
        schema = {"type": "array", "items": schema}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
        # The finder's forms send empty fields: an empty value is the same as leaving it out.
        "allowEmptyValue": True,
        **({"style": "form", "explode": True} if many else {}),
    }


def openapi_document(server: str) -> dict[str, Any]:
    meeting = {
        "type": "object",
        "required": ["slug", "name", "day", "time", "timezone", "types", "attendance", "url"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "fellowship": {"type": "string"},
            "day": {"type": "integer", "minimum": 0, "maximum": 6, "description": "0 is Sunday"},
            "time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
            "end_time": {"type": ["string", "null"]},
            "timezone": {"type": "string", "description": "IANA time zone name"},
            "types": {"type": "array", "items": {"type": "string"}},
            "attendance": {"type": "string", "enum": ["in_person", "hybrid", "online", "inactive"]},
            "distance_km": {"type": ["number", "null"]},
            "latitude": {"type": ["number", "null"]},
            "longitude": {"type": ["number", "null"]},
            "approximate": {"type": "boolean"},
            "location": {"type": ["string", "null"]},
            "formatted_address": {"type": ["string", "null"]},
            "region": {"type": "string"},
            "conference_url": {"type": ["string", "null"]},
            "conference_phone": {"type": ["string", "null"]},
            "next_start": {"type": "string", "format": "date-time"},
            "in_progress": {"type": "boolean"},
            "last_confirmed": {"type": ["string", "null"], "format": "date"},
            "updated": {"type": "string", "format": "date-time"},
            "url": {"type": "string", "format": "uri"},
        },
    }
    error = {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string"},
            "parameter": {"type": "string"},
            "message": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    days = ["today", "tomorrow", *DAY_WORDS, *(str(n) for n in range(7)), "any"]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Community Hub meeting search",
            "version": "1.0.0",
            "description": "Find mutual aid meetings near a point. No account or key needed.",
        },
        "servers": [{"url": server}],
        "paths": {
            "/api/v1/meetings": {
                "get": {
                    "operationId": "searchMeetings",
                    "summary": "Meetings near a point, nearest first",
                    "parameters": [
                        _param(
                            "lat",
                            {"type": "number", "minimum": -90, "maximum": 90},
                            "Latitude; give both lat and lng, or neither",
                        ),
                        _param(
                            "lng",
                            {"type": "number", "minimum": -180, "maximum": 180},
                            "Longitude; give both lat and lng, or neither",
                        ),
                        _param(
                            "radius_km",
                            {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_RADIUS_KM},
                            "Search radius; omit for the `limit` nearest",
                        ),
                        _param(
                            "limit",
                            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
                            "How many meetings to return",
                        ),
                        _param(
                            "day",
                            {"type": "string", "enum": days},
                            "today, tomorrow, a weekday name or 0-6 (0 is Sunday)",
                            many=True,
                        ),
                        _param(
                            "fellowship",
                            {"type": "string", "maxLength": 40},
                            "Fellowship code, e.g. aa",
                            many=True,
                        ),
                        _param(
                            "type",
                            {"type": "string", "enum": sorted(vocabulary())},
                            "Meeting type code, e.g. W",
                            many=True,
                        ),
                        _param(
                            "mode",
                            {
                                "type": "string",
                                "enum": ["in_person", "hybrid", "online", "inactive", "any"],
                            },
                            "Attendance option",
                            many=True,
                        ),
                        _param(
                            "time",
                            {
                                "type": "string",
                                "enum": ["morning", "afternoon", "evening", "night", "any"],
                            },
                            "Time of day the meeting starts",
                        ),
                        _param(
                            "within",
                            {"type": "number", "exclusiveMinimum": 0, "maximum": 168},
                            "Starting within this many hours",
                        ),
                        _param(
                            "search",
                            {"type": "string", "maxLength": MAX_SEARCH_CHARS},
                            "Words to find in a meeting's name, group, venue name or notes; "
                            "every word must match, the last may be the start of a word",
                        ),
                        _param(
                            "page",
                            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                            "Which page of `limit` meetings; follow `next` for the one after",
                        ),
                        _param("sort", {"type": "string", "enum": ["distance", "time"]}, "Order"),
                        _param(
                            "tz", {"type": "string"}, "Viewer's IANA time zone for today/tomorrow"
                        ),
                    ],
                    "responses": {
                        "200": {
                            "description": "Matching meetings",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["count", "meetings"],
                                        "properties": {
                                            "count": {"type": "integer"},
                                            "total": {
                                                "type": "integer",
                                                "description": "How many match; with "
                                                "total_exact false, more than this many",
                                            },
                                            "total_exact": {
                                                "type": "boolean",
                                                "description": f"False where more than "
                                                f"{COUNT_UP_TO} match within the radius: "
                                                "they are not counted further",
                                            },
                                            "radius_km": {"type": ["number", "null"]},
                                            "page": {"type": "integer", "minimum": 1},
                                            "next": {
                                                "type": ["string", "null"],
                                                "format": "uri",
                                                "description": "The next page; null on the last",
                                            },
                                            "meetings": {"type": "array", "items": meeting},
                                        },
                                    }
                                }
                            },
                        },
                        "400": {
                            "description": "A parameter was not valid",
                            "content": {"application/json": {"schema": error}},
                        },
                    },
                }
            },
            "/api/v1/nearby": _nearby(meeting, error),
        },
    }


def _listing(*required: str, **extra: Any) -> dict[str, Any]:
    properties = {name: {"type": "string"} for name in required} | extra
    properties["distance_km"] = {"type": "number"}
    properties["url"] = {"type": "string", "format": "uri"}
    return {
        "type": "object",
        "required": [*required, "distance_km", "url"],
        "properties": properties,
    }


def _nearby(meeting: dict[str, Any], error: dict[str, Any]) -> dict[str, Any]:
    """Everything public near a point: meetings, peers, champions and resources."""
    words = {"type": "array", "items": {"type": "string"}}
    return {
        "get": {
            "operationId": "nearby",
            "summary": "Public listings of every kind near a point, nearest first",
            "description": "Only what the public pages show: peers by first name and area, "
            "never a contact detail or a position finer than about 1 km.",
            "parameters": [
                {**_param("lat", {"type": "number", "minimum": -90, "maximum": 90}, "Latitude"),
                 "required": True, "allowEmptyValue": False},
                {**_param("lng", {"type": "number", "minimum": -180, "maximum": 180},
                          "Longitude"), "required": True, "allowEmptyValue": False},
                _param("radius_km", {"type": "number", "exclusiveMinimum": 0, "maximum": 200},
                       "Search radius (default 16)"),
                _param("kind", {"type": "string",
                                "enum": ["meetings", "peers", "champions", "resources"]},
                       "Which kinds to include (default: all)", many=True),
            ],
            "responses": {
                "200": {
                    "description": "Listings near the point",
                    "content": {"application/json": {"schema": {
                        "type": "object",
                        "required": ["meetings", "peers", "champions", "resources"],
                        "properties": {
                            "meetings": {"type": "array", "items": meeting},
                            "peers": {"type": "array", "items": _listing(
                                "name", "area", "organisation", languages=words,
                                offers=words, pathways=words)},
                            "champions": {"type": "array", "items": _listing(
                                "name", "level", "area")},
                            "resources": {"type": "array", "items": _listing(
                                "id", "name", "address",
                                category={"type": ["string", "null"]})},
                        },
                    }}},
                },
                "400": {
                    "description": "A parameter was not valid",
                    "content": {"application/json": {"schema": error}},
                },
            },
        }
    }  # fmt: skip
