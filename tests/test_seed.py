"""The demo region in seed/: loads cleanly, twice, and covers what the demo needs."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from community_hub.auth.models import Organisation, Role, User
from community_hub.auth.services import authenticate
from community_hub.extensions import db
from community_hub.meetings.models import Fellowship, Meeting, Venue
from community_hub.seed import DEFAULT_DIRECTORY, load_seed

TOWNS = (
    "Doncaster",
    "Mexborough",
    "Halifax",
    "Keighley",
    "Bradford",
    "Barnsley",
    "Sheffield",
    "Scunthorpe",
    "Burnley",
    "Accrington",
    "Blackburn",
    "Clitheroe",
    "Nelson",
    "Cardiff",
    "Swansea",
    "Newport",
)
DEMO_TODAY = datetime.now(UTC).date()  # seed dates are shifted to be relative to today


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def attendance_counts() -> dict[str, int]:
    rows = db.session.execute(select(Meeting.attendance, func.count()).group_by(Meeting.attendance))
    return {attendance: n for attendance, n in rows}


@pytest.fixture
def seeded(app: Flask) -> dict[str, int]:
    counts = load_seed()
    db.session.commit()
    return counts


def test_loading_twice_gives_the_same_counts_and_no_duplicates(seeded: dict[str, int]) -> None:
    again = load_seed()
    db.session.commit()
    assert again == seeded
    assert count(Fellowship) == seeded["fellowships"]
    assert count(Organisation) == seeded["organisations"]
    assert count(User) == seeded["users"]
    assert count(Venue) == seeded["venues"]
    assert count(Meeting) == seeded["meetings"]
    slugs = db.session.scalars(select(Meeting.slug)).all()
    assert len(slugs) == len(set(slugs))


def test_reloading_updates_a_changed_meeting_in_place(seeded: dict[str, int]) -> None:
    meeting = db.session.scalars(select(Meeting).order_by(Meeting.slug)).first()
    assert meeting is not None
    original_name, original_updated = meeting.name, meeting.updated_at
    meeting.name = "Renamed locally"
    db.session.commit()
    load_seed()
    db.session.commit()
    assert meeting.name == original_name
    assert meeting.updated_at == original_updated
    assert count(Meeting) == seeded["meetings"]


def test_there_are_enough_meetings_on_every_day(seeded: dict[str, int]) -> None:
    assert seeded["meetings"] >= 150
    days = set(db.session.scalars(select(Meeting.day)))
    assert days == set(range(7))
    assert count(Fellowship) >= 6


def test_every_demo_town_has_a_venue(seeded: dict[str, int]) -> None:
    cities = set(db.session.scalars(select(Venue.city)))
    assert set(TOWNS) <= cities
    assert seeded["venues"] >= 45


def test_online_hybrid_and_temporarily_closed_meetings(seeded: dict[str, int]) -> None:
    counts = attendance_counts()
    assert counts.get("online", 0) >= 12
    assert counts.get("hybrid", 0) >= 12
    assert counts.get("inactive", 0) == 2
    for meeting in db.session.scalars(select(Meeting).where(Meeting.attendance == "online")):
        assert meeting.venue is None
        assert meeting.latitude is None
    for meeting in db.session.scalars(select(Meeting).where(Meeting.attendance == "inactive")):
        assert "TC" in meeting.type_list
        assert meeting.venue is not None


def test_every_role_has_a_demo_account(seeded: dict[str, int]) -> None:
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {role.value for role in Role}
    for record in json.loads((Path(DEFAULT_DIRECTORY) / "users.json").read_text("utf-8")):
        assert authenticate(record["email"], record["password"]) is not None


def test_some_meetings_are_stale(seeded: dict[str, int]) -> None:
    cutoff = DEMO_TODAY - timedelta(days=90)
    stale = db.session.scalar(
        select(func.count()).select_from(Meeting).where(Meeting.last_confirmed < cutoff)
    )
    assert stale
    assert stale < seeded["meetings"] // 5


def test_meetings_respect_their_fellowship_and_venue_owner(seeded: dict[str, int]) -> None:
    for meeting in db.session.scalars(select(Meeting)):
        assert set(meeting.type_list) <= set(meeting.fellowship.allowed_types), meeting.slug
        assert not {"O", "C"} <= set(meeting.type_list), meeting.slug
        if meeting.venue is not None:
            assert meeting.venue.organisation_id in (None, meeting.organisation_id), meeting.slug
            assert meeting.region == meeting.venue.region


def broken_copy(tmp_path: Path, change: Any) -> str:
    """A copy of seed/ whose first meeting has been changed by `change`."""
    directory = tmp_path / "seed"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    path = directory / "meetings.json"
    meetings = json.loads(path.read_text("utf-8"))
    change(meetings[0])
    path.write_text(json.dumps(meetings), "utf-8")
    return str(directory)


def test_a_type_code_outside_the_fellowship_is_rejected(app: Flask, tmp_path: Path) -> None:
    directory = broken_copy(tmp_path, lambda m: m.update(slug="bad-types", types=["O", "ZZZ"]))
    with pytest.raises(ValueError, match="bad-types"):
        load_seed(directory)


def test_an_unknown_venue_key_is_rejected(app: Flask, tmp_path: Path) -> None:
    directory = broken_copy(tmp_path, lambda m: m.update(slug="bad-venue", venue="nowhere"))
    with pytest.raises(ValueError, match="bad-venue"):
        load_seed(directory)
