"""How meetings read on the page: times in their own zone, distances, freshness."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import get_locale

from community_hub.catalogue import gettext as _
from community_hub.catalogue import lazy_gettext as _l
from community_hub.catalogue import ngettext
from community_hub.dates import long_date
from community_hub.geo.spatial import KM_PER_MILE
from community_hub.meetings.models import Attendance, Meeting
from community_hub.meetings.schedule import Occurrence, zone

ATTENDANCE_LABELS = {
    Attendance.IN_PERSON.value: _l("In person"),
    Attendance.HYBRID.value: _l("In person and online"),
    Attendance.ONLINE.value: _l("Online"),
    Attendance.INACTIVE.value: _l("Temporarily closed"),
}
DAY_LABELS = (
    _l("Sunday"), _l("Monday"), _l("Tuesday"), _l("Wednesday"),
    _l("Thursday"), _l("Friday"), _l("Saturday"),
)  # fmt: skip


MONTHLY_LABELS = {
    1: _l("First %(day)s of the month"),
    2: _l("Second %(day)s of the month"),
    3: _l("Third %(day)s of the month"),
    4: _l("Fourth %(day)s of the month"),
    -1: _l("Last %(day)s of the month"),
}


def attendance_label(value: str) -> str:
    return str(ATTENDANCE_LABELS.get(value, value))


def day_label(day: int) -> str:
    return str(DAY_LABELS[day])


def distance(km: float | None) -> str:
    if km is None:
        return ""
    miles = km / KM_PER_MILE
    if miles < 0.1:
        return _("under 0.1 miles")
    shown = round(miles, 1)
    # English and Welsh both say "1 mile" but "1.5 miles": a fraction takes the plural.
    count = int(shown) if shown.is_integer() else 2
    return ngettext(
        "%(miles)s mile (%(km).1f km)",
        "%(miles)s miles (%(km).1f km)",
        count,
        miles=format(shown, ".1f").removesuffix(".0"),
        km=km,
    )


def hours(meeting: Meeting) -> str:
    """'19:30–21:00', or '23:00–00:30 (ends the next day)'."""
    text = f"{meeting.start_time:%H:%M}"
    if meeting.end_time:
        text += f"–{meeting.end_time:%H:%M}"
        if meeting.crosses_midnight:
            text += " " + _("(ends the next day)")
    return text


def schedule(meeting: Meeting) -> str:
    """'Every Tuesday, 19:30–21:00' or 'First Saturday of the month, 10:00–11:30'."""
    day = day_label(meeting.day)
    if meeting.monthly_week is None:
        how = _("Every %(day)s", day=day)
    else:
        how = str(MONTHLY_LABELS[meeting.monthly_week]) % {"day": day}
    return f"{how}, {hours(meeting)}"


def one_off(change: Any) -> str:
    """A one-off change in a sentence, for the public and for coordinators."""
    on = long_date(change.on_date)
    if change.kind == "cancelled":
        text = _("No meeting on %(date)s", date=on)
    elif change.kind == "closed":
        text = _(
            "Closed from %(first)s; meets again on %(reopens)s",
            first=on,
            reopens=long_date(change.until_date),
        )
    else:
        parts = []
        if change.start_time is not None:
            times = f"{change.start_time:%H:%M}"
            if change.end_time is not None:
                times += f"–{change.end_time:%H:%M}"
            parts.append(_("at %(time)s", time=times))
        if change.venue is not None:
            parts.append(_("at %(venue)s", venue=change.venue.display_name))
        text = _("On %(date)s only: %(what)s", date=on, what=" ".join(parts))
    return f"{text} ({change.note})" if change.note else text


def notices(occurrence: Occurrence) -> list[str]:
    """The one-off changes behind a shown occurrence: dates skipped, and its own change."""
    changes = [d.change for d in occurrence.skipped] + [occurrence.change]
    unique = list(dict.fromkeys(c for c in changes if c is not None))
    return [one_off(c) for c in unique]


def clock(moment: datetime, tz_name: str) -> str:
    return moment.astimezone(zone(tz_name)).strftime("%H:%M")


def when(
    occurrence: Occurrence,
    meeting: Meeting,
    viewer_tz: str,
    now: datetime,
    viewer_today: date | None = None,
) -> str:
    """'Today 19:30', 'Tomorrow 07:00' or 'Thursday 19:30', in the meeting's own zone.

    `viewer_today` is `now`'s date in the viewer's zone, when a page of cards has it."""
    own = zone(meeting.timezone)
    local = occurrence.start.astimezone(own)
    viewer = zone(viewer_tz)
    if viewer_today is None:
        viewer_today = now.astimezone(viewer).date()
    viewer_day = local.date() if own is viewer else occurrence.start.astimezone(viewer).date()
    if viewer_day == viewer_today:
        label = _("Today")
    elif (viewer_day - viewer_today).days == 1:
        label = _("Tomorrow")
    elif viewer_day - viewer_today < timedelta(days=6):
        label = day_label(meeting.day)
    else:  # a monthly meeting, or one whose next dates are cancelled: say which date
        label = f"{day_label(meeting.day)} {long_date(local.date())}"
    text = f"{label} {local:%H:%M}"
    end = occurrence.end.astimezone(own)
    if meeting.end_time or occurrence.change is not None:
        text += f"–{end:%H:%M}"
    if meeting.timezone != viewer_tz:
        yours = clock(occurrence.start, viewer_tz)
        if viewer_day != local.date():  # 19:00 Friday in New York is 00:00 Saturday in London
            yours = f"{day_label(int(viewer_day.strftime('%w')))} {yours}"
        text += f" ({meeting.timezone}; " + _("%(time)s your time", time=yours) + ")"
    return text


def starts_in(occurrence: Occurrence, now: datetime) -> str:
    if occurrence.in_progress(now):
        minutes = int((occurrence.end - now).total_seconds() // 60)
        return ngettext(
            "on now, ends in %(num)d minute", "on now, ends in %(num)d minutes", minutes
        )
    minutes = int((occurrence.start - now).total_seconds() // 60)
    if minutes < 60:
        return ngettext("starts in %(num)d minute", "starts in %(num)d minutes", max(minutes, 1))
    hours = minutes // 60
    if hours < 24:
        return ngettext("starts in %(num)d hour", "starts in %(num)d hours", hours)
    return ""


def confirmed(last: date | None, today: date) -> str:
    if last is None:
        return _("Never confirmed")
    days = (today - last).days
    if days <= 0:
        return _("Confirmed today")
    if days < 14:
        return ngettext("Confirmed %(num)d day ago", "Confirmed %(num)d days ago", days)
    if days < 60:
        return ngettext("Confirmed %(num)d week ago", "Confirmed %(num)d weeks ago", days // 7)
    return ngettext("Confirmed %(num)d month ago", "Confirmed %(num)d months ago", days // 30)


TIME_LABELS = {
    "morning": _l("Morning"),
    "afternoon": _l("Afternoon"),
    "evening": _l("Evening"),
    "night": _l("Night"),
}


def chosen_filters(args: Any, fellowships: Any) -> list[str]:
    """What a search chose, in a few words each: 'Today', 'Evening', 'Women', 'Within 10 miles'.

    Shown on the folded filters' one line, so a person sees their choices without the panel.
    """
    from community_hub.geo.params import radius_label
    from community_hub.meetings.params import RADIUS_CHOICES
    from community_hub.meetings.types import type_name

    locale = str(get_locale() or "en")
    chosen: list[str] = []
    day = args.get("day", "")
    if day == "today":
        chosen.append(_("Today"))
    elif day == "tomorrow":
        chosen.append(_("Tomorrow"))
    elif day.isdigit() and int(day) < 7:
        chosen.append(day_label(int(day)))
    if args.get("time", "") in TIME_LABELS:
        chosen.append(str(TIME_LABELS[args["time"]]))
    within = args.get("within", "")
    if within.isdigit() and int(within) > 0:
        chosen.append(
            ngettext("Starting within %(num)d hour", "Starting within %(num)d hours", int(within))
        )
    names = {f.slug: f.shown_short_name for f in fellowships}
    chosen += [str(names[slug]) for slug in args.getlist("fellowship") if slug in names]
    chosen += [attendance_label(m) for m in args.getlist("mode") if m in ATTENDANCE_LABELS]
    chosen += [type_name(code, locale) for code in args.getlist("type")]
    radius = args.get("radius", "")
    if radius in RADIUS_CHOICES and radius != "nearest":
        chosen.append(radius_label(radius))
    return chosen


def finder_url(back: str) -> str:
    """The finder with the search a meeting page was reached from (its query string), if any."""
    from urllib.parse import parse_qsl, urlencode

    from flask import url_for

    pairs = parse_qsl(back[:2000], keep_blank_values=False)
    url = url_for("meetings.finder")
    return f"{url}?{urlencode(pairs)}" if pairs else url
