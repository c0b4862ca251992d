"""The demo peers and champions load idempotently, cover what the demo needs, and never leak
anyone's private phone or email onto a public page."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from community_hub.extensions import db
from community_hub.people.models import PeerSupporter, RecoveryChampion
from community_hub.people.seed import load_people
from community_hub.seed import DEFAULT_DIRECTORY, load_seed

TODAY = datetime.now(UTC).date()
WALES = ("Cardiff", "Swansea", "Newport")


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def load(directory: str = DEFAULT_DIRECTORY) -> dict[str, int]:
    load_seed(directory, TODAY)
    counts = load_people(directory, TODAY)
    db.session.commit()
    return counts


@pytest.fixture
def seeded(app: Flask) -> dict[str, int]:
    return load(DEFAULT_DIRECTORY)


def peers() -> list[PeerSupporter]:
    return list(db.session.scalars(select(PeerSupporter).order_by(PeerSupporter.id)))


def champions() -> list[RecoveryChampion]:
    return list(db.session.scalars(select(RecoveryChampion).order_by(RecoveryChampion.id)))


def test_loading_twice_changes_nothing(seeded: dict[str, int]) -> None:
    before = {p.slug: (p.id, p.latitude, p.consent_at, p.last_confirmed) for p in peers()}

    again = load()

    assert again == seeded
    assert count(PeerSupporter) == seeded["peers"]
    assert count(RecoveryChampion) == seeded["champions"]
    after = {p.slug: (p.id, p.latitude, p.consent_at, p.last_confirmed) for p in peers()}
    assert after == before


def test_the_seed_covers_what_the_demo_needs(seeded: dict[str, int]) -> None:
    public = [p for p in peers() if p.is_public]
    welsh = [p for p in public if "cy" in p.language_list and p.centre_place in WALES]
    assert welsh, "a Welsh-speaking peer in Cardiff, Swansea or Newport"
    assert any(p.gender.lower() == "woman" for p in public)
    assert any({"medication-assisted", "alcohol"} <= set(p.pathway_list) for p in public)
    assert any(p.consent_at is None for p in peers())
    assert any(p.hidden_at is not None and p.consent_at is not None for p in peers())
    assert any(p.paid for p in public) and any(not p.paid for p in public)
    assert all(p.latitude is not None and p.lat_band is not None for p in peers())
    assert all(len(p.display_name.split()) == 1 for p in (*peers(), *champions()))
    assert all(p.consent_recorded_by_id for p in peers() if p.consent_at)

    listed = [c for c in champions() if c.is_listed]
    assert {c.level for c in listed} == {"strategic", "therapeutic", "community"}
    assert {c.level for c in listed if c.is_public} == {"strategic", "therapeutic", "community"}
    assert any(c.visibility == "private" for c in listed)
    assert any(c.consent_at is None for c in champions())


def test_seed_dates_are_relative_to_today(seeded: dict[str, int]) -> None:
    kev = db.session.scalar(select(PeerSupporter).where(PeerSupporter.slug == "doncaster-kev"))
    assert kev is not None and kev.last_confirmed is not None
    assert kev.last_confirmed <= TODAY
    assert (TODAY - kev.last_confirmed) < timedelta(days=90)
    assert any(p.last_confirmed and (TODAY - p.last_confirmed).days > 90 for p in peers())


def test_a_bad_record_is_refused_with_its_slug(app: Flask, tmp_path: Path) -> None:
    directory = tmp_path / "seed"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    records = json.loads((directory / "peers.json").read_text(encoding="utf-8"))
    records[0]["offers"] = ["juggling"]
    (directory / "peers.json").write_text(json.dumps(records), encoding="utf-8")
    # load_seed loads the people files too, so the bad record stops it.
    with pytest.raises(ValueError, match=r"doncaster-kev.*Unknown kind of support: juggling"):
        load_seed(str(directory), TODAY)


def private_details() -> list[str]:
    details = []
    for item in (*peers(), *champions()):
        assert item.private_phone and item.private_email
        details += [item.private_phone, item.private_phone.replace(" ", ""), item.private_email]
    return details


def public_pages(client: Any) -> dict[str, str]:
    urls = ["/peers", "/champions", "/peers?q=Cardiff&radius=50km", "/champions?q=Doncaster"]
    urls += [f"/peers/{p.id}" for p in peers()]
    urls += [f"/champions/{c.id}" for c in champions()]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        pages[url] = unescape(response.get_data(as_text=True))
    return pages


def test_no_private_phone_or_email_appears_on_any_public_page(seeded, client) -> None:
    secrets = private_details()
    pages = public_pages(client)

    for url, html in pages.items():
        leaked = [s for s in secrets if s in html]
        assert not leaked, f"{url} shows {leaked}"
    shown = [p for p in peers() if p.display_name in pages[f"/peers/{p.id}"] and p.is_public]
    assert len(shown) == len([p for p in peers() if p.is_public]) > 10


def test_no_private_details_for_signed_in_staff_either(seeded, client, auth, make_user) -> None:
    auth.login(make_user("worker"))
    secrets = private_details()

    for url, html in public_pages(client).items():
        assert not [s for s in secrets if s in html], url


def test_unlisted_seed_people_are_not_found_by_the_public(seeded, client) -> None:
    for peer in peers():
        status = client.get(f"/peers/{peer.id}").status_code
        assert status == (200 if peer.is_public else 404), peer.slug
    for champion in champions():
        status = client.get(f"/champions/{champion.id}").status_code
        assert status == (200 if champion.is_public else 404), champion.slug
    listing = unescape(client.get("/champions").get_data(as_text=True))
    for champion in champions():
        assert (champion.display_name in listing) == champion.is_public, champion.slug
