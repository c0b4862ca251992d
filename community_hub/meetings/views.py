"""The public meeting finder: search, meeting pages, calendar files, suggest a change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from community_hub.core.crisis import crisis_lines
from community_hub.extensions import limiter
from community_hub.freshness import is_stale
from community_hub.fulltext import MAX_WORDS
from community_hub.geo import web as geo_web
from community_hub.geo.geocode import resolve
from community_hub.meetings import present
from community_hub.meetings.cards import CardMaker
from community_hub.meetings.filters import fellowship_choices, panel
from community_hub.meetings.finder_results import (
    FINDER_MAX_LIMIT,
    LIST_MAX_LIMIT,
    finder_paging,
    next_to_start,
    radius_words,
)
from community_hub.meetings.ics import calendar_for
from community_hub.meetings.models import Meeting
from community_hub.meetings.occurrences import next_held, rule_of
from community_hub.meetings.one_offs import upcoming_changes
from community_hub.meetings.params import parse_search
from community_hub.meetings.place_words import understand
from community_hub.meetings.search import MeetingQuery, search_listed, search_meetings
from community_hub.meetings.services import get_by_slug
from community_hub.meetings.types import type_name
from community_hub.publicforms import public_form
from community_hub.urls import site_url
from community_hub.web import public, reads_only

bp = Blueprint("meetings", __name__)


bp.add_app_template_global(present, "present")  # type: ignore[arg-type]  # a module of helpers
bp.add_app_template_global(type_name, "type_name")


def _public_meeting(slug: str) -> Meeting:
    meeting = get_by_slug(slug)
    if meeting is None or meeting.archived_at is not None:
        abort(404)
    return meeting


def _centre_on_place(query: MeetingQuery, place_text: str, words: bool = False) -> tuple[str, str]:
    """Centre a search on the place typed in `q`, unless it came with coordinates.

    Returns the place's label for the page ("your location" for coordinates, "" for neither)
    and, for a place the gazetteer does not know, what to tell the visitor ("" otherwise).
    With `words`, text that is not a place (or not only one) is searched for instead.
    """
    if query.located:
        if words and place_text:
            # The coordinates are the place; any words with it are still searched for.
            query.words = (*query.words, *understand(place_text).words)[:MAX_WORDS]
        return _("your location"), ""
    if not place_text:
        return "", ""
    resolution = resolve(place_text)
    geo_web.remember(resolution)  # the page lists its choices or suggestions
    if resolution.located is None and resolution.choices:
        return "", _("There is more than one “%(place)s”. Choose one below.", place=place_text)
    found = resolution.located
    if words:
        understood = understand(place_text, resolution)
        query.words = (*query.words, *understood.words)[:MAX_WORDS]
        found = understood.place
        if found is None and query.words:
            return "", ""  # searched for as words; an empty page still offers similar places
    if found is None:
        return "", _not_found(place_text)
    query.lat, query.lng = found.latitude, found.longitude
    geo_web.remember_place(place_text, found.latitude, found.longitude)
    return found.label, ""


def _not_found(place_text: str) -> str:
    return _(
        "We could not find “%(place)s”. Try a town name or a postcode, like Doncaster or DN1.",
        place=place_text,
    )


@bp.route("/")
@public
@reads_only
def finder() -> Any:
    """Find meetings near a place or the visitor's location, or by words, with filters."""
    now = datetime.now(UTC)
    parsed = parse_search(
        request.args, current_app.config["DEFAULT_TIMEZONE"], now, max_limit=FINDER_MAX_LIMIT
    )
    place_text = request.args.get("q", "").strip()[:120]
    searched = bool(
        place_text or parsed.query.located or parsed.query.words or request.args.getlist("mode")
    )
    errors = dict(parsed.errors)
    place_label, unknown = _centre_on_place(parsed.query, place_text, words=True)
    if unknown:
        errors["q"] = unknown
    outcome = None
    nothing_soon: list[Any] = []
    if searched and not errors:
        parsed.query.banners = True  # the page leads with what is on now and next
        if request.args.get("further") != "1":
            parsed.query.max_travel_km = float(current_app.config["FINDER_MAX_TRAVEL_KM"])
        outcome = search_listed(parsed.query)  # plain rows: the page shows only cards
        if not outcome.results and parsed.query.within_hours:
            nothing_soon = next_to_start(parsed.query)
    fellowships = fellowship_choices()
    status = 400 if errors else 200
    maker = CardMaker(
        viewer_tz=parsed.viewer_tz,
        now=now,
        today=now.date(),
        stale_after=current_app.config["STALE_AFTER_DAYS"],
        back=request.query_string.decode(),
    )
    cards = {
        "results": maker.cards(outcome.results) if outcome else [],
        "running": maker.cards(outcome.now_running) if outcome else [],
        "upcoming": maker.cards(outcome.starting_next) if outcome else [],
        "nothing_soon": maker.cards(nothing_soon),
    }
    markers = (
        [  # only where the site has a map
            {
                "name": card.name,
                "lat": r.meeting.latitude,
                "lng": r.meeting.longitude,
                "url": card.url,
            }
            for r, card in zip(outcome.results if outcome else [], cards["results"], strict=True)
            if r.meeting.latitude is not None and r.meeting.attendance != "online"
        ]
        if current_app.config.get("MAP_TILE_URL")
        else []
    )
    return (
        render_template(
            "meetings/finder.html",
            cards=cards,
            args=request.args,
            errors=errors,
            outcome=outcome,
            query=parsed.query,
            place_label=place_label,
            filters=panel(request.args, fellowships, searched=outcome is not None),
            markers=markers,
            paging=finder_paging(request.args, parsed.query, outcome, place_label),
            nothing_soon=nothing_soon,
        ),
        status,
    )


# Monday first: how a week is printed for people in the UK.
WEEK_FROM_MONDAY = (1, 2, 3, 4, 5, 6, 0)


@bp.route("/meetings/print")
@public
@reads_only
def print_list() -> Any:
    """A compact, printable list of the meetings for an area (and days), for people without phones.

    Takes the finder's parameters, so "Print this list" prints what the finder showed, grouped
    by day and in time order instead of by distance.
    """
    now = datetime.now(UTC)
    parsed = parse_search(
        request.args, current_app.config["DEFAULT_TIMEZONE"], now, max_limit=LIST_MAX_LIMIT
    )
    place_text = request.args.get("q", "").strip()[:120]
    place_label, unknown = _centre_on_place(parsed.query, place_text, words=True)
    if place_text and not place_label:
        unknown = unknown or _not_found(place_text)  # words alone are not an area to print
    if unknown:
        parsed.errors["q"] = unknown
    if not place_label and "q" not in parsed.errors:
        parsed.errors["q"] = _("Enter a town or postcode to print the meetings near it.")
    query = parsed.query
    # The area searched, not the N nearest wherever they are: the finder's radius, or how far
    # people travel to a meeting.
    if query.radius_km is None:
        query.radius_km = float(current_app.config["FINDER_MAX_TRAVEL_KM"])
    if "limit" not in request.args:
        query.limit = LIST_MAX_LIMIT
    days: dict[int, list[Any]] = {}
    outcome = None
    if not parsed.errors:
        outcome = search_meetings(query)
        for result in outcome.results:
            days.setdefault(result.meeting.day, []).append(result)
    by_day = [
        (day, sorted(days[day], key=lambda r: (r.meeting.start_time, r.meeting.name)))
        for day in WEEK_FROM_MONDAY
        if day in days
    ]
    codes = sorted({code for _day, rs in by_day for r in rs for code in r.meeting.type_list})
    return render_template(
        "meetings/print.html",
        crisis_lines=crisis_lines(),
        args=request.args,
        errors=parsed.errors,
        place_label=place_label,
        by_day=by_day,
        codes=[code for code in codes if code != "TC"],
        today=now.date(),
        stale_after=current_app.config["STALE_AFTER_DAYS"],
        radius_words=radius_words(query.radius_km),
        total=outcome.total_within if outcome else 0,
        shown=len(outcome.results) if outcome else 0,
    ), (400 if parsed.errors else 200)


@bp.route("/meetings/<slug>")
@public
def meeting(slug: str) -> Any:
    """One meeting: where, when, how to join, accessibility, add to calendar."""
    item = _public_meeting(slug)
    now = datetime.now(UTC)
    viewer_tz = current_app.config["DEFAULT_TIMEZONE"]
    occurrence = next_held(rule_of(item), item.one_offs, now)
    return render_template(
        "meetings/meeting.html",
        meeting=item,
        occurrence=occurrence,
        changes=upcoming_changes(item, now.date()),
        now=now,
        viewer_tz=viewer_tz,
        today=now.date(),
        stale=is_stale(item, now.date(), current_app.config["STALE_AFTER_DAYS"]),
    )


@bp.route("/meetings/<slug>.ics")
@public
def meeting_ics(slug: str) -> Response:
    """The meeting as a weekly calendar event."""
    item = _public_meeting(slug)
    url = site_url("meetings.meeting", slug=item.slug)
    body = calendar_for([(item, url)], request.host, datetime.now(UTC).date(), item.name)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{item.slug}.ics"'},
    )


@bp.route("/meetings.ics")
@public
@reads_only
def search_ics() -> Any:
    """A calendar subscription for a search: these filters near this place, weekly events."""
    now = datetime.now(UTC)
    parsed = parse_search(
        request.args, current_app.config["DEFAULT_TIMEZONE"], now, max_limit=LIST_MAX_LIMIT
    )
    place_text = request.args.get("q", "").strip()[:120]
    if _centre_on_place(parsed.query, place_text, words=True)[1]:
        parsed.errors["q"] = f"We could not find “{place_text}”."
    if parsed.errors:
        message = " ".join(parsed.errors.values())
        return Response(message, status=400, mimetype="text/plain")
    if "limit" not in request.args:
        parsed.query.limit = LIST_MAX_LIMIT
    outcome = search_meetings(parsed.query)
    entries = [
        (r.meeting, site_url("meetings.meeting", slug=r.meeting.slug)) for r in outcome.results
    ]
    name = f"Meetings near {place_text}" if place_text else "Meetings"
    shown_to = parsed.query.offset + len(outcome.results)
    cut = shown_to < outcome.total_within
    description = (
        f"Meetings {parsed.query.offset + 1} to {shown_to} of {outcome.total_within} matching "
        "this search: ask for the next page (page=2, 3...) or narrow the search."
        if cut
        else ""
    )
    body = calendar_for(entries, request.host, now.date(), name, description)
    headers = {"X-Total-Count": str(outcome.total_within)}
    return Response(body, mimetype="text/calendar", headers=headers)


@bp.route("/meetings/<slug>/suggest", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@public
@public_form
def suggest(slug: str) -> Any:
    """Anyone can tell the coordinator that a listing is wrong."""
    item = _public_meeting(slug)
    from community_hub.listings.suggestions import handle_suggestion

    return handle_suggestion(item, item.name, url_for("meetings.meeting", slug=item.slug))
