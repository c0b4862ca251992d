"""Referrals core: state machine, consent gating, scoping, audit, matching, follow-ups, FHIR."""

from datetime import date, timedelta

import pytest
from werkzeug.exceptions import NotFound

from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import consent, followups, matching, services
from community_hub.referrals.audit import trail
from community_hub.referrals.consent import ConsentMissing
from community_hub.referrals.fhir import task
from community_hub.referrals.models import AuditEvent, AuditLogIsAppendOnly, Purpose
from community_hub.referrals.services import ClientData, ReferralData, TransitionRefused, move
from community_hub.referrals.states import PEER_MOVES, TRANSITIONS
from community_hub.referrals.states import Status as S

TODAY = date(2026, 11, 23)


@pytest.fixture
def client_record(worker):
    c = services.add_client(ClientData(reference="DV-0042", postcode_district="dn4"), worker)
    db.session.commit()
    return c


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(name="Hope Group", venue_latitude=53.52, venue_longitude=-1.13)


def consent_to(client, purpose, worker, **kw):
    return consent.give(client, purpose.value, TODAY, "verbal in session", worker, TODAY, **kw)


def refer(client, worker, meeting, **kw):
    data = ReferralData(
        link_method=kw.pop("link_method", "accompanied"), meeting_id=meeting.id, **kw
    )
    return services.make_referral(client, data, worker, TODAY)


def test_client_is_pseudonymous_and_unique_within_the_organisation(worker, client_record):
    assert client_record.postcode_district == "DN4"
    with pytest.raises(ValidationFailed) as failed:
        services.add_client(ClientData(reference="DV-0042"), worker)
    assert "already has a client" in failed.value.errors["reference"]
    with pytest.raises(ValidationFailed) as failed:
        services.add_client(ClientData(reference="Jane Smith", postcode_district="DN4 5PL"), worker)
    assert set(failed.value.errors) == {"reference", "postcode_district"}


def test_another_organisation_gets_404_for_clients_and_referrals(
    make_user, worker, client_record, meeting
):
    referral = refer(client_record, worker, meeting)
    outsider = make_user("worker")
    with pytest.raises(NotFound):
        services.client_for(outsider, client_record.id)
    with pytest.raises(NotFound):
        services.referral_for(outsider, referral.id)
    assert services.referral_for(worker, referral.id) is referral


ALL_PAIRS = [(a, b) for a in S for b in S if a != b]


def put_in(referral, status, worker):
    """Force a referral into a status for testing one move from it."""
    referral.status = status.value
    referral.held_from = S.REQUESTED.value if status == S.ON_HOLD else ""
    referral.matched_volunteer_id = None
    db.session.flush()


@pytest.mark.parametrize(("start", "to"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_every_transition_is_allowed_or_refused_by_the_table(
    worker, client_record, meeting, start, to
):
    referral = refer(client_record, worker, meeting)
    put_in(referral, start, worker)
    allowed = to in TRANSITIONS[start]
    if start == S.ON_HOLD and to not in (S.CLOSED, S.REQUESTED):
        allowed = False  # resumes only to where it was held from
    if to == S.MATCHED and allowed:
        referral.matched_volunteer_id = None  # matching needs a peer: refused without one
        with pytest.raises(TransitionRefused, match="Match a cleared peer"):
            move(referral, to, worker, TODAY, "x", closed_reason="cancelled")
        return
    if (start, to) in PEER_MOVES and start != S.MATCHED:
        # Handing a referral back to matching is the matched peer's move: never without one.
        with pytest.raises(TransitionRefused, match="Only the peer"):
            move(referral, to, worker, TODAY, "x")
        return
    if allowed:
        move(referral, to, worker, TODAY, "because", closed_reason="cancelled")
        assert referral.status == to.value
        assert referral.history[-1].to_status == to.value
    else:
        with pytest.raises(TransitionRefused):
            move(referral, to, worker, TODAY, "because", closed_reason="cancelled")
        assert referral.status == start.value


def test_closing_needs_a_reason_and_reopening_an_explanation(worker, client_record, meeting):
    referral = refer(client_record, worker, meeting)
    with pytest.raises(TransitionRefused, match="why"):
        move(referral, S.CLOSED, worker, TODAY)
    move(referral, S.CLOSED, worker, TODAY, closed_reason="declined_by_client")
    assert task(referral)["status"] == "rejected"
    with pytest.raises(TransitionRefused, match="reopened"):
        move(referral, S.REQUESTED, worker, TODAY)
    move(referral, S.REQUESTED, worker, TODAY, "Client changed their mind")
    assert task(referral)["status"] == "requested"


@pytest.mark.parametrize(
    ("reason", "fhir"),
    [
        ("engaged", "completed"),
        ("lost_to_follow_up", "failed"),
        ("cancelled", "cancelled"),
        ("entered_in_error", "entered-in-error"),
    ],
)
def test_fhir_task_status_for_each_way_of_closing(worker, client_record, meeting, reason, fhir):
    referral = refer(client_record, worker, meeting)
    move(referral, S.CLOSED, worker, TODAY, closed_reason=reason)
    resource = task(referral)
    assert resource["status"] == fhir and resource["resourceType"] == "Task"
    assert resource["for"]["identifier"]["value"] == "DV-0042"


def test_audit_trail_records_views_and_changes_and_cannot_be_edited(worker, client_record, meeting):
    referral = refer(client_record, worker, meeting)
    services.referral_for(worker, referral.id)
    db.session.commit()
    actions = [(e.action, e.user_id) for e in trail("referral", referral.id)]
    assert actions == [("create", worker.id), ("transition", worker.id), ("view", worker.id)]
    event = db.session.scalar(db.select(AuditEvent))
    event.detail = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.delete(db.session.scalar(db.select(AuditEvent)))
        db.session.flush()


def test_only_cleared_peers_are_offered_best_fit_first(
    worker, client_record, meeting, cleared_peer
):
    cleared_peer("Far", lat=54.5)  # 110 km away: beyond the 20 km a peer is asked to travel
    further = cleared_peer("Further", lat=53.65)  # about 14 km
    near = cleared_peer("Near")
    welsh = cleared_peer("Rhys", languages=",cy,en,", pathways=",na,")
    uncleared = cleared_peer("Paused", cleared=False)
    client_record.preferred_language = "en"
    referral = refer(client_record, worker, meeting)
    names = [c.peer.display_name for c in matching.candidates(referral, TODAY)]
    assert uncleared.display_name not in names
    assert names == [near.display_name, further.display_name, welsh.display_name]


def test_every_peer_shown_is_named_when_their_ids_take_several_statements(
    worker, client_record, meeting, cleared_peer, monkeypatch
):
    """ "Show all" may show tens of thousands: SQLite takes their ids a chunk at a time."""
    from community_hub import sqlparams

    monkeypatch.setattr(sqlparams, "SQLITE_MOST", 2)
    peers = [cleared_peer(f"Peer {n}", lat=53.52 + n / 1000) for n in range(5)]
    referral = refer(client_record, worker, meeting)
    shown = matching.candidates(referral, TODAY)
    assert sorted(c.peer.display_name for c in shown) == sorted(p.display_name for p in peers)
    assert {c.peer.area for c in shown} == {p.area for p in peers}


def test_only_listed_peers_are_offered(worker, client_record, meeting, cleared_peer):
    from datetime import datetime

    listed = cleared_peer("Listed")
    cleared_peer("Hidden").hidden_at = datetime(2026, 11, 1)
    cleared_peer("Unconsented").consent_at = None
    cleared_peer("Archived").archived_at = datetime(2026, 11, 1)
    referral = refer(client_record, worker, meeting)
    assert [c.peer.id for c in matching.candidates(referral, TODAY)] == [listed.id]


def test_offering_a_peer_needs_consent_and_withdrawal_stops_it_at_once(
    worker, client_record, meeting, cleared_peer
):
    peer = cleared_peer()
    referral = refer(client_record, worker, meeting)
    with pytest.raises(ConsentMissing, match="sharing details with a peer"):
        matching.offer(referral, peer, worker, TODAY)
    consent_to(client_record, Purpose.SHARE_WITH_PEER, worker)
    matching.offer(referral, peer, worker, TODAY)
    assert referral.status == S.MATCHED.value and referral.matched_volunteer_id == peer.volunteer_id
    matching.respond(referral, True, worker, TODAY)
    assert referral.status == S.ACCEPTED.value
    consent.withdraw(client_record, Purpose.SHARE_WITH_PEER, worker, TODAY, "changed mind")
    assert referral.status == S.REQUESTED.value and referral.matched_volunteer_id is None


def test_a_peer_declining_returns_the_referral_to_matching(
    worker, client_record, meeting, cleared_peer
):
    peer = cleared_peer()
    consent_to(client_record, Purpose.SHARE_WITH_PEER, worker)
    referral = refer(client_record, worker, meeting)
    matching.offer(referral, peer, worker, TODAY)
    matching.respond(referral, False, worker, TODAY, "Not available that evening")
    assert referral.status == S.REQUESTED.value
    assert referral.history[-1].reason == "Not available that evening"


def test_follow_ups_at_7_30_90_days_only_with_consent(worker, client_record, meeting):
    planned = TODAY + timedelta(days=7)  # the next Monday, the meeting's day
    no_consent = refer(client_record, worker, meeting, planned_first_meeting=planned)
    move(no_consent, S.FIRST_MEETING_PLANNED, worker, TODAY)
    assert no_consent.follow_ups == []
    consent_to(client_record, Purpose.FOLLOW_UP, worker)
    # As soon as consent exists, the referral that already had a date is scheduled too...
    assert [f.day_offset for f in no_consent.follow_ups] == [7, 30, 90]
    # ...and a new referral with a date is scheduled when it is made, before any move.
    referral = refer(client_record, worker, meeting, planned_first_meeting=planned)
    assert referral.status == S.REQUESTED.value
    assert [(f.day_offset, f.due_on) for f in referral.follow_ups] == [
        (d, planned + timedelta(days=d)) for d in (7, 30, 90)
    ]
    move(referral, S.FIRST_MEETING_PLANNED, worker, TODAY)
    assert len(referral.follow_ups) == 3  # never twice
    first = referral.follow_ups[0]
    due_today, overdue = followups.due_for(worker, first.due_on)
    assert first in due_today and overdue == []
    due_today, overdue = followups.due_for(worker, first.due_on + timedelta(days=1))
    assert first in overdue


@pytest.mark.parametrize("reason", ["engaged", "declined_by_client", "cancelled"])
def test_closing_cancels_follow_ups_unless_the_client_engaged(
    worker, client_record, meeting, reason
):
    consent_to(client_record, Purpose.FOLLOW_UP, worker)
    planned = TODAY + timedelta(days=7)  # the next Monday, the meeting's day
    referral = refer(client_record, worker, meeting, planned_first_meeting=planned)
    move(referral, S.FIRST_MEETING_PLANNED, worker, TODAY)
    move(referral, S.CLOSED, worker, TODAY, closed_reason=reason)
    expected = "due" if reason == "engaged" else "cancelled"
    assert {f.status for f in referral.follow_ups} == {expected}


def test_recording_a_follow_up_and_three_failed_attempts(worker, client_record, meeting):
    consent_to(client_record, Purpose.FOLLOW_UP, worker)
    referral = refer(client_record, worker, meeting, planned_first_meeting=TODAY)
    move(referral, S.FIRST_MEETING_PLANNED, worker, TODAY)
    first = referral.follow_ups[0]
    later = TODAY + timedelta(days=7)
    assert followups.log_attempt(first, "phone", False, worker, later) is False
    assert followups.log_attempt(first, "phone", False, worker, later) is False
    assert followups.log_attempt(first, "text", False, worker, later) is True  # offer "lost"
    answers = followups.FollowUpAnswers(
        attended_first_meeting=True,
        first_meeting_on=TODAY,
        meetings_since=3,
        attending_weekly=True,
        satisfaction=4,
    )
    followups.record(first, answers, worker, later)
    assert first.status == "done" and referral.first_meeting_attended_on == TODAY
    with pytest.raises(ValidationFailed):
        followups.record(
            referral.follow_ups[1], followups.FollowUpAnswers(satisfaction=9), worker, later
        )


def test_withdrawing_follow_up_consent_cancels_follow_ups_and_blocks_contact(
    worker, client_record, meeting
):
    consent_to(client_record, Purpose.FOLLOW_UP, worker)
    referral = refer(client_record, worker, meeting, planned_first_meeting=TODAY)
    move(referral, S.FIRST_MEETING_PLANNED, worker, TODAY)
    consent.withdraw(client_record, Purpose.FOLLOW_UP, worker, TODAY)
    assert {f.status for f in referral.follow_ups} == {"cancelled"}
    assert followups.due_for(worker, TODAY + timedelta(days=200)) == ([], [])
    with pytest.raises(ConsentMissing):
        followups.log_attempt(referral.follow_ups[0], "phone", False, worker, TODAY)


def test_do_not_contact_is_respected(worker, client_record, meeting):
    consent_to(client_record, Purpose.FOLLOW_UP, worker)
    client_record.do_not_contact = True
    referral = refer(client_record, worker, meeting, planned_first_meeting=TODAY)
    move(referral, S.FIRST_MEETING_PLANNED, worker, TODAY)
    assert followups.due_for(worker, TODAY + timedelta(days=7)) == ([], [])
    with pytest.raises(ConsentMissing, match="not to be contacted"):
        followups.log_attempt(referral.follow_ups[0], "phone", False, worker, TODAY)


def test_expired_consent_is_not_current(worker, client_record):
    given = consent_to(
        client_record, Purpose.FOLLOW_UP, worker, expires_on=TODAY + timedelta(days=1)
    )
    assert given.current_on(TODAY) and not given.current_on(TODAY + timedelta(days=2))


def test_a_referral_needs_exactly_one_target(worker, client_record):
    with pytest.raises(ValidationFailed) as failed:
        services.make_referral(
            client_record, ReferralData(link_method="accompanied"), worker, TODAY
        )
    assert "target" in failed.value.errors
