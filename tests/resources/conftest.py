"""Factories for community resources: taxonomy terms and resources placed in real towns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask

from community_hub.auth.models import Organisation, User
from community_hub.extensions import db
from community_hub.resources.models import Service, TaxonomyTerm
from community_hub.resources.services import ResourceData, create_resource

TODAY = date(2026, 11, 23)
# Real town centres, for distances that mean something.
TOWNS = {
    "Doncaster": (53.5228, -1.1285),
    "Mexborough": (53.4936, -1.2830),
    "Barnsley": (53.5526, -1.4797),
    "Sheffield": (53.3811, -1.4701),
    "Halifax": (53.7248, -1.8658),
    "Cardiff": (51.4816, -3.1791),
}
CATEGORIES = {
    "recovery_cafe": "Recovery café",
    "drop_in": "Drop-in",
    "sober_living": "Recovery housing",
    "family_support": "Family support",
}


@pytest.fixture
def terms(app: Flask) -> dict[str, TaxonomyTerm]:
    found = {code: TaxonomyTerm(code=code, term=term) for code, term in CATEGORIES.items()}
    db.session.add_all(found.values())
    db.session.commit()
    return found


def resource_data(town: str = "Doncaster", **fields: Any) -> ResourceData:
    """Valid details for a recovery café in a town; any field can be overridden."""
    lat, lng = TOWNS[town]
    fields.setdefault("name", f"{town} Recovery Café")
    fields.setdefault("category", "recovery_cafe")
    fields.setdefault("description", "A dry café run by people in recovery.")
    fields.setdefault("address_1", "1 High Street")
    fields.setdefault("city", town)
    fields.setdefault("latitude", lat)
    fields.setdefault("longitude", lng)
    return ResourceData(**fields)


@pytest.fixture
def make_resource(
    terms: dict[str, TaxonomyTerm], make_org: Callable[..., Organisation]
) -> Callable[..., Service]:
    """A confirmed, active resource in a town; `organisation=`, `last_confirmed=`,
    `archived_at=` and any ResourceData field can be given."""

    def build(town: str = "Doncaster", **fields: Any) -> Service:
        organisation = fields.pop("organisation", None) or make_org()
        confirmed = fields.pop("last_confirmed", TODAY)
        archived_at = fields.pop("archived_at", None)
        service = create_resource(resource_data(town, **fields), organisation, TODAY)
        service.last_confirmed = confirmed
        service.archived_at = archived_at
        db.session.commit()
        return service

    return build


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user("coordinator")
