"""The finder's results: the heading, "show 20 more", the order, and where to go next.

Every way on is a plain link carrying the search in its query string, so it works without
JavaScript and a page can be bookmarked or shared as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote_plus

from flask import url_for
from werkzeug.datastructures import MultiDict

from community_hub.catalogue import gettext as _
from community_hub.catalogue import ngettext
from community_hub.geo.spatial import KM_PER_MILE
from community_hub.meetings.listed import ListedMeeting
from community_hub.meetings.search import (
    DEFAULT_LIMIT,
    MeetingQuery,
    MeetingResult,
    SearchOutcome,
    search_listed,
)
from community_hub.urls import kept_url_for

# The finder grows its page 20 at a time up to this many; beyond it, it goes a page at a time.
FINDER_MAX_LIMIT = 200
# The printable list and the search calendar hold up to this many; they say when there are more.
LIST_MAX_LIMIT = 1000
MORE_STEP = 20
NEXT_TO_START = 3
# Parameters that belong to one page of results, not to the search itself.
_PAGE_PARAMS = ("limit", "page")


@dataclass
class Paging:
    heading: str
    first_shown: int  # the position of the first result on this page (1-based)
    more_url: str | None  # the same page with MORE_STEP more results
    next_page_url: str | None  # the next page, once the page is as long as it grows
    sort_urls: dict[str, str]  # "distance"/"time" -> the search in that order
    further_url: str | None  # the search without the travelling-distance limit
    online_url: str | None  # online meetings at the same day and time
    farthest_km: float | None  # the furthest result shown, where any has a distance


_SAFE = "!$'()*,/:;?@"  # werkzeug's safe characters for a query string


def _encoded(args: MultiDict[str, str]) -> list[tuple[str, str]]:
    """Each argument's name and its "name=value", encoded once for every link made from them."""
    return [(k, _pair(k, v)) for k, values in args.lists() for v in values]


def _pair(name: str, value: str) -> str:
    return f"{quote_plus(name, safe=_SAFE)}={quote_plus(value, safe=_SAFE)}"


def _finder_url(args: list[tuple[str, str]], **changes: Any) -> str:
    """The finder with these arguments changed (None drops one), encoded as url_for would
    encode it (werkzeug's safe characters, in the same order), without its routing work.
    `args` comes from `_encoded`."""
    pairs = [pair for name, pair in args if name not in changes]
    pairs += [_pair(k, str(v)) for k, v in changes.items() if v is not None]
    return kept_url_for("meetings.finder") + ("?" + "&".join(pairs) if pairs else "")


def radius_words(radius_km: float) -> str:
    """'25 miles' when the radius is about a whole number of miles, else '20 km'."""
    miles = radius_km / KM_PER_MILE
    whole = round(miles)
    if whole >= 1 and abs(miles - whole) < 0.2:
        return ngettext("%(num)d mile", "%(num)d miles", whole)
    return _("%(km)s km", km=format(radius_km, "g"))


def heading(query: MeetingQuery, outcome: SearchOutcome, place_label: str) -> str:
    """'67 meetings within 25 miles of Doncaster': every match, not just those shown."""
    total = outcome.total_within
    # A "nearest N" search that widened as far as it goes found everything there is: its
    # last radius says nothing, so it is "near".
    widened_fully = query.radius_km is None and not outcome.capped and total < query.limit
    if place_label and outcome.radius_km is not None and not widened_fully:
        return ngettext(
            "%(num)d meeting within %(distance)s of %(place)s",
            "%(num)d meetings within %(distance)s of %(place)s",
            total,
            distance=radius_words(outcome.radius_km),
            place=place_label,
        )
    if place_label:
        return ngettext(
            "%(num)d meeting near %(place)s", "%(num)d meetings near %(place)s", total,
            place=place_label,
        )  # fmt: skip
    return ngettext("%(num)d meeting", "%(num)d meetings", total)


def finder_paging(
    args: MultiDict[str, str],
    query: MeetingQuery,
    outcome: SearchOutcome | None,
    place_label: str = "",
) -> Paging | None:
    """Links on from a page of finder results (None before a search)."""
    if outcome is None:
        return None
    total = outcome.total_within
    encoded = _encoded(args)
    shown_to = query.offset + len(outcome.results)
    more_url = next_page_url = None
    if shown_to < total:
        if query.offset == 0 and query.limit + MORE_STEP <= FINDER_MAX_LIMIT:
            # The longer page keeps the results already read; the anchor lands on the new ones.
            more = _finder_url(encoded, limit=str(query.limit + MORE_STEP), page=None)
            more_url = f"{more}#result-{query.limit + 1}"
        else:
            page = query.offset // query.limit + 2
            next_page_url = _finder_url(encoded, limit=str(query.limit), page=str(page))
    default_limit = str(query.limit) if query.limit != DEFAULT_LIMIT else None
    sort_urls = {
        order: _finder_url(encoded, sort=order, page=None, limit=default_limit)
        for order in ("distance", "time")
    }
    further_url = online_url = None
    if outcome.capped:
        further_url = _finder_url(encoded, further="1", page=None)
    if outcome.capped or (not outcome.results and query.located):
        keep: dict[str, Any] = {
            k: v for k, v in args.to_dict(flat=False).items() if k in _SAME_TIME
        }
        online_url = url_for("meetings.finder", **keep, mode="online", sort="time")
    return Paging(
        heading=heading(query, outcome, place_label),
        first_shown=query.offset + 1,
        more_url=more_url,
        next_page_url=next_page_url,
        sort_urls=sort_urls,
        further_url=further_url,
        online_url=online_url,
        farthest_km=max(
            (r.distance_km for r in outcome.results if r.distance_km is not None), default=None
        ),
    )


# What "online meetings at that time" keeps from a search.
_SAME_TIME = ("day", "time", "within", "tz", "search", "fellowship", "type")


def next_to_start(query: MeetingQuery) -> list[MeetingResult[ListedMeeting]]:
    """When nothing starts within the hours asked, the next few that do start, soonest first."""
    later = replace(
        query, within_hours=None, sort="time", limit=NEXT_TO_START, offset=0, banners=False
    )
    return search_listed(later).results
