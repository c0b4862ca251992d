"""The referral state machine: one table of allowed moves, and the FHIR Task status of each.

Some moves belong to the peer (accepting, declining, withdrawing after accepting): they are in
the table, but the worker's move form never offers them (PEER_MOVES). Follow-up answers move a
referral forward on their own (`followups.record`), along FORWARD.
"""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    DRAFT = "draft"
    REQUESTED = "requested"
    MATCHED = "matched"  # a peer has been offered the referral
    ACCEPTED = "accepted"  # the peer (or their coordinator) said yes
    INTRODUCED = "introduced"
    FIRST_MEETING_PLANNED = "first_meeting_planned"
    ATTENDED_FIRST = "attended_first_meeting"
    ENGAGED = "engaged"
    ON_HOLD = "on_hold"
    CLOSED = "closed"


class ClosedReason(enum.StrEnum):
    ENGAGED = "engaged"
    DECLINED_BY_CLIENT = "declined_by_client"
    LOST_TO_FOLLOW_UP = "lost_to_follow_up"
    CANCELLED = "cancelled"
    ENTERED_IN_ERROR = "entered_in_error"


S = Status
ACTIVE = frozenset(set(S) - {S.ON_HOLD, S.CLOSED, S.DRAFT})

# Every allowed move. ON_HOLD returns only to the status it was held from (checked in services).
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.DRAFT: frozenset({S.REQUESTED, S.CLOSED}),
    S.REQUESTED: frozenset({S.MATCHED, S.INTRODUCED, S.FIRST_MEETING_PLANNED, S.ON_HOLD, S.CLOSED}),
    S.MATCHED: frozenset({S.ACCEPTED, S.REQUESTED, S.ON_HOLD, S.CLOSED}),
    S.ACCEPTED: frozenset(
        {S.INTRODUCED, S.FIRST_MEETING_PLANNED, S.REQUESTED, S.ON_HOLD, S.CLOSED}
    ),
    S.INTRODUCED: frozenset(
        {S.FIRST_MEETING_PLANNED, S.ATTENDED_FIRST, S.REQUESTED, S.ON_HOLD, S.CLOSED}
    ),
    S.FIRST_MEETING_PLANNED: frozenset({S.ATTENDED_FIRST, S.REQUESTED, S.ON_HOLD, S.CLOSED}),
    S.ATTENDED_FIRST: frozenset({S.ENGAGED, S.ON_HOLD, S.CLOSED}),
    S.ENGAGED: frozenset({S.ON_HOLD, S.CLOSED}),
    S.ON_HOLD: ACTIVE | frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.REQUESTED}),  # reopening needs a reason
}

# While a referral is in one of these, the matched peer holds it: they see it, and their
# coordinator's offer list shows it (offers.py); it counts as one of their open offers.
PEER_HOLDS = (S.MATCHED.value, S.ACCEPTED.value, S.INTRODUCED.value, S.FIRST_MEETING_PLANNED.value)
# Moves only the peer (or their coordinator) makes: accept, decline, withdraw after accepting.
# Back to 'requested' from introduced or planned is a peer's withdrawal and nothing else.
PEER_MOVES = frozenset(
    {
        (S.MATCHED, S.ACCEPTED),
        (S.MATCHED, S.REQUESTED),
        (S.ACCEPTED, S.REQUESTED),
        (S.INTRODUCED, S.REQUESTED),
        (S.FIRST_MEETING_PLANNED, S.REQUESTED),
    }
)
# The way forward, in order: the move form lists forward moves first, and follow-up answers
# advance a referral along it.
FORWARD = (
    S.DRAFT, S.REQUESTED, S.MATCHED, S.ACCEPTED, S.INTRODUCED, S.FIRST_MEETING_PLANNED,
    S.ATTENDED_FIRST, S.ENGAGED,
)  # fmt: skip

# FHIR R4 Task.status for each of our statuses (closed depends on why).
FHIR_STATUS = {
    S.DRAFT: "draft",
    S.REQUESTED: "requested",
    S.MATCHED: "requested",
    S.ACCEPTED: "accepted",
    S.INTRODUCED: "in-progress",
    S.FIRST_MEETING_PLANNED: "in-progress",
    S.ATTENDED_FIRST: "in-progress",
    S.ENGAGED: "in-progress",
    S.ON_HOLD: "on-hold",
}
FHIR_CLOSED = {
    ClosedReason.ENGAGED: "completed",
    ClosedReason.DECLINED_BY_CLIENT: "rejected",
    ClosedReason.LOST_TO_FOLLOW_UP: "failed",
    ClosedReason.CANCELLED: "cancelled",
    ClosedReason.ENTERED_IN_ERROR: "entered-in-error",
}


def fhir_status(status: str, closed_reason: str = "") -> str:
    if status == S.CLOSED:
        return FHIR_CLOSED[ClosedReason(closed_reason)]
    return FHIR_STATUS[Status(status)]
