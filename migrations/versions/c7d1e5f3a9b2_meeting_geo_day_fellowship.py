"""Day searches for one fellowship: ix_meeting_geo_day_fellowship

ix_meeting_geo_day's columns with the fellowship before the longitude. Where meetings are
dense (a 10 km search in London holds 12,000 AA meetings among 27,000), a search for one
fellowship read every fellowship's entries in its longitude range; with this index it reads
its own only. Searches for any fellowship keep ix_meeting_geo_day.

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
COLUMNS = ['lat_band', 'day', 'fellowship_id', 'longitude', 'latitude', 'attendance',
           'start_time', 'end_time', 'timezone', 'id', 'archived_at', 'monthly_week',
           'changes_until']


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(
            'ix_meeting_geo_day_fellowship', COLUMNS, unique=False,
            postgresql_where=SEARCHED, sqlite_where=SEARCHED,
        )


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(
            'ix_meeting_geo_day_fellowship', postgresql_where=SEARCHED, sqlite_where=SEARCHED
        )
