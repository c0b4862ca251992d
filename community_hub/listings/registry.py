"""The kinds of listing that share one lifecycle: what each is, and the few ways they differ.

Meetings, venues, resources, peer supporters and recovery champions are each confirmed,
archived, restored, corrected through public suggestions and kept in the change history in
the same way (listings/lifecycle.py, listings/history.py). A new kind is one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask import url_for
from flask_babel import ngettext
from sqlalchemy import inspect

from community_hub.catalogue import lazy_gettext as _l
from community_hub.extensions import db

# Columns no kind records: identity, bookkeeping, and values worked out from others.
# search_text is derived (the words full-text search reads), never an edit of its own.
NEVER_TRACKED = frozenset(
    {"id", "created_at", "updated_at", "lat_band", "organisation_id", "search_text"}
)
# Fields whose labels no form gives.
EXTRA_LABELS = {
    "last_confirmed": _l("Last confirmed"),
    "archived_at": _l("Archived"),
    "hidden_at": _l("Hidden"),
    "consent_at": _l("Consent recorded"),
    "search_engines_consent_at": _l("Agreed to search engines"),
    "consent_note": _l("How consent was given"),
    "monthly_week": _l("How often"),
    "slug": _l("Address of the page"),
    "regions": _l("Regions"),
    "sub_region": _l("Sub-region"),
    "district": _l("District"),
    "entity": _l("Listed by (in the source feed)"),
    "source_slug": _l("Slug in the source feed"),
    "source_id": _l("Source feed"),
    "full_address": _l("Address as given"),
    "state": _l("State or province"),
    "country": _l("Country"),
    "schedules": _l("Opening times"),
    "phones": _l("Phone numbers"),
}


@dataclass(frozen=True)
class Kind:
    """One kind of listing."""

    name: str  # as in URLs: meetings, venues, resources, peers, champions
    model: Callable[[], type]
    label: Any  # lazy text, e.g. "meeting"
    list_endpoint: str  # where coordinators keep this kind
    edit: Callable[[Any], str]  # the edit page of one listing
    form: Callable[[], type] | None = None  # labels of the fields come from its form
    untracked: frozenset[str] = frozenset()
    # Recorded as changed, but the values are never kept (contacts' emails and phones).
    private: frozenset[str] = frozenset()
    # Why a listing may not be archived now, if it may not ("" when it may).
    archive_refusal: Callable[[Any], str] = lambda _listing: ""
    # After a revert: keep what follows from the listing in step (a venue's meetings).
    after_change: Callable[[Any], None] = lambda _listing: None
    # After a revert: raise ValidationFailed if the reverted fields now break a rule.
    check: Callable[[Any, set[str]], None] = lambda _listing, _fields: None
    # Field prefixes of parts kept with the listing ("location." for a resource's place).
    parts: dict[str, Callable[[Any], Any]] = field(default_factory=dict)

    def get(self, listing_id: str) -> Any:
        model = self.model()
        key: Any = listing_id
        if inspect(model).primary_key[0].type.python_type is int:
            if not listing_id.isdigit() or len(listing_id) > 12:
                return None
            key = int(listing_id)
        return db.session.get(model, key)

    def title(self, listing: Any) -> str:
        return str(getattr(listing, "name", None) or getattr(listing, "display_name", ""))

    def tracked(self) -> list[str]:
        return _tracked(self.name)

    def label_for(self, name: str) -> str:
        """A field's label: its form's, else one of ours, else its own name."""
        prefix, _dot, column = name.rpartition(".")
        if prefix in ("schedules", "phones"):  # "schedules.2": the second opening time
            return f"{EXTRA_LABELS[prefix]} {column}"
        form = self.form() if self.form else None
        form_name = "location_name" if name == "location.name" else column
        unbound = getattr(form, form_name, None) if form is not None else None
        text = unbound.args[0] if unbound is not None and getattr(unbound, "args", None) else None
        if text is None:
            text = EXTRA_LABELS.get(column, column.replace("_", " "))
        return str(text)


@cache
def _tracked(kind_name: str) -> list[str]:
    kind = KINDS[kind_name]
    mapper: Any = inspect(kind.model())
    names: list[str] = [column.key for column in mapper.column_attrs]
    return [n for n in names if n not in NEVER_TRACKED and n not in kind.untracked]


def _meeting_model() -> type:
    from community_hub.meetings.models import Meeting

    return Meeting


def _venue_model() -> type:
    from community_hub.meetings.models import Venue

    return Venue


def _service_model() -> type:
    from community_hub.resources.models import Service

    return Service


def _peer_model() -> type:
    from community_hub.people.models import PeerSupporter

    return PeerSupporter


def _champion_model() -> type:
    from community_hub.people.models import RecoveryChampion

    return RecoveryChampion


def _meeting_form() -> type:
    from community_hub.meetings.forms import MeetingForm

    return MeetingForm


def _venue_form() -> type:
    from community_hub.meetings.forms import VenueForm

    return VenueForm


def _resource_form() -> type:
    from community_hub.resources.forms import ResourceForm

    return ResourceForm


def _peer_form() -> type:
    from community_hub.people.forms import PeerForm

    return PeerForm


def _champion_form() -> type:
    from community_hub.people.forms import ChampionForm

    return ChampionForm


def _venue_in_use(venue: Any) -> str:
    live = [m for m in venue.meetings if m.archived_at is None]
    if not live:
        return ""
    return ngettext(
        "%(num)d meeting is held here: move or archive it first.",
        "%(num)d meetings are held here: move or archive them first.",
        len(live),
    )


def _venue_moved(venue: Any) -> None:
    from community_hub.auth.models import utcnow

    for meeting in venue.meetings:
        meeting.refresh_derived()
        meeting.updated_at = utcnow()


def _meeting_rules(meeting: Any, fields: set[str]) -> None:
    """The meeting form's rules, for the fields a revert put back."""
    from community_hub.meetings.services import ValidationFailed, data_of, validate_meeting

    try:
        validate_meeting(data_of(meeting), meeting.organisation)
    except ValidationFailed as failed:
        relevant = {k: v for k, v in failed.errors.items() if k in fields}
        if relevant:
            raise ValidationFailed(relevant) from failed


def _placed_again(listing: Any) -> None:
    """Keep the spatial index's band in step with a position put back by a revert."""
    listing.place_at(listing.latitude, listing.longitude)


def _resource_placed_again(service: Any) -> None:
    if service.location is not None:
        _placed_again(service.location)


CONTACT_DETAILS = frozenset(
    {
        "contact_email", "contact_phone", "contact_2_email", "contact_2_phone",
        "contact_3_email", "contact_3_phone",
    }
)  # fmt: skip
PERSON_PRIVATE = frozenset({"private_phone", "private_email", "consent_note"})
MEETING_DERIVED = frozenset(
    {
        "attendance", "latitude", "longitude", "region", "changes_until", "source_missing",
        "source_id", "source_slug",
    }
)  # fmt: skip

KINDS: dict[str, Kind] = {
    "meetings": Kind(
        "meetings", _meeting_model, _l("meeting"), "manage.dashboard",
        lambda m: url_for("manage.edit_meeting", meeting_id=m.id), _meeting_form,
        untracked=MEETING_DERIVED, private=CONTACT_DETAILS, check=_meeting_rules,
    ),
    "venues": Kind(
        "venues", _venue_model, _l("venue"), "manage.venues",
        lambda v: url_for("manage.edit_venue", venue_id=v.id), _venue_form,
        archive_refusal=_venue_in_use, after_change=_venue_moved,
    ),
    "resources": Kind(
        "resources", _service_model, _l("resource"), "manage_resources.index",
        lambda s: url_for("manage_resources.edit", service_id=s.id), _resource_form,
        parts={"location.": lambda s: s.location}, after_change=_resource_placed_again,
    ),
    "peers": Kind(
        "peers", _peer_model, _l("peer supporter"), "manage_people.dashboard",
        lambda p: url_for("manage_people.edit", kind="peers", listing_id=p.id), _peer_form,
        private=PERSON_PRIVATE, after_change=_placed_again,
        # Derived from the volunteer's record (volunteers/cleared_until.py), not an edit.
        untracked=frozenset({"cleared_until"}),
    ),
    "champions": Kind(
        "champions", _champion_model, _l("recovery champion"), "manage_people.dashboard",
        lambda c: url_for("manage_people.edit", kind="champions", listing_id=c.id),
        _champion_form, private=PERSON_PRIVATE, after_change=_placed_again,
    ),
}  # fmt: skip


def kind_of(listing: Any) -> Kind | None:
    """The kind a listing object is, or None for anything else."""
    return _by_type().get(type(listing))


@cache
def _by_type() -> dict[type, Kind]:
    return {kind.model(): kind for kind in KINDS.values()}
