"""Open Referral UK records: our HSDS records, kept to the UK profile's fields.

The UK profile has no field for some things people need (a phone number, who a service is
for, how to get in, a meeting's joining link or dial-in), so those are added to the
description as labelled lines: the same public facts the HSDS export and the pages show, in
a field every consumer reads. A meeting's joining link is also its schedule's
`schedule_link`. Terms (category, fellowship, meeting types, offers, pathways, languages)
are attributes from oruk_taxonomies.py, with their stable ids. `last_modified` is the later of
the listing's and its organisation's change times, as `modified_after` filters.
"""

from __future__ import annotations

from typing import Any

from community_hub.interop.hsds import Record, _timestamp
from community_hub.interop.hsds_kinds import HSDS_RECORD, Kind, hsds_record
from community_hub.interop.oruk_profile import to_profile
from community_hub.interop.oruk_taxonomies import Term, all_terms, attributes, language_names
from community_hub.meetings.models import Meeting

Terms = dict[str, Term]


def terms_by_id() -> Terms:
    """Every term of every taxonomy, by id (read once per request that needs attributes)."""
    return {term.id: term for term in all_terms()}


def _languages(codes: list[str]) -> str:
    names = language_names()
    return ", ".join(str(names.get(code, code)) for code in codes)


def _lines(owner: str, listing: Any) -> list[str]:
    """The facts the UK profile has no field for, as "Label: value" lines."""
    pairs: list[tuple[str, str]] = []
    if owner == "resource":
        pairs += [
            ("Also known as", listing.alternate_name),
            ("Who it is for", listing.eligibility_description),
            ("How to use it", listing.application_process),
            ("Recovery pathways welcome", listing.pathways_welcome),
        ]
        for phone in listing.phones:
            described = f" ({phone.description})" if phone.description else ""
            pairs.append(("Phone", f"{phone.number}{described}"))
    elif owner == "meeting":
        pairs += [
            ("Group", listing.group_name),
            ("Join online", listing.conference_url),
            ("Join by phone", listing.conference_phone),
        ]
    if owner in ("resource", "peer"):
        pairs.append(("Languages", _languages(listing.language_list)))
    return [f"{label}: {value}" for label, value in pairs if value]


def _for_the_uk(owner: str, listing: Any, record: Record, terms: Terms | None) -> Record:
    """An HSDS service record with the UK profile's own fields filled in."""
    uk = dict(record)
    lines = _lines(owner, listing)
    if lines:
        uk["description"] = "\n\n".join([record.get("description", ""), "\n".join(lines)]).strip()
    if record.get("fees_description"):
        uk["fees"] = record["fees_description"]
    for age in ("minimum_age", "maximum_age"):
        if getattr(listing, age, None) is not None:
            uk[age] = getattr(listing, age)
    uk["last_modified"] = _timestamp(max(listing.updated_at, listing.organisation.updated_at))
    if terms is not None:
        found = attributes(owner, record["id"], listing, terms)
        uk["attributes"] = found
        if not found:
            del uk["attributes"]
        uk.pop("languages", None)  # the profile keeps only ids of languages: see attributes
    if isinstance(listing, Meeting) and listing.conference_url and "schedules" in uk:
        uk["schedules"] = [s | {"schedule_link": listing.conference_url} for s in uk["schedules"]]
    return uk


def service(kind: Kind, row: Any, full: bool, terms: Terms | None = None) -> Record:
    """A service for /services (a list item) or /services/{id} (full, with attributes)."""
    listing = kind.listing(row)
    record = HSDS_RECORD[kind.owner](listing, full)
    uk = _for_the_uk(kind.owner, listing, record, terms if full else None)
    return to_profile(uk, "service" if full else "service_list")


def place(kind: Kind, row: Any, full: bool, terms: Terms | None = None) -> Record:
    """A service_at_location for /service_at_locations (list) or its {id} (full)."""
    listing = kind.listing(row)
    record = hsds_record(kind, row, full)
    record["service"] = _for_the_uk(kind.owner, listing, record["service"], terms if full else None)
    return to_profile(record, "service_at_location" if full else "service_at_location_list")
