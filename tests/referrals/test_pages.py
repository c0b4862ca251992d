"""Referral pages: three screens from a meeting page, consents, moves, bad input, transactions."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.referrals.models import AuditEvent, Client, Consent, Referral
from tests.helpers import page, today
from tests.referrals.conftest import form, meeting_date

CONSENTS = {
    "consent_share_with_peer": True,
    "consent_follow_up": True,
    "consent_outcome_to_referrer": True,
}


def count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def referral_form(meeting, **overrides):
    fields = {
        "meeting_id": str(meeting.id),
        "reference": "DV-0042",
        "link_method": "accompanied",
        "made_by": "peer",
        "planned_first_meeting": meeting_date(meeting).isoformat(),
        "consent_method": "verbal in session",
        "preferred_contact": "text",
        "postcode_district": "DN4",
        **CONSENTS,
    }
    fields.update(overrides)
    return form(**fields)


def test_an_accompanied_referral_from_a_meeting_page_takes_three_screens(
    client, auth, worker, meeting, cleared_peer
):
    peer = cleared_peer("Kerry")
    db.session.commit()
    auth.login(worker)
    meeting_page = page(client.get(f"/meetings/{meeting.slug}"))
    link = re.search(r'href="([^"]+)">Refer a client here', meeting_page)
    assert link, "a worker sees 'Refer a client here' on a meeting page"

    screen_1 = client.get(link.group(1).replace("&amp;", "&"))
    assert screen_1.status_code == 200
    assert "Step 1 of 3" in page(screen_1) and "Hope Group" in page(screen_1)

    sent = client.post("/referrals/new", data=referral_form(meeting))
    assert sent.status_code == 302
    # With outcome consent, BARC-10 is offered first; skipping it goes straight on.
    assert "/recovery-capital?then=match" in sent.headers["Location"]
    barc = page(client.get(sent.headers["Location"]))
    assert "Skip it and carry on" in barc and "Before step 2 of 3" in barc
    match_url = re.search(r'href="([^"]+)">Skip it and carry on', barc).group(1)
    screen_2 = client.get(match_url)
    assert "Step 2 of 3" in page(screen_2) and "Kerry" in page(screen_2)

    offered = client.post(match_url, data={"peer_id": str(peer.id)})
    assert offered.status_code == 302
    screen_3 = page(client.get(offered.headers["Location"]))
    assert "Offered to a peer" in screen_3 and "DV-0042" in screen_3

    referral = db.session.scalar(select(Referral))
    assert referral.status == "matched" and referral.matched_volunteer_id == peer.volunteer_id
    assert referral.client.postcode_district == "DN4"
    assert referral.client.preferred_contact == "text"
    assert {c.purpose for c in referral.client.consents} == {
        "share_with_peer",
        "follow_up",
        "outcome_to_referrer",
    }
    assert "Step" not in screen_3  # done: no fourth screen


def test_the_public_never_sees_the_referral_link_or_pages(client, meeting):
    assert "Refer a client here" not in page(client.get(f"/meetings/{meeting.slug}"))
    response = client.get(f"/referrals/new?meeting_id={meeting.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_bad_input_explains_itself_and_saves_nothing(client, auth, worker, meeting):
    auth.login(worker)
    past = (today() - timedelta(days=2)).isoformat()
    response = client.post(
        "/referrals/new",
        data=referral_form(meeting, reference="Jane Smith", planned_first_meeting=past),
    )
    assert response.status_code == 400
    html = page(response)
    assert "Never a name" in html
    assert "cannot be planned in the past" in html
    assert count(Client) == count(Referral) == count(Consent) == 0


def test_a_referral_that_fails_after_the_client_is_added_leaves_nothing(
    client, auth, worker, meeting
):
    auth.login(worker)
    past = (today() - timedelta(days=2)).isoformat()
    response = client.post(
        "/referrals/new", data=referral_form(meeting, planned_first_meeting=past)
    )
    assert response.status_code == 400
    assert count(Client) == count(Referral) == count(Consent) == 0


def test_an_existing_reference_reuses_the_client(client, auth, worker, meeting):
    auth.login(worker)
    for _ in range(2):
        assert client.post("/referrals/new", data=referral_form(meeting)).status_code == 302
    assert count(Client) == 1 and count(Referral) == 2
    assert count(Consent) == 3  # consents already current are not recorded twice


def test_a_referral_to_an_unlisted_group_needs_its_name(client, auth, worker):
    auth.login(worker)
    data = form(reference="DV-1", link_method="signpost", made_by="worker", group_name="")
    response = client.post("/referrals/new", data=data)
    assert response.status_code == 400
    assert "Choose one meeting, peer supporter, resource or group" in page(response)
    data["group_name"] = "Thursday women's SMART group"
    response = client.post("/referrals/new", data=data)
    assert response.status_code == 302
    referral = db.session.scalar(select(Referral))
    assert referral.group_name == "Thursday women's SMART group"
    assert (
        "/referrals/" in response.headers["Location"]
        and "match" not in response.headers["Location"]
    )


def test_an_accompanied_referral_needs_share_consent_before_it_is_saved(
    client, auth, worker, meeting, cleared_peer
):
    cleared_peer()
    db.session.commit()
    auth.login(worker)
    data = referral_form(meeting, consent_share_with_peer=False)
    refused = client.post("/referrals/new", data=data)
    assert refused.status_code == 400
    assert "A peer can only go with the client if the client agrees" in page(refused)
    assert count(Referral) == count(Client) == count(Consent) == 0
    # The worker goes with the client themselves: no peer, so no consent to share is needed.
    data["made_by"] = "worker"
    assert client.post("/referrals/new", data=data).status_code == 302
    assert db.session.scalar(select(Referral)).status == "requested"


def test_offering_needs_share_consent_still_current(client, auth, worker, meeting, cleared_peer):
    peer = cleared_peer()
    db.session.commit()
    auth.login(worker)
    client.post("/referrals/new", data=referral_form(meeting))
    referral = db.session.scalar(select(Referral))
    client.post(
        f"/referrals/clients/{referral.client_id}/consents/share_with_peer/withdraw",
        data={"confirm": "yes"},
    )
    match_url = f"/referrals/{referral.id}/match"
    assert "has not agreed to share their details" in page(client.get(match_url))
    refused = client.post(match_url, data={"peer_id": str(peer.id)})
    assert refused.status_code == 400
    assert "has not consented to sharing details with a peer" in page(refused)
    assert db.session.scalar(select(Referral)).status == "requested"


def test_moves_are_made_or_explained(client, auth, worker, meeting):
    auth.login(worker)
    client.post("/referrals/new", data=referral_form(meeting, made_by="worker"))
    referral = db.session.scalar(select(Referral))
    url = f"/referrals/{referral.id}/move"
    assert client.post(url, data={"to": "first_meeting_planned"}).status_code == 302
    db.session.expire_all()
    assert referral.status == "first_meeting_planned"
    assert [f.day_offset for f in referral.follow_ups] == [7, 30, 90]
    refused = client.post(url, data={"to": "closed"})
    assert refused.status_code == 400 and "Choose why the referral is closed" in page(refused)
    not_allowed = client.post(url, data={"to": "engaged"})
    assert not_allowed.status_code == 400 and "Not a valid choice" in page(not_allowed)
    closed = client.post(url, data={"to": "closed", "closed_reason": "declined_by_client"})
    assert closed.status_code == 302
    reopen = client.post(url, data={"to": "requested"})
    assert reopen.status_code == 400 and "Say why the referral is being reopened" in page(reopen)
    assert client.post(url, data={"to": "requested", "reason": "Asked again"}).status_code == 302
    db.session.expire_all()
    history = [(c.to_status, c.changed_by_id) for c in referral.history]
    assert history[-1] == ("requested", worker.id)
    assert "Asked again" in page(client.get(f"/referrals/{referral.id}"))


def test_follow_ups_due_and_overdue_then_recorded(client, auth, worker, meeting):
    auth.login(worker)
    client.post("/referrals/new", data=referral_form(meeting, made_by="worker"))
    referral = db.session.scalar(select(Referral))
    client.post(f"/referrals/{referral.id}/move", data={"to": "first_meeting_planned"})
    day_7, day_30, _day_90 = referral.follow_ups
    day_7.due_on = today() - timedelta(days=2)
    day_30.due_on = today()
    db.session.commit()
    desk = page(client.get("/referrals/"))
    due_part = desk[desk.index('id="due-title"') : desk.index('id="overdue-title"')]
    overdue_part = desk[desk.index('id="overdue-title"') : desk.index('id="referrals-title"')]
    assert "Day 30" in due_part and "Day 7" not in due_part
    assert "Day 7" in overdue_part and "2 days overdue" in overdue_part

    answers = {
        "attended_first_meeting": "yes",
        "first_meeting_on": (today() - timedelta(days=1)).isoformat(),
        "meetings_since": "3",
        "attending_weekly": "yes",
        "has_sponsor_or_mentor": "no",
        "doing_service": "no",
        "satisfaction": "4",
        "barriers": "Bus times",
    }
    bad = client.post(f"/referrals/follow-ups/{day_7.id}", data={**answers, "meetings_since": "-4"})
    assert bad.status_code == 400 and "Enter how many meetings, from 0 to 500" in page(bad)
    assert client.post(f"/referrals/follow-ups/{day_7.id}", data=answers).status_code == 302
    db.session.expire_all()
    assert day_7.status == "done" and day_7.meetings_since == 3 and day_7.attending_weekly
    assert referral.first_meeting_attended_on == today() - timedelta(days=1)
    assert "Day 7" not in page(client.get("/referrals/"))


def test_three_failed_attempts_offer_lost_to_follow_up(client, auth, worker, meeting):
    auth.login(worker)
    client.post("/referrals/new", data=referral_form(meeting, made_by="worker"))
    referral = db.session.scalar(select(Referral))
    client.post(f"/referrals/{referral.id}/move", data={"to": "first_meeting_planned"})
    follow_up = referral.follow_ups[0]
    url = f"/referrals/follow-ups/{follow_up.id}"
    assert client.post(f"{url}/lost").status_code == 400
    for _ in range(3):
        client.post(f"{url}/attempts", data={"attempt-method": "phone"})
    assert "Close as lost to follow-up" in page(client.get(url))
    assert client.post(f"{url}/lost").status_code == 302
    db.session.expire_all()
    assert (referral.status, referral.closed_reason) == ("closed", "lost_to_follow_up")
    assert {f.status for f in referral.follow_ups[1:]} == {"cancelled"}


def test_withdrawing_follow_up_consent_on_the_page_stops_follow_up_at_once(
    client, auth, worker, meeting
):
    auth.login(worker)
    client.post("/referrals/new", data=referral_form(meeting, made_by="worker"))
    referral = db.session.scalar(select(Referral))
    client.post(f"/referrals/{referral.id}/move", data={"to": "first_meeting_planned"})
    follow_up_id = referral.follow_ups[0].id
    url = f"/referrals/clients/{referral.client_id}/consents/follow_up/withdraw"
    confirm = page(client.get(url))
    assert "Follow-ups not yet made are cancelled" in confirm
    unconfirmed = client.post(url)  # not from the confirmation page: nothing happens
    assert unconfirmed.status_code == 200 and "Yes, withdraw this consent" in page(unconfirmed)
    db.session.expire_all()
    assert {f.status for f in referral.follow_ups} == {"due"}
    response = client.post(url, data={"confirm": "yes", "reason": "Moving away"})
    assert response.status_code == 302
    db.session.expire_all()
    assert {f.status for f in referral.follow_ups} == {"cancelled"}
    attempt = client.post(
        f"/referrals/follow-ups/{follow_up_id}/attempts", data={"attempt-method": "phone"}
    )
    assert attempt.status_code == 403 and "not consented to follow-up" in page(attempt)
    client_page = page(client.get(f"/referrals/clients/{referral.client_id}"))
    assert "Withdrawn (" in client_page and "Not given" not in client_page


def test_recording_a_consent_on_the_client_page(client, auth, worker, meeting):
    auth.login(worker)
    no_consents = dict.fromkeys(CONSENTS, False)
    client.post("/referrals/new", data=referral_form(meeting, made_by="worker", **no_consents))
    found = db.session.scalar(select(Client))
    url = f"/referrals/clients/{found.id}/consents"
    future = (today() + timedelta(days=1)).isoformat()
    data = {"purpose": "follow_up", "given_on": future, "method": "written form"}
    bad = client.post(url, data=data)
    assert bad.status_code == 400 and "cannot be dated in the future" in page(bad)
    assert count(Consent) == 0
    data["given_on"] = today().isoformat()
    assert client.post(url, data=data).status_code == 302
    assert db.session.scalar(select(Consent)).recorded_by_id == worker.id


def test_client_details_can_be_changed_but_stay_pseudonymous(client, auth, worker):
    auth.login(worker)
    added = client.post(
        "/referrals/clients/new", data={"reference": "DV-7", "preferred_contact": "phone"}
    )
    assert added.status_code == 302
    found = db.session.scalar(select(Client))
    url = f"/referrals/clients/{found.id}/edit"
    bad = client.post(url, data={"preferred_contact": "phone", "postcode_district": "DN4 5PL"})
    assert bad.status_code == 400 and "Only the first part of the postcode" in page(bad)
    ok = client.post(url, data={"preferred_contact": "letter", "do_not_contact": "y"})
    assert ok.status_code == 302
    db.session.expire_all()
    assert found.do_not_contact and found.preferred_contact == "letter"
    assert "Do not contact this client" in page(client.get(f"/referrals/clients/{found.id}"))


def test_every_view_and_change_is_audited_and_only_admins_read_the_log(
    client, auth, worker, meeting, make_user
):
    auth.login(worker)
    client.post("/referrals/new", data=referral_form(meeting, made_by="worker"))
    referral = db.session.scalar(select(Referral))
    client.get(f"/referrals/{referral.id}")
    client.get(f"/referrals/clients/{referral.client_id}")
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [(e.action, e.subject_type) for e in events]
    assert ("create", "client") in actions and ("create", "referral") in actions
    assert ("view", "referral") in actions and ("view", "client") in actions
    assert all(e.user_id == worker.id for e in events)
    assert client.get("/referrals/audit").status_code == 403
    auth.logout()
    admin = make_user("admin")
    auth.login(admin)
    log = page(client.get(f"/referrals/audit?subject=referral&id={referral.id}"))
    assert worker.email in log and f"referral #{referral.id}" in log
    assert "client #" not in log


def test_fhir_export_of_one_referral_and_the_organisation(client, auth, worker, meeting):
    auth.login(worker)
    client.post("/referrals/new", data=referral_form(meeting, made_by="worker"))
    referral = db.session.scalar(select(Referral))
    one = client.get(f"/referrals/{referral.id}/fhir.json").get_json()
    assert one["resourceType"] == "Bundle"
    kinds = [e["resource"]["resourceType"] for e in one["entry"]]
    assert kinds == ["ServiceRequest", "Task", "Consent", "Consent", "Consent"]
    task = one["entry"][1]["resource"]
    assert task["status"] == "requested" and task["for"]["identifier"]["value"] == "DV-0042"
    bundle = client.get("/referrals/fhir.json").get_json()
    assert [e["resource"]["id"] for e in bundle["entry"]][:2] == [f"referral-{referral.id}"] * 2


def test_staff_log_open_meetings_they_went_to(client, auth, worker, make_fellowship):
    aa = make_fellowship("aa")
    db.session.commit()
    auth.login(worker)
    future = (today() + timedelta(days=1)).isoformat()
    bad = client.post(
        "/referrals/staff-meetings", data={"attended_on": future, "fellowship_id": aa.id}
    )
    assert bad.status_code == 400 and "cannot be in the future" in page(bad)
    data = {"attended_on": today().isoformat(), "fellowship_id": aa.id}
    assert client.post("/referrals/staff-meetings", data=data).status_code == 302
    assert "1 of 1 staff" in page(client.get("/referrals/staff-meetings"))


def test_the_desk_pages_through_many_referrals(client, auth, worker, meeting):
    from community_hub.referrals import services

    for n in range(30):
        found = services.add_client(services.ClientData(reference=f"DV-{n:03}"), worker)
        data = services.ReferralData(link_method="signpost", meeting_id=meeting.id)
        services.make_referral(found, data, worker, today())
    db.session.commit()
    auth.login(worker)
    first = page(client.get("/referrals/"))
    assert "Page 1 of 2" in first
    second = page(client.get("/referrals/?page=2"))
    assert "Page 2 of 2" in second and "Previous" in second
    assert len(re.findall(r'href="/referrals/\d+"', first)) == 25
    assert len(re.findall(r'href="/referrals/\d+"', second)) == 5


def test_the_peer_hears_of_an_offer_without_the_clients_reference(
    client, auth, worker, meeting, cleared_peer, make_user, peer_group
):
    from community_hub.jobs.models import OutboxMessage

    kerry_user = make_user("volunteer", organisation=peer_group, display_name="Kerry")
    peer = cleared_peer(user=kerry_user)
    db.session.commit()
    auth.login(worker)
    client.post("/referrals/new", data=referral_form(meeting))
    match_url = f"/referrals/{db.session.scalar(select(Referral.id))}/match"
    assert client.post(match_url, data={"peer_id": str(peer.id)}).status_code == 302
    (message,) = db.session.scalars(select(OutboxMessage)).all()
    assert message.recipient == kerry_user.email
    assert message.subject == "Could you go with someone to a meeting?"
    assert "Hope Group" in message.body_text and "Don Valley Treatment" in message.body_text
    reference = db.session.scalar(select(Referral)).client.reference
    assert reference not in message.body_text + message.body_html + message.subject
