"""The fellowships every site knows from its first day: AA, NA, CA, SMART Recovery, Al-Anon...

They are reference data shipped with the app (`data/fellowships.json`), not demo data: a new
site made with `flask db upgrade` and `flask init-site` can list meetings and import a feed at
once. `ensure_standard` adds the ones a site lacks and never changes a row that is there, so an
administrator's edits stay.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from community_hub.extensions import db
from community_hub.meetings.models import Fellowship
from community_hub.meetings.types import is_known

CATALOGUE = Path(__file__).parent / "data" / "fellowships.json"


def standard_records() -> list[dict[str, Any]]:
    """The shipped catalogue, checked: every type code must be one the app knows."""
    records: list[dict[str, Any]] = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    for record in records:
        unknown = [c for c in record["type_codes"] if not is_known(c)]
        if unknown:
            raise ValueError(
                f"Fellowship {record['slug']!r} has unknown type codes: {', '.join(unknown)}."
            )
    return records


def fill(fellowship: Fellowship, record: dict[str, Any]) -> None:
    fellowship.name = record["name"]
    fellowship.short_name = record["short_name"]
    fellowship.type_codes = ",".join(record["type_codes"])
    fellowship.description = record.get("description", "")
    fellowship.website = record.get("website", "")


def ensure_standard() -> list[str]:
    """Add the standard fellowships this site lacks (the caller commits); their slugs."""
    have = set(db.session.scalars(select(Fellowship.slug)))
    added = []
    for record in standard_records():
        if record["slug"] not in have:
            fellowship = Fellowship(slug=record["slug"])
            fill(fellowship, record)
            db.session.add(fellowship)
            added.append(record["slug"])
    db.session.flush()
    return added


def known_slugs() -> list[str]:
    return list(db.session.scalars(select(Fellowship.slug).order_by(Fellowship.slug)))
