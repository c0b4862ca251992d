"""Adding and keeping peer and champion listings: consent, hiding, freshness, scoping.

Checks live in people/validation.py, searching in people/search.py and contact requests in
people/contact.py; the public ones are re-exported here so callers need only this module.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from sqlalchemy import select

from community_hub import slugs
from community_hub.auth.models import Organisation, Role, User, utcnow
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.people.contact import (
    create_contact_request,
    handle_contact_request,
    requests_for,
)
from community_hub.people.models import Listing, PeerSupporter, RecoveryChampion, Visibility
from community_hub.people.search import (
    public_champions,
    public_peers,
    search_champions,
    search_peers,
)
from community_hub.people.validation import (
    ChampionData,
    ListingData,
    PeerData,
    is_staff,
    validate_champion,
    validate_peer,
)
from community_hub.people.vocab import to_column

__all__ = [
    "ChampionData",
    "PeerData",
    "ValidationFailed",
    "create_contact_request",
    "handle_contact_request",
    "is_staff",
    "public_champions",
    "public_peers",
    "requests_for",
    "search_champions",
    "search_peers",
]

L = TypeVar("L", PeerSupporter, RecoveryChampion)


def unique_slug(model: type[Listing], *parts: str) -> str:
    return slugs.unique_slug(model.slug, *parts, fallback="meeting")


def _apply_common(listing: Listing, data: ListingData, located: tuple[float, float]) -> None:
    listing.display_name = data.display_name.strip()
    listing.area = data.area.strip()
    listing.centre_place = data.centre_place.strip()
    listing.bio = data.bio.strip()
    listing.bio_cy = data.bio_cy.strip()
    listing.private_phone = data.private_phone.strip()
    listing.private_email = data.private_email.strip().lower()
    listing.place_at(*located)
    listing.updated_at = utcnow()


def apply_peer(peer: PeerSupporter, data: PeerData, located: tuple[float, float]) -> None:
    _apply_common(peer, data, located)
    peer.languages = to_column(data.languages)
    peer.pathways = to_column(data.pathways)
    peer.offers = to_column(data.offers)
    peer.gender = data.gender.strip()
    peer.availability = data.availability.strip()
    peer.paid = data.paid


def apply_champion(
    champion: RecoveryChampion, data: ChampionData, located: tuple[float, float]
) -> None:
    _apply_common(champion, data, located)
    champion.level = data.level
    champion.visibility = data.visibility


def create_peer(data: PeerData, organisation: Organisation, today: date) -> PeerSupporter:
    """Add a peer for an organisation; not public until consent is recorded."""
    located = validate_peer(data)
    peer = PeerSupporter(
        slug=unique_slug(PeerSupporter, data.display_name, data.area),
        organisation=organisation,
        last_confirmed=today,
    )
    apply_peer(peer, data, located)
    db.session.add(peer)
    db.session.flush()
    return peer


def update_peer(peer: PeerSupporter, data: PeerData, today: date) -> PeerSupporter:
    """Change a peer's listing; saving also confirms it is current."""
    apply_peer(peer, data, validate_peer(data))
    peer.last_confirmed = today
    db.session.flush()
    return peer


def create_champion(
    data: ChampionData, organisation: Organisation, today: date
) -> RecoveryChampion:
    """Add a champion for an organisation; not listed until consent is recorded."""
    located = validate_champion(data)
    champion = RecoveryChampion(
        slug=unique_slug(RecoveryChampion, data.display_name, data.area),
        organisation=organisation,
        last_confirmed=today,
    )
    apply_champion(champion, data, located)
    db.session.add(champion)
    db.session.flush()
    return champion


def update_champion(
    champion: RecoveryChampion, data: ChampionData, today: date
) -> RecoveryChampion:
    """Change a champion's listing; saving also confirms it is current."""
    apply_champion(champion, data, validate_champion(data))
    champion.last_confirmed = today
    db.session.flush()
    return champion


def record_consent(
    listing: Listing, recorded_by: User, how: str, search_engines: bool = False
) -> None:
    """Record that the person agreed to be listed (and, separately, to search engines)."""
    how = how.strip()
    if len(how) < 5:
        raise ValidationFailed(
            {"how": "Say how consent was given, for example: in person at supervision, 3 March."}
        )
    if len(how) > 1000:
        raise ValidationFailed({"how": "Keep this under 1,000 characters."})
    listing.consent_at = utcnow()
    listing.consent_recorded_by_id = recorded_by.id
    listing.consent_note = how
    listing.search_engines_consent_at = utcnow() if search_engines else None
    listing.updated_at = utcnow()


def withdraw_consent(listing: Listing) -> None:
    """The person no longer agrees: take the listing down at once and forget the consent."""
    listing.consent_at = None
    listing.search_engines_consent_at = None
    listing.consent_recorded_by_id = None
    listing.hidden_at = listing.hidden_at or utcnow()
    listing.updated_at = utcnow()


def hide(listing: Listing) -> None:
    """Take a listing off public pages immediately; nothing else changes."""
    listing.hidden_at = listing.hidden_at or utcnow()
    listing.updated_at = utcnow()


def show(listing: Listing) -> None:
    """Show a hidden listing again, only while the person's consent is still recorded."""
    if listing.consent_at is None:
        raise ValidationFailed(
            {"consent": "Record the person's consent before showing their listing."}
        )
    if listing.archived_at is not None:
        raise ValidationFailed({"archived": "Restore the listing from the archive first."})
    listing.hidden_at = None
    listing.updated_at = utcnow()


def _scoped(model: type[L], user: User, include_archived: bool) -> list[L]:
    stmt = select(model).order_by(model.display_name, model.id)
    if user.role != Role.ADMIN.value:
        stmt = stmt.where(model.organisation_id == user.organisation_id)
    if not include_archived:
        stmt = stmt.where(model.archived_at.is_(None))
    return list(db.session.scalars(stmt))


def peers_for(user: User, include_archived: bool = False) -> list[PeerSupporter]:
    """The peers a coordinator (their organisation's) or admin (all) manages."""
    return _scoped(PeerSupporter, user, include_archived)


def champions_for(user: User, include_archived: bool = False) -> list[RecoveryChampion]:
    """The champions a coordinator (their organisation's) or admin (all) manages."""
    return _scoped(RecoveryChampion, user, include_archived)


def listed_peer(peer_id: int) -> PeerSupporter | None:
    """A peer the public may see, or None (unknown, unconsented, hidden or archived)."""
    peer = db.session.get(PeerSupporter, peer_id)
    return peer if peer is not None and peer.is_public else None


def listed_champion(champion_id: int, include_private: bool = False) -> RecoveryChampion | None:
    """A champion this viewer may see: public ones, and private ones for staff."""
    champion = db.session.get(RecoveryChampion, champion_id)
    if champion is None or not champion.is_listed:
        return None
    if champion.visibility != Visibility.PUBLIC.value and not include_private:
        return None
    return champion


def status(listing: Listing) -> str:
    """One word for where a listing stands, for coordinators' lists."""
    if listing.archived_at is not None:
        return "archived"
    if listing.consent_at is None:
        return "needs_consent"
    if listing.hidden_at is not None:
        return "hidden"
    if isinstance(listing, RecoveryChampion) and listing.visibility != Visibility.PUBLIC.value:
        return "staff_only"
    return "public"
