"""kommun settings: a kommun's own deadlines, reminder defaults and reminder sender

Revision ID: 016
Revises: 015
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "016"
down_revision = "015"
branch_labels = None
depends_on = None


def upgrade():
    # No existing data to migrate: a kommun without a row uses the installation's defaults.
    op.create_table('kommun_setting',
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('notice_buffer_days', sa.Integer(), nullable=True),
    sa.Column('internal_lead_days', sa.Integer(), nullable=True),
    sa.Column('continuation_lead_months', sa.Integer(), nullable=True),
    sa.Column('reminder_lead_days', sa.String(length=60), nullable=False),
    sa.Column('sender_name', sa.String(length=120), nullable=False),
    sa.Column('reply_to', sa.String(length=254), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipality.code'], name=op.f('fk_kommun_setting_municipality_code_municipality')),
    sa.PrimaryKeyConstraint('municipality_code', name=op.f('pk_kommun_setting'))
    )


def downgrade():
    op.drop_table('kommun_setting')
