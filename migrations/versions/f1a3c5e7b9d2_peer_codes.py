"""Each peer's codes with its position (peer_code), for matching

One row per pathway a peer knows and language it speaks, with the peer's position
(people/codes.py keeps them with every write): matching reads the peers of a code few list
near a meeting from ix_peer_code_geo instead of checking every peer in the radius. Filled here
for the peers already recorded.

Revision ID: f1a3c5e7b9d2
Revises: d2f4a6b8c0e1
Create Date: 2026-12-04 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session

from community_hub.people.codes import rebuild


# revision identifiers, used by Alembic.
revision = 'f1a3c5e7b9d2'
down_revision = 'd2f4a6b8c0e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'peer_code',
        sa.Column('peer_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=300), nullable=False),
        sa.Column('lat_band', sa.Integer(), nullable=True),
        sa.Column('longitude', sa.Double(), nullable=True),
        sa.Column('latitude', sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ['peer_id'], ['peer_supporter.id'],
            name=op.f('fk_peer_code_peer_id_peer_supporter'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('peer_id', 'code', name=op.f('pk_peer_code')),
    )
    with op.batch_alter_table('peer_code', schema=None) as batch_op:
        batch_op.create_index(
            'ix_peer_code_geo', ['code', 'lat_band', 'longitude', 'latitude', 'peer_id'],
            unique=False,
        )
    session = Session(bind=op.get_bind())
    rebuild(session)
    session.flush()


def downgrade():
    with op.batch_alter_table('peer_code', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_code_geo')
    op.drop_table('peer_code')
