"""A search result as the page shows it: every sentence worked out in Python, once.

The finder page is what most people load. Asking the template to call a dozen helpers for
each of twenty results cost as much as the search itself; a card holds the finished words,
and the template only places them (escaping them as it does any text).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote, urlencode

from flask import url_for
from flask_babel import get_locale

from community_hub.catalogue import gettext as _
from community_hub.core.newcomers import explain_type
from community_hub.meetings import present
from community_hub.meetings.schedule import zone
from community_hub.meetings.search import MeetingResult
from community_hub.meetings.types import type_name


@dataclass(frozen=True, slots=True)
class Card:
    url: str  # the meeting's page, remembering the search it came from
    name: str
    slug: str
    in_progress: bool
    when: str  # "Today 19:30–21:00"
    soon: str  # "starts in 20 minutes", or ""
    schedule: str  # "First Saturday of the month, 10:00–11:30" for monthly meetings, else ""
    notices: tuple[str, ...]  # one-off changes behind this occurrence
    fellowship: str
    attendance: str  # the Attendance value, for the tag's class
    attendance_label: str
    distance: str  # "1.2 miles (1.9 km)"; "" for online meetings or without a place
    place: str  # the venue, or "Online · group based in Leeds"; "" for an approximate place
    types: str  # "Open: anyone, including family and friends · Women"
    confirmed: str  # "Confirmed 3 days ago"
    stale: bool  # not confirmed lately: "check before you travel"


class CardMaker:
    """Cards for one page: what every card shares (the language, the search) found once."""

    def __init__(
        self, *, viewer_tz: str, now: datetime, today: date, stale_after: int, back: str = ""
    ) -> None:
        self.viewer_tz, self.now, self.today, self.stale_after = viewer_tz, now, today, stale_after
        self.viewer_today = now.astimezone(zone(viewer_tz)).date()
        self.locale = str(get_locale() or "en")
        # Every meeting's address has the same beginning and the same way back to the search.
        self.prefix = url_for("meetings.meeting", slug="_").removesuffix("_")
        # Encoded as url_for encodes a query (werkzeug's safe characters), so links read alike.
        self.suffix = "?" + urlencode({"back": back}, safe="!$'()*,/:;?@") if back else ""
        self.online = _("Online")
        self.made: dict[tuple, Card] = {}  # by meeting and how it is shown

    def card(self, result: MeetingResult) -> Card:
        m = result.meeting
        occurrence = result.occurrence
        online = m.attendance == "online"
        if m.venue is not None and not m.venue.approximate:
            place = m.venue.display_name
        elif online:
            place = self.online
            if m.region:
                place += " · " + _("group based in %(region)s", region=m.region)
        else:
            place = ""
        slug = m.fellowship.slug
        types = " · ".join(
            explain_type(code, slug) or type_name(code, self.locale)
            for code in m.type_list
            if code != "TC"
        )
        last = m.last_confirmed
        return Card(
            url=self.prefix + quote(m.slug, safe="") + self.suffix,
            name=m.shown_name,
            slug=m.slug,
            in_progress=result.in_progress,
            when=present.when(occurrence, m, self.viewer_tz, self.now, self.viewer_today),
            soon=present.starts_in(occurrence, self.now),
            schedule=present.schedule(m) if m.monthly_week is not None else "",
            notices=tuple(present.notices(occurrence)),
            fellowship=m.fellowship.shown_short_name,
            attendance=m.attendance,
            attendance_label=present.attendance_label(m.attendance),
            distance=(
                present.distance(result.distance_km)
                if result.distance_km is not None and not online
                else ""
            ),
            place=place,
            types=types,
            confirmed=present.confirmed(last, self.today),
            stale=last is None or (self.today - last).days > self.stale_after,
        )

    def cards(self, results: Iterable[MeetingResult]) -> list[Card]:
        """Cards for these results; a meeting both listed and in a banner is made once."""
        made = self.made
        out = []
        for r in results:
            key = (r.meeting.id, r.occurrence.start, r.in_progress, r.distance_km)
            card = made.get(key)
            if card is None:
                card = made[key] = self.card(r)
            out.append(card)
        return out
