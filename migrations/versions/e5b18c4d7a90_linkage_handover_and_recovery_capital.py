"""assertive linkage: meeting point, duty line, referral messages, BARC-10 recovery capital

Revision ID: e5b18c4d7a90
Revises: 64b2747ad0d1
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b18c4d7a90'
down_revision = '64b2747ad0d1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('meeting_point', sa.String(length=200), nullable=False, server_default='')
        )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('duty_phone', sa.String(length=40), nullable=False, server_default='')
        )
    op.create_table(
        'referral_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('side', sa.String(length=10), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user.id']),
        sa.ForeignKeyConstraint(['referral_id'], ['referral.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('referral_message', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_referral_message_referral_id'), ['referral_id'], unique=False
        )
    items = [sa.Column(f'item_{n}', sa.Integer(), nullable=True) for n in range(1, 11)]
    op.create_table(
        'recovery_capital',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('referral_id', sa.Integer(), nullable=False),
        sa.Column('follow_up_id', sa.Integer(), nullable=True),
        sa.Column('point', sa.Integer(), nullable=False),
        sa.Column('taken_on', sa.Date(), nullable=False),
        *items,
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['follow_up_id'], ['follow_up.id']),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['referral_id'], ['referral.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('referral_id', 'point', name='uq_recovery_capital_point'),
    )
    with op.batch_alter_table('recovery_capital', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_recovery_capital_referral_id'), ['referral_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('recovery_capital', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_capital_referral_id'))
    op.drop_table('recovery_capital')
    with op.batch_alter_table('referral_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_message_referral_id'))
    op.drop_table('referral_message')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('duty_phone')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_column('meeting_point')
