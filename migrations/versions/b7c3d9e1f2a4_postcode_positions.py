"""Postcode positions: a deployer's import of the ONS Postcode Directory or Code-Point Open

One row per live postcode ("DN2 6AB") and per sector ("DN2 6") and district ("DN2") centroid,
filled by `flask gazetteer import-postcodes FILE`.

Revision ID: b7c3d9e1f2a4
Revises: e5f1a2b3c4d6
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c3d9e1f2a4'
down_revision = 'e5f1a2b3c4d6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'postcode_position',
        sa.Column('code', sa.String(length=8), nullable=False),
        sa.Column('latitude', sa.Double(), nullable=False),
        sa.Column('longitude', sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint('code', name=op.f('pk_postcode_position')),
    )


def downgrade():
    op.drop_table('postcode_position')
