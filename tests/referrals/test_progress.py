"""Progress that follows the facts: follow-up answers move the referral (recorded as automatic
moves with their reason), the move form, consent withdrawal with confirmation, the desk's
destinations and finding a meeting with the client in hand."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.referrals import consent, followups, services
from community_hub.referrals.models import Purpose, Referral
from community_hub.referrals.services import ClientData, ReferralData, move
from community_hub.referrals.states import Status
from tests.helpers import page, today
from tests.referrals.conftest import form, meeting_date


@pytest.fixture
def referral(worker, meeting):
    client = services.add_client(ClientData(reference="DV-5"), worker)
    consent.give(client, "follow_up", today(), "verbal in session", worker, today())
    return services.make_referral(
        client,
        ReferralData(link_method="warm_handover", meeting_id=meeting.id,
                     planned_first_meeting=meeting_date(meeting)),
        worker, today(),
    )  # fmt: skip


def answer(referral, day, worker, **answers):
    follow_up = next(f for f in referral.follow_ups if f.day_offset == day)
    when = follow_up.due_on
    followups.record(follow_up, followups.FollowUpAnswers(**answers), worker, when)


def test_follow_ups_are_scheduled_at_creation(referral):
    assert referral.status == "requested" and [f.day_offset for f in referral.follow_ups] == [
        7, 30, 90
    ]  # fmt: skip


def test_went_to_a_first_meeting_moves_it_on_automatically(referral, worker):
    move(referral, Status.FIRST_MEETING_PLANNED, worker, today())
    answer(referral, 7, worker, attended_first_meeting=True,
           first_meeting_on=referral.planned_first_meeting)  # fmt: skip
    assert referral.status == Status.ATTENDED_FIRST.value
    last = referral.history[-1]
    assert last.changed_by_id is None and "day 7 follow-up says they went" in last.reason


def test_from_requested_it_walks_forward_step_by_step(referral, worker):
    answer(referral, 7, worker, attended_first_meeting=True)
    assert [(c.from_status, c.to_status, c.changed_by_id) for c in referral.history[1:]] == [
        ("requested", "first_meeting_planned", None),
        ("first_meeting_planned", "attended_first_meeting", None),
    ]


def test_weekly_at_30_days_means_engaged_but_not_at_7(referral, worker):
    answer(referral, 7, worker, attended_first_meeting=True, attending_weekly=True)
    assert referral.status == Status.ATTENDED_FIRST.value
    answer(referral, 30, worker, attending_weekly=True)
    assert referral.status == Status.ENGAGED.value
    assert "day 30 follow-up says they are going to meetings every week" in (
        referral.history[-1].reason
    )


def test_a_referral_on_hold_is_left_alone(referral, worker):
    move(referral, Status.ON_HOLD, worker, today())
    answer(referral, 7, worker, attended_first_meeting=True)
    assert referral.status == Status.ON_HOLD.value


def test_the_move_form_has_no_default_forward_moves_first_and_no_peer_moves(
    client, auth, worker, referral
):
    db.session.commit()
    auth.login(worker)
    html = page(client.get(f"/referrals/{referral.id}"))
    select_html = html[html.index('id="to"') : html.index("</select>", html.index('id="to"'))]
    options = re.findall(r'<option[^>]*value="([^"]*)"', select_html)
    assert options[0] == "" and "selected" not in select_html
    assert options[1:] == ["introduced", "first_meeting_planned", "on_hold", "closed"]
    empty = client.post(f"/referrals/{referral.id}/move", data={"to": ""})
    assert empty.status_code == 400 and "Choose what happens next" in page(empty)
    referral.status, referral.matched_volunteer_id = "accepted", None
    db.session.commit()
    html = page(client.get(f"/referrals/{referral.id}"))
    select_html = html[html.index('id="to"') : html.index("</select>", html.index('id="to"'))]
    assert 'value="requested"' not in select_html  # handing back is the peer's move
    peer_move = client.post(f"/referrals/{referral.id}/move", data={"to": "requested"})
    assert peer_move.status_code == 400


def test_withdrawing_consent_is_confirmed_and_then_reads_withdrawn(client, auth, worker, referral):
    db.session.commit()
    auth.login(worker)
    url = f"/referrals/clients/{referral.client_id}"
    link = f"{url}/consents/follow_up/withdraw"
    assert f'href="{link}"' in page(client.get(url))
    assert "Yes, withdraw this consent" in page(client.get(link))
    client.post(link, data={"confirm": "yes"})
    now = page(client.get(url))
    assert re.search(r"Withdrawn \(\d+ \w+ \d{4}\)", now)


def test_the_desk_shows_where_each_referral_goes(client, auth, worker, referral):
    db.session.commit()
    auth.login(worker)
    desk = page(client.get("/referrals/"))
    assert "Hope Group, Monday" in desk


def test_find_a_meeting_keeps_the_client_in_hand(client, auth, worker, meeting, referral):
    db.session.commit()
    auth.login(worker)
    went = client.get(f"/referrals/clients/{referral.client_id}/find-meeting")
    assert went.status_code == 302 and went.headers["Location"].endswith("/")
    assert "You are finding a meeting for a client" in page(client.get("/"))
    meeting_page = page(client.get(f"/meetings/{meeting.slug}"))
    assert "Back to the client" in meeting_page
    link = re.search(r'href="([^"]+)">Refer a client here', meeting_page).group(1)
    screen_1 = page(client.get(link.replace("&amp;", "&")))
    assert 'value="DV-5"' in screen_1
    data = form(meeting_id=str(meeting.id), reference="DV-5", link_method="signpost",
                made_by="worker", preferred_contact="phone")  # fmt: skip
    assert client.post("/referrals/new", data=data).status_code == 302
    assert "You are finding a meeting" not in page(client.get("/"))
    assert db.session.scalar(select(db.func.count(Referral.id))) == 2


def test_giving_follow_up_consent_later_schedules_follow_ups(worker, meeting):
    client = services.add_client(ClientData(reference="DV-6"), worker)
    referral = services.make_referral(
        client, ReferralData(link_method="signpost", meeting_id=meeting.id,
                             planned_first_meeting=meeting_date(meeting)), worker, today(),
    )  # fmt: skip
    assert referral.follow_ups == []
    consent.give(client, Purpose.FOLLOW_UP.value, today(), "phone call", worker, today())
    assert len(referral.follow_ups) == 3
