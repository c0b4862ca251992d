"""A new site knows the standard fellowships from its first day, not from the demo data."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.meetings import fellowships
from community_hub.meetings.models import Fellowship, Meeting


def slugs() -> list[str]:
    return sorted(db.session.scalars(select(Fellowship.slug)))


def test_init_site_adds_the_standard_fellowships_once_and_keeps_edits(runner):
    catalogue = json.loads(fellowships.CATALOGUE.read_text("utf-8"))
    assert slugs() == []
    result = runner.invoke(args=["init-site", "--admin-email", "first@example.org"])
    assert result.exit_code == 0, result.output
    assert slugs() == sorted(r["slug"] for r in catalogue)
    assert "Added the standard fellowships" in result.output

    aa = db.session.scalar(select(Fellowship).where(Fellowship.slug == "aa"))
    aa.website = "https://local-intergroup.example.org"
    db.session.commit()
    assert fellowships.ensure_standard() == []
    assert db.session.scalar(select(func.count(Fellowship.id))) == len(catalogue)
    assert aa.website == "https://local-intergroup.example.org"


def test_a_feed_imports_into_a_site_with_no_fellowships_yet(runner, tmp_path, make_org):
    org = make_org(slug="intergroup")
    db.session.commit()
    path = tmp_path / "feed.json"
    row = {
        "slug": "n1", "name": "Just for Today", "day": 2, "time": "19:30",
        "timezone": "Europe/London", "conference_url": "https://meet.example.org/n1",
    }  # fmt: skip
    path.write_text(json.dumps([row]))
    args = ["import-feed", str(path), "--organisation", org.slug, "--fellowship", "na"]
    result = runner.invoke(args=[*args, "--apply"])
    assert result.exit_code == 0, result.output
    meeting = db.session.scalar(select(Meeting).where(Meeting.slug == "n1"))
    assert meeting.fellowship.slug == "na"


def test_import_feed_names_what_it_does_not_know(runner, tmp_path, make_org):
    make_org(slug="intergroup")
    db.session.commit()
    path = tmp_path / "feed.json"
    path.write_text("[]")
    wrong_org = runner.invoke(args=["import-feed", str(path), "--organisation", "nope"])
    assert wrong_org.exit_code != 0
    assert "No organisation has the slug 'nope'" in wrong_org.output
    assert "intergroup" in wrong_org.output
    wrong = ["import-feed", str(path), "--organisation", "intergroup", "--fellowship", "xa"]
    result = runner.invoke(args=wrong)
    assert result.exit_code != 0
    assert "No fellowship has the slug 'xa'" in result.output and "smart" in result.output
