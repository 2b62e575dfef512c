"""publication choices: what a kommun publishes beyond the default (responsible nämnd, follow-up
results, budget and outcome) and whether its new agreements start out public

Revision ID: 019
Revises: 018
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "019"
down_revision = "018"
branch_labels = None
depends_on = None


def upgrade():
    # Every existing kommun keeps publishing only the default: each new choice starts off.
    with op.batch_alter_table('publication_setting') as batch:
        batch.add_column(sa.Column('show_responsible_body', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('show_review_results', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('show_review_costs', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('kommun_setting') as batch:
        batch.add_column(sa.Column('new_agreements_public', sa.Boolean(), nullable=False, server_default=sa.false()))
    # The models give the default from here on (as the other boolean settings).
    with op.batch_alter_table('publication_setting') as batch:
        for name in ('show_responsible_body', 'show_review_results', 'show_review_costs'):
            batch.alter_column(name, server_default=None)
    with op.batch_alter_table('kommun_setting') as batch:
        batch.alter_column('new_agreements_public', server_default=None)


def downgrade():
    with op.batch_alter_table('kommun_setting') as batch:
        batch.drop_column('new_agreements_public')
    with op.batch_alter_table('publication_setting') as batch:
        batch.drop_column('show_review_costs')
        batch.drop_column('show_review_results')
        batch.drop_column('show_responsible_body')
