"""BARC-10 at referral and at 30 and 90 days (with outcome consent, always skippable), the
client's scores over time, the outcome summary to the referrer, FHIR that validates, and
subject access and erasure of the new personal fields."""

from __future__ import annotations

import pytest
from fhir.resources.bundle import Bundle
from fhir.resources.questionnaire import Questionnaire
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.jobs.models import OutboxMessage
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import consent, fhir, handover, recovery_capital, services, subject
from community_hub.referrals.consent import ConsentMissing
from community_hub.referrals.models import Purpose, RecoveryCapital, Referral
from community_hub.referrals.services import ClientData, ReferralData
from tests.helpers import page, today
from tests.referrals.conftest import meeting_date
from tests.referrals.test_pages import referral_form

ANSWERS = [3, 4, 2, 5, 3, 4, 2, 5, 6, 4]  # total 38


def items(scores):
    return {f"item_{n}": str(s) for n, s in enumerate(scores, start=1)}


@pytest.fixture
def referral(worker, meeting):
    client = services.add_client(ClientData(reference="DV-8"), worker)
    for purpose in ("follow_up", "outcome_to_referrer"):
        consent.give(client, purpose, today(), "verbal in session", worker, today())
    found = services.make_referral(
        client,
        ReferralData(link_method="warm_handover", meeting_id=meeting.id,
                     planned_first_meeting=meeting_date(meeting)),
        worker, today(),
    )  # fmt: skip
    db.session.commit()
    return found


def test_offered_at_referral_and_skipping_stores_nothing(client, auth, worker, meeting):
    auth.login(worker)
    sent = client.post("/referrals/new", data=referral_form(meeting, made_by="worker"))
    barc_url = sent.headers["Location"]
    assert "/recovery-capital?then=referral" in barc_url
    html = page(client.get(barc_url))
    assert "There are more important things to me in life than using substances." in html
    assert "Strongly agree" in html
    skipped = client.post(barc_url, data={})
    assert skipped.status_code == 302
    assert db.session.scalar(select(db.func.count(RecoveryCapital.id))) == 0


def test_all_ten_answers_or_none(client, auth, worker, referral):
    auth.login(worker)
    url = f"/referrals/{referral.id}/recovery-capital"
    partial = client.post(url, data={"item_1": "3", "item_2": "4"})
    assert partial.status_code == 400 and "Answer all ten statements" in page(partial)
    assert client.post(url, data=items(ANSWERS)).status_code == 302
    (saved,) = db.session.scalars(select(RecoveryCapital)).all()
    assert saved.items == ANSWERS and saved.total == 38 and saved.point == 0
    again = page(client.get(url))
    assert "Already taken" in again


def test_needs_outcome_consent(worker, referral):
    consent.withdraw(referral.client, Purpose.OUTCOME_TO_REFERRER, worker, today())
    assert not recovery_capital.may_offer(referral, 0, today())
    with pytest.raises(ConsentMissing):
        recovery_capital.record(referral, 0, ANSWERS, worker, today())
    assert recovery_capital.record(referral, 0, [None] * 10, worker, today()) is None


def test_offered_again_at_30_and_90_days_and_shown_over_time(client, auth, worker, referral):
    recovery_capital.record(referral, 0, ANSWERS, worker, today())
    db.session.commit()
    auth.login(worker)
    by_day = {f.day_offset: f for f in referral.follow_ups}
    assert "BARC-10" not in page(client.get(f"/referrals/follow-ups/{by_day[7].id}"))
    form_30 = page(client.get(f"/referrals/follow-ups/{by_day[30].id}"))
    assert "Recovery capital (BARC-10)" in form_30
    better = [s + 1 if s < 6 else s for s in ANSWERS]  # total 47
    done = client.post(f"/referrals/follow-ups/{by_day[30].id}",
                       data={"attending_weekly": "yes", **items(better)})  # fmt: skip
    assert done.status_code == 302
    skipped = client.post(f"/referrals/follow-ups/{by_day[90].id}", data={"attending_weekly": "no"})
    assert skipped.status_code == 302
    scores = recovery_capital.taken(referral)
    assert [(s.point, s.total, s.follow_up_id) for s in scores] == [
        (0, 38, None),
        (30, 47, by_day[30].id),
    ]
    html = page(client.get(f"/referrals/{referral.id}"))
    assert "At referral" in html and "At 30 days" in html and "+9" in html


def test_the_outcome_summary_needs_consent_and_names_nobody(
    client, auth, worker, referral, make_user
):
    coordinator = make_user("coordinator", organisation=worker.organisation)
    recovery_capital.record(referral, 0, ANSWERS, worker, today())
    db.session.commit()
    auth.login(worker)
    assert client.post(f"/referrals/{referral.id}/outcome-summary").status_code == 302
    (email,) = db.session.scalars(select(OutboxMessage)).all()
    assert email.recipient == coordinator.email
    assert f"Outcome of referral {referral.id}" == email.subject
    assert "at referral 38" in email.body_text and "DV-8" not in email.body_text
    consent.withdraw(referral.client, Purpose.OUTCOME_TO_REFERRER, worker, today())
    db.session.commit()
    refused = client.post(f"/referrals/{referral.id}/outcome-summary", follow_redirects=True)
    assert "has not consented to reporting the outcome" in page(refused)
    assert db.session.scalar(select(db.func.count(OutboxMessage.id))) == 1


def test_fhir_bundle_validates_as_r4(client, auth, worker, referral):
    recovery_capital.record(referral, 0, ANSWERS, worker, today())
    db.session.commit()
    auth.login(worker)
    body = client.get(f"/referrals/{referral.id}/fhir.json").get_json()
    Bundle.parse_obj(body)  # the library's R4 models accept it whole
    kinds = [e["resource"]["resourceType"] for e in body["entry"]]
    assert kinds == ["ServiceRequest", "Task", "Consent", "Consent", "QuestionnaireResponse"]
    request, task, *_consents, answers = (e["resource"] for e in body["entry"])
    assert request["status"] == "active" and task["status"] == "requested"
    assert task["focus"]["reference"] == f"ServiceRequest/referral-{referral.id}"
    questionnaire = client.get("/referrals/fhir/Questionnaire/barc-10").get_json()
    Questionnaire.parse_obj(questionnaire)
    assert answers["questionnaire"] == questionnaire["url"]
    assert [i["linkId"] for i in answers["item"]] == [*map(str, range(1, 11)), "total"]
    assert answers["item"][-1]["answer"] == [{"valueInteger": 38}]
    assert "DV-8" not in str(questionnaire)


def test_a_code_outside_r4_is_refused():
    from fhir.resources.task import Task

    with pytest.raises(ValueError, match="status=done"):
        fhir.validated(Task, {"resourceType": "Task", "status": "done", "intent": "order"})
    with pytest.raises(Exception, match="intent"):
        fhir.validated(Task, {"resourceType": "Task", "status": "requested"})


def test_subject_access_and_erasure_cover_the_thread_meeting_point_and_answers(
    worker, referral, cleared_peer, make_user
):
    from community_hub.referrals import matching

    consent.give(referral.client, "share_with_peer", today(), "written form", worker, today())
    referral.made_by, referral.link_method = "peer", "accompanied"
    matching.offer(referral, cleared_peer("Kerry"), worker, today())
    handover.set_meeting_point(referral, "Outside the library", worker)
    handover.post_message(referral, "Running late, sorry", worker, "worker")
    recovery_capital.record(referral, 0, ANSWERS, worker, today())
    admin = make_user("admin")
    document = subject.export(referral.client, admin)
    (exported,) = document["referrals"]
    assert exported["meeting_point"] == "Outside the library"
    assert [m["body"] for m in exported["messages"]] == ["Running late, sorry"]
    assert exported["recovery_capital"][0]["item_1"] == 3
    assert exported["recovery_capital"][0]["total"] == 38
    subject.erase(referral.client, admin, today())
    found = db.session.get(Referral, referral.id)
    assert found.meeting_point == "" and [m.body for m in found.messages] == [""]
    (scores,) = recovery_capital.taken(found)
    assert scores.items == [None] * 10 and scores.total == 38  # the reports' figure stays


def test_validation_of_scores(worker, referral):
    with pytest.raises(ValidationFailed):
        recovery_capital.record(referral, 0, [7] * 10, worker, today())
    with pytest.raises(ValidationFailed):
        recovery_capital.record(referral, 45, ANSWERS, worker, today())
