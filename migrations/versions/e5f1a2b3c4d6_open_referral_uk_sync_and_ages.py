"""Open Referral UK: modified_after indexes, organisations' change time, resources' ages
and positions

A council's sync job asks for what changed since its last run (`modified_after`): the
listings' `updated_at` get an index, and organisations get an `updated_at` of their own (their
name and description are in every record they publish), filled from `created_at`. Resources
can say the ages they are for (HSDS `minimum_age`, `maximum_age`). A resource carries its
place's position (as a meeting carries its venue's) with a covering index, so "near a
postcode" reads one index.

Revision ID: e5f1a2b3c4d6
Revises: 35fe8f117fc4
Create Date: 2026-12-01 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f1a2b3c4d6'
down_revision = '35fe8f117fc4'
branch_labels = None
depends_on = None

GEO_COLUMNS = ['lat_band', 'longitude', 'latitude', 'status', 'id', 'archived_at']
ACTIVE = sa.text('archived_at IS NULL')


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    op.execute('UPDATE organisation SET updated_at = created_at')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)

    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minimum_age', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('maximum_age', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('lat_band', sa.Integer(), nullable=True))
        batch_op.create_index('ix_service_updated_at', ['updated_at'], unique=False)
    # Each resource is where its (one) place is.
    for column in ('latitude', 'longitude', 'lat_band'):
        op.execute(
            f'UPDATE service SET {column} = (SELECT location.{column} FROM location'
            ' JOIN service_at_location ON service_at_location.location_id = location.id'
            ' WHERE service_at_location.service_id = service.id'
            ' ORDER BY service_at_location.id LIMIT 1)'
        )
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.create_index(
            'ix_service_geo', GEO_COLUMNS, unique=False,
            postgresql_where=ACTIVE, sqlite_where=ACTIVE,
        )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_updated_at', ['updated_at'], unique=False)
    with op.batch_alter_table('peer_supporter', schema=None) as batch_op:
        batch_op.create_index('ix_peer_supporter_updated_at', ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('peer_supporter', schema=None) as batch_op:
        batch_op.drop_index('ix_peer_supporter_updated_at')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_updated_at')
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_index('ix_service_geo')
        batch_op.drop_index('ix_service_updated_at')
        batch_op.drop_column('lat_band')
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
        batch_op.drop_column('maximum_age')
        batch_op.drop_column('minimum_age')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
