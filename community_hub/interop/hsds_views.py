"""The Open Referral HSDS 3 read API: GET /api/hsds/services (paged) and /services/{id}.

Resources, peers' services and meetings, public listings only: the same rows and ids as the
Open Referral UK API (/api/oruk/, oruk_views.py), as full HSDS 3 records with phones and
online links, which the UK profile has no fields for. Bad `page` or `per_page` get a 400
naming the parameter; an unknown or private id gets a 404. Other HSDS query parameters
(search, taxonomy_term_id, ...) are served by /api/oruk/services and get a 400 here rather
than being ignored.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from community_hub.interop.hsds_ids import find_service
from community_hub.interop.hsds_kinds import hsds_record
from community_hub.interop.hsds_query import DEFAULT_PER_PAGE, MAX_PER_PAGE, services_page
from community_hub.web import public

bp = Blueprint("hsds", __name__, url_prefix="/api/hsds")
ALLOWED_PARAMS = {"page", "per_page"}
OPEN = {"Access-Control-Allow-Origin": "*"}


class BadParameter(ValueError):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


def _bad(parameter: str, message: str) -> Any:
    body = jsonify(error="invalid_parameter", parameter=parameter, message=message)
    return body, 400, OPEN


def _whole(name: str, default: int, maximum: int | None = None) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or int(raw) < 1:
        raise BadParameter(name, f"{name} must be a whole number from 1.")
    if maximum is not None and int(raw) > maximum:
        raise BadParameter(name, f"{name} must be at most {maximum}.")
    return int(raw)


@bp.route("/services")
@public
def services() -> Any:
    """A page of public services in the HSDS `Page` shape."""
    unknown = sorted(set(request.args) - ALLOWED_PARAMS)
    if unknown:
        return _bad(unknown[0], f"Unsupported parameter {unknown[0][:40]!r}.")
    try:
        page = _whole("page", 1)
        per_page = _whole("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    except BadParameter as error:
        return _bad(error.parameter, str(error))
    return jsonify(services_page(page, per_page)), 200, OPEN


@bp.route("/services/<service_id>")
@public
def service(service_id: str) -> Any:
    """One public service as a full, nested HSDS record."""
    found = find_service(service_id)
    if found is None:
        body = jsonify(error="not_found", message="No public service has this id.")
        return body, 404, OPEN
    return jsonify(hsds_record(*found, True)), 200, OPEN
