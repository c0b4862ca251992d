"""SQLite for several server processes at once: write-ahead log and a busy timeout.

With WAL, readers never wait for the writer and a committed transaction survives the process
being killed. The busy timeout makes a writer wait for the one before it instead of failing
with "database is locked". PostgreSQL needs neither, so only SQLite connections are touched.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event

from community_hub.extensions import db

BUSY_TIMEOUT_MS = 15_000  # under gunicorn's 30 s worker timeout


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # An in-memory database answers "memory" and stays as it is, which is fine.
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def init_app(app: Flask) -> None:
    """Set the pragmas on every new SQLite connection of this app's engines."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _on_connect)
