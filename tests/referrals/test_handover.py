"""The handover: the offer email and count, what the peer sees once they accept (meeting, date,
meeting point, duty line, thread, a calendar entry for the one date), the audited thread,
withdrawing with a reason, and the reminder the day before."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.jobs.models import OutboxMessage
from community_hub.referrals import consent, handover, matching, services
from community_hub.referrals.models import AuditEvent, Purpose, Referral, ReferralMessage
from community_hub.referrals.services import ClientData, ReferralData
from community_hub.referrals.states import Status
from tests.helpers import page, today
from tests.referrals.conftest import meeting_date


@pytest.fixture
def kerry(make_user, peer_group):
    return make_user("volunteer", organisation=peer_group, display_name="Kerry")


@pytest.fixture
def offered(worker, meeting, cleared_peer, kerry):
    """DV-7 offered to Kerry for the Hope Group's next Monday; the worker has a duty line."""
    worker.organisation.duty_phone = "01302 555 0100"
    peer = cleared_peer("Kerry", user=kerry, gender="Woman")
    client = services.add_client(ClientData(reference="DV-7"), worker)
    for purpose in Purpose:
        consent.give(client, purpose.value, today(), "verbal in session", worker, today())
    referral = services.make_referral(
        client,
        ReferralData(link_method="accompanied", made_by="peer", meeting_id=meeting.id,
                     planned_first_meeting=meeting_date(meeting, 2)),
        worker, today(),
    )  # fmt: skip
    matching.offer(referral, peer, worker, today())
    db.session.commit()
    return referral


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_peer_hears_and_sees_a_new_offer_count(client, auth, offered, kerry):
    (email,) = outbox()
    assert email.recipient == kerry.email and "DV-7" not in email.body_text + email.subject
    auth.login(kerry)
    me = page(client.get("/volunteers/me"))
    assert "1 new request to go with someone to a meeting" in me


def test_accepting_shows_the_handover_and_a_calendar_entry_for_that_date(
    client, auth, offered, kerry, worker, meeting
):
    auth.login(kerry)
    before = page(client.get(f"/referrals/offers/{offered.id}"))
    assert "The handover" not in before and "Accept" in before
    assert client.get(f"/referrals/offers/{offered.id}/meeting.ics").status_code == 404
    accepted = client.post(f"/referrals/offers/{offered.id}/accept")
    assert accepted.headers["Location"].endswith(f"/referrals/offers/{offered.id}")
    auth.logout()
    auth.login(worker)
    point = "Outside the main door at 18:50"
    saved = client.post(
        f"/referrals/{offered.id}/plan",
        data={"plan-planned_first_meeting": offered.planned_first_meeting.isoformat(),
              "plan-meeting_point": point, "confirm": "yes"},
    )  # fmt: skip
    assert saved.status_code == 302
    db.session.expire_all()
    assert offered.status == Status.FIRST_MEETING_PLANNED.value
    auth.logout()
    auth.login(kerry)
    handover_page = page(client.get(f"/referrals/offers/{offered.id}"))
    assert "Hope Group" in handover_page and point in handover_page
    assert (
        "01302 555 0100" in handover_page and "Messages with the referring service" in handover_page
    )
    assert worker.email not in handover_page
    ics = client.get(f"/referrals/offers/{offered.id}/meeting.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    (event,) = Calendar.from_ical(ics.data).walk("VEVENT")
    assert event.decoded("dtstart").date() == offered.planned_first_meeting
    assert "RRULE" not in event and "DV-7" not in ics.get_data(as_text=True)
    assert point in str(event.get("description"))


def test_the_plan_date_must_be_the_meetings_day(client, auth, offered, worker):
    auth.login(worker)
    wrong = offered.planned_first_meeting + timedelta(days=1)
    refused = client.post(
        f"/referrals/{offered.id}/plan", data={"plan-planned_first_meeting": wrong.isoformat()}
    )
    assert refused.status_code == 400 and "is not held then (Every Monday" in page(refused)


def test_moving_the_date_moves_the_follow_ups(worker, offered):
    first = offered.follow_ups[0]
    later = offered.planned_first_meeting + timedelta(days=7)
    handover.set_plan(offered, later, "", worker, today())
    assert first.due_on == later + timedelta(days=7)


def test_the_thread_is_audited_and_each_side_is_told_without_the_text(
    client, auth, offered, kerry, worker
):
    auth.login(worker)
    sent = client.post(f"/referrals/{offered.id}/messages",
                       data={"message-body": "Can you be there ten minutes early?"})  # fmt: skip
    assert sent.status_code == 302
    named = client.post(f"/referrals/{offered.id}/messages",
                        data={"message-body": "DV-7 is nervous"})  # fmt: skip
    assert named.status_code == 400 and "Leave the client's reference out" in page(named)
    auth.logout()
    auth.login(kerry)
    assert "ten minutes early" in page(client.get(f"/referrals/offers/{offered.id}"))
    reply = client.post(f"/referrals/offers/{offered.id}/messages",
                        data={"message-body": "Yes, see you at 18:50"})  # fmt: skip
    assert reply.status_code == 302
    messages = db.session.scalars(select(ReferralMessage)).all()
    assert [(m.side, m.author_id) for m in messages] == [("worker", worker.id), ("peer", kerry.id)]
    audited = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "message")).all()
    assert len(audited) == 2
    told = [m for m in outbox() if m.kind == "referral_message"]
    assert [m.recipient for m in told] == [kerry.email, worker.email]
    for email in told:
        assert "ten minutes" not in email.body_text and "18:50" not in email.body_text


def test_withdrawing_after_accepting_needs_a_reason_and_tells_the_worker(
    client, auth, offered, kerry, worker
):
    auth.login(kerry)
    client.post(f"/referrals/offers/{offered.id}/accept")
    refused = client.post(f"/referrals/offers/{offered.id}/withdraw", data={"reason": ""})
    assert refused.status_code == 400 and "Say why you can no longer go" in page(refused)
    done = client.post(f"/referrals/offers/{offered.id}/withdraw",
                       data={"reason": "My own meeting moved to Mondays"})  # fmt: skip
    assert done.status_code == 302
    db.session.expire_all()
    assert offered.status == Status.REQUESTED.value and offered.matched_volunteer_id is None
    assert offered.history[-1].reason == "Kerry withdrew: My own meeting moved to Mondays"
    (told,) = [m for m in outbox() if m.kind == "offer_withdrawn"]
    assert told.recipient == worker.email and "DV-7" not in told.body_text
    assert client.get(f"/referrals/offers/{offered.id}").status_code == 404  # no longer theirs


def test_declining_tells_the_worker(client, auth, offered, kerry, worker):
    auth.login(kerry)
    client.post(f"/referrals/offers/{offered.id}/decline")
    (told,) = [m for m in outbox() if m.kind == "offer_declined"]
    assert told.recipient == worker.email


def test_the_coordinator_sets_the_meeting_point_the_peer_cannot(
    client, auth, offered, kerry, peer_coordinator
):
    auth.login(kerry)
    client.post(f"/referrals/offers/{offered.id}/accept")
    assert client.post(f"/referrals/offers/{offered.id}/meeting-point",
                       data={"point-meeting_point": "x"}).status_code == 403  # fmt: skip
    auth.logout()
    auth.login(peer_coordinator)
    saved = client.post(f"/referrals/offers/{offered.id}/meeting-point",
                        data={"point-meeting_point": "By the bus stop"})  # fmt: skip
    assert saved.status_code == 302
    assert db.session.get(Referral, offered.id).meeting_point == "By the bus stop"


def test_the_peer_is_reminded_the_day_before_once(offered, kerry, worker):
    matching.respond(offered, True, kerry, today())
    day_before = offered.planned_first_meeting - timedelta(days=1)
    assert handover.peer_reminders(day_before - timedelta(days=1)) == []
    (reminder,) = handover.peer_reminders(day_before)
    assert reminder.recipient == kerry.email and reminder.kind == "peer_reminder"
    assert "Tomorrow: Hope Group" in reminder.subject and "DV-7" not in reminder.body_text
    assert handover.peer_reminders(day_before) == []  # once only
    consent.withdraw(offered.client, Purpose.SHARE_WITH_PEER, worker, day_before)
    assert offered.status == Status.REQUESTED.value


def test_a_later_peer_does_not_read_the_earlier_peers_messages(
    offered, kerry, worker, cleared_peer, make_user, peer_group
):
    handover.post_message(offered, "Kerry, are you free?", worker, "worker")
    matching.respond(offered, False, kerry, today(), "Not that evening")
    sam_user = make_user("volunteer", organisation=peer_group, display_name="Sam")
    sam = cleared_peer("Sam", user=sam_user)
    from community_hub.referrals import offers

    matching.offer(offered, sam, worker, today())
    assert offers.offer_view(offered).messages == ()
