"""A small hand-made world for the reports, every figure of which is worked out in the tests.

Referrals (period 2026-01-01 to 2026-12-31), days = referral to first meeting attended:

  #   org  method           made by  days  30-day follow-up  90-day follow-up     status
  1   A    accompanied      peer     3     weekly            weekly, sponsor      engaged
  2   A    accompanied      peer     10    weekly            not weekly           engaged
  3   A    warm_handover    peer     20    weekly            -                    attended
  4   A    warm_handover    worker   5     not weekly        not weekly           closed engaged
  5   A    in_session_call  worker   14    -                 -                    attended
  6   A    in_session_call  worker   -     done, not weekly  -                    lost
  7   A    signpost         worker   40    -                 -                    attended
  8   A    signpost         worker   -     -                 -                    lost
  9   A    signpost         worker   -     -                 -                    requested
  10  A    signpost         worker   -     -                 -                    declined
  11  A    accompanied      peer     1     weekly            weekly, sponsor      engaged
  12  A    signpost         peer     100   -                 -                    attended
  13  B    accompanied      worker   7     weekly            -                    attended
  14  B    signpost         worker   -     -                 -                    lost
  15  B    warm_handover    peer     15    -                 -                    attended
  and, never counted: one in 2025 (A), a draft (A), one entered in error (B).

Referrals 1-8 are to an AA meeting, 9-15 to an NA meeting. A is in Doncaster, B in Calderdale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from community_hub.auth.models import Organisation
from community_hub.extensions import db
from community_hub.meetings.models import Meeting
from community_hub.referrals.models import Client, FollowUp, Referral

FROM, TO = "2026-01-01", "2026-12-31"
PERIOD = {"from": FROM, "to": TO}

# (org, method, made_by, days, f30, f90, status, closed_reason, district)
# f30: None / (weekly,) ; f90: None / (weekly, sponsor)
ROWS: list[tuple[Any, ...]] = [
    ("A", "accompanied", "peer", 3, (True,), (True, True), "engaged", "", "DN1"),
    ("A", "accompanied", "peer", 10, (True,), (False, False), "engaged", "", "DN1"),
    ("A", "warm_handover", "peer", 20, (True,), None, "attended_first_meeting", "", "DN1"),
    ("A", "warm_handover", "worker", 5, (False,), (False, False), "closed", "engaged", "DN1"),
    ("A", "in_session_call", "worker", 14, None, None, "attended_first_meeting", "", "DN1"),
    ("A", "in_session_call", "worker", None, (False,), None, "closed", "lost_to_follow_up", "DN4"),
    ("A", "signpost", "worker", 40, None, None, "attended_first_meeting", "", "DN4"),
    ("A", "signpost", "worker", None, None, None, "closed", "lost_to_follow_up", "DN4"),
    ("A", "signpost", "worker", None, None, None, "requested", "", "DN4"),
    ("A", "signpost", "worker", None, None, None, "closed", "declined_by_client", "HX1"),
    ("A", "accompanied", "peer", 1, (True,), (True, True), "engaged", "", "DN4"),
    ("A", "signpost", "peer", 100, None, None, "attended_first_meeting", "", "HX1"),
    ("B", "accompanied", "worker", 7, (True,), None, "attended_first_meeting", "", "HX1"),
    ("B", "signpost", "worker", None, None, None, "closed", "lost_to_follow_up", ""),
    ("B", "warm_handover", "peer", 15, None, None, "attended_first_meeting", "", "HX1"),
]


@dataclass
class World:
    a: Organisation
    b: Organisation
    aa_meeting: Meeting
    na_meeting: Meeting


def add_referral(
    org: Organisation, meeting: Meeting, made: date, method: str = "signpost", **fields: Any
) -> Referral:
    """A referral written straight to the database, as if it had been through its life."""
    n = (db.session.scalar(select(func.count(Client.id))) or 0) + 1
    client = Client(
        organisation_id=org.id,
        reference=f"R-{n}",
        postcode_district=fields.pop("district", ""),
    )
    days = fields.pop("days", None)
    f30, f90 = fields.pop("f30", None), fields.pop("f90", None)
    referral = Referral(
        organisation_id=org.id, client=client, meeting_id=meeting.id, link_method=method,
        created_at=datetime.combine(made, datetime.min.time()) + timedelta(hours=10),
        first_meeting_attended_on=None if days is None else made + timedelta(days=days),
        planned_first_meeting=made + timedelta(days=2), **fields,
    )  # fmt: skip
    db.session.add(referral)
    for offset, answer in ((30, f30), (90, f90)):
        if answer is not None:
            db.session.add(
                FollowUp(
                    referral=referral, day_offset=offset, status="done",
                    due_on=made + timedelta(days=offset),
                    completed_on=made + timedelta(days=offset),
                    attended_first_meeting=days is not None, attending_weekly=answer[0],
                    has_sponsor_or_mentor=answer[1] if len(answer) > 1 else None,
                )
            )  # fmt: skip
    # A follow-up still due, never counted as done.
    db.session.add(FollowUp(referral=referral, day_offset=7, due_on=made + timedelta(days=7)))
    db.session.flush()
    return referral


@pytest.fixture
def world(
    make_org: Callable[..., Organisation], make_meeting: Callable[..., Meeting], make_fellowship
) -> World:
    a = make_org(name="Don Valley Treatment", slug="dvt", kind="treatment", area="Doncaster")
    b = make_org(name="Calder Recovery Service", slug="crs", kind="treatment", area="Calderdale")
    intergroup = make_org(name="Intergroup", slug="ig", kind="fellowship", area="Doncaster")
    aa = make_meeting(organisation=intergroup, fellowship=make_fellowship("aa"))
    na = make_meeting(organisation=intergroup, fellowship=make_fellowship("na"))
    for i, (org, method, made_by, days, f30, f90, status, reason, district) in enumerate(ROWS):
        add_referral(
            a if org == "A" else b, aa if i < 8 else na, date(2026, 3, 1) + timedelta(days=i * 7),
            method, made_by=made_by, days=days, f30=f30, f90=f90, status=status,
            closed_reason=reason, district=district,
        )  # fmt: skip
    add_referral(a, aa, date(2025, 12, 31), "accompanied", status="engaged", days=2)
    add_referral(a, aa, date(2026, 5, 1), "accompanied", status="draft")
    add_referral(
        b, na, date(2026, 5, 1), "signpost", status="closed", closed_reason="entered_in_error"
    )
    db.session.commit()
    return World(a, b, aa, na)


TODAY = date(2026, 12, 3)  # the demo's "today": 2026-Q3 is the latest quarter that has ended


@pytest.fixture
def today(monkeypatch):
    """Pages believe it is TODAY, whatever the clock says."""
    monkeypatch.setattr("community_hub.reports.views.today", lambda: TODAY)
    return TODAY


@pytest.fixture
def ctx(app):
    """A request context, for reading figures' text (translated labels) outside a page."""
    with app.test_request_context():
        yield
