"""A resource's history includes its place, opening times and phones; its place reverts."""

from __future__ import annotations

from sqlalchemy import select

from community_hub.extensions import db
from community_hub.listings.models import ListingChange
from tests.helpers import page
from tests.resources.test_manage import resource_form


def test_a_resources_place_is_in_its_history_and_reverts(client, auth, coordinator, terms):
    auth.login(coordinator)
    assert client.post("/manage/resources/new", data=resource_form()).status_code == 302
    from community_hub.resources.models import Service

    service = db.session.scalar(select(Service))
    edited = resource_form(city="Mexborough", postcode="S64 9AA", schedule1_opens_at="09:00")
    assert client.post(f"/manage/resources/{service.id}/edit", data=edited).status_code == 302
    change = db.session.scalars(
        select(ListingChange).where(ListingChange.kind == "resources").order_by(ListingChange.id)
    ).all()[-1]
    # One save is one change, however many flushes it took.
    assert change.changes["location.city"] == ["Doncaster", "Mexborough"]
    assert change.changes["schedules.1"] == ["MO,FR 10:00 16:00", "MO,FR 09:00 16:00"]
    html = page(client.get(f"/manage/listings/resources/{service.id}/history"))
    assert "Opening times" in html and "cannot be reverted here" in html
