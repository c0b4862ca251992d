"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import random
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, select, text, update
from sqlalchemy.engine import make_url

from community_hub.extensions import db
from community_hub.fulltext import include_name
from community_hub.people.models import PeerSupporter
from community_hub.volunteers.models import Volunteer
from community_hub.volunteers.requirements import may_accompany
from tests.conftest import make_app
from tests.volunteers import random_records


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


def test_the_cleared_until_migration_fills_the_dates(empty_database_url: str) -> None:
    """Recorded volunteers get their stored date, and their peers its copy, on upgrade."""
    today = date(2026, 11, 23)
    app = make_app(empty_database_url)
    with app.app_context():
        upgrade()
        rng = random.Random(4)
        org, hosts = random_records.programme(rng, 0)
        people = [random_records.volunteer(rng, org, hosts, today, f"V{n}") for n in range(30)]
        db.session.add_all(
            PeerSupporter(organisation_id=org.id, slug=f"m-{p.id}", display_name=p.first_name,
                          area="Leeds", volunteer_id=p.id)
            for p in people
        )  # fmt: skip
        db.session.commit()
        ids = [p.id for p in people]
        db.session.execute(update(Volunteer).values(cleared_until=None))  # as before the column
        db.session.execute(update(PeerSupporter).values(cleared_until=None))
        db.session.commit()
        db.session.remove()
        downgrade(revision="b4d2f6a8c1e3")
        upgrade(revision="c5e7a9b1d3f2")
        stored = dict(db.session.execute(select(Volunteer.id, Volunteer.cleared_until)).all())
        copies = dict(
            db.session.execute(
                select(PeerSupporter.volunteer_id, PeerSupporter.cleared_until)
            ).all()
        )
        cleared = {v for v in ids if may_accompany(db.session.get(Volunteer, v), today).cleared}
        db.session.remove()
        db.engine.dispose()
    assert {v for v, until in stored.items() if until is not None and until >= today} == cleared
    assert 0 < len(cleared) < len(ids)
    assert copies == stored
