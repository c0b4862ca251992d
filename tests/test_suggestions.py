"""The public suggests a change to a listing; the owning coordinator reviews it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.meetings.models import ChangeSuggestion, Meeting
from tests.helpers import page


def suggestion_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ChangeSuggestion)) or 0


def reload(suggestion: ChangeSuggestion) -> ChangeSuggestion:
    db.session.expire_all()
    fresh = db.session.get(ChangeSuggestion, suggestion.id)
    assert fresh is not None
    return fresh


VALID = {
    "kind": "time",
    "message": "It starts at 20:00 now, not 19:30.",
    "reply_email": "member@example.org",
}


@pytest.fixture
def meeting(make_meeting) -> Meeting:
    return make_meeting(name="Thursday Step Group")


@pytest.fixture
def suggestion(meeting) -> ChangeSuggestion:
    item = ChangeSuggestion(
        meeting=meeting, kind="place", message="The group moved to the church hall next door."
    )
    db.session.add(item)
    db.session.commit()
    return item


# ---- the public side -------------------------------------------------------------------------


def test_anyone_can_open_the_suggestion_form(client, meeting):
    response = client.get(f"/meetings/{meeting.slug}/suggest")

    assert response.status_code == 200
    assert "Suggest a change to Thursday Step Group" in page(response)


def test_anonymous_suggestion_is_queued(client, meeting):
    response = client.post(f"/meetings/{meeting.slug}/suggest", data=VALID)

    assert response.status_code == 200  # a thank-you page: no flash, so no cookie
    assert f'href="/meetings/{meeting.slug}"' in page(response)
    stored = db.session.scalars(select(ChangeSuggestion)).all()
    assert len(stored) == 1
    assert stored[0].meeting_id == meeting.id
    assert stored[0].kind == "time"
    assert stored[0].message == VALID["message"]
    assert stored[0].reply_email == "member@example.org"
    assert stored[0].status == "pending"
    assert stored[0].reviewed_by_id is None
    assert "Thank you. The people who run this listing will check your suggestion." in page(
        response
    )


def test_reply_email_is_optional(client, meeting):
    response = client.post(f"/meetings/{meeting.slug}/suggest", data={**VALID, "reply_email": ""})

    assert response.status_code == 200
    assert suggestion_count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"reply_email": "not-an-email"},
            "Enter an email like name@example.org, or leave it empty.",
        ),
        (
            {"reply_email": "someone@nowhere"},
            "Enter an email like name@example.org, or leave it empty.",
        ),
        ({"message": "bad"}, "Write between 5 and 2,000 characters."),
        ({"message": "x" * 2001}, "Write between 5 and 2,000 characters."),
        ({"message": ""}, "Tell us what should change."),
        ({"kind": ""}, "Choose what is wrong with this listing."),
        ({"kind": "rude"}, "Not a valid choice."),
    ],
)
def test_invalid_suggestion_is_explained_and_not_saved(client, meeting, fields, message):
    data = {**VALID, **fields}

    response = client.post(f"/meetings/{meeting.slug}/suggest", data=data)

    assert response.status_code == 400
    assert message in page(response)
    assert suggestion_count() == 0


def test_message_of_only_spaces_is_refused(client, meeting):
    response = client.post(
        f"/meetings/{meeting.slug}/suggest", data={**VALID, "message": "      a     "}
    )

    assert response.status_code == 400
    assert "Tell us what should change (at least a few words)." in page(response)
    assert suggestion_count() == 0


def test_archived_meeting_takes_no_suggestions(client, make_meeting):
    gone = make_meeting(archived_at=datetime(2026, 1, 1))

    assert client.get(f"/meetings/{gone.slug}/suggest").status_code == 404
    assert client.post(f"/meetings/{gone.slug}/suggest", data=VALID).status_code == 404
    assert suggestion_count() == 0


def test_unknown_meeting_takes_no_suggestions(client):
    assert client.post("/meetings/no-such-meeting/suggest", data=VALID).status_code == 404


# ---- the coordinator's side ------------------------------------------------------------------


def test_owning_coordinator_sees_the_suggestion(client, auth, make_user, meeting):
    client.post(f"/meetings/{meeting.slug}/suggest", data=VALID)
    stored = db.session.scalar(select(ChangeSuggestion))
    assert stored is not None
    auth.login(make_user("coordinator", organisation=meeting.organisation))

    dashboard = page(client.get("/manage/"))

    assert "Suggestions from the public (1)" in dashboard
    assert f"/manage/suggestions/{stored.id}" in dashboard
    assert "It starts at 20:00 now" in dashboard
    detail = client.get(f"/manage/suggestions/{stored.id}")
    assert detail.status_code == 200
    assert "member@example.org" in page(detail)


def test_other_coordinators_do_not_see_it(client, auth, make_user, suggestion):
    auth.login(make_user("coordinator"))

    dashboard = page(client.get("/manage/"))

    assert "Suggestions from the public (0)" in dashboard
    assert suggestion.message not in dashboard


def test_coordinator_resolves_a_suggestion(client, auth, make_user, suggestion):
    reviewer = make_user("coordinator", organisation=suggestion.meeting.organisation)
    auth.login(reviewer)
    before = datetime.now(UTC).replace(tzinfo=None)

    response = client.post(
        f"/manage/suggestions/{suggestion.id}",
        data={"status": "applied", "note": "Updated the venue."},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/manage/")
    after = reload(suggestion)
    assert after.status == "applied"
    assert after.reviewed_by_id == reviewer.id
    assert after.review_note == "Updated the venue."
    assert after.reviewed_at is not None
    assert (
        before - timedelta(seconds=1) <= after.reviewed_at <= datetime.now(UTC).replace(tzinfo=None)
    )
    assert "Suggestions from the public (0)" in page(client.get("/manage/"))


def test_coordinator_dismisses_a_suggestion(client, auth, make_user, suggestion):
    auth.login(make_user("coordinator", organisation=suggestion.meeting.organisation))

    response = client.post(f"/manage/suggestions/{suggestion.id}", data={"status": "dismissed"})

    assert response.status_code == 302
    after = reload(suggestion)
    assert after.status == "dismissed"
    assert after.review_note == ""


def test_unknown_outcome_is_refused(client, auth, make_user, suggestion):
    auth.login(make_user("coordinator", organisation=suggestion.meeting.organisation))

    response = client.post(f"/manage/suggestions/{suggestion.id}", data={"status": "pending"})

    assert response.status_code == 400
    assert reload(suggestion).reviewed_by_id is None


def test_resolving_twice_is_refused(client, auth, make_user, suggestion):
    first = make_user("coordinator", organisation=suggestion.meeting.organisation)
    auth.login(first)
    client.post(f"/manage/suggestions/{suggestion.id}", data={"status": "applied", "note": "Done."})

    response = client.post(
        f"/manage/suggestions/{suggestion.id}", data={"status": "dismissed", "note": "Again."}
    )

    assert response.status_code == 400
    assert "This suggestion has already been dealt with." in page(response)
    after = reload(suggestion)
    assert after.status == "applied"
    assert after.review_note == "Done."
    assert after.reviewed_by_id == first.id


def test_coordinator_of_another_organisation_gets_404(client, auth, make_user, suggestion):
    auth.login(make_user("coordinator"))

    assert client.get(f"/manage/suggestions/{suggestion.id}").status_code == 404
    response = client.post(f"/manage/suggestions/{suggestion.id}", data={"status": "applied"})

    assert response.status_code == 404
    after = reload(suggestion)
    assert after.status == "pending"
    assert after.reviewed_by_id is None


def test_admin_can_resolve_any_suggestion(client, auth, make_user, suggestion):
    admin = make_user("admin")
    auth.login(admin)

    response = client.post(f"/manage/suggestions/{suggestion.id}", data={"status": "dismissed"})

    assert response.status_code == 302
    assert reload(suggestion).reviewed_by_id == admin.id


@pytest.mark.parametrize("role", ["volunteer", "worker", "commissioner"])
def test_other_roles_cannot_review(client, auth, make_user, suggestion, role):
    auth.login(make_user(role, organisation=suggestion.meeting.organisation))

    response = client.post(f"/manage/suggestions/{suggestion.id}", data={"status": "applied"})

    assert response.status_code == 403
    assert reload(suggestion).status == "pending"


def test_anonymous_visitor_cannot_review(client, suggestion):
    response = client.post(f"/manage/suggestions/{suggestion.id}", data={"status": "applied"})

    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert reload(suggestion).status == "pending"


def test_the_coordinators_hear_of_a_suggestion(client, meeting, make_user):
    from community_hub.jobs.models import OutboxMessage

    jo = make_user("coordinator", organisation=meeting.organisation)
    client.post(f"/meetings/{meeting.slug}/suggest", data=VALID)
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert (message.recipient, message.subject) == (
        jo.email, "Suggested change: Thursday Step Group"
    )  # fmt: skip
    assert "member@example.org" not in message.body_text  # the reply address stays behind


def test_the_daily_job_erases_old_suggestions_words(app, runner, meeting, make_user):
    from community_hub.meetings.suggestions import resolve

    app.config["SUGGESTION_RETENTION_DAYS"] = 30
    reviewer = make_user("coordinator", organisation=meeting.organisation)
    old = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=31)

    def suggested(message: str, days_ago: int = 0) -> ChangeSuggestion:
        item = ChangeSuggestion(
            organisation_id=meeting.organisation_id, meeting_id=meeting.id, kind="time",
            message=message, reply_email="member@example.org",
        )  # fmt: skip
        db.session.add(item)
        db.session.flush()
        item.created_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=days_ago)
        return item

    unanswered = suggested("Ring Sam on 07700 900001", days_ago=31)
    reviewed_long_ago = suggested("Starts at 8", days_ago=60)
    resolve(reviewed_long_ago, "applied", reviewer, "Done, thanks Sam")
    reviewed_long_ago.reviewed_at = old
    recent = suggested("Moved to the church hall", days_ago=31)
    resolve(recent, "dismissed", reviewer)  # reviewed today: kept for now
    db.session.commit()

    result = runner.invoke(args=["reminders"])
    assert result.exit_code == 0, result.output
    assert "Erased the details of 2 old change suggestions" in result.output
    db.session.expire_all()
    gone = reload(unanswered)
    assert (gone.status, gone.message, gone.reply_email) == ("expired", "(erased)", "")
    kept_decision = reload(reviewed_long_ago)
    assert (kept_decision.status, kept_decision.review_note, kept_decision.kind) == (
        "applied", "", "time"
    )  # fmt: skip
    assert reload(recent).message == "Moved to the church hall"
