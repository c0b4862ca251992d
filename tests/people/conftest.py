"""Factories for peer supporters, recovery champions and contact requests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from community_hub.auth.models import Organisation, User
from community_hub.extensions import db
from community_hub.people.models import PeerSupporter, RecoveryChampion

TODAY = date(2026, 11, 23)
# Real town centres, for distances that mean something.
TOWNS = {
    "Doncaster": (53.5228, -1.1285),
    "Mexborough": (53.4936, -1.2830),
    "Barnsley": (53.5526, -1.4797),
    "Sheffield": (53.3811, -1.4701),
    "Halifax": (53.7248, -1.8658),
    "Cardiff": (51.4816, -3.1791),
    "Newport": (51.5842, -2.9977),
}


@pytest.fixture
def make_peer(make_org: Callable[..., Organisation]) -> Callable[..., PeerSupporter]:
    """A public (consented) peer in Doncaster unless told otherwise; `town=` places it."""
    counter = iter(range(1, 10_000))

    def build(town: str = "Doncaster", **fields: Any) -> PeerSupporter:
        n = next(counter)
        if "organisation" not in fields:
            fields["organisation"] = make_org()
        fields.setdefault("slug", f"peer-{n}")
        fields.setdefault("display_name", f"Peer{n}")
        fields.setdefault("area", f"{town} and around")
        fields.setdefault("centre_place", town)
        fields.setdefault("languages", ",en,")
        fields.setdefault("offers", ",accompany,one_to_one,")
        fields.setdefault("pathways", ",aa,alcohol,")
        fields.setdefault("private_phone", f"07700 900{n:03d}")
        fields.setdefault("private_email", f"peer{n}.private@example.org")
        fields.setdefault("consent_at", datetime(2026, 11, 1, 10, 0))
        fields.setdefault("consent_note", "Agreed in person.")
        fields.setdefault("last_confirmed", TODAY)
        peer = PeerSupporter(**fields)
        peer.place_at(*TOWNS[town])
        db.session.add(peer)
        db.session.commit()
        return peer

    return build


@pytest.fixture
def make_champion(make_org: Callable[..., Organisation]) -> Callable[..., RecoveryChampion]:
    """A public, consented community champion in Doncaster unless told otherwise."""
    counter = iter(range(1, 10_000))

    def build(town: str = "Doncaster", **fields: Any) -> RecoveryChampion:
        n = next(counter)
        if "organisation" not in fields:
            fields["organisation"] = make_org()
        fields.setdefault("slug", f"champion-{n}")
        fields.setdefault("display_name", f"Champ{n}")
        fields.setdefault("area", town)
        fields.setdefault("level", "community")
        fields.setdefault("visibility", "public")
        fields.setdefault("private_phone", f"07700 900{500 + n:03d}")
        fields.setdefault("private_email", f"champ{n}.private@example.org")
        fields.setdefault("consent_at", datetime(2026, 11, 1, 10, 0))
        fields.setdefault("last_confirmed", TODAY)
        champion = RecoveryChampion(**fields)
        champion.place_at(*TOWNS[town])
        db.session.add(champion)
        db.session.commit()
        return champion

    return build


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user("coordinator")


@pytest.fixture
def contact_form() -> Callable[..., dict[str, Any]]:
    def build(**fields: Any) -> dict[str, Any]:
        data: dict[str, Any] = {
            "first_name": "Jamie",
            "contact_method": "phone",
            "reply_phone": "07700 900999",
            "reply_email": "",
            "message": "Evenings are best.",
            "consent": "y",
        }
        data.update(fields)
        return {k: v for k, v in data.items() if v is not None}

    return build
