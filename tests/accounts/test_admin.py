"""Administration: organisations, people, leavers, acting for an organisation, start pages."""

from __future__ import annotations

from sqlalchemy import select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.meetings.models import Meeting
from community_hub.referrals.models import AuditEvent
from community_hub.volunteers.models import StageChange, Volunteer
from community_hub.volunteers.services import VolunteerData, add_volunteer
from tests.conftest import PASSWORD
from tests.helpers import page

ORGANISATION = {
    "name": "Don Valley Peers",
    "kind": "peer_group",
    "area": "Doncaster",
    "contact_email": "hello@dvp.example.org",
    "timezone": "Europe/London",
}


def audit_actions(subject_type: str, subject_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
    )


# ---- organisations -----------------------------------------------------------------------------


def test_an_administrator_creates_edits_and_archives_an_organisation(client, auth, make_user):
    auth.login(make_user("admin"))
    created = client.post("/admin/organisations/new", data=ORGANISATION)
    assert created.status_code == 302
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Don Valley Peers"))
    assert (org.slug, org.kind, org.contact_email) == (
        "don-valley-peers", "peer_group", "hello@dvp.example.org"
    )  # fmt: skip

    edited = client.post(
        f"/admin/organisations/{org.id}", data={**ORGANISATION, "timezone": "Europe/Dublin"}
    )
    assert edited.status_code == 302
    client.post(f"/admin/organisations/{org.id}/archive")
    db.session.refresh(org)
    assert org.timezone == "Europe/Dublin" and org.is_archived
    listed = page(client.get("/admin/organisations"))
    assert ">Don Valley Peers</a>" not in listed
    assert ">Don Valley Peers</a>" in page(client.get("/admin/organisations?archived=1"))
    client.post(f"/admin/organisations/{org.id}/restore")
    db.session.refresh(org)
    assert not org.is_archived
    assert audit_actions("organisation", org.id) == ["create", "update", "archive", "restore"]


def test_bad_organisation_details_are_explained_and_nothing_is_saved(client, auth, make_user):
    auth.login(make_user("admin"))
    client.post("/admin/organisations/new", data=ORGANISATION)
    for changes, message in [
        ({"name": ""}, "Enter the name."),
        ({"name": "don valley peers"}, "There is already an organisation with this name."),
        ({"name": "B", "kind": "club"}, "Choose what kind of organisation this is."),
        ({"name": "C", "contact_email": "nope"}, "Enter an email address like name@example.org"),
        ({"name": "D", "timezone": "Mars/Olympus"}, "Choose a time zone such as Europe/London."),
    ]:
        response = client.post("/admin/organisations/new", data={**ORGANISATION, **changes})
        assert response.status_code == 400 and message in page(response), changes
    assert db.session.scalar(select(db.func.count(Organisation.id))) == 1


# ---- people ------------------------------------------------------------------------------------


def test_the_people_list_filters_by_role_organisation_and_activity(client, auth, make_user):
    admin = make_user("admin", display_name="Alex")
    worker = make_user("worker", display_name="Sam")
    make_user("coordinator", display_name="Jo")
    make_user("volunteer", display_name="Dee", active=False)
    auth.login(admin)

    def names(query: str) -> list[str]:
        html = page(client.get("/admin/people" + query))
        return [n for n in ("Alex", "Sam", "Jo", "Dee") if f">{n}</a>" in html]

    assert names("") == ["Alex", "Sam", "Jo", "Dee"]
    assert names("?role=worker") == ["Sam"]
    assert names(f"?organisation={worker.organisation_id}") == ["Sam"]
    assert names("?active=no") == ["Dee"]
    assert names("?signed_in=never") == ["Sam", "Jo", "Dee"]  # Alex has just signed in
    assert names("?signed_in=30") == ["Alex"]


def test_a_coordinator_sees_only_their_own_organisation(client, auth, make_user):
    coordinator = make_user("coordinator")
    colleague = make_user("worker", organisation=coordinator.organisation, display_name="Sam")
    stranger = make_user("worker", display_name="Rhys")
    auth.login(coordinator)
    listed = page(client.get("/admin/people"))
    assert "Sam" in listed and "Rhys" not in listed
    assert client.get(f"/admin/people/{colleague.id}").status_code == 200
    assert client.get(f"/admin/people/{stranger.id}").status_code == 404
    assert client.post(f"/admin/people/{stranger.id}/deactivate").status_code == 404
    # Coordinators do not change roles.
    assert client.post(f"/admin/people/{colleague.id}", data={"role": "admin"}).status_code == 403


def test_a_leaver_is_signed_out_at_once_and_their_records_stay_theirs(app, client, auth, make_user):
    coordinator = make_user("coordinator", display_name="Jo")
    leaver = make_user("coordinator", organisation=coordinator.organisation, display_name="Pat")
    volunteer = add_volunteer(
        VolunteerData(first_name="Kit", contact_preference="none"), coordinator.organisation, leaver
    )
    db.session.commit()
    theirs = app.test_client()
    theirs.post("/login", data={"email": leaver.email, "password": PASSWORD})
    assert theirs.get("/volunteers/").status_code == 200

    admin = make_user("admin")
    auth.login(admin)
    assert client.post(f"/admin/people/{leaver.id}/deactivate").status_code == 302

    assert theirs.get("/volunteers/").status_code == 302  # signed out everywhere
    again = theirs.post("/login", data={"email": leaver.email, "password": PASSWORD})
    assert again.status_code == 400
    history = page(client.get(f"/volunteers/{volunteer.id}"))
    assert "Pat (former member of staff)" in history
    assert db.session.scalar(select(StageChange.changed_by_id)) == leaver.id

    client.post(f"/admin/people/{leaver.id}/reactivate")
    assert (
        theirs.post("/login", data={"email": leaver.email, "password": PASSWORD}).status_code == 302
    )
    assert audit_actions("user", leaver.id) == ["deactivate", "reactivate"]


def test_nobody_can_lock_out_the_site(client, auth, make_user):
    admin = make_user("admin")
    auth.login(admin)
    assert client.post(f"/admin/people/{admin.id}/deactivate").status_code == 403
    assert "Deactivate" not in page(client.get(f"/admin/people/{admin.id}"))
    own_role = client.post(f"/admin/people/{admin.id}", data={"role": "worker"})
    assert own_role.status_code == 400
    db.session.refresh(admin)
    assert admin.active and admin.role == "admin"


def test_changing_a_role_signs_the_person_out_and_is_audited(app, client, auth, make_user):
    worker = make_user("worker")
    theirs = app.test_client()
    theirs.post("/login", data={"email": worker.email, "password": PASSWORD})
    auth.login(make_user("admin"))
    response = client.post(
        f"/admin/people/{worker.id}",
        data={"role": "coordinator", "organisation_id": worker.organisation_id},
    )
    assert response.status_code == 302
    db.session.refresh(worker)
    assert worker.role == "coordinator"
    assert theirs.get("/account").status_code == 302
    assert audit_actions("user", worker.id) == ["role_change"]


# ---- acting for an organisation ----------------------------------------------------------------


def test_an_administrator_acts_for_an_organisation_to_add_its_records(
    client, auth, make_user, make_org, make_fellowship
):
    org = make_org(name="Doncaster Intergroup", kind="fellowship")
    make_fellowship("aa")
    db.session.commit()
    auth.login(make_user("admin"))
    asked = client.get("/volunteers/people/new")
    assert asked.status_code == 302 and "/admin/act-for" in asked.location
    chosen = client.post(
        "/admin/act-for", data={"organisation_id": org.id, "next": "/volunteers/people/new"}
    )
    assert chosen.location.endswith("/volunteers/people/new")
    form = client.get("/volunteers/people/new")
    assert form.status_code == 200 and "You are acting for Doncaster Intergroup" in page(form)
    client.post("/volunteers/people/new", data={"first_name": "Kit", "contact_preference": "none"})
    kit = db.session.scalar(select(Volunteer).where(Volunteer.first_name == "Kit"))
    assert kit.organisation_id == org.id

    client.post("/admin/act-for/stop")
    assert client.get("/manage/meetings/new").status_code == 302
    assert db.session.scalar(select(db.func.count(Meeting.id))) == 0


# ---- start pages -------------------------------------------------------------------------------


def test_each_role_lands_on_its_own_start_page(client, make_user):
    expected = {
        "admin": "/admin/",
        "coordinator": "/manage/",
        "worker": "/referrals/",
        "volunteer": "/volunteers/me",
        "commissioner": "/reports/",
    }
    for role, start in expected.items():
        user = make_user(role)
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.location.endswith(start), role
        assert client.get(response.location).status_code == 200, role
        assert client.get("/home").location.endswith(start), role
        client.post("/logout")


def test_email_preferences_are_kept(client, auth, make_user):
    coordinator = make_user("coordinator")
    auth.login(coordinator)
    client.post("/account/preferences", data={"prefs-language": "cy", "prefs-email_digest": "y"})
    db.session.refresh(coordinator)
    assert (coordinator.language, coordinator.email_digest) == ("cy", True)
    assert client.post("/account/preferences", data={"prefs-language": "xx"}).status_code == 302
    db.session.refresh(coordinator)
    assert coordinator.language == "cy"


def test_new_meetings_and_venues_start_in_the_organisations_time_zone(
    client, auth, make_user, make_org
):
    org = make_org(timezone="America/New_York")
    auth.login(make_user("coordinator", organisation=org))
    for form in ("/manage/meetings/new", "/manage/venues/new"):
        assert 'value="America/New_York"' in page(client.get(form)), form
