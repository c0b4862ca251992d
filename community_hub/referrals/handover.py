"""The handover between the worker and the peer: the plan, the message thread, the calendar
entry for the one date, and the reminder the day before.

Nothing here carries the client: the plan is a meeting, a date and a meeting point, and the
thread is between staff and the peer (a message naming the client's reference is refused).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.jobs import emails
from community_hub.jobs.models import OutboxMessage
from community_hub.jobs.outbox import coordinators_of, enqueue, enqueue_once
from community_hub.meetings.schedule import DEFAULT_LENGTH, local_datetime, zone
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import audit, consent, matching
from community_hub.referrals.followups import reschedule, schedule_follow_ups
from community_hub.referrals.models import Purpose, Referral, ReferralMessage
from community_hub.referrals.services import date_problem, move
from community_hub.referrals.states import Status
from community_hub.urls import site_url
from community_hub.volunteers.models import Volunteer

MEETING_POINT_MAX = 200
MESSAGE_MAX = 1000
PEER_REMINDER = "peer_reminder"
# A worker confirms the plan with the client from these: it becomes 'first meeting planned'.
CONFIRMABLE = (Status.REQUESTED.value, Status.ACCEPTED.value, Status.INTRODUCED.value)


def _meeting_point(text: str) -> str:
    point = " ".join(text.split())
    if len(point) > MEETING_POINT_MAX:
        raise ValidationFailed({"meeting_point": _("Keep the meeting point under 200 characters.")})
    return point


def set_plan(
    referral: Referral, planned: date | None, meeting_point: str, by: User, today: date,
    confirm: bool = False,
) -> None:  # fmt: skip
    """The worker sets the first meeting's date and where the peer meets the client.

    With `confirm` the worker has agreed the plan with the client: the referral becomes
    'first meeting planned'. Follow-ups are scheduled (or moved) with the date.
    """
    errors: dict[str, str] = {}
    problem = date_problem(referral.meeting, planned, today)
    if problem:
        errors["planned_first_meeting"] = problem
    if confirm and planned is None:
        errors["planned_first_meeting"] = _("Choose the date of the first meeting.")
    try:
        point = _meeting_point(meeting_point)
    except ValidationFailed as failed:
        errors.update(failed.errors)
    if errors:
        raise ValidationFailed(errors)
    moved = planned != referral.planned_first_meeting
    referral.planned_first_meeting = planned
    referral.meeting_point = point
    audit.record(by, "update", "referral", referral.id, "plan: date and meeting point")
    if moved:
        reschedule(referral)
        schedule_follow_ups(referral, today)
    if confirm and referral.status in CONFIRMABLE:
        move(referral, Status.FIRST_MEETING_PLANNED, by, today, "Plan confirmed with the client.")
    db.session.flush()


def set_meeting_point(referral: Referral, meeting_point: str, by: User) -> None:
    """The peer's coordinator sets where the peer meets the client."""
    referral.meeting_point = _meeting_point(meeting_point)
    audit.record(by, "update", "referral", referral.id, "meeting point (peer side)")
    db.session.flush()


def post_message(referral: Referral, body: str, by: User, side: str) -> ReferralMessage:
    """Add a message to the referral's thread, audited, and tell the other side it is there."""
    text = body.strip()
    if not text:
        raise ValidationFailed({"body": _("Write your message first.")})
    if len(text) > MESSAGE_MAX:
        raise ValidationFailed({"body": _("Keep a message under 1,000 characters.")})
    if referral.client.reference.lower() in text.lower():
        raise ValidationFailed(
            {"body": _("Leave the client's reference out: the thread is about the plan.")}
        )
    message = ReferralMessage(referral=referral, author_id=by.id, side=side, body=text)
    db.session.add(message)
    db.session.flush()
    audit.record(by, "message", "referral", referral.id, f"{side} wrote a message")
    if side == "worker":
        _tell_peer_side(referral, emails.referral_message, "referrals.offer")
    else:
        matching.tell_the_worker(referral, emails.referral_message)
    return message


def _peer_recipients(referral: Referral) -> list[User | str]:
    """The matched peer if they sign in; otherwise their coordinators, or its contact address."""
    volunteer = (
        db.session.get(Volunteer, referral.matched_volunteer_id)
        if referral.matched_volunteer_id
        else None
    )
    if volunteer is None:
        return []
    if volunteer.user is not None and volunteer.user.active:
        return [volunteer.user]
    coordinators: list[User | str] = list(coordinators_of(volunteer.organisation_id))
    if coordinators:
        return coordinators
    contact = volunteer.organisation.contact_email
    return [contact] if contact else []


def _tell_peer_side(referral: Referral, build: Callable[..., emails.Email], endpoint: str) -> None:
    details = {
        **matching.facts(referral),
        "link": site_url(endpoint, referral_id=referral.id),
    }
    for recipient in _peer_recipients(referral):
        name = recipient.display_name if isinstance(recipient, User) else ""
        enqueue(recipient, build, name=name, **details)


def peer_reminders(today: date) -> list[OutboxMessage]:
    """Queue, once, a reminder to each peer going with someone to a meeting tomorrow."""
    tomorrow = today + timedelta(days=1)
    referrals = db.session.scalars(
        select(Referral)
        .where(
            Referral.planned_first_meeting == tomorrow,
            Referral.matched_volunteer_id.is_not(None),
            Referral.status.in_(
                (Status.ACCEPTED.value, Status.INTRODUCED.value, Status.FIRST_MEETING_PLANNED.value)
            ),
        )
        .order_by(Referral.id)
    ).all()
    queued = []
    for referral in referrals:
        if consent.current(referral.client, Purpose.SHARE_WITH_PEER, today) is None:
            continue
        meeting = referral.meeting
        details = {
            **matching.facts(referral),
            "at": meeting.start_time.strftime("%H:%M") if meeting else "",
            "link": site_url("referrals.offer", referral_id=referral.id),
        }
        for recipient in _peer_recipients(referral):
            name = recipient.display_name if isinstance(recipient, User) else ""
            key = (PEER_REMINDER, referral.id, tomorrow.isoformat(), 1)
            message = enqueue_once(
                key, recipient, emails.peer_reminder, today, name=name, **details
            )
            if message is not None:
                queued.append(message)
    return queued


def calendar(referral: Referral, host: str, link: str) -> bytes:
    """An iCalendar file with the one first meeting the peer is going to (no client in it)."""
    meeting = referral.meeting
    planned = referral.planned_first_meeting
    if meeting is None or planned is None:
        raise ValueError("a calendar entry needs a listed meeting and a date")
    tz = zone(meeting.timezone)
    start = local_datetime(planned, meeting.start_time, tz)
    if meeting.end_time and meeting.end_time > meeting.start_time:
        end = local_datetime(planned, meeting.end_time, tz)
    else:
        end = start + DEFAULT_LENGTH
    event = Event()
    event.add("uid", f"referral-{referral.id}-{planned.isoformat()}@{host}")
    event.add("dtstamp", datetime.now(UTC))
    event.add("summary", _("Going with someone to %(meeting)s", meeting=meeting.name))
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("url", link)
    if meeting.venue and not meeting.venue.approximate:
        event.add("location", f"{meeting.venue.name}, {meeting.venue.formatted_address}")
    lines = []
    if referral.meeting_point:
        lines.append(_("Meeting point: %(point)s", point=referral.meeting_point))
    if meeting.conference_url:
        lines.append(_("Join online: %(url)s", url=meeting.conference_url))
    duty = referral.organisation.duty_phone
    if duty:
        lines.append(
            _("%(organisation)s duty line: %(phone)s", organisation=referral.organisation.name,
              phone=duty)
        )  # fmt: skip
    lines.append(_("Messages and changes: %(link)s", link=link))
    event.add("description", "\n\n".join(lines))
    cal = Calendar()
    cal.add("prodid", "-//community_hub//Referral handover//EN")
    cal.add("version", "2.0")
    cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())
