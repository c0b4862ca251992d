"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from community_hub.extensions import db
from community_hub.fulltext import include_name
from tests.conftest import make_app


@pytest.fixture
def empty_database_url(database_url: str, tmp_path) -> Iterator[str]:
    """A database with nothing in it, on the backend under test."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    server = make_url(database_url)
    name = f"community_hub_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_matches_the_models(empty_database_url: str) -> None:
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            # The full-text indexes (FTS5 tables, tsvector indexes) are not in the models.
            context = MigrationContext.configure(conn, opts={"include_name": include_name})
            diff = compare_metadata(context, db.metadata)
            tables = set(inspect(conn).get_table_names())
        db.engine.dispose()
    assert diff == []
    assert {"meeting", "venue", "fellowship", "user", "organisation"} <= tables
