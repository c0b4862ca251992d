"""Faults: kill -9 the whole server in the middle of a write burst, start it again, lose nothing.

Every write acknowledged before the crash is there, a write whose answer was lost is there
whole or not at all (never a referral without its client, history or audit event), SQLite's
integrity check passes, and the restarted server takes new writes at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BACKENDS
from tests.security import harness_checks as checks
from tests.security import serverharness as harness

KILL_AFTER_WRITES = 300


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with harness.database(request.param, tmp_path) as url:
        yield url


def test_kill_9_mid_burst_loses_no_acknowledged_write(database_url: str, tmp_path: Path):
    setup = harness.prepared_database(database_url)
    ledger = harness.Ledger()
    stop = threading.Event()
    server = harness.Gunicorn(database_url, tmp_path / "logs")
    try:
        server.start()
        burst = threading.Thread(
            target=lambda: errors.extend(harness.drive(server.url, setup, 100, ledger, "", stop))
        )
        errors: list[BaseException] = []
        burst.start()
        deadline = time.monotonic() + 120
        while ledger.writes < KILL_AFTER_WRITES and burst.is_alive():
            assert time.monotonic() < deadline, "the burst is too slow to reach the crash"
            time.sleep(0.05)
        stop.set()
        server.kill()  # master and workers at once, requests in flight
        burst.join(timeout=60)
        assert not errors, errors[:3]
        assert ledger.unanswered > 0, "requests were in flight when the server was killed"
        before_crash = ledger.writes
        assert before_crash >= KILL_AFTER_WRITES

        server.start()
        assert checks.problems(database_url, ledger) == []
        # The restarted server takes new writes straight away (no lock left behind).
        after = harness.drive(server.url, setup, 1, ledger, "after-")
        assert not after, after[:3]
        assert not ledger.refused, dict(ledger.refused)
        assert ledger.writes == before_crash + len(setup.emails) * 5
    finally:
        server.stop()
    print(
        f"\n{before_crash} writes acknowledged before kill -9 ({ledger.unanswered} requests cut "
        f"off), {ledger.writes} in all"
    )
    assert checks.problems(database_url, ledger) == []
    if database_url.startswith("sqlite"):
        assert checks.sqlite_integrity(database_url) == "ok"
    assert checks.personal_data_in(server.log_text(), ledger) == []
