"""Feed subscriptions against a real HTTP server on this machine (no internet): conditional GET,
one transaction per source, archiving only after two misses, failures that change nothing and
are told to the coordinator. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import func, select

from community_hub.auth.models import User
from community_hub.extensions import db
from community_hub.interop.models import FeedSource
from community_hub.interop.subscriptions import SubscriptionData, subscribe
from community_hub.interop.sync import sync_all
from community_hub.jobs.models import OutboxMessage
from community_hub.listings.models import ListingChange
from community_hub.meetings.models import Meeting
from tests.helpers import page
from tests.test_real_feeds import FEEDS


@pytest.fixture
def app_config() -> dict[str, Any]:
    """The test feeds are served on this machine, which production refuses (see below)."""
    return {"FEED_PRIVATE_ADDRESSES": True}


class Feeds:
    """What the local server answers at each path: (status, body, ETag), changeable mid-test."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, bytes, str]] = {}
        self.requests: list[tuple[str, str]] = []  # (path, If-None-Match sent)


@pytest.fixture
def server() -> Iterator[tuple[str, Feeds]]:
    feeds = Feeds()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            sent = self.headers.get("If-None-Match", "")
            feeds.requests.append((self.path, sent))
            status, body, etag = feeds.answers.get(self.path, (404, b"not here", ""))
            if etag and sent == etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if etag:
                self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", feeds
    httpd.shutdown()
    httpd.server_close()


def meeting(slug: str, name: str, time: str = "19:00", **more: Any) -> dict[str, Any]:
    return {"slug": slug, "name": name, "day": 2, "time": time,
            "conference_url": f"https://zoom.us/j/{slug}"} | more  # fmt: skip


def body(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows).encode()


@pytest.fixture
def subscribed(server, make_org, make_fellowship, make_user):
    base, feeds = server
    org = make_org(slug="yorkshire-listings", kind="fellowship", timezone="America/Chicago")
    make_user("coordinator", organisation=org, email="listings@example.org")
    aa = make_fellowship("aa")
    feeds.answers["/kc.json"] = (200, (FEEDS / "kc.test.json").read_bytes(), '"kc-1"')
    feeds.answers["/changing.json"] = (
        200, body([meeting("a", "Alpha"), meeting("b", "Beta"), meeting("c", "Gamma")]), '"v1"'
    )  # fmt: skip
    feeds.answers["/failing.json"] = (200, body([meeting("z", "Zulu")]), "")
    sources = {}
    for name in ("kc", "changing", "failing"):
        sources[name] = subscribe(
            org, SubscriptionData(name.title(), f"{base}/{name}.json", aa.id, "")
        )
    db.session.commit()
    return org, sources, feeds


def count(org, **where: Any) -> int:
    stmt = select(func.count(Meeting.id)).where(Meeting.organisation_id == org.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Meeting, key) == value)
    return int(db.session.scalar(stmt) or 0)


def test_subscriptions_sync_per_source_with_conditional_get(subscribed):
    org, _sources, feeds = subscribed
    first = {r.key: r for r in sync_all()}
    assert {k: r.status for k, r in first.items()} == {
        "kc": "ok",
        "changing": "ok",
        "failing": "ok",
    }
    assert first["changing"].counts["added"] == 3 and first["kc"].counts["added"] == 206
    assert count(org, archived_at=None) == 206 + 3 + 1
    # The history says each meeting came from the subscription.
    sync_rows = db.session.scalar(
        select(func.count(ListingChange.id)).where(
            ListingChange.source == "sync", ListingChange.kind == "meetings"
        )
    )
    assert sync_rows == 210

    # The next night: kc has not changed (304); one meeting changed, one vanished, one is new.
    changed = [meeting("a", "Alpha", time="20:00"), meeting("c", "Gamma"), meeting("d", "Delta")]
    feeds.answers["/changing.json"] = (200, body(changed), '"v2"')
    second = {r.key: r for r in sync_all()}
    assert second["kc"].status == "unchanged"
    assert ("/kc.json", '"kc-1"') in feeds.requests
    counts = second["changing"].counts
    assert (counts["added"], counts["changed"], counts["missing"], counts["archived"]) == (
        1,
        1,
        1,
        0,
    )
    beta = db.session.scalar(select(Meeting).where(Meeting.source_slug == "b"))
    assert beta.archived_at is None and beta.source_missing == 1  # once is not enough

    # Missing from a second fetch in a row (an unchanged feed is a fetch too): archived now.
    third = {r.key: r for r in sync_all()}
    assert third["changing"].status == "unchanged" and third["changing"].counts["archived"] == 1
    db.session.refresh(beta)
    assert beta.archived_at is not None
    assert "archived 1" in third["changing"].line() and "last success" in third["changing"].line()
    history = db.session.scalars(
        select(ListingChange)
        .where(ListingChange.kind == "meetings", ListingChange.listing_id == str(beta.id))
        .order_by(ListingChange.id)
    ).all()
    assert [(c.action, c.source, c.source_name) for c in history] == [
        ("created", "sync", "Changing"),
        ("archived", "sync", "Changing"),
    ]


def test_a_failing_source_changes_nothing_and_the_coordinator_is_told_once(
    subscribed, client, auth
):
    _org, sources, feeds = subscribed
    sync_all()
    before = {m.slug: (m.name, m.archived_at) for m in db.session.scalars(select(Meeting))}
    feeds.answers["/failing.json"] = (500, b"Internal Server Error", "")
    # A feed that changes in the same run still applies: each source is on its own.
    feeds.answers["/changing.json"] = (200, body([meeting("a", "Alpha renamed")]), '"v3"')
    results = {r.key: r for r in sync_all()}
    assert results["failing"].failed and "500" in results["failing"].error
    assert results["changing"].status == "ok"
    zulu = db.session.scalar(select(Meeting).where(Meeting.source_slug == "z"))
    assert (zulu.name, zulu.archived_at) == before[zulu.slug]
    source = db.session.get(FeedSource, sources["failing"].id)
    assert (source.last_status, source.failures) == ("failed", 1)
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "feed_sync_failed")
    ).all()
    assert [m.recipient for m in told] == ["listings@example.org"]

    # Garbage next time: still nothing changes, and nobody is told twice.
    for garbage in (b"<html>maintenance</html>", b"[]", body([{"no": "slug"}]), b'{"a": 1}'):
        feeds.answers["/failing.json"] = (200, garbage, "")
        (result,) = sync_all("failing")
        assert result.failed, garbage
    db.session.refresh(zulu)
    assert (zulu.name, zulu.archived_at) == before[zulu.slug]
    assert (
        db.session.scalar(
            select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "feed_sync_failed")
        )
        == 1
    )

    # The coordinator sees the error on the subscriptions page.
    auth.login(db.session.scalar(select(User).where(User.email == "listings@example.org")))
    html = page(client.get("/manage/feeds/"))
    assert "Failed:" in html and "Nothing was changed." in html

    # When it works again, the failures are forgotten.
    feeds.answers["/failing.json"] = (200, body([meeting("z", "Zulu")]), "")
    (result,) = sync_all("failing")
    assert result.status == "ok"
    assert db.session.get(FeedSource, sources["failing"].id).failures == 0


def test_the_cli_reports_each_source_and_exits_1_on_failure(subscribed, runner):
    _org, _sources, feeds = subscribed
    feeds.answers["/failing.json"] = (503, b"down", "")
    result = runner.invoke(args=["sync-feeds"])
    assert result.exit_code == 1
    assert "kc: added 206" in result.output
    assert "failing: FAILED, nothing changed: the server answered 503" in result.output


def test_a_coordinator_subscribes_and_stops_a_feed(client, coordinator, make_fellowship):
    aa = make_fellowship("aa")
    db.session.commit()
    response = client.post(
        "/manage/feeds/",
        data={
            "name": "Kansas City",
            "url": "https://example.org/feed.json",
            "fellowship_id": aa.id,
        },
    )
    assert response.status_code == 302
    source = db.session.scalar(select(FeedSource).where(FeedSource.url != ""))
    assert source.organisation_id == coordinator.organisation_id and source.active
    bad = client.post("/manage/feeds/", data={"name": "", "url": "ftp://x", "fellowship_id": aa.id})
    assert bad.status_code == 400 and "starting https://" in page(bad)
    assert client.post(f"/manage/feeds/{source.id}/stop").status_code == 302
    db.session.refresh(source)
    assert not source.active


def test_a_feed_on_a_private_address_is_refused_by_default(app, subscribed):
    app.config["FEED_PRIVATE_ADDRESSES"] = False
    results = sync_all("kc")
    assert results[0].failed and "private network" in results[0].error
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
