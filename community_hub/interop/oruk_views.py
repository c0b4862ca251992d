"""The Open Referral UK API at /api/oruk/: what councils' service finders read.

Every endpoint of the UK profile's OpenAPI document (and /organizations, which HSDS 3 has),
open to all: no key, `Access-Control-Allow-Origin: *` on every answer (errors and preflights
too), throttled per address by the app's limiter (ORUK_RATE_LIMIT). Public listings only,
with the privacy rules of every other export (hsds.py). Records are English whatever the
caller's language, so a record is the same for every consumer (modified_after relies on it).
Described at /api/oruk/openapi.json (oruk_openapi.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import force_locale
from sqlalchemy import func, select

from community_hub.auth.models import Organisation
from community_hub.extensions import db, limiter
from community_hub.interop import hsds, oruk_records
from community_hub.interop.hsds_ids import (
    find_organisation,
    find_place,
    find_service,
    publishing_organisations,
)
from community_hub.interop.hsds_kinds import PLACES, SERVICES
from community_hub.interop.hsds_query import page_of, page_shape
from community_hub.interop.oruk_openapi import openapi_document
from community_hub.interop.oruk_params import PAGING, Args, BadParameter, list_query, paging
from community_hub.interop.oruk_profile import to_profile
from community_hub.interop.oruk_taxonomies import (
    BY_KEY,
    TAXONOMIES,
    all_terms,
    taxonomy_by_id,
    taxonomy_record,
    term_by_id,
    term_record,
)
from community_hub.web import public, reads_only

bp = Blueprint("oruk", __name__, url_prefix="/api/oruk")
PREFIX = "/api/oruk"
VERSION = "HSDS-UK-3.0"
PROFILE_URL = "https://github.com/openreferral/uk-profile"
limiter.limit(lambda: current_app.config["ORUK_RATE_LIMIT"])(bp)


@bp.after_app_request
def _open_to_all(response: Response) -> Response:
    """CORS for every answer under the API's base, including errors and preflights."""
    if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
            response.headers["Access-Control-Max-Age"] = "86400"
    return response


def _error(status: int, error: str, message: str, **extra: str) -> Any:
    return jsonify(error=error, message=message, **extra), status


def api(view: Callable[..., Any]) -> Callable[..., Any]:
    """A public, read-only JSON view: English records; a bad parameter is a 400 naming it."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with force_locale("en"):
                return view(*args, **kwargs)
        except BadParameter as bad:
            return _error(400, "invalid_parameter", str(bad), parameter=bad.parameter)

    return public(reads_only(wrapper))


def _not_found(what: str) -> Any:
    return _error(404, "not_found", f"No public {what} has this id.")


@bp.route("/")
@api
def api_info() -> Any:
    """What this API is: the HSDS UK profile version, the profile and our OpenAPI document."""
    Args(request.args, ())
    return jsonify(
        version=VERSION,
        profile=PROFILE_URL,
        openapi_url=url_for("oruk.openapi", _external=True),
    )


@bp.route("/openapi.json")
@api
def openapi() -> Any:
    """The OpenAPI 3.1 document describing this API as we implement it."""
    Args(request.args, ())
    return jsonify(openapi_document(url_for("oruk.api_info", _external=True).rstrip("/")))


@bp.route("/services")
@api
def services() -> Any:
    """Public services, paged; filtered and, given a postcode, nearest first."""
    query = list_query(request.args)
    return jsonify(page_of(SERVICES, query, lambda k, row: oruk_records.service(k, row, False)))


@bp.route("/services/<service_id>")
@api
def service(service_id: str) -> Any:
    """One public service, fully nested, with its taxonomy terms."""
    Args(request.args, ())
    found = find_service(service_id)
    if found is None:
        return _not_found("service")
    return jsonify(oruk_records.service(*found, True, oruk_records.terms_by_id()))


@bp.route("/service_at_locations")
@api
def places() -> Any:
    """Public services at their places, paged; filtered and, given a postcode, nearest first."""
    query = list_query(request.args)
    return jsonify(page_of(PLACES, query, lambda k, row: oruk_records.place(k, row, False)))


@bp.route("/service_at_locations/<service_at_location_id>")
@api
def place(service_at_location_id: str) -> Any:
    """One service at one place, with the place and the service fully nested."""
    Args(request.args, ())
    found = find_place(service_at_location_id)
    if found is None:
        return _not_found("service_at_location")
    return jsonify(oruk_records.place(*found, True, oruk_records.terms_by_id()))


@bp.route("/organizations")
@api
def organizations() -> Any:
    """The organisations that publish at least one public listing, paged."""
    page, per_page = paging(Args(request.args, PAGING))
    publishing = select(Organisation).where(publishing_organisations())
    total = db.session.scalar(select(func.count()).select_from(publishing.subquery())) or 0
    rows = db.session.scalars(
        publishing.order_by(Organisation.id).offset((page - 1) * per_page).limit(per_page)
    )
    contents = [to_profile(hsds.organization(o), "organization_list") for o in rows]
    return jsonify(page_shape(page, per_page, total, contents))


@bp.route("/organizations/<organization_id>")
@api
def organization(organization_id: str) -> Any:
    """One publishing organisation (its services: /services?organization_id=<id>)."""
    Args(request.args, ())
    found = find_organisation(organization_id)
    if found is None:
        return _not_found("organization")
    return jsonify(to_profile(hsds.organization(found), "organization"))


def _paged(records: list[dict[str, Any]], args: Args) -> Any:
    page, per_page = paging(args)
    start = (page - 1) * per_page
    return jsonify(page_shape(page, per_page, len(records), records[start : start + per_page]))


@bp.route("/taxonomies")
@api
def taxonomies() -> Any:
    """Our vocabularies as taxonomies (their terms: /taxonomy_terms?taxonomy_id=<id>)."""
    return _paged([taxonomy_record(t) for t in TAXONOMIES], Args(request.args, PAGING))


@bp.route("/taxonomies/<taxonomy_id>")
@api
def taxonomy(taxonomy_id: str) -> Any:
    """One taxonomy with all its terms."""
    Args(request.args, ())
    found = taxonomy_by_id(taxonomy_id)
    if found is None:
        return _not_found("taxonomy")
    return jsonify(taxonomy_record(found, with_terms=True))


@bp.route("/taxonomy_terms")
@api
def taxonomy_terms() -> Any:
    """Every term of every taxonomy, or of one (taxonomy_id), paged."""
    args = Args(request.args, (*PAGING, "taxonomy_id"))
    wanted = args.uuid("taxonomy_id")
    terms = [t for t in all_terms() if wanted is None or BY_KEY[t.taxonomy].id == wanted]
    return _paged([term_record(t) for t in terms], args)


@bp.route("/taxonomy_terms/<taxonomy_term_id>")
@api
def taxonomy_term(taxonomy_term_id: str) -> Any:
    """One taxonomy term."""
    Args(request.args, ())
    found = term_by_id(taxonomy_term_id)
    if found is None:
        return _not_found("taxonomy_term")
    return jsonify(term_record(found))
