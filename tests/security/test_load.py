"""No lost data under load: 16 workers at once against gunicorn, on SQLite and PostgreSQL.

Each worker signs in and makes referral journeys through the real forms (CSRF on): refer a
client, plan the first meeting, log two attempts to reach them, record the follow-up. Every
write the server acknowledged must be in the database exactly once, and the server's access
and error logs must hold no client reference, note or other free text.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKENDS
from tests.security import harness_checks as checks
from tests.security import serverharness as harness

JOURNEYS = 25  # per worker: 16 x 25 x 5 = 2,000 writes


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with harness.database(request.param, tmp_path) as url:
        yield url


def test_every_acknowledged_write_is_stored_exactly_once(database_url: str, tmp_path: Path):
    setup = harness.prepared_database(database_url)
    ledger = harness.Ledger()
    with harness.running(database_url, tmp_path / "logs") as server:
        started = time.monotonic()
        errors = harness.drive(server.url, setup, JOURNEYS, ledger)
        elapsed = time.monotonic() - started
    print(
        f"\n{ledger.writes} writes acknowledged by gunicorn ({server.workers} workers) from "
        f"{harness.CLIENTS} clients in {elapsed:.1f} s; refused: {dict(ledger.refused)}"
    )
    assert not errors, errors[:3]
    assert not ledger.refused, f"every write should succeed: {dict(ledger.refused)}"
    assert ledger.writes >= 2000
    assert checks.problems(database_url, ledger) == []
    if database_url.startswith("sqlite"):
        assert checks.sqlite_integrity(database_url) == "ok"

    log = server.log_text()
    assert log.count("POST /referrals/new") == len(ledger.sent), "the access log was captured"
    assert checks.personal_data_in(log, ledger) == []


def test_sqlite_connections_use_the_write_ahead_log_and_wait_when_busy(tmp_path: Path):
    from sqlalchemy import text

    from community_hub import create_app
    from community_hub.extensions import db

    app = create_app({"APP_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"})
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15_000
        db.session.remove()
        db.engine.dispose()
