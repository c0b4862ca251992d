"""Keyword search: meetings' and resources' search words and their full-text indexes

Meetings and resources gain a `search_text` column (names, place name, notes, description,
category), filled here from what they hold and kept by the app from now on. Each database
indexes it its own way (see community_hub/fulltext.py): SQLite an FTS5 table with triggers,
PostgreSQL a GIN index on its tsvector.

Revision ID: a7c3e9f1b2d4
Revises: a7c3e9d1f2b4
Create Date: 2026-12-03 08:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

from community_hub import fulltext


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b2d4'
down_revision = 'a7c3e9d1f2b4'
branch_labels = None
depends_on = None

FILL = {
    'meeting': (
        "name || ' ' || name_cy || ' ' || group_name || ' ' || "
        "COALESCE((SELECT venue.name FROM venue WHERE venue.id = meeting.venue_id), '') || ' ' || "
        "notes || ' ' || notes_cy || ' ' || group_notes"
    ),
    'service': (
        "name || ' ' || name_cy || ' ' || alternate_name || ' ' || "
        "COALESCE((SELECT t.term || ' ' || REPLACE(t.code, '_', ' ') FROM taxonomy_term t "
        "WHERE t.id = service.taxonomy_term_id), '') || ' ' || "
        "description || ' ' || description_cy"
    ),
}


def upgrade():
    dialect = op.get_bind().dialect.name
    for table, words in FILL.items():
        # A plain ADD COLUMN (its default stays on the column): SQLite rebuilds a table to
        # drop a default, which would be a copy of every meeting for nothing.
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=False,
                                          server_default=''))
        op.execute(f"UPDATE {table} SET search_text = {words}")
        if dialect == 'sqlite':
            statements = fulltext.sqlite_statements(table)
        else:
            statements = fulltext.postgresql_statements(table)
        for statement in statements:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in FILL:
        if dialect == 'sqlite':
            statements = fulltext.sqlite_drop_statements(table)
        else:
            statements = fulltext.postgresql_drop_statements(table)
        for statement in statements:
            op.execute(statement)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('search_text')
