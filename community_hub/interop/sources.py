"""Where imported meetings come from, and the slugs they get on our pages.

Slugs belong to their source: meetings are matched by the source's slug within the source,
and a new meeting's own slug is the source's when that is free and readable, else the
source's key in front of it (`kc-369`), 64 characters at most as the Meeting Guide spec asks.
"""

from __future__ import annotations

import re

from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.interop.models import FeedSource
from community_hub.meetings.models import Fellowship, Meeting

SLUG_BATCH = 5000


def direct_source(organisation: Organisation, fellowship: Fellowship) -> FeedSource:
    """The source of files an organisation imports by hand (made on first use)."""
    found = db.session.scalar(
        select(FeedSource).where(
            FeedSource.organisation_id == organisation.id, FeedSource.url == ""
        )
    )
    if found is None:
        found = FeedSource(
            organisation=organisation,
            key=free_key(organisation.slug),
            name=organisation.name,
            fellowship=fellowship,
        )
        db.session.add(found)
        db.session.flush()
    return found


def free_key(wanted: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", wanted.lower()).strip("-")[:30] or "feed"
    key, n = base, 1
    while db.session.scalar(select(FeedSource.id).where(FeedSource.key == key)) is not None:
        n += 1
        key = f"{base}-{n}"
    return key


SPEC_SLUG_LENGTH = 64
READABLE = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")


def _taken(slugs: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(slugs), SLUG_BATCH):
        batch = slugs[start : start + SLUG_BATCH]
        found.update(db.session.scalars(select(Meeting.slug).where(Meeting.slug.in_(batch))))
    return found


def _prefixed(source: FeedSource, slug: str) -> str:
    return f"{source.key}-{slug.lower()}"[:SPEC_SLUG_LENGTH].rstrip("-.")


def public_slugs(source: FeedSource, source_slugs: list[str]) -> dict[str, str]:
    """Our slug for each new meeting: the source's if free and readable, else prefixed with
    the source's key (integer slugs always are), unique across the site, 64 characters at most.
    """
    wanted = {}
    for s in source_slugs:
        readable = READABLE.match(s) and not s.isdigit() and len(s) <= SPEC_SLUG_LENGTH
        wanted[s] = s if readable else _prefixed(source, s)
    taken = _taken(sorted(set(wanted.values())))
    chosen: dict[str, str] = {}
    for s in source_slugs:
        slug = wanted[s]
        if slug in taken and slug == s:  # another meeting has it: this source's own
            slug = _prefixed(source, s)
            taken |= _taken([slug])
        base, n = slug, 1
        while slug in taken:  # rare: one query per clash
            n += 1
            slug = f"{base[: SPEC_SLUG_LENGTH - 1 - len(str(n))]}-{n}"
            taken |= _taken([slug])
        taken.add(slug)
        chosen[s] = slug
    return chosen
