"""A peer supporter's profile linked to the volunteer record behind it (one each way).

The link is what lets a peer be matched to go with clients (their record's checks clear them)
and, when the volunteer can sign in, lets them see offers and log hours. It is set or cleared
from either edit form; both organisation sides must be the same.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.people.models import PeerSupporter
from community_hub.volunteers.models import Stage, Volunteer


def peer_of(volunteer: Volunteer) -> PeerSupporter | None:
    return db.session.scalar(
        select(PeerSupporter).where(PeerSupporter.volunteer_id == volunteer.id)
    )


def linkable_volunteers(organisation_id: int) -> list[Volunteer]:
    """Everyone in the programme who has not left, by first name."""
    return list(
        db.session.scalars(
            select(Volunteer)
            .where(Volunteer.organisation_id == organisation_id, Volunteer.stage != Stage.LEFT)
            .order_by(Volunteer.first_name, Volunteer.id)
        )
    )


def linkable_peers(organisation_id: int) -> list[PeerSupporter]:
    """The organisation's peer supporter profiles that are not archived."""
    return list(
        db.session.scalars(
            select(PeerSupporter)
            .where(
                PeerSupporter.organisation_id == organisation_id,
                PeerSupporter.archived_at.is_(None),
            )
            .order_by(PeerSupporter.display_name, PeerSupporter.id)
        )
    )


def link(peer: PeerSupporter | None, volunteer: Volunteer | None, *, field: str) -> None:
    """Link a profile and a record, replacing any earlier link of either; None unlinks.

    `field` names the form field to blame, as each form offers only one side.
    """
    if peer is not None and volunteer is not None:
        if peer.organisation_id != volunteer.organisation_id:
            raise ValidationFailed({field: _("Choose someone from the same organisation.")})
        for other in db.session.scalars(
            select(PeerSupporter).where(
                PeerSupporter.volunteer_id == volunteer.id, PeerSupporter.id != peer.id
            )
        ):
            other.volunteer_id = None
        db.session.flush()  # the old link goes before the new one takes the unique slot
        peer.volunteer_id = volunteer.id


def link_volunteer_to_peer(volunteer: Volunteer, peer_id: int) -> None:
    """From the volunteer's form: 0 unlinks their profile, else links the chosen one."""
    current = peer_of(volunteer)
    if not peer_id:
        if current is not None:
            current.volunteer_id = None
        return
    peer = db.session.get(PeerSupporter, peer_id)
    if peer is None or peer.organisation_id != volunteer.organisation_id:
        raise ValidationFailed({"peer_id": _("Choose one of your organisation's peer profiles.")})
    if current is not None and current.id != peer.id:
        current.volunteer_id = None
        db.session.flush()
    link(peer, volunteer, field="peer_id")


def link_peer_to_volunteer(peer: PeerSupporter, volunteer_id: int) -> None:
    """From the peer's form: 0 unlinks their record, else links the chosen one."""
    if not volunteer_id:
        peer.volunteer_id = None
        return
    volunteer = db.session.get(Volunteer, volunteer_id)
    if volunteer is None or volunteer.organisation_id != peer.organisation_id:
        raise ValidationFailed({"volunteer_id": _("Choose one of your organisation's volunteers.")})
    link(peer, volunteer, field="volunteer_id")
