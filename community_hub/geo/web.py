"""What the finder shows under "we could not find that place": places to choose from."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, url_for

from community_hub.geo.geocode import Choice, Resolution


def remember(resolution: Resolution) -> None:
    """Keep a search's choices or suggestions for the page that shows its error."""
    g.place_resolution = resolution


def remember_place(text: str, latitude: float, longitude: float) -> None:
    """Keep where this request's typed place was found, so nothing looks it up again."""
    g.place_found = (text, latitude, longitude)


def remembered_place(text: str) -> tuple[float, float] | None:
    """Where `text` was found earlier in this request, if it was."""
    found = g.get("place_found")
    if found is None or found[0] != text:
        return None
    return found[1], found[2]


def place_options() -> tuple[str, tuple[Choice, ...]]:
    """("choices" or "suggestions", the places) for the current search, or ("", ())."""
    resolution: Resolution | None = g.get("place_resolution")
    if resolution is None:
        return "", ()
    if resolution.choices:
        return "choices", resolution.choices
    if resolution.suggestions:
        return "suggestions", resolution.suggestions
    return "", ()


def search_with(choice: Choice) -> str:
    """This page's search again, for the chosen place (other filters kept)."""
    args: dict[str, Any] = {
        key: request.args.getlist(key)
        for key in request.args
        if key not in ("q", "lat", "lng", "page")
    }
    args["q"] = choice.query
    return url_for(request.endpoint or "meetings.finder", **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.add_template_global(place_options, "place_options")
    app.add_template_global(search_with, "search_with")
