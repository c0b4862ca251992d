"""My meetings: a list of saved meetings held in the page's own address, never on the server.

`/my-meetings?m=slug1,slug2` is the whole list: bookmark it and it comes back. With JavaScript
the list is also kept on the device (localStorage, static/js/saved.js), which opens this page
with its slugs. `/my-meetings.ics?m=...` is a calendar subscription for just those meetings,
with their cancellations and other one-off changes.

Nothing is stored: no account, no cookie, and the slugs travel in the query string, which the
access log leaves out (gunicorn.conf.py logs the path only).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from community_hub.extensions import db
from community_hub.meetings.ics import calendar_for
from community_hub.meetings.models import Meeting
from community_hub.meetings.occurrences import next_held, rule_of
from community_hub.meetings.one_offs import upcoming_changes
from community_hub.urls import site_url
from community_hub.web import public

bp = Blueprint("favourites", __name__)

MOST_SAVED = 50
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}$")


def parse_slugs(value: str) -> tuple[list[str], bool]:
    """The slugs in an `m` value, in order, once each; and whether anything was left out."""
    given = [part.strip() for part in value.split(",") if part.strip()]
    slugs = list(dict.fromkeys(p for p in given if SLUG.match(p)))
    dropped = len(slugs) > MOST_SAVED or len(slugs) < len(set(given))
    return slugs[:MOST_SAVED], dropped


def slug_from(text: str) -> str:
    """A meeting's slug from its page's address (pasted whole) or from the slug itself."""
    text = text.strip()
    path = urlsplit(text).path if "/" in text else text
    found = re.search(r"(?:^|/)meetings/([^/?#]+?)(?:\.ics)?/?$", path) if "/" in path else None
    slug = found.group(1) if found else path.strip("/")
    return slug if SLUG.match(slug) else ""


def with_slugs(slugs: list[str]) -> str:
    """The My meetings address for this list."""
    return (
        url_for("favourites.my_meetings", m=",".join(slugs))
        if slugs
        else url_for("favourites.my_meetings")
    )


def _listed(slugs: list[str]) -> list[Meeting]:
    """The listed meetings among the slugs, in the list's order."""
    if not slugs:
        return []
    found = db.session.scalars(
        select(Meeting)
        .where(Meeting.slug.in_(slugs), Meeting.archived_at.is_(None))
        .options(
            joinedload(Meeting.venue),
            joinedload(Meeting.fellowship),
            selectinload(Meeting.one_offs),
        )
    ).unique()
    by_slug = {m.slug: m for m in found}
    return [by_slug[s] for s in slugs if s in by_slug]


def _private(response: Response) -> Response:
    """The list is someone's own: keep it out of shared caches and other sites' Referer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/my-meetings")
@public
def my_meetings() -> Any:
    """The saved meetings, each with its next date and changes, and ways to keep the list."""
    slugs, dropped = parse_slugs(request.args.get("m", "")[:8000])
    errors: dict[str, str] = {}
    added = request.args.get("add", "").strip()[:500]
    if added:
        slug = slug_from(added)
        known = slug and db.session.scalar(
            select(Meeting.id).where(Meeting.slug == slug, Meeting.archived_at.is_(None))
        )
        if not known:
            errors["add"] = _(
                "We could not find that meeting. Paste the address of its page, like %(example)s",
                example=site_url("meetings.meeting", slug="tuesday-night-group"),
            )
        elif slug not in slugs:
            slugs.append(slug)
    meetings = _listed(slugs)
    now = datetime.now(UTC)
    rows = [
        (m, next_held(rule_of(m), m.one_offs, now), upcoming_changes(m, now.date()))
        for m in meetings
    ]
    gone = [s for s in slugs if s not in {m.slug for m in meetings}]
    kept = [m.slug for m in meetings]
    response = Response(
        render_template(
            "favourites/my_meetings.html",
            rows=rows,
            slugs=kept,
            gone=gone,
            dropped=dropped,
            errors=errors,
            added=added if errors else "",
            with_slugs=with_slugs,
            now=now,
            viewer_tz=current_app.config["DEFAULT_TIMEZONE"],
            ics_url=site_url("favourites.my_meetings_ics", m=",".join(kept)) if kept else "",
            page_url=site_url("favourites.my_meetings", m=",".join(kept)) if kept else "",
        ),
        status=400 if errors else 200,
        mimetype="text/html",
    )
    return _private(response)


@bp.route("/my-meetings.ics")
@public
def my_meetings_ics() -> Response:
    """A calendar subscription for the saved meetings, with their cancellations and moves."""
    slugs, _dropped = parse_slugs(request.args.get("m", "")[:8000])
    meetings = _listed(slugs)
    if not meetings:
        message = _("Choose at least one listed meeting: add ?m= and the meetings' names.")
        return _private(Response(message, status=400, mimetype="text/plain"))
    entries = [(m, site_url("meetings.meeting", slug=m.slug)) for m in meetings]
    body = calendar_for(entries, request.host, datetime.now(UTC).date(), _("My meetings"))
    return _private(Response(body, mimetype="text/calendar"))


@bp.app_template_global()
def saved_with(slug: str) -> str:
    """My meetings with this meeting added to the list the page was opened with, if any."""
    slugs, _dropped = parse_slugs(request.args.get("m", "")[:8000])
    return with_slugs(slugs if slug in slugs else [*slugs, slug])
