"""Each volunteer's stored "cleared until" date, for matching at scale

The last day a volunteer may go with a client (volunteers/cleared_until.py), kept with every
write it depends on, and its copy on the volunteer's peer listing; filled here for the
volunteers already recorded. The listed peers' covering index gains what matching reads.

Revision ID: c5e7a9b1d3f2
Revises: b4d2f6a8c1e3
Create Date: 2026-12-03 18:10:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session

from community_hub.volunteers.cleared_until import recompute_all


# revision identifiers, used by Alembic.
revision = 'c5e7a9b1d3f2'
down_revision = 'b4d2f6a8c1e3'
branch_labels = None
depends_on = None


LISTED = sa.text("consent_at IS NOT NULL AND hidden_at IS NULL AND archived_at IS NULL")
OLD_COLUMNS = ['lat_band', 'longitude', 'latitude', 'id', 'consent_at', 'hidden_at', 'archived_at']
NEW_COLUMNS = [
    'lat_band', 'longitude', 'latitude', 'cleared_until', 'id', 'volunteer_id',
    'gender', 'pathways', 'languages', 'consent_at', 'hidden_at', 'archived_at',
]


def _listed_index(batch_op, columns):
    batch_op.create_index(
        'ix_peer_supporter_listed_geo', columns, unique=False,
        postgresql_where=LISTED, sqlite_where=LISTED,
    )


def upgrade():
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cleared_until', sa.Date(), nullable=True))
    with op.batch_alter_table('peer_supporter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cleared_until', sa.Date(), nullable=True))
        batch_op.drop_index('ix_peer_supporter_listed_geo')
        _listed_index(batch_op, NEW_COLUMNS)
    session = Session(bind=op.get_bind())
    recompute_all(session)
    session.flush()


def downgrade():
    with op.batch_alter_table('peer_supporter', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_supporter_listed_geo')
        _listed_index(batch_op, OLD_COLUMNS)
        batch_op.drop_column('cleared_until')
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_column('cleared_until')
