"""Public pages: everything near a place, and the map of an area's recovery community."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from community_hub.directory.services import KINDS, Nearby, search_nearby
from community_hub.geo.params import RADII, place_from_args, radius_from_args
from community_hub.meetings.cards import CardMaker
from community_hub.meetings.params import _float
from community_hub.people.services import is_staff
from community_hub.web import public, reads_only

bp = Blueprint("directory", __name__)
api = Blueprint("directory_api", __name__, url_prefix="/api/v1")

DEFAULT_RADIUS = "10mi"
MAP_RADIUS = "25km"


def _kinds(args: MultiDict[str, str], errors: dict[str, str]) -> frozenset[str]:
    chosen = {k.strip().lower() for k in args.getlist("kind") if k.strip()}
    if chosen - set(KINDS):
        errors["kind"] = _("kind must be meetings, peers, champions or resources.")
    return frozenset(chosen & set(KINDS)) or frozenset(KINDS)


def _staff() -> bool:
    return is_staff(current_user)


@bp.route("/near")
@public
@reads_only
def near() -> Any:
    """Meetings, peer supporters, recovery champions and resources near a place."""
    errors: dict[str, str] = {}
    place = place_from_args(request.args, errors)
    radius_choice, radius_km = radius_from_args(request.args, errors, DEFAULT_RADIUS)
    kinds = _kinds(request.args, errors)
    found: Nearby | None = None
    if place and not errors:
        found = search_nearby(
            place[0], place[1], radius_km, kinds, include_private_champions=_staff()
        )
    now = datetime.now(UTC)
    maker = CardMaker(
        viewer_tz=current_app.config["DEFAULT_TIMEZONE"],
        now=now,
        today=now.date(),
        stale_after=current_app.config["STALE_AFTER_DAYS"],
        back=request.query_string.decode(),
    )
    return render_template(
        "directory/near.html",
        meeting_cards=maker.cards(found.meetings) if found else [],
        args=request.args,
        errors=errors,
        found=found,
        place_label=place[2] if place else "",
        kinds=kinds,
        all_kinds=KINDS,
        radius_choice=radius_choice,
        radius_choices=RADII,
        now=now,
        today=now.date(),
        stale_after=current_app.config["STALE_AFTER_DAYS"],
    ), (400 if errors else 200)


def community_summary(found: Nearby) -> dict[str, Any]:
    """Counts for the map of an area: groups by fellowship, champions by level, and more."""
    groups: dict[tuple[str, str], Any] = {}
    for result in found.meetings:
        meeting = result.meeting
        key = (meeting.fellowship.short_name, meeting.group_name or meeting.name)
        groups.setdefault(key, result)
    return {
        "groups": sorted(groups.items(), key=lambda item: item[1].distance_km or 0.0),
        "groups_by_fellowship": Counter(k[0] for k in groups),
        "champions_by_level": Counter(c.level for _d, c in found.champions),
        "peers": len(found.peers),
        "resources_by_category": Counter(
            s.taxonomy_term.term if s.taxonomy_term else "" for _d, s, _l in found.resources
        ),
    }


@bp.route("/community-map")
@public
def community_map() -> Any:
    """The map of an area's recovery groups and public champions (works without JavaScript)."""
    errors: dict[str, str] = {}
    place = place_from_args(request.args, errors)
    radius_choice, radius_km = radius_from_args(request.args, errors, MAP_RADIUS)
    found = summary = None
    markers: list[dict[str, Any]] = []
    if place and not errors:
        found = search_nearby(place[0], place[1], radius_km, limit=500)
        summary = community_summary(found)
        markers = [
            {
                "name": f"{key[0]}: {key[1]}",
                "lat": r.meeting.latitude,
                "lng": r.meeting.longitude,
                "url": url_for("meetings.meeting", slug=r.meeting.slug),
            }
            for key, r in summary["groups"]
            if r.meeting.latitude is not None and r.meeting.attendance != "online"
        ] + [
            {
                "name": f"{c.display_name} ({c.level})",
                "lat": c.latitude,
                "lng": c.longitude,
                "url": url_for("people.champion", champion_id=c.id),
            }
            for _d, c in found.champions
        ]
    return render_template(
        "directory/community_map.html",
        args=request.args,
        errors=errors,
        found=found,
        summary=summary,
        markers=markers,
        place_label=place[2] if place else "",
        radius_choice=radius_choice,
        radius_choices=RADII,
    ), (400 if errors else 200)


@api.route("/nearby")
@public
@reads_only
def nearby_api() -> Any:
    """JSON: public listings of every kind near lat/lng. Nothing personal is included."""
    from community_hub.directory.export import nearby_json

    errors: dict[str, str] = {}
    lat, lng = _float(request.args, "lat", errors), _float(request.args, "lng", errors)
    if not errors and (lat is None or lng is None):
        errors["lat" if lat is None else "lng"] = "Give both lat and lng."
    if lat is not None and not -90 <= lat <= 90:
        errors["lat"] = "lat must be between -90 and 90."
    if lng is not None and not -180 <= lng <= 180:
        errors["lng"] = "lng must be between -180 and 180."
    radius_km = _float(request.args, "radius_km", errors)
    if radius_km is None:
        radius_km = 16.0
    if not 0 < radius_km <= 200:
        errors["radius_km"] = "radius_km must be more than 0 and at most 200."
    kinds = _kinds(request.args, errors)
    if errors:
        name = next(iter(errors))
        body = {"error": "invalid_parameter", "parameter": name, "message": errors[name]}
        return jsonify(body | {"errors": errors}), 400
    assert lat is not None and lng is not None
    return jsonify(nearby_json(search_nearby(lat, lng, radius_km, kinds, plain=True)))
