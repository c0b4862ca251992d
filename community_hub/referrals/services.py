"""Clients and referrals: create, move through the state machine, scope to the organisation."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from community_hub.auth.models import User, utcnow
from community_hub.catalogue import lazy_gettext as _l
from community_hub.dates import long_date
from community_hub.extensions import db
from community_hub.geo.geocode import OUTWARD_CODE
from community_hub.meetings import occurrences
from community_hub.meetings.models import Meeting
from community_hub.meetings.present import schedule
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import audit, consent, targets
from community_hub.referrals.models import Client, Purpose, Referral, ReferralChange
from community_hub.referrals.states import (
    FORWARD,
    PEER_HOLDS,
    PEER_MOVES,
    TRANSITIONS,
    ClosedReason,
    Status,
)

REFERENCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/]{1,39}$")
LINK_METHODS = ("signpost", "in_session_call", "warm_handover", "accompanied")
CONTACT_METHODS = ("phone", "text", "email", "letter", "in_person")
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
BIRTH_DECADES = tuple(f"{y}s" for y in range(1930, 2020, 10))


class TransitionRefused(ValueError):
    """A move the state machine does not allow, explained."""


@dataclass
class ClientData:
    reference: str
    birth_decade: str = ""
    gender: str = ""
    preferred_language: str = "en"
    preferred_contact: str = "phone"
    do_not_contact: bool = False
    postcode_district: str = ""
    substances: str = ""
    goal: str = ""


def client_problems(data: ClientData) -> dict[str, str]:
    """What is wrong with a client's details, field by field (the reference is checked apart)."""
    errors: dict[str, str] = {}
    district = data.postcode_district.strip().upper()
    if district and not OUTWARD_CODE.match(district):
        errors["postcode_district"] = _("Only the first part of the postcode, like DN4 or CF24.")
    if data.birth_decade and data.birth_decade not in BIRTH_DECADES:
        errors["birth_decade"] = _("Choose a decade of birth, or leave it blank.")
    if data.preferred_contact not in CONTACT_METHODS:
        errors["preferred_contact"] = _("Choose how the client prefers to be contacted.")
    if data.substances not in ("", "drugs", "alcohol", "both"):
        errors["substances"] = _("Choose drugs, alcohol or both.")
    if data.goal not in ("", "abstinence", "medication_assisted", "controlled"):
        errors["goal"] = _("Choose the client's goal, or leave it blank.")
    if data.preferred_language.strip() and not LANGUAGE_RE.match(data.preferred_language.strip()):
        errors["preferred_language"] = _("Use a language code, like en, cy or pl.")
    return errors


def _apply(client: Client, data: ClientData) -> None:
    client.birth_decade = data.birth_decade
    client.gender = data.gender.strip()[:60]
    client.preferred_language = data.preferred_language.strip().lower()[:10] or "en"
    client.preferred_contact = data.preferred_contact
    client.do_not_contact = data.do_not_contact
    client.postcode_district = data.postcode_district.strip().upper()
    client.substances = data.substances
    client.goal = data.goal


def add_client(data: ClientData, by: User) -> Client:
    """A pseudonymous client record, unique by reference within the worker's organisation."""
    errors = client_problems(data)
    reference = data.reference.strip()
    if not REFERENCE_RE.match(reference):
        errors["reference"] = _(
            "Use your service's client reference: 2 to 40 letters, digits, - _ or /. Never a name."
        )
    elif db.session.scalar(
        select(Client.id).where(
            Client.organisation_id == by.organisation_id, Client.reference == reference
        )
    ):
        errors["reference"] = _("Your organisation already has a client with that reference.")
    if errors:
        raise ValidationFailed(errors)
    client = Client(organisation_id=by.organisation_id, reference=reference, created_by_id=by.id)
    _apply(client, data)
    db.session.add(client)
    db.session.flush()
    audit.record(by, "create", "client", client.id)
    return client


def update_client(client: Client, data: ClientData, by: User) -> None:
    """Change a client's details (not the reference), audited."""
    errors = client_problems(data)
    if errors:
        raise ValidationFailed(errors)
    _apply(client, data)
    db.session.flush()
    audit.record(by, "update", "client", client.id, "details")


def client_for(user: User, client_id: int) -> Client:
    """The client, if the user's organisation holds them; 404 otherwise (existence not leaked)."""
    client = db.session.get(Client, client_id)
    if client is None or client.organisation_id != user.organisation_id:
        abort(404)
    audit.record(user, "view", "client", client.id)
    return client


def load(referral_id: int) -> Referral | None:
    """A referral with its client, meeting and fellowship, which its pages and matching
    read, in one statement rather than one each."""
    found = db.session.execute(_with_parts(), {"referral_id": referral_id})
    return found.scalar_one_or_none()


@functools.cache
def _with_parts() -> Select[Referral]:
    """Built once: SQLAlchemy works out a statement's cache key once per statement object,
    and a new one for every load took a third of its time (0.3-0.4 ms of 1.2)."""
    return (
        select(Referral)
        .where(Referral.id == bindparam("referral_id"))
        .options(
            joinedload(Referral.client),
            joinedload(Referral.meeting).joinedload(Meeting.fellowship),
        )
    )


def referral_for(user: User, referral_id: int) -> Referral:
    referral = load(referral_id)
    if referral is None or referral.organisation_id != user.organisation_id:
        abort(404)
    audit.record(user, "view", "referral", referral.id)
    return referral


@dataclass
class ReferralData:
    link_method: str
    meeting_id: int | None = None
    peer_id: int | None = None
    service_id: str | None = None
    group_name: str = ""
    made_by: str = "worker"
    peer_gender_preference: str = ""
    planned_first_meeting: date | None = None
    note: str = ""


def referral_problems(data: ReferralData, today: date) -> dict[str, str]:
    """What is wrong with a referral's details, field by field (empty when it is fine)."""
    errors: dict[str, str] = {}
    chosen = [data.meeting_id, data.peer_id, data.service_id, data.group_name.strip() or None]
    if sum(t is not None for t in chosen) != 1:
        errors["target"] = _("Choose one meeting, peer supporter, resource or group to refer to.")
    meeting = targets.listed_meeting(data.meeting_id)
    if data.meeting_id is not None and meeting is None:
        errors["target"] = _("That meeting is no longer listed.")
    if data.peer_id is not None and targets.listed_peer(data.peer_id) is None:
        errors["target"] = _("That peer supporter is no longer listed.")
    if data.service_id is not None and targets.listed_service(data.service_id) is None:
        errors["target"] = _("That resource is no longer listed.")
    if data.link_method not in LINK_METHODS:
        errors["link_method"] = _("Choose how the link is made.")
    if data.made_by not in ("worker", "peer"):
        errors["made_by"] = _("Choose who makes the link: you or a peer.")
    problem = date_problem(meeting, data.planned_first_meeting, today)
    if problem:
        errors["planned_first_meeting"] = problem
    return errors


def date_problem(meeting: Meeting | None, planned: date | None, today: date) -> str:
    """Why a planned first meeting date will not do (empty when it will)."""
    if planned is None:
        return ""
    if planned < today:
        return _("The first meeting cannot be planned in the past.")
    if meeting is not None and not occurrences.meets_on(meeting, planned):
        return _(
            "%(name)s is not held then (%(schedule)s): choose one of its dates, such as %(date)s.",
            name=meeting.shown_name,
            schedule=schedule(meeting),
            date=long_date(occurrences.next_date(meeting, planned)),
        )
    return ""


def needs_share_consent(data: ReferralData) -> bool:
    """A peer goes with the client: the peer must be told who, so consent comes first."""
    return data.link_method == "accompanied" and data.made_by == "peer"


SHARE_FIRST = _l(
    "A peer can only go with the client if the client agrees to share their reference, the "
    "meeting and the time with the peer. Ask them and tick that consent, or choose another "
    "way to make the link."
)


def make_referral(client: Client, data: ReferralData, by: User, today: date) -> Referral:
    """A referral straight to 'requested' (the worker is in the session with the client)."""
    errors = referral_problems(data, today)
    if client.organisation_id != by.organisation_id:
        errors["client"] = _("That client belongs to another organisation.")
    if (
        needs_share_consent(data)
        and consent.current(client, Purpose.SHARE_WITH_PEER, today) is None
    ):
        errors["consent_share_with_peer"] = str(SHARE_FIRST)
    if errors:
        raise ValidationFailed(errors)
    referral = Referral(
        organisation_id=by.organisation_id,
        client=client,
        created_by=by,
        meeting_id=data.meeting_id,
        peer_id=data.peer_id,
        service_id=data.service_id,
        group_name=data.group_name.strip()[:200],
        link_method=data.link_method,
        made_by=data.made_by,
        peer_gender_preference=data.peer_gender_preference.strip()[:60],
        planned_first_meeting=data.planned_first_meeting,
        note=data.note.strip()[:2000],
        status=Status.DRAFT.value,
    )
    db.session.add(referral)
    db.session.flush()
    audit.record(by, "create", "referral", referral.id, f"{data.link_method} by {data.made_by}")
    move(referral, Status.REQUESTED, by, today)
    from community_hub.referrals.followups import schedule_follow_ups

    schedule_follow_ups(referral, today)  # a date and follow-up consent already: schedule now
    return referral


def move(
    referral: Referral, to: Status, by: User | None, today: date, reason: str = "",
    closed_reason: str = "",
) -> ReferralChange:  # fmt: skip
    """Move a referral, or raise TransitionRefused saying why not."""
    current = Status(referral.status)
    if to not in TRANSITIONS[current]:
        raise TransitionRefused(
            _("A %(current)s referral cannot become %(to)s.", current=current.value, to=to.value)
        )
    if current == Status.ON_HOLD and to != Status.CLOSED and to.value != referral.held_from:
        raise TransitionRefused(
            _(
                "This referral was on hold from %(held_from)s: resume to it.",
                held_from=referral.held_from,
            )
        )
    if current == Status.CLOSED and not reason.strip():
        raise TransitionRefused(_("Say why the referral is being reopened."))
    if to == Status.CLOSED:
        if closed_reason not in {r.value for r in ClosedReason}:
            raise TransitionRefused(_("Choose why the referral is closed."))
        referral.closed_reason = closed_reason
        if closed_reason != ClosedReason.ENGAGED:
            # Nobody should chase a client who declined, was lost, or was never referred.
            for follow_up in referral.follow_ups:
                if follow_up.status == "due":
                    follow_up.status = "cancelled"
    else:
        referral.closed_reason = ""
    if to == Status.ON_HOLD:
        referral.held_from = current.value
    if to == Status.MATCHED and referral.matched_volunteer_id is None:
        raise TransitionRefused(_("Match a cleared peer before offering the referral."))
    peer_hands_back = (current, to) in PEER_MOVES and current != Status.MATCHED
    if peer_hands_back and referral.matched_volunteer_id is None:
        raise TransitionRefused(_("Only the peer going with the client can hand it back."))
    if to == Status.REQUESTED and current.value in PEER_HOLDS:
        referral.matched_volunteer_id = None
    change = ReferralChange(
        referral=referral, from_status=current.value, to_status=to.value,
        changed_by_id=by.id if by else None, reason=reason.strip()[:2000],
    )  # fmt: skip
    referral.status = to.value
    referral.updated_at = utcnow()
    db.session.add(change)
    db.session.flush()
    audit.record(by, "transition", "referral", referral.id, f"{current.value} -> {to.value}")
    if to != Status.CLOSED:
        from community_hub.referrals.followups import schedule_follow_ups

        schedule_follow_ups(referral, today)
    return change


def advance(referral: Referral, to: Status, today: date, reason: str) -> list[ReferralChange]:
    """Move forward to `to` on the facts (a follow-up answer), as automatic moves.

    Goes step by step along FORWARD where the table allows (never through a peer's move), so
    a referral still 'requested' when the client says they went becomes 'first meeting
    planned' and then 'went to a first meeting'. A referral on hold, closed, waiting for a
    peer's answer, or already there or beyond stays as it is.
    """
    path = _forward_path(Status(referral.status), to)
    return [move(referral, step, None, today, reason) for step in path]


# Steps a follow-up answer never takes on the worker's behalf: offering to a peer, and
# "introduced" (only the worker knows that happened).
AUTOMATIC_SKIPS = (Status.MATCHED, Status.INTRODUCED)


def _forward_path(start: Status, goal: Status) -> list[Status]:
    """The shortest way forward from `start` to `goal`, one allowed move at a time."""
    if start not in FORWARD or FORWARD.index(start) >= FORWARD.index(goal):
        return []
    paths: dict[Status, list[Status]] = {start: []}
    queue = [start]
    while queue:
        here = queue.pop(0)
        if here == goal:
            return paths[here]
        for step in sorted(TRANSITIONS[here] & set(FORWARD), key=FORWARD.index):
            ahead = FORWARD.index(here) < FORWARD.index(step) <= FORWARD.index(goal)
            allowed = (here, step) not in PEER_MOVES and step not in AUTOMATIC_SKIPS
            if ahead and allowed and step not in paths:
                paths[step] = [*paths[here], step]
                queue.append(step)
    return []


def use_warm_handover(referral: Referral, by: User, today: date, why: str) -> None:
    """No peer can go with the client: the worker introduces them instead (recorded)."""
    if referral.status != Status.REQUESTED.value or referral.made_by != "peer":
        raise TransitionRefused(_("Only a referral waiting for a peer can change to a handover."))
    referral.link_method = "warm_handover"
    referral.made_by = "worker"
    referral.updated_at = utcnow()
    db.session.add(
        ReferralChange(
            referral=referral, from_status=referral.status, to_status=referral.status,
            changed_by_id=by.id, reason=f"Changed to a warm handover by the worker: {why}"[:2000],
        )
    )  # fmt: skip
    db.session.flush()
    audit.record(by, "update", "referral", referral.id, "accompanied -> warm handover")


def unmatch(referral: Referral, by: User | None, reason: str) -> None:
    """Return a referral to matching (a peer declined, or consent to share was withdrawn)."""
    move(referral, Status.REQUESTED, by, referral.updated_at.date(), reason)
