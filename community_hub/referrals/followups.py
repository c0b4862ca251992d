"""Follow-ups at about 7, 30 and 90 days after the planned first meeting, and who is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import audit, consent
from community_hub.referrals.models import Client, ContactAttempt, FollowUp, Purpose, Referral
from community_hub.referrals.services import advance
from community_hub.referrals.states import Status
from community_hub.volunteers.reminders import parse_offsets

DEFAULT_OFFSETS = (7, 30, 90)


def with_consents() -> _AbstractLoad:
    """Due lists check each client's consent: load referral, client and consents together.

    Built when used, not at import, so importing this module never configures the mappers
    before every model is defined.
    """
    return (
        selectinload(FollowUp.referral).selectinload(Referral.client).selectinload(Client.consents)
    )


FAILED_ATTEMPTS_FOR_LOST = 3


def offsets() -> tuple[int, ...]:
    """Follow-up days from config (a list, or text such as '7,30,90'), earliest first."""
    if not has_app_context():
        return DEFAULT_OFFSETS
    value = current_app.config.get("FOLLOW_UP_OFFSETS_DAYS", DEFAULT_OFFSETS)
    return tuple(sorted(o for o in parse_offsets(value) if o > 0)) or DEFAULT_OFFSETS


def schedule_follow_ups(referral: Referral, today: date) -> list[FollowUp]:
    """Create the follow-ups as soon as there is a first-meeting date and follow-up consent.

    Called whenever either appears: at creation, when a date is set, when consent is given,
    on every move. Nothing happens for a closed referral, or one already scheduled.
    """
    if referral.planned_first_meeting is None or referral.follow_ups:
        return []
    if referral.status == Status.CLOSED.value:
        return []
    if consent.current(referral.client, Purpose.FOLLOW_UP, today) is None:
        return []
    created = [
        FollowUp(
            referral=referral,
            day_offset=days,
            due_on=referral.planned_first_meeting + timedelta(days=days),
        )
        for days in offsets()
    ]
    db.session.add_all(created)
    db.session.flush()
    return created


def reschedule(referral: Referral) -> None:
    """The first meeting moved: follow-ups not yet made move with it."""
    planned = referral.planned_first_meeting
    if planned is None:
        return
    for follow_up in referral.follow_ups:
        if follow_up.status == "due":
            follow_up.due_on = planned + timedelta(days=follow_up.day_offset)
    db.session.flush()


# A follow-up this many days or more after the first meeting that says "attending weekly"
# means the client is engaged (the 30- and 90-day follow-ups by default).
ENGAGED_FROM_DAY = 30


@dataclass
class FollowUpAnswers:
    attended_first_meeting: bool | None = None
    first_meeting_on: date | None = None
    meetings_since: int | None = None
    attending_weekly: bool | None = None
    has_sponsor_or_mentor: bool | None = None
    doing_service: bool | None = None
    satisfaction: int | None = None
    barriers: str = ""


def record(follow_up: FollowUp, answers: FollowUpAnswers, by: User, today: date) -> None:
    """Record what the client said; needs current follow-up consent."""
    consent.require(follow_up.referral.client, Purpose.FOLLOW_UP, today)
    errors: dict[str, str] = {}
    if answers.first_meeting_on is not None and answers.first_meeting_on > today:
        errors["first_meeting_on"] = _("The first meeting date cannot be in the future.")
    if answers.meetings_since is not None and not 0 <= answers.meetings_since <= 500:
        errors["meetings_since"] = _("Enter how many meetings, from 0 to 500.")
    if answers.satisfaction is not None and not 1 <= answers.satisfaction <= 5:
        errors["satisfaction"] = _("Satisfaction is from 1 to 5.")
    if errors:
        raise ValidationFailed(errors)
    for name, value in vars(answers).items():
        setattr(follow_up, name, value)
    follow_up.status = "done"
    follow_up.completed_on = today
    follow_up.recorded_by_id = by.id
    referral = follow_up.referral
    if answers.attended_first_meeting and answers.first_meeting_on:
        referral.first_meeting_attended_on = answers.first_meeting_on
    audit.record(by, "update", "referral", referral.id, f"follow-up day {follow_up.day_offset}")
    db.session.flush()
    day = follow_up.day_offset
    if answers.attending_weekly and day >= ENGAGED_FROM_DAY:
        advance(referral, Status.ENGAGED, today, f"Automatic: the day {day} follow-up says they "
                "are going to meetings every week.")  # fmt: skip
    elif answers.attended_first_meeting:
        advance(referral, Status.ATTENDED_FIRST, today, f"Automatic: the day {day} follow-up "
                "says they went to a first meeting.")  # fmt: skip


def log_attempt(follow_up: FollowUp, method: str, reached: bool, by: User, today: date) -> bool:
    """Log a contact attempt; returns True when 'lost to follow-up' should now be offered."""
    client = follow_up.referral.client
    consent.require(client, Purpose.FOLLOW_UP, today)
    if client.do_not_contact:
        raise consent.ConsentMissing(_("The client asked not to be contacted."))
    db.session.add(ContactAttempt(follow_up=follow_up, method=method, reached=reached, by_id=by.id))
    db.session.flush()
    audit.record(by, "update", "referral", follow_up.referral_id, f"contact attempt by {method}")
    failed = sum(1 for a in follow_up.attempts if not a.reached)
    return failed >= FAILED_ATTEMPTS_FOR_LOST


def due_for(user: User, today: date) -> tuple[list[FollowUp], list[FollowUp]]:
    """(due today, overdue) follow-ups of the user's organisation that may still be made."""
    rows = db.session.scalars(
        select(FollowUp)
        .join(FollowUp.referral)
        .where(
            Referral.organisation_id == user.organisation_id,
            FollowUp.status == "due",
            FollowUp.due_on <= today,
        )
        .order_by(FollowUp.due_on)
        .options(with_consents())  # one query for every client's consents, not one each
    ).all()
    allowed = [f for f in rows if consent.due_follow_ups_need_consent(f, today)]
    return [f for f in allowed if f.due_on == today], [f for f in allowed if f.due_on < today]
