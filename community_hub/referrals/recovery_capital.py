"""BARC-10, the Brief Assessment of Recovery Capital (Vilsaint et al., Drug and Alcohol
Dependence 2017;177:71-76; free to use): ten statements, each from 1 (strongly disagree) to 6
(strongly agree), totalling 10 to 60. Higher is more recovery capital.

Offered at referral (baseline, point 0) and at the 30- and 90-day follow-ups, only with the
client's consent to the outcome purpose (`Purpose.OUTCOME_TO_REFERRER`); skipping it is always
allowed and stores nothing.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from community_hub.auth.models import User
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import audit, consent
from community_hub.referrals.models import FollowUp, Purpose, RecoveryCapital, Referral

ITEMS = (
    _l("There are more important things to me in life than using substances."),
    _l("In general I am happy with my life."),
    _l("I have enough energy to complete the tasks I set myself."),
    _l("I am proud of the community I live in and feel a part of it."),
    _l("I get lots of support from friends."),
    _l("I regard my life as challenging and fulfilling without the need for using drugs or "
       "alcohol."),
    _l("My living space has helped to drive my recovery journey."),
    _l("I take full responsibility for my actions."),
    _l("I am happy dealing with a range of professional people."),
    _l("I am making good progress on my recovery journey."),
)  # fmt: skip
ANSWERS = (
    (1, _l("Strongly disagree")), (2, _l("Disagree")), (3, _l("Somewhat disagree")),
    (4, _l("Somewhat agree")), (5, _l("Agree")), (6, _l("Strongly agree")),
)  # fmt: skip
BASELINE = 0
FOLLOW_UP_POINTS = (30, 90)  # the follow-ups (days) at which it is offered again
POINT_LABELS = {0: _l("At referral"), 30: _l("At 30 days"), 90: _l("At 90 days")}


def point_label(point: int) -> str:
    return str(POINT_LABELS.get(point, _("At %(n)d days", n=point)))


def taken(referral: Referral) -> list[RecoveryCapital]:
    """The client's scores on this referral, earliest first."""
    return list(
        db.session.scalars(
            select(RecoveryCapital)
            .where(RecoveryCapital.referral_id == referral.id)
            .order_by(RecoveryCapital.point)
        )
    )


def recorded_at(referral: Referral, point: int) -> RecoveryCapital | None:
    return db.session.scalar(
        select(RecoveryCapital).where(
            RecoveryCapital.referral_id == referral.id, RecoveryCapital.point == point
        )
    )


def may_offer(referral: Referral, point: int, today: date) -> bool:
    """Offer it at this point: outcome consent is current and it has not been taken yet."""
    if consent.current(referral.client, Purpose.OUTCOME_TO_REFERRER, today) is None:
        return False
    return recorded_at(referral, point) is None


def offered_at_follow_up(follow_up: FollowUp, today: date) -> bool:
    return follow_up.day_offset in FOLLOW_UP_POINTS and may_offer(
        follow_up.referral, follow_up.day_offset, today
    )


def record(
    referral: Referral, point: int, scores: list[int | None], by: User, today: date,
    follow_up: FollowUp | None = None,
) -> RecoveryCapital | None:  # fmt: skip
    """Store ten answers and their total; None (nothing stored) when every answer is blank."""
    if all(score is None for score in scores):
        return None  # skipped: always allowed
    consent.require(referral.client, Purpose.OUTCOME_TO_REFERRER, today)
    if len(scores) != len(ITEMS) or any(s is None or not 1 <= s <= 6 for s in scores):
        raise ValidationFailed(
            {"barc": _("Answer all ten statements, or leave them all blank to skip.")}
        )
    if point not in (BASELINE, *FOLLOW_UP_POINTS):
        raise ValidationFailed({"barc": _("BARC-10 is taken at referral, 30 and 90 days.")})
    if recorded_at(referral, point) is not None:
        raise ValidationFailed({"barc": _("BARC-10 has already been recorded at this point.")})
    values = [int(s or 0) for s in scores]
    row = RecoveryCapital(
        referral_id=referral.id, follow_up_id=follow_up.id if follow_up else None, point=point,
        taken_on=today, total=sum(values), recorded_by_id=by.id,
        **{f"item_{n}": value for n, value in enumerate(values, start=1)},
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    audit.record(by, "update", "referral", referral.id, f"BARC-10 at day {point}")
    return row
