"""Public pages for resources: find places that help near you, and one resource's details."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext as _

from community_hub.freshness import is_stale
from community_hub.fulltext import MAX_WORDS, words_of
from community_hub.geo.params import RADII, place_from_args, radius_from_args
from community_hub.meetings.params import MAX_SEARCH_CHARS, search_words
from community_hub.resources import services
from community_hub.resources.models import Schedule, Service
from community_hub.resources.opening import days_text, opening_lines
from community_hub.resources.validation import LANGUAGES, STATUSES
from community_hub.web import public

bp = Blueprint("resources", __name__)

DEFAULT_RADIUS = "10mi"
RESULTS_LIMIT = 50


def _days(schedule: Schedule) -> str:
    """'Monday, Wednesday' (or 'Every day') for a schedule's BYDAY codes."""
    return days_text(schedule.day_codes)


def _language(code: str) -> str:
    return str(LANGUAGES.get(code, code))


def _status(value: str) -> str:
    return str(STATUSES.get(value, value))


bp.add_app_template_global(_days, "resource_days")
bp.add_app_template_global(opening_lines, "resource_hours")
bp.add_app_template_global(_language, "resource_language")
bp.add_app_template_global(_status, "resource_status")


def _context() -> dict[str, Any]:
    return {
        "today": datetime.now(UTC).date(),
        "stale_after": current_app.config.get("STALE_AFTER_DAYS", services.STALE_AFTER_DAYS),
    }


@bp.route("/resources")
@public
def index() -> Any:
    """Recovery cafés, housing, courses and other places that help, near a place or by town."""
    errors: dict[str, str] = {}
    place = place_from_args(request.args, errors)
    words = search_words(request.args)
    not_a_place = ""
    if "q" in errors and words_of(request.args.get("q", "")):
        # Text that is not a place is searched for, as on the meeting finder; if nothing has
        # those words either, the place's message stands.
        not_a_place = errors.pop("q")
        words = (*words, *words_of(request.args.get("q", "")))[:MAX_WORDS]
    if len(request.args.get("search", "")) > MAX_SEARCH_CHARS:
        errors["search"] = _("Search words are at most %(num)d characters.", num=MAX_SEARCH_CHARS)
    radius_choice, radius_km = radius_from_args(request.args, errors, DEFAULT_RADIUS)
    terms = services.taxonomy_terms()
    categories = frozenset(request.args.getlist("category")) & {t.code for t in terms}
    results: list[tuple[float | None, Service, Any]] = []
    if place and not errors:
        results = list(
            services.search_resources(
                place[0], place[1], radius_km, categories, RESULTS_LIMIT, words=words
            )
        )
    elif not errors:
        found = services.public_resources(categories, words=words)
        results = [(None, s, s.location) for s in found]
        if not results and not_a_place:
            errors["q"] = not_a_place
    return render_template(
        "resources/index.html",
        args=request.args,
        errors=errors,
        results=results,
        place_label=place[2] if place else "",
        radius_choice=radius_choice,
        radius_choices=RADII,
        terms=terms,
        words=words,
        **_context(),
    ), (400 if errors else 200)


@bp.route("/resources/<service_id>")
@public
def resource(service_id: str) -> Any:
    """One resource: what it is, where, when it is open, who it is for, how to get in touch."""
    service = services.public_resource(service_id)
    if service is None:
        abort(404)
    context = _context()
    return render_template(
        "resources/resource.html",
        service=service,
        location=service.location,
        stale=is_stale(service, context["today"], context["stale_after"]),
        **context,
    )
