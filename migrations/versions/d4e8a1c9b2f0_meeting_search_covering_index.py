"""meeting search reads only the index: ix_meeting_geo_day covers the ranked columns

The day index gains every column the search ranks by (attendance, start and end time, time
zone, id; and archived_at, always empty there, which SQLite needs to call it covering) and
leaves archived meetings out, so a search is an index-only scan on PostgreSQL
and uses a covering index on SQLite.

Revision ID: d4e8a1c9b2f0
Revises: b7c1d2e3f4a5
Create Date: 2026-11-29 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e8a1c9b2f0'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None

COLUMNS = [
    'lat_band', 'day', 'longitude', 'fellowship_id', 'latitude',
    'attendance', 'start_time', 'end_time', 'timezone', 'id', 'archived_at',
]
ACTIVE = sa.text('archived_at IS NULL')


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_geo_day')
        batch_op.create_index(
            'ix_meeting_geo_day', COLUMNS, unique=False,
            postgresql_where=ACTIVE, sqlite_where=ACTIVE,
        )


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_geo_day')
        batch_op.create_index(
            'ix_meeting_geo_day', ['lat_band', 'day', 'longitude', 'fellowship_id', 'latitude'],
            unique=False,
        )
