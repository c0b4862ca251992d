"""The demo resources load from seed/ on top of the main seed, as often as you like."""

from __future__ import annotations

from datetime import timedelta

from community_hub.extensions import db
from community_hub.freshness import is_stale
from community_hub.resources.models import Location, Phone, Schedule, Service, TaxonomyTerm
from community_hub.resources.seed import load_resources
from community_hub.resources.services import search_resources
from community_hub.seed import DEFAULT_DIRECTORY, load_seed

from .conftest import TODAY, TOWNS

DEMO_TOWNS = {
    "Doncaster", "Mexborough", "Halifax", "Keighley", "Bradford", "Barnsley", "Sheffield",
    "Scunthorpe", "Burnley", "Accrington", "Blackburn", "Clitheroe", "Nelson", "Cardiff",
    "Swansea", "Newport",
}  # fmt: skip


def snapshot() -> dict[str, tuple[str, ...]]:
    return {
        model.__name__: tuple(sorted(db.session.scalars(db.select(model.id))))
        for model in (Service, Location, Schedule, Phone, TaxonomyTerm)
    }


def beacon() -> Service:
    found = db.session.scalar(
        db.select(Service).where(Service.slug == "the-beacon-recovery-cafe-doncaster")
    )
    assert found is not None and found.last_confirmed is not None
    return found


def test_the_seed_loads_at_least_40_resources_twice_without_duplicates(app):
    load_seed(today=TODAY)

    loaded = load_resources(DEFAULT_DIRECTORY, TODAY)
    db.session.commit()
    first, age = snapshot(), TODAY - beacon().last_confirmed
    later = TODAY + timedelta(days=30)
    again = load_resources(DEFAULT_DIRECTORY, later)
    db.session.commit()

    assert loaded == again >= 40
    assert len(first["Service"]) == loaded
    assert snapshot() == first  # the same rows, with the same UUIDs
    # Dates are as old relative to the loading day as they were on 2026-11-23.
    assert later - beacon().last_confirmed == age


def test_the_demo_resources_cover_the_region_realistically(app):
    load_seed(today=TODAY)
    load_resources(DEFAULT_DIRECTORY, TODAY)
    services = db.session.scalars(db.select(Service)).all()

    towns = {s.location.city for s in services if s.location and s.location.city}
    assert towns == DEMO_TOWNS
    assert {s.taxonomy_term.code for s in services if s.taxonomy_term} >= {
        "recovery_cafe", "drop_in", "sober_living", "education_training_employment",
        "family_support", "social_enterprise",
    }  # fmt: skip
    housing = [s for s in services if s.taxonomy_term and s.taxonomy_term.code == "sober_living"]
    assert housing and all(
        s.location.approximate and not s.location.address_1 and not s.location.postcode
        for s in housing
    )
    assert sum(1 for s in services if s.name_cy) >= 5
    stale = [s for s in services if s.archived_at is None and is_stale(s, TODAY)]
    assert 3 <= len(stale) <= len(services) // 3

    results = search_resources(*TOWNS["Doncaster"], radius_km=20)
    assert results[0][1].location.city == "Doncaster"
    assert [km for km, _s, _p in results] == sorted(km for km, _s, _p in results)
    assert all(s.status != "defunct" and s.archived_at is None for _km, s, _p in results)
