"""Reading the HSDS API in tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from community_hub.extensions import db
from community_hub.meetings.models import Meeting
from community_hub.people.models import PeerSupporter
from community_hub.resources.models import Service


def get_page(client, **params: Any) -> dict[str, Any]:
    response = client.get("/api/hsds/services", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def all_items(client, per_page: int = 200) -> list[dict[str, Any]]:
    first = get_page(client, per_page=per_page)
    items = list(first["contents"])
    for number in range(2, first["total_pages"] + 1):
        items += get_page(client, page=number, per_page=per_page)["contents"]
    return items


def public_counts() -> tuple[int, int, int]:
    resources = [s for s in db.session.scalars(select(Service)) if s.is_public]
    peers = [p for p in db.session.scalars(select(PeerSupporter)) if p.is_public]
    meetings = db.session.scalars(select(Meeting).where(Meeting.archived_at.is_(None))).all()
    return len(resources), len(peers), len(meetings)
