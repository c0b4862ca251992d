"""Invitations: the first administrator, who may invite whom, and a link that works once."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, text

from community_hub.accounts import invitations
from community_hub.accounts.models import Invitation
from community_hub.auth.models import User, utcnow
from community_hub.extensions import db
from community_hub.jobs.models import MailStatus, OutboxMessage
from community_hub.jobs.outbox import deliver_due
from community_hub.referrals.models import AuditEvent
from community_hub.volunteers.models import Volunteer
from tests.accounts.conftest import link_in, queued
from tests.conftest import PASSWORD
from tests.helpers import page

NEW_PASSWORD = "a long new password here"


def accept(client, link_path: str, name: str = "Ada", password: str = NEW_PASSWORD):
    token = link_path.split("token=", 1)[1]
    return client.post(
        "/invitation",
        data={"token": token, "display_name": name, "password": password, "confirm": password},
    )


# ---- the first administrator -----------------------------------------------------------------


def test_init_site_invites_the_first_administrator_and_prints_the_link(runner, client, path_of):
    result = runner.invoke(args=["init-site", "--admin-email", "First@Example.org"])
    assert result.exit_code == 0, result.output
    printed = next(line for line in result.output.splitlines() if "token=" in line)
    (message,) = queued("first@example.org", "invitation")
    assert link_in(message) == printed  # the email carries the same link

    response = accept(client, path_of(printed), name="Alex")
    assert response.status_code == 302
    admin = db.session.scalar(select(User).where(User.email == "first@example.org"))
    assert (admin.role, admin.display_name, admin.organisation_id) == ("admin", "Alex", None)
    assert client.get("/admin/").status_code == 200  # signed in as the new administrator

    again = runner.invoke(args=["init-site", "--admin-email", "second@example.org"])
    assert again.exit_code != 0 and "already has an administrator" in again.output


def test_init_site_refuses_a_bad_address(runner):
    result = runner.invoke(args=["init-site", "--admin-email", "not an address"])
    assert result.exit_code != 0 and "email address" in result.output
    assert db.session.scalar(select(db.func.count(Invitation.id))) == 0


# ---- the link ----------------------------------------------------------------------------------


def test_only_a_hash_of_the_token_is_stored_anywhere(app, make_user, path_of):
    admin = make_user("admin")
    _invitation, link = invitations.invite("kim@example.org", "commissioner", None, admin)
    db.session.commit()
    token = link.split("token=")[1]
    with db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).all()  # noqa: S608
            assert token not in repr(rows), f"the token is stored in {table}"


def test_a_link_works_once(client, make_user, path_of):
    admin = make_user("admin")
    _invitation, link = invitations.invite("kim@example.org", "commissioner", None, admin)
    db.session.commit()
    first = client.get(path_of(link))
    assert first.status_code == 200 and "kim@example.org" in page(first)
    assert first.headers["Referrer-Policy"] == "no-referrer"
    assert accept(client, path_of(link)).status_code == 302
    client.post("/logout")
    gone = accept(client, path_of(link), name="Someone else")
    assert gone.status_code == 404 and "no longer works" in page(gone)
    assert db.session.scalar(select(db.func.count(User.id)).where(User.role == "commissioner")) == 1


def test_a_link_expires_after_the_configured_hours(app, client, make_user, path_of):
    admin = make_user("admin")
    invitation, link = invitations.invite("kim@example.org", "commissioner", None, admin)
    assert invitation.expires_at - invitation.created_at == timedelta(
        hours=app.config["INVITATION_HOURS"]
    )
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path_of(link)).status_code == 404
    assert accept(client, path_of(link)).status_code == 404


def test_a_revoked_invitation_is_never_sent(app, make_user):
    admin = make_user("admin")
    invitation, _link = invitations.invite("kim@example.org", "commissioner", None, admin)
    invitations.revoke(invitation, admin)
    db.session.commit()
    app.config["MAIL_PORT"] = 1  # delivery would fail if it tried
    report = deliver_due()
    assert report.cancelled == 1 and report.sent == report.retrying == []
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.status == MailStatus.CANCELLED.value


def test_sending_a_new_link_stops_the_old_one(client, make_user, path_of):
    admin = make_user("admin")
    _old, old_link = invitations.invite("kim@example.org", "commissioner", None, admin)
    _new, new_link = invitations.invite("kim@example.org", "commissioner", None, admin)
    db.session.commit()
    assert client.get(path_of(old_link)).status_code == 404
    assert client.get(path_of(new_link)).status_code == 200


def test_choosing_a_weak_password_explains_and_saves_nothing(client, make_user, path_of):
    admin = make_user("admin")
    _invitation, link = invitations.invite("kim@example.org", "commissioner", None, admin)
    db.session.commit()
    weak = accept(client, path_of(link), password="short")
    assert weak.status_code == 400 and "Use at least 12 characters." in page(weak)
    mismatch = client.post(
        "/invitation",
        data={"token": link.split("token=")[1], "display_name": "Kim", "password": NEW_PASSWORD,
              "confirm": NEW_PASSWORD + "x"},
    )  # fmt: skip
    assert mismatch.status_code == 400 and "not the same" in page(mismatch)
    assert db.session.scalar(select(User).where(User.email == "kim@example.org")) is None
    assert accept(client, path_of(link)).status_code == 302  # still usable


def test_staff_are_asked_to_set_up_two_step_sign_in(client, make_user, path_of):
    admin = make_user("admin")
    _invitation, link = invitations.invite("kim@example.org", "commissioner", None, admin)
    db.session.commit()
    response = accept(client, path_of(link))
    assert response.location.endswith("/account?welcome=1")
    welcome = page(client.get(response.location))
    assert "One more step: two-step sign-in" in welcome


def test_no_token_reaches_the_apps_logs(app, client, make_user, path_of, caplog):
    caplog.set_level(logging.DEBUG)
    admin = make_user("admin")
    _invitation, link = invitations.invite("kim@example.org", "commissioner", None, admin)
    db.session.commit()
    client.get(path_of(link))
    accept(client, path_of(link), password="short")
    accept(client, path_of(link))
    assert link.split("token=")[1] not in caplog.text


# ---- who may invite whom -----------------------------------------------------------------------


def test_coordinators_invite_workers_and_volunteers_to_their_own_organisation(
    client, auth, make_user, make_org
):
    coordinator = make_user("coordinator")
    other = make_org()
    auth.login(coordinator)
    form = client.get("/admin/people/invite")
    roles = [r for r in ("admin", "commissioner", "coordinator", "worker", "volunteer")
             if f'value="{r}"' in page(form)]  # fmt: skip
    assert roles == ["worker", "volunteer"]

    ok = client.post(
        "/admin/people/invite",
        data={"email": "w@example.org", "role": "worker",
              "organisation_id": coordinator.organisation_id},
    )  # fmt: skip
    assert ok.status_code == 302
    for role, organisation_id in [
        ("admin", coordinator.organisation_id),
        ("commissioner", coordinator.organisation_id),
        ("worker", other.id),
    ]:
        refused = client.post(
            "/admin/people/invite",
            data={"email": f"{role}@example.org", "role": role, "organisation_id": organisation_id},
        )
        assert refused.status_code == 400, role
        assert 'class="error-summary"' in page(refused)
    assert [i.email for i in db.session.scalars(select(Invitation))] == ["w@example.org"]


@pytest.mark.parametrize(
    ("email", "role", "organisation", "message"),
    [
        ("nope", "worker", True, "Enter an email address like name@example.org."),
        ("taken@example.org", "worker", True, "There is already an account"),
        ("x@example.org", "worker", False, "Choose the organisation they will belong to."),
        ("x@example.org", "admin", True, "A site administrator belongs to no organisation."),
        ("x@example.org", "wizard", True, "Choose one of the roles"),
    ],
)
def test_bad_invitations_are_explained_and_nothing_is_saved(
    client, auth, make_user, make_org, email, role, organisation, message
):
    admin = make_user("admin")
    make_user("coordinator", email="taken@example.org")
    org = make_org()
    auth.login(admin)
    response = client.post(
        "/admin/people/invite",
        data={"email": email, "role": role, "organisation_id": org.id if organisation else 0},
    )
    assert response.status_code == 400 and message in page(response)
    assert db.session.scalar(select(db.func.count(Invitation.id))) == 0
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 0


def test_an_archived_organisation_takes_no_new_people(make_user, make_org):
    org = make_org(archived_at=utcnow())
    with pytest.raises(invitations.ValidationFailed, match="archived"):
        invitations.invite("x@example.org", "worker", org, make_user("admin"))


# ---- volunteers' own sign-in -------------------------------------------------------------------


def test_inviting_from_a_volunteers_record_links_the_new_account(client, auth, make_user, path_of):
    coordinator = make_user("coordinator")
    volunteer = Volunteer(
        organisation_id=coordinator.organisation_id, first_name="Dee", email="dee@example.org"
    )
    db.session.add(volunteer)
    db.session.commit()
    auth.login(coordinator)
    assert client.post(f"/volunteers/{volunteer.id}/invite").status_code == 302
    record = page(client.get(f"/volunteers/{volunteer.id}"))
    assert "Invited on" in record
    auth.logout()

    (message,) = queued("dee@example.org", "invitation")
    assert accept(client, path_of(link_in(message)), name="Dee").location.endswith("/volunteers/me")
    db.session.refresh(volunteer)
    assert volunteer.user is not None and volunteer.user.email == "dee@example.org"
    assert "Dee" in page(client.get("/volunteers/me"))


def test_a_volunteer_invited_by_email_is_linked_to_the_only_matching_record(
    client, make_user, path_of
):
    coordinator = make_user("coordinator")
    volunteer = Volunteer(
        organisation_id=coordinator.organisation_id, first_name="Dee", email="Dee@Example.org"
    )
    db.session.add(volunteer)
    db.session.flush()
    _invitation, link = invitations.invite(
        "dee@example.org", "volunteer", coordinator.organisation, coordinator
    )
    db.session.commit()
    accept(client, path_of(link), name="Dee")
    db.session.refresh(volunteer)
    assert volunteer.user_id is not None


def test_every_invitation_and_acceptance_is_audited(client, make_user, path_of):
    admin = make_user("admin")
    invitation, link = invitations.invite("kim@example.org", "commissioner", None, admin)
    db.session.commit()
    accept(client, path_of(link))
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.subject_type == "invitation", AuditEvent.subject_id == invitation.id
        )
    ).all()
    assert actions == ["invite", "accept"]


def test_a_signed_in_person_is_asked_to_sign_out_before_accepting(client, auth, make_user, path_of):
    admin = make_user("admin")
    _invitation, link = invitations.invite("kim@example.org", "commissioner", None, admin)
    db.session.commit()
    auth.login(make_user("worker", password=PASSWORD))
    response = client.get(path_of(link))
    assert response.status_code == 200 and "sign out first" in page(response)
