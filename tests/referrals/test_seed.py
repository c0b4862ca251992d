"""The demo referrals: every status and way of closing, follow-ups done, due today and overdue."""

from __future__ import annotations

from sqlalchemy import func, select

from community_hub.auth.services import find_user
from community_hub.extensions import db
from community_hub.referrals import followups, matching, offers
from community_hub.referrals.models import Client, FollowUp, Referral
from community_hub.referrals.states import ClosedReason, Status
from community_hub.seed import load_seed
from tests.helpers import today


def test_every_status_and_follow_up_state_is_in_the_demo(demo_region):
    referrals = db.session.scalars(select(Referral)).all()
    assert {r.status for r in referrals} == {s.value for s in Status}
    assert {r.closed_reason for r in referrals if r.closed_reason} == {
        c.value for c in ClosedReason
    }
    assert any(len(r.history) > 1 and r.history[-1].from_status == "closed" for r in referrals)
    worker = find_user("worker@example.org")
    due_today, overdue = followups.due_for(worker, today())
    assert due_today and overdue
    done = db.session.scalars(select(FollowUp).where(FollowUp.status == "done")).all()
    assert {f.day_offset for f in done} == {7, 30, 90}
    assert db.session.scalar(select(func.count()).where(FollowUp.status == "cancelled")) > 0
    assert all(not c.reference[0].islower() for c in db.session.scalars(select(Client)))


def waiting(reference: str) -> Referral:
    return db.session.scalars(
        select(Referral).where(Referral.client.has(reference=reference))
    ).one()


def test_the_demo_peer_can_be_matched_and_sees_their_offers(demo_region):
    names = [c.peer.display_name for c in matching.candidates(waiting("DP-1021"), today())]
    assert names and names[0] == "Dean"
    dean = find_user("volunteer@example.org")
    statuses = {o.status for o in offers.offers_for(dean, today())}
    assert {"matched", "accepted"} <= statuses


def test_loading_again_adds_no_referrals(demo_region):
    before = db.session.scalar(select(func.count()).select_from(Referral))
    load_seed()
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Referral)) == before


def test_a_woman_for_a_closed_womens_aa_meeting_is_never_offered_dean(demo_region):
    """The walk that found the problem: only Dean is cleared, and he is a man in NA."""
    found = matching.match(waiting("DP-1002"), today())
    assert found.candidates == []
    assert found.why_none() == "No cleared woman peer in AA within 20 km."
