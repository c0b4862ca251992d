"""Areas: a region hierarchy made from the listings' places, and the names that lead to each

Revision ID: a7e3c1d9b2f4
Revises: b7c3d9e1f2a4
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7e3c1d9b2f4'
down_revision = 'b7c3d9e1f2a4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'area',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=140), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['parent_id'], ['area.id'], name=op.f('fk_area_parent_id_area')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
        sa.UniqueConstraint('slug', name=op.f('uq_area_slug')),
    )
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_parent_id'), ['parent_id'], unique=False)
    op.create_table(
        'area_alias',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=400), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['area_id'], ['area.id'], name=op.f('fk_area_alias_area_id_area'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_area_alias')),
        sa.UniqueConstraint('key', name=op.f('uq_area_alias_key')),
    )
    with op.batch_alter_table('area_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_area_alias_area_id'), ['area_id'], unique=False)


def downgrade():
    with op.batch_alter_table('area_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_alias_area_id'))
    op.drop_table('area_alias')
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_area_parent_id'))
    op.drop_table('area')
