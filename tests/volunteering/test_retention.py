"""Applications that never move on lose the applicant's details after
APPLICATION_RETENTION_DAYS, through the daily job (`flask reminders`); the counts stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.volunteering.models import VolunteeringApplication
from community_hub.volunteering.retention import ERASED_NAME
from community_hub.volunteers import services
from community_hub.volunteers.models import Stage, Volunteer
from tests.helpers import page, reload
from tests.volunteers.factories import TODAY


def run_daily(runner, days_later: int = 0) -> str:
    day = TODAY + timedelta(days=days_later)
    done = runner.invoke(args=["reminders", "--today", day.isoformat()])
    assert done.exit_code == 0, done.output
    return str(done.output)


@pytest.fixture
def short_retention(app):
    app.config["APPLICATION_RETENTION_DAYS"] = 30


def test_an_old_application_that_never_moved_on_is_erased(
    runner, short_retention, make_application
):
    application = make_application(
        days_ago=31, phone="07700 900456", skills="Cooking", gender="woman",
        emergency_contact_name="Pat", emergency_contact_phone="07700 900111",
    )  # fmt: skip

    output = run_daily(runner)

    assert "Erased the details of 1 volunteering applications." in output
    application = reload(application)
    volunteer = application.volunteer
    assert volunteer.first_name == ERASED_NAME
    assert (volunteer.email, volunteer.phone, volunteer.availability, volunteer.skills) == (
        "", "", "", "",
    )  # fmt: skip
    assert (volunteer.gender, volunteer.emergency_contact_name) == ("", "")
    assert volunteer.emergency_contact_phone == ""
    assert application.about == "" and application.erased_at is not None
    # The rows stay, so reports still count applications and where volunteers came from.
    assert db.session.scalar(select(func.count()).select_from(VolunteeringApplication)) == 1
    assert (volunteer.stage, volunteer.source) == (Stage.ENQUIRY.value, "application")


def test_the_limit_is_counted_from_the_day_the_job_runs_for(runner, make_application):
    application = make_application(days_ago=0)

    assert "volunteering applications" not in run_daily(runner, days_later=179)
    assert reload(application).volunteer.first_name == "Kerry"
    assert "Erased the details of 1 volunteering applications." in run_daily(runner, 181)
    assert reload(application).volunteer.first_name == ERASED_NAME


def test_a_volunteer_who_moved_on_is_kept(runner, short_retention, make_application):
    application = make_application(days_ago=90)
    services.change_stage(application.volunteer, Stage.APPLICANT.value, None, "Met for a chat")
    db.session.commit()

    output = run_daily(runner)

    assert "volunteering applications" not in output
    assert reload(application).volunteer.first_name == "Kerry"
    assert reload(application).about == "I was in recovery myself."


def test_moving_on_and_back_to_enquiry_still_counts_as_moving_on(
    runner, short_retention, make_application
):
    application = make_application(days_ago=90)
    services.change_stage(application.volunteer, Stage.APPLICANT.value, None)
    services.change_stage(application.volunteer, Stage.ENQUIRY.value, None, "Waiting list")
    db.session.commit()

    run_daily(runner)

    assert reload(application).volunteer.first_name == "Kerry"


def test_a_volunteer_with_an_account_is_kept(
    runner, short_retention, make_application, make_user, programme
):
    application = make_application(days_ago=90)
    account = make_user("volunteer", organisation=programme.org)
    application.volunteer.user_id = account.id
    db.session.commit()

    run_daily(runner)

    assert reload(application).volunteer.first_name == "Kerry"


def test_erasing_happens_once_and_staff_records_are_left_alone(
    runner, short_retention, make_application, make_volunteer
):
    staff_added = make_volunteer(first_name="Dee")
    staff_added.created_at -= timedelta(days=400)
    application = make_application(days_ago=31)
    db.session.commit()

    assert "Erased the details of 1 volunteering applications." in run_daily(runner)
    erased_at = reload(application).erased_at
    assert "volunteering applications" not in run_daily(runner)

    assert reload(application).erased_at == erased_at
    assert db.session.get(Volunteer, staff_added.id).first_name == "Dee"


def test_the_record_page_says_the_details_were_erased(
    runner, client, auth, short_retention, make_application, programme
):
    application = make_application(days_ago=31)
    run_daily(runner)
    auth.login(programme.coordinator)

    html = page(client.get(f"/volunteers/{application.volunteer_id}"))

    assert "Their details were erased on" in html
    assert "I was in recovery myself." not in html
