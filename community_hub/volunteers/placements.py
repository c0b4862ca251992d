"""The placement state machine: one table of allowed moves, checks before going active."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from community_hub.auth.models import User
from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db
from community_hub.volunteers import hold_reasons
from community_hub.volunteers.placement_models import (
    EndReason,
    Placement,
    PlacementChange,
)
from community_hub.volunteers.placement_models import (
    PlacementStatus as S,
)
from community_hub.volunteers.requirements import gaps

# Every allowed move. Anything not listed is refused.
TRANSITIONS: dict[S, frozenset[S]] = {
    S.PROPOSED: frozenset({S.AGREED, S.CANCELLED}),
    S.AGREED: frozenset({S.INDUCTION, S.CANCELLED}),
    S.INDUCTION: frozenset({S.ACTIVE, S.CANCELLED}),
    S.ACTIVE: frozenset({S.ON_HOLD, S.ENDED}),
    S.ON_HOLD: frozenset({S.ACTIVE, S.ENDED}),
    S.ENDED: frozenset(),
    S.CANCELLED: frozenset(),
}
LABELS = {
    S.PROPOSED: _l("Proposed"),
    S.AGREED: _l("Agreed"),
    S.INDUCTION: _l("Induction"),
    S.ACTIVE: _l("Active"),
    S.ON_HOLD: _l("On hold"),
    S.ENDED: _l("Ended"),
    S.CANCELLED: _l("Cancelled"),
}


class TransitionRefused(ValueError):
    """A move the rules do not allow, with the reason in plain words."""


def allowed_moves(placement: Placement) -> list[S]:
    return sorted(TRANSITIONS[S(placement.status)], key=list(S).index)


def move(
    placement: Placement,
    to: S,
    by: User | None,
    today: date,
    reason: str = "",
    end_reason: str = "",
) -> PlacementChange:
    """Move a placement, or raise TransitionRefused explaining why not."""
    current = S(placement.status)
    if to not in TRANSITIONS[current]:
        raise TransitionRefused(
            _(
                "A placement that is %(current)s cannot become %(to)s.",
                current=str(LABELS[current]).lower(),
                to=str(LABELS[to]).lower(),
            )
        )
    if to == S.ACTIVE:
        if placement.volunteer.is_paused:
            raise TransitionRefused(
                _("%(name)s has paused volunteering.", name=placement.volunteer.first_name)
            )
        missing = gaps(placement.volunteer, placement.role, placement.host_organisation_id, today)
        if missing:
            listed = "; ".join(g.describe() for g in missing)
            raise TransitionRefused(_("Not every check is current: %(listed)s.", listed=listed))
        placement.started_on = placement.started_on or today
        placement.hold_reason = ""
    if to == S.ENDED:
        if end_reason not in {r.value for r in EndReason}:
            raise TransitionRefused(_("Choose why the placement ended."))
        placement.end_reason = end_reason
        placement.ended_on = today
    if to == S.ON_HOLD:
        placement.hold_reason = reason.strip()
    change = PlacementChange(
        placement=placement,
        from_status=current.value,
        to_status=to.value,
        changed_by=by,
        reason=reason.strip()[:2000],
    )
    placement.status = to.value
    db.session.add(change)
    db.session.flush()
    return change


def hold_uncleared(today: date, organisation_id: int | None = None) -> list[Placement]:
    """Put active placements on hold where a required check or course is missing or expired.

    The reason is stored as a code (hold_reasons.py) and put into words for each reader.
    """
    stmt = select(Placement).where(Placement.status == S.ACTIVE.value)
    if organisation_id is not None:
        stmt = stmt.where(Placement.organisation_id == organisation_id)
    held = []
    for placement in db.session.scalars(stmt).all():
        missing = gaps(placement.volunteer, placement.role, placement.host_organisation_id, today)
        if placement.volunteer.is_paused:
            reason = hold_reasons.PAUSED
        elif missing:
            reason = hold_reasons.for_gaps(missing)
        else:
            continue
        move(placement, S.ON_HOLD, None, today, reason=reason)
        held.append(placement)
    return held
