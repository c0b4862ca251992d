"""Matching and nearby at scale: covering indexes

Listed peers by position (the public search and matching's box, answered from the index),
resource places by position with the distance's columns, each peer's open offers, and what
bulk clearance reads for hundreds of volunteers at once: active placements, the last
supervision, each requirement's latest check.

Revision ID: b4d2f6a8c1e3
Revises: a7c3e9f1b2d4
Create Date: 2026-12-03 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b4d2f6a8c1e3'
down_revision = 'a7c3e9f1b2d4'
branch_labels = None
depends_on = None

LISTED = sa.text("consent_at IS NOT NULL AND hidden_at IS NULL AND archived_at IS NULL")
PEER_COLUMNS = ['lat_band', 'longitude', 'latitude', 'id', 'consent_at', 'hidden_at', 'archived_at']


def upgrade():
    with op.batch_alter_table('peer_supporter', schema=None) as batch_op:
        batch_op.create_index(
            'ix_peer_supporter_listed_geo', PEER_COLUMNS, unique=False,
            postgresql_where=LISTED, sqlite_where=LISTED,
        )
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_index('ix_location_geo')
        batch_op.create_index(
            'ix_location_geo', ['lat_band', 'longitude', 'latitude', 'id'], unique=False
        )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(
            'ix_referral_matched_status', ['matched_volunteer_id', 'status'], unique=False
        )
    with op.batch_alter_table('volunteer_check', schema=None) as batch_op:
        batch_op.create_index(
            'ix_volunteer_check_latest',
            ['volunteer_id', 'requirement_type_id', 'completed_on', 'id', 'expires_on'],
            unique=False,
        )
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index(
            'ix_placement_volunteer_status', ['volunteer_id', 'status'], unique=False
        )
    with op.batch_alter_table('supervision_session', schema=None) as batch_op:
        batch_op.create_index(
            'ix_supervision_session_held', ['placement_id', 'held_on'], unique=False
        )


def downgrade():
    with op.batch_alter_table('supervision_session', schema=None) as batch_op:
        batch_op.drop_index('ix_supervision_session_held')
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index('ix_placement_volunteer_status')
    with op.batch_alter_table('volunteer_check', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteer_check_latest')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_matched_status')
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_index('ix_location_geo')
        batch_op.create_index('ix_location_geo', ['lat_band', 'longitude'], unique=False)
    with op.batch_alter_table('peer_supporter', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_supporter_listed_geo')
