"""Each volunteer's stored "cleared until" date, for matching at scale

The last day a volunteer may go with a client (volunteers/cleared_until.py), kept with every
write it depends on; filled here for the volunteers already recorded.

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


def upgrade():
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cleared_until', sa.Date(), nullable=True))
    session = Session(bind=op.get_bind())
    recompute_all(session)
    session.flush()


def downgrade():
    with op.batch_alter_table('volunteer', schema=None) as batch_op:
        batch_op.drop_column('cleared_until')
