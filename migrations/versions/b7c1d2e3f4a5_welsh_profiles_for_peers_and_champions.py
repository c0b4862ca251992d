"""peer supporters and recovery champions: a profile in Welsh (bio_cy)

Revision ID: b7c1d2e3f4a5
Revises: 8f0bc36a8ac8
Create Date: 2026-11-29 02:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c1d2e3f4a5'
down_revision = '8f0bc36a8ac8'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('peer_supporter', 'recovery_champion'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('bio_cy', sa.Text(), nullable=False, server_default=''))


def downgrade():
    for table in ('peer_supporter', 'recovery_champion'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('bio_cy')
