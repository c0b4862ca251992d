"""Load the demo peers and champions in seed/peers.json and seed/champions.json.

Idempotent: records are matched on `slug` and updated in place. Run after the main seed
(community_hub.seed.load_seed), which creates the organisations and users named here.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.auth.services import find_user
from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.people.models import Listing, PeerSupporter, RecoveryChampion
from community_hub.people.services import apply_champion, apply_peer
from community_hub.people.validation import (
    ChampionData,
    ListingData,
    PeerData,
    validate_champion,
    validate_peer,
)
from community_hub.seed import read_records, shifted_date

# Dates in the files are as of this day; loading shifts them to be as old relative to today.
SEED_UPDATED_AT = datetime(2026, 11, 23, 9, 0, 0)
Record = dict[str, Any]


def _moment(iso_date: str | None, today: date) -> datetime | None:
    return datetime.combine(shifted_date(iso_date, today), time(10, 0)) if iso_date else None


def _organisation(slug: str, owner: str) -> Organisation:
    organisation = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        raise ValueError(f"{owner} names unknown organisation {slug!r}: load the main seed first.")
    return organisation


def _common(record: Record) -> dict[str, Any]:
    return {
        name: record.get(name, default)
        for name, default in (
            ("display_name", ""),
            ("area", ""),
            ("centre_place", ""),
            ("latitude", None),
            ("longitude", None),
            ("bio", ""),
            ("private_phone", ""),
            ("private_email", ""),
        )
    }


def _lifecycle(listing: Listing, record: Record, today: date) -> None:
    """Consent, hiding, archiving and freshness as the file says, dated relative to today."""
    consent = record.get("consent")
    if consent:
        recorder = find_user(consent.get("recorded_by", ""))
        listing.consent_at = _moment(consent["date"], today)
        listing.consent_recorded_by_id = recorder.id if recorder else None
        listing.consent_note = consent.get("how", "")
    else:
        listing.consent_at = None
        listing.consent_recorded_by_id = None
        listing.consent_note = ""
    listing.hidden_at = _moment(record.get("hidden"), today)
    listing.archived_at = _moment(record.get("archived"), today)
    confirmed = record.get("last_confirmed")
    listing.last_confirmed = shifted_date(confirmed, today) if confirmed else None
    listing.updated_at = SEED_UPDATED_AT


def _upsert(model: type[Listing], record: Record) -> Any:
    slug = record["slug"]
    organisation = _organisation(record["organisation"], f"{model.__name__} {slug!r}")
    listing = db.session.scalar(select(model).where(model.slug == slug))
    if listing is None:
        listing = model(slug=slug, organisation=organisation)  # type: ignore[call-arg]
        db.session.add(listing)
    listing.organisation = organisation
    return listing


def _checked(kind: str, slug: str, data: ListingData) -> tuple[float, float]:
    try:
        if isinstance(data, PeerData):
            return validate_peer(data)
        assert isinstance(data, ChampionData)
        return validate_champion(data)
    except ValidationFailed as failed:
        raise ValueError(f"{kind} {slug!r}: {failed}") from failed


def load_people(directory: str, today: date) -> dict[str, int]:
    """Upsert the demo peers and champions from `directory`; the caller commits."""
    peer_records = read_records(directory, "peers.json")
    champion_records = read_records(directory, "champions.json")
    for record in peer_records:
        data = PeerData(
            **_common(record),
            languages=record.get("languages", ["en"]),
            gender=record.get("gender", ""),
            pathways=record.get("pathways", []),
            offers=record.get("offers", []),
            availability=record.get("availability", ""),
            paid=bool(record.get("paid", False)),
        )
        located = _checked("Peer", record["slug"], data)
        peer = _upsert(PeerSupporter, record)
        apply_peer(peer, data, located)
        _lifecycle(peer, record, today)
    for record in champion_records:
        champion_data = ChampionData(
            **_common(record),
            level=record.get("level", ""),
            visibility=record.get("visibility", "public"),
        )
        located = _checked("Champion", record["slug"], champion_data)
        champion = _upsert(RecoveryChampion, record)
        apply_champion(champion, champion_data, located)
        _lifecycle(champion, record, today)
    db.session.flush()
    return {"peers": len(peer_records), "champions": len(champion_records)}
