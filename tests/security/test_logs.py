"""What gunicorn writes down: no query strings, so no searches, positions or link tokens.

The deployment runs gunicorn with gunicorn.conf.py (README, Deploying); this runs the same
file against a real server and reads its access log.
"""

from __future__ import annotations

from pathlib import Path

import requests

from tests.security import serverharness as harness

SECRETS = {
    "/invitation": {"token": "INVITE-TOKEN-3f9a81"},
    "/login/reset": {"token": "RESET-TOKEN-77c1d0"},
    "/": {"q": "Balby-North-Bridge"},
    "/api/v1/meetings": {"lat": "53.51234", "lng": "-1.12345"},
}


def test_the_access_log_holds_paths_but_no_query_strings(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    harness.prepared_database(url, clients=1)
    with harness.running(url, tmp_path / "logs") as server:
        for path, query in SECRETS.items():
            answer = requests.get(server.url + path, params=query, timeout=10)
            assert answer.status_code < 500, path
    log = server.log_text()
    for path, query in SECRETS.items():
        assert f"GET {path} " in log, "the access log was written"
        for value in query.values():
            assert value not in log, f"{value} reached the log"
