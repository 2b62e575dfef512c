"""instance identity: which installation a database belongs to (safe restores)

Revision ID: 009
Revises: 008
Create Date: 2026-12-07 02:40:00

The table starts empty. A database that has never sent a reminder takes the configured
identity on its first sweep; one that has (an existing installation, or a restored copy of
one) sends nothing until an administrator runs `flask instance confirm`.
"""
from alembic import op
import sqlalchemy as sa


revision = "009"
down_revision = "008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'instance_identity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.String(length=100), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('confirmed_by', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_instance_identity')),
    )


def downgrade():
    op.drop_table('instance_identity')
