"""meeting search by day: index on (lat_band, day, longitude, fellowship_id, latitude)

Revision ID: 8f0bc36a8ac8
Revises: 5b2e9d41c7a3
Create Date: 2026-11-29 01:28:16.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f0bc36a8ac8'
down_revision = '5b2e9d41c7a3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_geo_day', ['lat_band', 'day', 'longitude', 'fellowship_id', 'latitude'], unique=False)


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_geo_day')
