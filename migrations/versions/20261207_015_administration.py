"""administration in the browser: service accounts and scoped API keys, anonymised users,
merged areas

Revision ID: 015
Revises: 014
Create Date: 2026-12-07 05:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "015"
down_revision = "014"
branch_labels = None
depends_on = None


def upgrade():
    # Existing users are people and no one is anonymised; existing keys keep what they could do
    # (scope "write": their owner's rights, every kommun, no expiry).
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_service_account', sa.Boolean(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=10), server_default='write',
                                      nullable=False))
        batch_op.add_column(sa.Column('municipality_code', sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column('expires_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('created_by_name', sa.String(length=120), server_default='',
                                      nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_api_token_municipality_code_municipality'),
                                    'municipality', ['municipality_code'], ['code'])
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_area_merged_into_id_area'), 'area',
                                    ['merged_into_id'], ['id'])


def downgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_area_merged_into_id_area'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_api_token_municipality_code_municipality'),
                                 type_='foreignkey')
        batch_op.drop_column('created_by_name')
        batch_op.drop_column('expires_on')
        batch_op.drop_column('municipality_code')
        batch_op.drop_column('scope')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('is_service_account')
