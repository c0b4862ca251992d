"""Where and how far: the place and distance a visitor asked for, shared by every finder page."""

from __future__ import annotations

import math

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.datastructures import MultiDict

from community_hub.geo import web as geo_web
from community_hub.geo.geocode import geocode
from community_hub.meetings.params import RADIUS_CHOICES

# Distances offered on pages that show everything within a radius (not "the N nearest").
RADII = [choice for choice in RADIUS_CHOICES if choice != "nearest"]


def radius_label(choice: str) -> str:
    """'10mi' -> 'Within 10 miles' ('O fewn 10 milltir'), '1mi' -> 'Within 1 mile'."""
    if choice == "nearest":
        return _("The 20 nearest")
    number = int(choice[:-2]) if choice[:-2].isdigit() else 0
    if choice.endswith("mi"):
        return ngettext("Within %(num)d mile", "Within %(num)d miles", number)
    return _("Within %(num)d km", num=number)


def _coordinate(args: MultiDict[str, str], name: str) -> float | None:
    try:
        value = float(args.get(name, "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def place_from_args(
    args: MultiDict[str, str], errors: dict[str, str]
) -> tuple[float, float, str] | None:
    """The visitor's location (lat/lng), or else the town or postcode they typed (q)."""
    lat, lng = _coordinate(args, "lat"), _coordinate(args, "lng")
    if lat is not None and lng is not None and -90 <= lat <= 90 and -180 <= lng <= 180:
        return lat, lng, _("your location")
    text = args.get("q", "").strip()[:120]
    if not text:
        return None
    found = geocode(text)
    if found is None:
        errors["q"] = _(
            "We could not find “%(place)s”. Try a town name or a postcode, like Doncaster or DN1.",
            place=text,
        )
        return None
    geo_web.remember_place(text, found.latitude, found.longitude)
    return found.latitude, found.longitude, found.label


def radius_from_args(
    args: MultiDict[str, str], errors: dict[str, str], default: str = "10mi"
) -> tuple[str, float]:
    """The chosen distance (one of RADII) and its kilometres; a bad choice is explained."""
    choice = args.get("radius", "").strip().lower() or default
    km = RADIUS_CHOICES.get(choice) if choice in RADII else None
    if km is None:
        errors["radius"] = _("Choose a distance from the list.")
        choice, km = default, RADIUS_CHOICES[default]
    assert km is not None
    return choice, km
