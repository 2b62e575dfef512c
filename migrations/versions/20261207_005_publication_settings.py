"""publication settings: what a kommun shows in the public register beyond the default

Revision ID: 005
Revises: 004
Create Date: 2026-12-07 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "005"
down_revision = "004"
branch_labels = None
depends_on = None


def upgrade():
    # No existing data to migrate: a kommun without a row shows only the default.
    op.create_table('publication_setting',
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('show_contact', sa.Boolean(), nullable=False),
    sa.Column('contact_function', sa.String(length=120), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('contact_url', sa.String(length=500), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipality.code'], name=op.f('fk_publication_setting_municipality_code_municipality')),
    sa.PrimaryKeyConstraint('municipality_code', name=op.f('pk_publication_setting'))
    )


def downgrade():
    op.drop_table('publication_setting')
