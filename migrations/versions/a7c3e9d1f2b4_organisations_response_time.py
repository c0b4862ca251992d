"""Organisations can say when a person who asked to be put in touch will hear back

Revision ID: a7c3e9d1f2b4
Revises: a7e3c1d9b2f4
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9d1f2b4'
down_revision = 'a7e3c1d9b2f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('response_time', sa.String(length=200), nullable=False, server_default='')
        )


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('response_time')
