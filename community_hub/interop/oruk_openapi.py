"""The OpenAPI 3.1 document of /api/oruk/: the UK profile's endpoints as we implement them.

Paths and parameters follow the profile's own document (reference/oruk/openapi.json); we add
/organizations (which HSDS 3 has and the profile leaves out), `postcode` and `proximity` on
/services (the profile has them on /service_at_locations only), `modified_after` and
`organization_id` (HSDS 3 parameters), and `taxonomy_id` on /taxonomy_terms. Each parameter
states the grammar the parser uses (oruk_params.PATTERNS). Response bodies are described by
the fields of the profile (oruk_profile.SHAPES), closed to any other field; the tests check
every response against the profile's own schemas too.
"""

from __future__ import annotations

from typing import Any

from community_hub.geo.spatial import MAX_RADIUS_KM
from community_hub.interop.hsds_query import DEFAULT_PER_PAGE, MAX_PER_PAGE
from community_hub.interop.oruk_params import MAX_AGE, MAX_POSTCODE, PATTERNS
from community_hub.interop.oruk_profile import SHAPES, Shape
from community_hub.interop.oruk_search import MAX_LENGTH

# Fields of the profile that hold lists (every other nested field holds one object).
LISTS = {
    "schedules", "service_areas", "service_at_locations", "languages", "funding",
    "cost_options", "contacts", "attributes", "addresses", "accessibility",
    "organization_identifiers", "taxonomy_terms", "services",
}  # fmt: skip
REQUIRED = {
    "service": ["id", "name", "status"],
    "service_list": ["id", "name", "status"],
    "service_at_location": ["id"],
    "service_at_location_list": ["id"],
    "organization": ["id", "name", "description"],
    "organization_list": ["id", "name", "description"],
    "taxonomy": ["id", "name", "description"],
    "taxonomy_term": ["id", "name", "description"],
}


def closed(shape: Shape) -> dict[str, Any]:
    """A JSON Schema allowing exactly the shape's fields, at every level."""
    properties: dict[str, Any] = {}
    for name, nested in shape.items():
        if nested is None:
            properties[name] = {}
        elif name in LISTS:
            properties[name] = {"type": "array", "items": closed(nested)}
        else:
            properties[name] = closed(nested)
    return {"type": "object", "properties": properties, "additionalProperties": False}


def _param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
        "allowEmptyValue": True,  # an empty value is the same as leaving it out
    }


def _text(pattern: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "pattern": PATTERNS[pattern], **more}


def _number(kind: str, low: float, high: float) -> dict[str, Any]:
    return {"type": kind, "minimum": low, "maximum": high}


PARAMETERS = {
    "page": _param("page", _number("integer", 1, 10**9 - 1), "Page number (default 1)."),
    "per_page": _param(
        "per_page",
        _number("integer", 1, MAX_PER_PAGE),
        f"Results per page (default {DEFAULT_PER_PAGE}).",
    ),
    "search": _param(
        "search",
        {"type": "string", "maxLength": MAX_LENGTH},
        "Words that must all appear (case-insensitively) in the name or description.",
    ),
    "taxonomy_term_id": _param(
        "taxonomy_term_id", _text("uuid"), "Only services with this term (see /taxonomy_terms)."
    ),
    "taxonomy_id": _param(
        "taxonomy_id", _text("uuid"), "Only services with any term of this taxonomy."
    ),
    "organization_id": _param(
        "organization_id", _text("uuid"), "Only services of this organization."
    ),
    "minimum_age": _param(
        "minimum_age",
        _number("number", 0, MAX_AGE),
        f"Services whose minimum age is at least this (0 to {MAX_AGE}); a service that "
        "states no minimum counts as 0.",
    ),
    "maximum_age": _param(
        "maximum_age",
        _number("number", 0, MAX_AGE),
        f"Services whose maximum age is at most this (0 to {MAX_AGE}); only services that "
        "state a maximum age match.",
    ),
    "day": _param(
        "day",
        _text("day"),
        "Services open (or meeting) on this day: MO, TU, WE, TH, FR, SA or SU, or the "
        "weekday's name; several separated by commas. Peers' services have no schedule.",
    ),
    "start_time": _param(
        "start_time",
        _text("time"),
        "Opening or meeting times starting at or after this local time (HH:MM).",
    ),
    "end_time": _param(
        "end_time",
        _text("time"),
        "Opening or meeting times ending at or before this local time (HH:MM).",
    ),
    "postcode": _param(
        "postcode",
        {"type": "string", "maxLength": MAX_POSTCODE},
        "A UK postcode or postcode district (a town's name works too). Results come "
        f"nearest first, within `proximity`, or {MAX_RADIUS_KM:g} km without it; services "
        "without a place (online only) are left out.",
    ),
    "proximity": _param(
        "proximity",
        _number("number", 1, MAX_RADIUS_KM * 1000),
        f"Metres from the postcode's centre, 1 to {MAX_RADIUS_KM * 1000:g}. Needs `postcode`.",
    ),
    "modified_after": _param(
        "modified_after",
        _text("moment"),
        "Only records changed on or after this moment (RFC 3339, e.g. 2026-03-01T09:00:00Z; "
        "a date alone is midnight UTC; a time without an offset is UTC). For incremental "
        "sync: records that stop being public are not listed, so sync in full now and then.",
    ),
}
ERROR = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "parameter": {"type": "string"},
        "message": {"type": "string"},
    },
}
PAGE_FIELDS = {
    "total_items": {"type": "integer"},
    "total_pages": {"type": "integer"},
    "page_number": {"type": "integer"},
    "size": {"type": "integer"},
    "first_page": {"type": "boolean"},
    "last_page": {"type": "boolean"},
    "empty": {"type": "boolean"},
}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _record(kind: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{kind}"}


def _list(summary: str, kind: str, parameters: list[str]) -> dict[str, Any]:
    page = {
        "type": "object",
        "required": [*PAGE_FIELDS, "contents"],
        "properties": {**PAGE_FIELDS, "contents": {"type": "array", "items": _record(kind)}},
    }
    return {
        "get": {
            "summary": summary,
            "parameters": [PARAMETERS[name] for name in parameters],
            "responses": {
                "200": _json("A page", page),
                "400": _json("A parameter was not valid", ERROR),
            },
        }
    }


def _one(summary: str, kind: str) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {
                "200": _json(summary, _record(kind)),
                "404": _json("No public record has this id", ERROR),
            },
        }
    }


FILTERS = [
    "search", "page", "per_page", "taxonomy_term_id", "taxonomy_id", "organization_id",
    "minimum_age", "maximum_age", "start_time", "end_time", "day", "postcode", "proximity",
    "modified_after",
]  # fmt: skip


def openapi_document(base_url: str) -> dict[str, Any]:
    info = {
        "type": "object",
        "required": ["version", "profile", "openapi_url"],
        "properties": {
            "version": {"type": "string"},
            "profile": {"type": "string", "format": "uri"},
            "openapi_url": {"type": "string", "format": "uri"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Community Hub: Open Referral UK",
            "version": "3.0",
            "description": "Mutual aid meetings, peer support and community resources for "
            "recovery from drugs and alcohol, in the Open Referral UK profile of HSDS 3. "
            "Open to all: no key; Access-Control-Allow-Origin: *; throttled per address.",
        },
        "servers": [{"url": base_url}],
        "paths": {
            "/": {"get": {"summary": "About this API", "responses": {"200": _json("", info)}}},
            "/services": _list("Services", "service_list", FILTERS),
            "/services/{id}": _one("A service, fully nested", "service"),
            "/service_at_locations": _list(
                "Services at their places", "service_at_location_list", FILTERS
            ),
            "/service_at_locations/{id}": _one(
                "A service at one place, fully nested", "service_at_location"
            ),
            "/organizations": _list(
                "Organizations with public listings", "organization_list", ["page", "per_page"]
            ),
            "/organizations/{id}": _one("An organization", "organization"),
            "/taxonomies": _list("Taxonomies", "taxonomy", ["page", "per_page"]),
            "/taxonomies/{id}": _one("A taxonomy and its terms", "taxonomy"),
            "/taxonomy_terms": {
                "get": _list("Taxonomy terms", "taxonomy_term", ["page", "per_page"])["get"]
                | {
                    "parameters": [
                        PARAMETERS["page"],
                        PARAMETERS["per_page"],
                        _param("taxonomy_id", _text("uuid"), "Only this taxonomy's terms."),
                    ]
                }
            },
            "/taxonomy_terms/{id}": _one("A taxonomy term", "taxonomy_term"),
        },
        "components": {
            "schemas": {
                kind: closed(shape) | {"required": REQUIRED[kind]} for kind, shape in SHAPES.items()
            }
        },
    }
