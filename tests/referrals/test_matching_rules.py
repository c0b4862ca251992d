"""Matching that is safe: hard rules first (gender for W/M meetings and the client's
preference, fellowship for closed meetings, listed and cleared, near enough), then the ranking,
a reason when nobody passes, and referral targets that must be public listings."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from community_hub.extensions import db
from community_hub.meetings.services import ValidationFailed
from community_hub.referrals import consent, matching, services
from community_hub.referrals.models import Purpose, Referral
from community_hub.referrals.services import ClientData, ReferralData, TransitionRefused
from community_hub.referrals.states import Status
from tests.helpers import page, statements_sent, today
from tests.referrals.conftest import form, meeting_date

TODAY = date(2026, 11, 23)


def names(referral):
    return [c.peer.display_name for c in matching.candidates(referral, TODAY)]


def test_a_womens_meeting_is_offered_only_women(make_meeting, make_referral, cleared_peer):
    womens = make_meeting(name="Women's group", types=["O", "W"], venue_latitude=53.52,
                          venue_longitude=-1.13)  # fmt: skip
    cleared_peer("Kerry", gender="Woman")
    cleared_peer("Jo", gender="female")
    cleared_peer("Dean", gender="Man")
    cleared_peer("Sam", gender="")  # not given: not offered for a women's meeting
    cleared_peer("Ash", gender="Non-binary")
    assert names(make_referral(womens)) == ["Kerry", "Jo"]  # equal fit: in the order listed


def test_a_mens_meeting_is_offered_only_men(make_meeting, make_referral, cleared_peer):
    mens = make_meeting(types=["O", "M"], venue_latitude=53.52, venue_longitude=-1.13)
    cleared_peer("Kerry", gender="Woman")
    cleared_peer("Dean", gender="man")
    assert names(make_referral(mens)) == ["Dean"]


def test_the_clients_preference_excludes_everyone_else(meeting, make_referral, cleared_peer):
    cleared_peer("Kerry", gender="Woman")
    cleared_peer("Dean", gender="Man")
    cleared_peer("Ash", gender="Non-binary")
    assert names(make_referral(meeting, preference="woman", reference="DV-1")) == ["Kerry"]
    assert names(make_referral(meeting, preference="Non-binary", reference="DV-2")) == ["Ash"]
    assert names(make_referral(meeting, reference="DV-3")) == ["Kerry", "Dean", "Ash"]


def test_a_closed_meeting_needs_the_fellowship_in_the_peers_pathways(
    make_meeting, make_fellowship, make_referral, cleared_peer
):
    closed = make_meeting(fellowship=make_fellowship("aa"), types=["C"], venue_latitude=53.52,
                          venue_longitude=-1.13)  # fmt: skip
    cleared_peer("Kerry", pathways=",aa,alcohol,")
    cleared_peer("Dean", pathways=",na,drugs,")
    assert names(make_referral(closed)) == ["Kerry"]
    open_meeting = make_meeting(fellowship=closed.fellowship, types=["O"], venue_latitude=53.52,
                                venue_longitude=-1.13)  # fmt: skip
    # An open meeting: both offered, the one who knows the fellowship first.
    assert names(make_referral(open_meeting, reference="DV-2")) == ["Kerry", "Dean"]


def test_unlisted_and_uncleared_peers_are_never_offered(meeting, make_referral, cleared_peer):
    cleared_peer("Listed")
    cleared_peer("Hidden").hidden_at = datetime(2026, 11, 1)
    cleared_peer("Unconsented").consent_at = None
    cleared_peer("Archived").archived_at = datetime(2026, 11, 1)
    cleared_peer("Paused", cleared=False)
    assert names(make_referral(meeting)) == ["Listed"]


def test_ranking_fellowship_language_distance_then_fewest_open_offers(
    meeting, make_referral, cleared_peer
):
    busy = cleared_peer("Busy", lat=53.53)
    cleared_peer("Free", lat=53.535)  # same distance band as Busy (within 5 km)
    cleared_peer("Nearer", lat=53.521, pathways=",na,")  # nearer, but another fellowship
    cleared_peer("Polish", lat=53.53, languages=",pl,")
    other = make_referral(meeting, reference="DV-9")
    matching.offer(other, busy, other.created_by, TODAY)  # Busy now has an open offer
    referral = make_referral(meeting, reference="DV-1")
    # The meeting's fellowship is the make_meeting default, which both Busy and Free know.
    found = matching.candidates(referral, TODAY)
    assert [c.peer.display_name for c in found] == ["Free", "Busy", "Polish", "Nearer"]
    assert [c.open_offers for c in found] == [0, 1, 0, 0]


def test_when_nobody_passes_it_says_why(make_meeting, make_fellowship, make_referral, cleared_peer):
    aa = make_fellowship("aa")
    closed_womens = make_meeting(fellowship=aa, types=["C", "W"], venue_latitude=53.52,
                                 venue_longitude=-1.13)  # fmt: skip
    cleared_peer("Dean", gender="Man", pathways=",na,")
    cleared_peer("Far", gender="Woman", pathways=",aa,", lat=54.5)
    found = matching.match(make_referral(closed_womens), TODAY)
    assert found.candidates == []
    assert found.why_none() == "No cleared woman peer in AA within 20 km."
    # Counted from the peers within reach: Far is a woman in AA, but 100 km away.
    assert found.passed == {"listed": 1, "cleared": 1, "gender": 0, "fellowship": 0}


def test_an_in_person_blank_is_explained_without_counting_every_rule(
    make_meeting, make_referral, cleared_peer
):
    """The words for an in-person meeting come from the rules alone: the counts per rule
    (several statements over the radius) are run only when asked for."""
    mens = make_meeting(types=["O", "M"], venue_latitude=53.52, venue_longitude=-1.13)
    cleared_peer("Kerry", gender="Woman")
    found = matching.match(make_referral(mens), TODAY)
    with statements_sent() as sent:
        assert found.why_none() == "No cleared man peer within 20 km."
    assert sent == []
    assert found.passed == {"listed": 1, "cleared": 1, "gender": 0, "fellowship": 0}


def test_the_counts_for_an_in_person_meeting_are_of_the_peers_within_reach(
    make_meeting, make_referral, cleared_peer
):
    meeting = make_meeting(types=["O"], venue_latitude=53.52, venue_longitude=-1.13)
    cleared_peer("Paused", cleared=False)  # near, not cleared
    cleared_peer("Far", lat=54.5)  # cleared, 100 km away
    unplaced = cleared_peer("Unplaced", cleared=False)
    unplaced.place_at(None, None)  # no known position: within reach, as matching treats it
    db.session.commit()
    found = matching.match(make_referral(meeting), TODAY)
    assert found.candidates == []
    assert found.passed == {"listed": 2, "cleared": 0, "gender": 0, "fellowship": 0}
    assert found.why_none() == "No cleared peer within 20 km."


def test_online_nobody_cleared_anywhere_is_said_plainly(make_meeting, make_referral, cleared_peer):
    online = make_meeting(types=["O"], venue=None, conference_url="https://meet.example.org/x")
    cleared_peer("Paused", cleared=False)
    cleared_peer("Also paused", cleared=False, lat=54.5)
    found = matching.match(make_referral(online), TODAY)
    assert found.passed == {"listed": 2, "cleared": 0, "gender": 0, "fellowship": 0}
    assert found.why_none() == "No peer is cleared to accompany a client today."


def test_offering_a_peer_the_rules_exclude_is_refused(make_meeting, make_referral, cleared_peer):
    womens = make_meeting(types=["W"], venue_latitude=53.52, venue_longitude=-1.13)
    dean = cleared_peer("Dean", gender="Man")
    referral = make_referral(womens)
    with pytest.raises(TransitionRefused, match="cannot be offered"):
        matching.offer(referral, dean, referral.created_by, TODAY)
    assert referral.status == Status.REQUESTED.value


def test_the_match_page_explains_and_offers_a_warm_handover(
    client, auth, worker, make_meeting, cleared_peer
):
    womens = make_meeting(name="Thursday women", types=["C", "W"], venue_latitude=53.52,
                          venue_longitude=-1.13, day=4)  # fmt: skip
    dean = cleared_peer("Dean", gender="Man", pathways=",na,")
    db.session.commit()
    auth.login(worker)
    data = form(meeting_id=str(womens.id), reference="DV-1", link_method="accompanied",
                made_by="peer", consent_share_with_peer=True, consent_method="verbal in session",
                preferred_contact="phone", peer_gender_preference="Woman")  # fmt: skip
    assert client.post("/referrals/new", data=data).status_code == 302
    referral = db.session.scalar(select(Referral))
    match_page = page(client.get(f"/referrals/{referral.id}/match"))
    assert "No cleared woman peer in" in match_page and "within 20 km" in match_page
    assert "Dean" not in match_page and "Make it a warm handover instead" in match_page
    # A forged offer to Dean is refused: he is not one of the choices.
    forged = client.post(f"/referrals/{referral.id}/match", data={"peer_id": str(dean.id)})
    assert forged.status_code == 400
    handover = client.post(f"/referrals/{referral.id}/warm-handover")
    assert handover.status_code == 302
    db.session.expire_all()
    assert (referral.link_method, referral.made_by) == ("warm_handover", "worker")
    assert "Changed to a warm handover" in referral.history[-1].reason


@pytest.mark.parametrize("state", ["hidden", "unconsented", "archived"])
def test_only_public_listings_can_be_referral_targets(
    client, auth, worker, cleared_peer, meeting, state
):
    peer = cleared_peer("Kerry")
    if state == "hidden":
        peer.hidden_at = datetime.now(UTC).replace(tzinfo=None)
    elif state == "unconsented":
        peer.consent_at = None
    else:
        peer.archived_at = datetime.now(UTC).replace(tzinfo=None)
    listed = cleared_peer("Sam")
    db.session.commit()
    auth.login(worker)
    assert client.get(f"/referrals/new?peer_id={peer.id}").status_code == 404
    data = form(peer_id=str(peer.id), reference="DV-1", link_method="signpost", made_by="worker")
    assert client.post("/referrals/new", data=data).status_code == 404
    assert client.get(f"/referrals/new?peer_id={listed.id}").status_code == 200
    assert client.get("/referrals/new?peer_id=99999").status_code == 404
    assert client.get("/referrals/new?service_id=nope").status_code == 404


def test_an_archived_meeting_is_not_a_target(client, auth, worker, meeting):
    meeting.archived_at = datetime.now(UTC).replace(tzinfo=None)
    db.session.commit()
    auth.login(worker)
    assert client.get(f"/referrals/new?meeting_id={meeting.id}").status_code == 404
    with pytest.raises(ValidationFailed, match="no longer listed"):
        services.make_referral(
            services.add_client(ClientData(reference="DV-1"), worker),
            ReferralData(link_method="signpost", meeting_id=meeting.id), worker, today(),
        )  # fmt: skip


def test_the_planned_date_must_fall_on_the_meetings_day(worker, meeting):
    client = services.add_client(ClientData(reference="DV-1"), worker)
    monday = meeting_date(meeting)
    wrong = monday + timedelta(days=1)
    with pytest.raises(ValidationFailed) as failed:
        services.make_referral(
            client, ReferralData(link_method="signpost", meeting_id=meeting.id,
                                 planned_first_meeting=wrong), worker, today(),
        )  # fmt: skip
    message = failed.value.errors["planned_first_meeting"]
    assert "Hope Group is not held then (Every Monday" in message
    assert f"{(monday + timedelta(days=7)).day} " in message  # the next Monday after it
    ok = services.make_referral(
        client, ReferralData(link_method="signpost", meeting_id=meeting.id,
                             planned_first_meeting=monday), worker, today(),
    )  # fmt: skip
    assert ok.planned_first_meeting == monday


def test_the_weekday_is_the_meetings_own(make_meeting):
    from community_hub.meetings.occurrences import meets_on, next_date

    sunday = make_meeting(day=0, timezone="America/New_York")
    assert meets_on(sunday, date(2026, 11, 29)) and not meets_on(sunday, date(2026, 11, 30))
    assert next_date(sunday, date(2026, 11, 30)) == date(2026, 12, 6)


def test_consent_needed_before_an_accompanied_referral(worker, meeting):
    client = services.add_client(ClientData(reference="DV-1"), worker)
    data = ReferralData(link_method="accompanied", made_by="peer", meeting_id=meeting.id)
    with pytest.raises(ValidationFailed) as failed:
        services.make_referral(client, data, worker, today())
    assert "consent_share_with_peer" in failed.value.errors
    consent.give(client, Purpose.SHARE_WITH_PEER.value, today(), "written form", worker, today())
    assert services.make_referral(client, data, worker, today()).status == "requested"


def test_a_monthly_meeting_is_planned_only_on_its_week(make_meeting):
    from community_hub.meetings.occurrences import meets_on, next_date

    first_saturday = make_meeting(day=6)
    first_saturday.monthly_week = 1
    db.session.commit()
    assert meets_on(first_saturday, date(2026, 12, 5))  # the first Saturday of December
    assert not meets_on(first_saturday, date(2026, 12, 12))  # the second
    assert next_date(first_saturday, date(2026, 12, 6)) == date(2027, 1, 2)


def test_a_cancelled_date_is_not_a_date_the_meeting_is_held(make_meeting, worker):
    from community_hub.meetings.occurrences import meets_on, next_date
    from community_hub.meetings.one_offs import OneOffChange

    monday = make_meeting(day=1)
    db.session.add(OneOffChange(meeting=monday, kind="cancelled", on_date=date(2026, 12, 28)))
    db.session.commit()
    assert not meets_on(monday, date(2026, 12, 28))
    assert next_date(monday, date(2026, 12, 22)) == date(2027, 1, 4)
    client = services.add_client(ClientData(reference="DV-9"), worker)
    with pytest.raises(ValidationFailed) as failed:
        services.make_referral(
            client, ReferralData(link_method="signpost", meeting_id=monday.id,
                                 planned_first_meeting=date(2026, 12, 28)), worker, TODAY,
        )  # fmt: skip
    assert "4 January 2027" in failed.value.errors["planned_first_meeting"]
