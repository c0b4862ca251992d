"""Day searches: the fellowship before the longitude in ix_meeting_geo_day

Where meetings are dense (a 10 km search in London holds 12,000 AA meetings among 27,000),
a search for one fellowship read every fellowship's entries in its longitude range. With the
fellowship first, it reads its own meetings only; a search for every fellowship names them
all (meetings/search.py), a few short ranges per band and day.

Revision ID: c7d1e5f3a9b2
Revises: c5e7a9b1d3f2
Create Date: 2026-12-03 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c7d1e5f3a9b2'
down_revision = 'c5e7a9b1d3f2'
branch_labels = None
depends_on = None

SEARCHED = sa.text('archived_at IS NULL')
REST = ['latitude', 'attendance', 'start_time', 'end_time', 'timezone', 'id', 'archived_at',
        'monthly_week', 'changes_until']


def _rebuild(columns):
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_geo_day', postgresql_where=SEARCHED, sqlite_where=SEARCHED)
        batch_op.create_index(
            'ix_meeting_geo_day', columns, unique=False,
            postgresql_where=SEARCHED, sqlite_where=SEARCHED,
        )


def upgrade():
    _rebuild(['lat_band', 'day', 'fellowship_id', 'longitude', *REST])


def downgrade():
    _rebuild(['lat_band', 'day', 'longitude', 'fellowship_id', *REST])
