"""A council's sync job against the Open Referral UK API: everything once, then exactly what
changed since (modified_after), through the app's own ways of changing listings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from community_hub.accounts.organisations import OrganisationData, update_organisation
from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.interop.hsds import stable_id
from community_hub.interop.resources_csv import resource_data
from community_hub.listings import lifecycle
from community_hub.listings.registry import KINDS
from community_hub.meetings.models import Meeting, Venue
from community_hub.meetings.venues import VenueData, save_venue
from community_hub.people import services as people
from community_hub.people.models import PeerSupporter
from community_hub.resources.models import Service
from community_hub.resources.services import update_resource
from tests.oruk_helpers import all_items, by_id, get

LISTS = ("/services", "/service_at_locations")
TODAY = date(2026, 12, 1)


def fetch(client: Any, **params: Any) -> dict[str, dict[str, dict[str, Any]]]:
    """What the job reads: every service and every place, by id."""
    return {path: by_id(all_items(client, path, **params)) for path in LISTS}


def rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def first(model: Any, *where: Any) -> Any:
    return db.session.scalars(select(model).where(*where).order_by(model.id)).first()


def public_services_of(organisation_id: int) -> set[str]:
    ids = {s.id for s in db.session.scalars(select(Service)) if s.is_public}
    ids = {i for i in ids if db.session.get(Service, i).organisation_id == organisation_id}
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.organisation_id == organisation_id)
    ).all()
    peers = db.session.scalars(
        select(PeerSupporter).where(PeerSupporter.organisation_id == organisation_id)
    ).all()
    return (
        ids
        | {stable_id("meeting", m.slug) for m in meetings if m.archived_at is None}
        | {stable_id("peer", p.slug) for p in peers if p.is_public}
    )


def test_a_councils_sync_job_gets_exactly_the_changes(demo_region, client, make_user):
    admin = make_user("admin")
    peer = first(PeerSupporter, PeerSupporter.consent_at.is_not(None))
    people.hide(peer)  # off the directory before the first sync; shown again below
    db.session.commit()
    peer_id = peer.id

    # 1. The job notes the time by its own clock, then fetches everything.
    started = datetime.now(UTC)
    before = fetch(client)
    assert before["/services"] and stable_id("peer", peer.slug) not in before["/services"]

    # 2. A few records change, each the way the app changes it.
    resource = first(Service, Service.slug == "the-beacon-recovery-cafe-doncaster")
    data = resource_data(resource)
    data.description = "Hot food, games and company, run by people in recovery."
    update_resource(resource, data, TODAY)
    confirmed = first(Meeting, Meeting.organisation_id != resource.organisation_id)
    lifecycle.confirm(confirmed, TODAY)
    venue = db.session.scalars(select(Venue).where(Venue.meetings.any()).order_by(Venue.id)).first()
    save_venue(
        venue,
        VenueData(
            name=venue.name, address=venue.address, city=venue.city, postcode=venue.postcode,
            region=venue.region, latitude=venue.latitude, longitude=venue.longitude,
            timezone=venue.timezone, location_notes=venue.location_notes,
            accessibility_notes="Step-free entrance at the back; hearing loop.",
        ),
        venue.organisation,
    )  # fmt: skip
    shown = db.session.get(PeerSupporter, peer_id)
    people.show(shown)
    renamed = first(Organisation, Organisation.slug == "calder-aire-recovery-cafes")
    update_organisation(
        renamed,
        OrganisationData(name="Calder and Aire Recovery Cafés CIC", kind=renamed.kind,
                         area=renamed.area, contact_email=renamed.contact_email),
        admin,
    )  # fmt: skip
    touched = {confirmed.id, *(m.id for m in venue.meetings)}
    gone = first(Meeting, Meeting.id.not_in(touched), Meeting.organisation_id != renamed.id)
    lifecycle.archive(KINDS["meetings"], gone)
    db.session.commit()
    changed_ids = (
        {resource.id, stable_id("meeting", confirmed.slug), stable_id("peer", shown.slug)}
        | {stable_id("meeting", m.slug) for m in venue.meetings if m.archived_at is None}
        | public_services_of(renamed.id)
    )
    gone_id = stable_id("meeting", gone.slug)
    assert gone_id not in changed_ids and len(changed_ids) > 5

    # 3. The next run asks only for what changed since it started.
    changes = fetch(client, modified_after=rfc3339(started))

    # 4. Exactly the changes came back, each as a full fetch now shows it.
    after = fetch(client)
    assert set(changes["/services"]) == changed_ids
    assert {p["service_id"] for p in changes["/service_at_locations"].values()} <= changed_ids
    for path in LISTS:
        for record_id, record in changes[path].items():
            assert record == after[path][record_id]
            assert record != before[path].get(record_id)
        # The job's copy, updated with the changes, is the directory now, except for the
        # meeting that was archived: records that leave are not listed, so a full sync now
        # and then drops them.
        copy = before[path] | changes[path]
        assert {k: v for k, v in copy.items() if k in after[path]} == after[path]
    assert set(before["/services"]) | set(changes["/services"]) == set(after["/services"]) | {
        gone_id
    }

    # last_modified is to the second: changes on or after the start's second, the rest before.
    def modified(record: dict[str, Any]) -> datetime:
        return datetime.fromisoformat(record["last_modified"])

    assert all(modified(r) >= started.replace(microsecond=0) for r in changes["/services"].values())
    unchanged = set(after["/services"]) - changed_ids
    assert all(modified(after["/services"][i]) <= started for i in unchanged)

    # A run right after finds nothing new.
    assert get(client, "/services", modified_after=rfc3339(datetime.now(UTC)))["empty"]


def test_modified_after_is_on_or_after_to_the_microsecond(app, client, make_meeting):
    meeting = make_meeting()
    stamp = datetime(2026, 12, 1, 9, 30, 15, 123456)
    meeting.updated_at = stamp
    meeting.organisation.updated_at = stamp - timedelta(days=30)  # its name is older
    db.session.commit()
    record_id = stable_id("meeting", meeting.slug)
    at = stamp.replace(tzinfo=UTC)

    def found(moment: str) -> set[str]:
        return set(by_id(all_items(client, "/services", modified_after=moment)))

    assert found(rfc3339(at)) == {record_id}
    assert found(rfc3339(at + timedelta(microseconds=1))) == set()
    assert found("2026-12-01T10:30:15.123456+01:00") == {record_id}  # the same moment
    assert found("2026-12-01T09:30:15.123456") == {record_id}  # no offset: UTC
    assert found("2026-12-01") == {record_id}  # a date: its midnight
    assert found("2026-12-02") == set()
    # Its organisation's details are part of its record: renaming it is a change to it too.
    meeting.organisation.updated_at = stamp + timedelta(hours=1)
    db.session.commit()
    assert found("2026-12-01T10:00:00Z") == {record_id}
