"""`flask backup` and `flask restore`: a round trip gives back every row of every table."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text

from community_hub.auth.models import User
from community_hub.backup import BackupError, backup_database, restore_database
from community_hub.extensions import db
from tests.conftest import make_app, need


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on the backend under test; SQLite as a real file, like a deployment."""
    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    else:
        for tool in ("pg_dump", "pg_restore"):
            if not _on_path(tool):
                need(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    app = make_app(database_url)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        if database_url.startswith("postgresql"):
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


def _on_path(tool: str) -> bool:
    import shutil

    return shutil.which(tool) is not None


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    tables: dict[str, list[tuple[Any, ...]]] = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            tables[table.name] = [
                tuple(row) for row in conn.execute(table.select().order_by(*order))
            ]
    return tables


def fill(make_user: Any, make_meeting: Any) -> None:
    make_user("coordinator", email="keep@example.org")
    make_user("worker")
    make_meeting(name="Keep This Meeting")
    make_meeting()
    db.session.commit()


def test_round_trip_restores_every_row_of_every_table(app, make_user, make_meeting, tmp_path):
    assert db.engine.url.database != ":memory:" and db.engine.url.database  # a real file or db
    fill(make_user, make_meeting)
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 8
    path = tmp_path / "hub.backup"

    result = backup_database(path)

    assert result.path == path and result.size_bytes > 0
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # personal data: owner only
    # Change things after the backup: a deletion, an edit and an addition.
    db.session.execute(text("DELETE FROM meeting WHERE name = 'Keep This Meeting'"))
    db.session.scalars(select(User)).first().display_name = "Changed"  # type: ignore[union-attr]
    make_user("admin")
    db.session.commit()
    assert snapshot() != before

    restore_database(path)

    assert snapshot() == before
    # The app keeps working on the restored data, with fresh connections.
    assert db.session.scalar(select(User).where(User.email == "keep@example.org")) is not None
    make_user("volunteer")


def test_the_commands_round_trip_and_restore_asks_first(app, runner, make_user, tmp_path):
    make_user("coordinator", email="first@example.org")
    path = tmp_path / "nightly.backup"

    made = runner.invoke(args=["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert "Backed up" in made.output and "personal data" in made.output
    make_user("coordinator", email="second@example.org")

    declined = runner.invoke(args=["restore", str(path)], input="n\n")
    assert declined.exit_code != 0
    assert "Continue?" in declined.output and "Aborted" in declined.output
    assert len(snapshot()["user"]) == 2  # nothing was changed

    unattended = runner.invoke(args=["restore", str(path)], input="")
    assert unattended.exit_code != 0
    assert len(snapshot()["user"]) == 2

    restored = runner.invoke(args=["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    emails = [row.email for row in db.session.scalars(select(User))]
    assert emails == ["first@example.org"]


def test_backup_never_overwrites_a_file(app, runner, tmp_path):
    path = tmp_path / "exists.backup"
    path.write_text("an older backup")

    result = runner.invoke(args=["backup", str(path)])

    assert result.exit_code != 0
    assert "already exists" in result.output
    assert path.read_text() == "an older backup"


def test_restore_refuses_a_file_that_is_not_a_backup(app, runner, make_user, tmp_path):
    make_user("coordinator")
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")

    result = runner.invoke(args=["restore", str(junk), "--yes"])

    assert result.exit_code != 0
    assert "Nothing was changed" in result.output
    assert len(snapshot()["user"]) == 1


def test_missing_postgresql_tools_are_explained(monkeypatch, tmp_path):
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("PATH", str(tmp_path))
    with app.app_context(), pytest.raises(BackupError, match="pg_dump was not found on PATH"):
        backup_database(tmp_path / "x.backup")
    assert not (tmp_path / "x.backup").exists()
    assert not (tmp_path / "x.backup.partial").exists()
