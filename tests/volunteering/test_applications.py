"""Applying to volunteer: an Enquiry volunteer, its history, one email per coordinator with no
applicant details; the honeypot, the rate limit, and bad input saving nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.jobs.models import OutboxMessage
from community_hub.volunteering.models import VolunteeringApplication
from community_hub.volunteers.models import Stage, Volunteer
from tests.helpers import page


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def nothing_saved() -> bool:
    return count(Volunteer) == count(VolunteeringApplication) == count(OutboxMessage) == 0


@pytest.fixture
def opening(make_opportunity, make_user, programme):
    """An open opportunity of a group with two coordinators (and one in another group)."""
    make_user("coordinator", organisation=programme.org, email="sam@example.org")
    return make_opportunity()


def test_applying_makes_an_enquiry_volunteer_and_tells_each_coordinator(
    client, opening, application_form, programme
):
    response = client.post(f"/volunteer/{opening.slug}", data=application_form())

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/volunteer/{opening.slug}/thanks")
    thanks = page(client.get(response.headers["Location"]))
    assert (
        "Thank you for applying" in thanks
        and "Don Valley Recovery Mentors will be in touch" in thanks
    )
    assert "Kerry" not in thanks and "07700 900456" not in thanks

    volunteer = db.session.scalars(select(Volunteer)).one()
    assert (volunteer.first_name, volunteer.stage, volunteer.source) == (
        "Kerry", Stage.ENQUIRY.value, "application",
    )  # fmt: skip
    assert (volunteer.organisation_id, volunteer.phone, volunteer.email) == (
        programme.org.id, "07700 900456", "",
    )  # fmt: skip
    assert (volunteer.contact_preference, volunteer.availability) == (
        "phone", "Tuesday and Thursday afternoons",
    )  # fmt: skip
    history = [(h.from_stage, h.to_stage, h.changed_by_id, h.reason) for h in volunteer.history]
    assert history == [(None, "enquiry", None, "Applied online: Peer mentor")]
    application = db.session.scalars(select(VolunteeringApplication)).one()
    assert (application.opportunity_id, application.volunteer_id) == (opening.id, volunteer.id)
    assert application.about.startswith("Two years sober")
    assert application.consent_at is not None and application.erased_at is None

    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.recipient)).all()
    assert [m.recipient for m in mail] == ["jo@example.org", "sam@example.org"]
    for message in mail:
        assert message.kind == "volunteering_application"
        assert f"/volunteers/{volunteer.id}" in message.body_text
        assert "Peer mentor" in message.subject
        for secret in ("Kerry", "07700 900456", "Two years sober", "Tuesday"):
            assert secret not in message.subject + message.body_text + message.body_html


def test_coordinators_see_where_the_volunteer_came_from(
    client, auth, opening, application_form, programme
):
    client.post(f"/volunteer/{opening.slug}", data=application_form())
    volunteer = db.session.scalars(select(Volunteer)).one()
    auth.login(programme.coordinator)

    record = page(client.get(f"/volunteers/{volunteer.id}"))
    assert "Applied online for Peer mentor on" in record
    assert "Two years sober; I would like to give something back." in record
    listing = page(client.get("/volunteers/opportunities/"))
    assert "<td>1</td>" in listing  # one application
    applied = page(client.get("/volunteers/people?source=application"))
    assert "Kerry" in applied and "<td>Applied online</td>" in applied
    assert "Kerry" not in page(client.get("/volunteers/people?source=import"))
    assert "Kerry" not in page(client.get("/volunteers/people?source="))  # added by staff


def test_an_email_address_can_be_the_way_to_get_in_touch(client, opening, application_form):
    form = application_form(
        contact_method="email", reply_email="kerry@example.org", reply_phone="07700 900456"
    )

    assert client.post(f"/volunteer/{opening.slug}", data=form).status_code == 303

    volunteer = db.session.scalars(select(Volunteer)).one()
    assert (volunteer.contact_preference, volunteer.email, volunteer.phone) == (
        "email", "kerry@example.org", "",
    )  # fmt: skip


def test_the_honeypot_looks_like_success_and_saves_nothing(client, opening, application_form):
    robot = client.post(
        f"/volunteer/{opening.slug}", data=application_form(nickname="http://spam.example")
    )
    assert nothing_saved()
    robot_thanks = client.get(robot.headers["Location"]).get_data()

    person = client.post(f"/volunteer/{opening.slug}", data=application_form())

    assert (robot.status_code, robot.headers["Location"]) == (
        person.status_code, person.headers["Location"],
    )  # fmt: skip
    assert robot_thanks == client.get(person.headers["Location"]).get_data()
    assert count(VolunteeringApplication) == 1


def test_the_honeypot_is_hidden_from_people_but_labelled_for_screen_readers(client, opening):
    html = page(client.get(f"/volunteer/{opening.slug}"))

    trap = html[html.index('<div class="visually-hidden">') :]
    trap = trap[: trap.index("</div>")]
    assert '<label for="nickname">Leave this empty</label>' in trap
    assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"first_name": ""}, "Enter your first name, or the name you use."),
        ({"first_name": "K" * 61}, "60 characters or fewer"),
        ({"contact_method": ""}, "Choose how we should contact you: phone or email."),
        ({"reply_phone": "call me"}, "Enter a phone number we can call or text"),
        (
            {"contact_method": "email", "reply_email": "kerry@"},
            "Enter an email address like name@example.org.",
        ),
        ({"availability": ""}, "Tell us when you could usually volunteer."),
        ({"availability": "a" * 501}, "under 500 characters"),
        ({"about": "a" * 2001}, "under 2,000 characters"),
        (
            {"consent": None},
            "Tick the box to agree that Don Valley Recovery Mentors may keep your details",
        ),
    ],
)
def test_bad_input_is_explained_with_400_and_nothing_is_saved(
    client, opening, application_form, change, message
):
    response = client.post(f"/volunteer/{opening.slug}", data=application_form(**change))

    html = page(response)
    assert response.status_code == 400
    assert 'class="error-summary"' in html and message in html
    assert nothing_saved()


def test_the_consent_names_the_organisation_and_the_retention(client, opening):
    html = page(client.get(f"/volunteer/{opening.slug}"))

    assert (
        "I agree that Don Valley Recovery Mentors may keep these details to contact me "
        "about volunteering" in html
    )
    assert "your details are deleted after 180 days" in html


def test_a_closed_opportunity_takes_no_applications(client, opening, application_form):
    opening.published_at = None
    db.session.commit()

    response = client.post(f"/volunteer/{opening.slug}", data=application_form())

    assert response.status_code == 404
    assert nothing_saved()
    assert client.get(f"/volunteer/{opening.slug}/thanks").status_code == 404


def test_no_applicant_details_reach_the_logs(client, opening, application_form, caplog):
    with caplog.at_level("DEBUG"):
        client.post(f"/volunteer/{opening.slug}", data=application_form())

    assert "07700 900456" not in caplog.text and "Kerry" not in caplog.text


class TestRateLimit:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"RATELIMIT_ENABLED": True}

    def test_applications_are_limited_per_address_and_only_when_posting(
        self, client, opening, application_form
    ):
        address = {"REMOTE_ADDR": "192.0.2.7"}
        codes = [
            client.post(
                f"/volunteer/{opening.slug}", data=application_form(), environ_base=address
            ).status_code
            for _ in range(6)
        ]

        assert codes == [303] * 5 + [429]
        assert count(VolunteeringApplication) == 5
        assert client.get(f"/volunteer/{opening.slug}", environ_base=address).status_code == 200
        other = {"REMOTE_ADDR": "192.0.2.8"}
        response = client.post(
            f"/volunteer/{opening.slug}", data=application_form(), environ_base=other
        )
        assert response.status_code == 303


class TestConfiguredRateLimit:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"RATELIMIT_ENABLED": True, "APPLICATION_RATE_LIMIT": "1 per hour"}

    def test_the_limit_is_configurable(self, client, opening, application_form):
        codes = [
            client.post(f"/volunteer/{opening.slug}", data=application_form()).status_code
            for _ in range(2)
        ]

        assert codes == [303, 429]
