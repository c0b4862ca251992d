"""How meetings read on the page: times in their own zone, distances, freshness."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

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
    return _("%(miles).1f miles (%(km).1f km)", miles=miles, km=km)


def clock(moment: datetime, tz_name: str) -> str:
    return moment.astimezone(zone(tz_name)).strftime("%H:%M")


def when(occurrence: Occurrence, meeting: Meeting, viewer_tz: str, now: datetime) -> str:
    """'Today 19:30', 'Tomorrow 07:00' or 'Thursday 19:30', in the meeting's own zone."""
    local = occurrence.start.astimezone(zone(meeting.timezone))
    viewer_today = now.astimezone(zone(viewer_tz)).date()
    viewer_day = occurrence.start.astimezone(zone(viewer_tz)).date()
    if viewer_day == viewer_today:
        label = _("Today")
    elif (viewer_day - viewer_today).days == 1:
        label = _("Tomorrow")
    else:
        label = day_label(meeting.day)
    text = f"{label} {local:%H:%M}"
    if meeting.end_time:
        text += f"–{meeting.end_time:%H:%M}"
    if meeting.timezone != viewer_tz:
        text += (
            f" ({meeting.timezone}; "
            + _("%(time)s your time", time=clock(occurrence.start, viewer_tz))
            + ")"
        )
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
