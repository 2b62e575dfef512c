"""terms: term and end alignment instead of renewal, first review date, deciding body per
party, the day a notice reached the other parties

Revision ID: 010
Revises: 009
Create Date: 2026-12-07 02:30:00

Existing agreements keep their meaning: without an end date they run tills vidare
(``indefinite``), with tacit renewal they are ``renewing``, and the rest are ``fixed``.
"""
from alembic import op
import sqlalchemy as sa


revision = "010"
down_revision = "009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('term', sa.String(length=30), nullable=False, server_default='fixed')
        )
        batch_op.add_column(
            sa.Column('end_alignment', sa.String(length=10), nullable=False, server_default='none')
        )
        batch_op.add_column(sa.Column('first_review_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE agreement SET term = CASE"
        " WHEN end_on IS NULL THEN 'indefinite'"
        " WHEN renewal = 'tacit' THEN 'renewing'"
        " ELSE 'fixed' END"
    )
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.alter_column('term', server_default=None)
        batch_op.alter_column('end_alignment', server_default=None)
        batch_op.drop_column('renewal')

    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('deciding_body', sa.String(length=10), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column(
                'deciding_body_name', sa.String(length=120), nullable=False, server_default=''
            )
        )
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.alter_column('deciding_body', server_default=None)
        batch_op.alter_column('deciding_body_name', server_default=None)

    with op.batch_alter_table('exit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_received_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('exit', schema=None) as batch_op:
        batch_op.drop_column('notice_received_on')
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.drop_column('deciding_body_name')
        batch_op.drop_column('deciding_body')
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('renewal', sa.String(length=10), nullable=False, server_default='none')
        )
    op.execute("UPDATE agreement SET renewal = 'tacit' WHERE term = 'renewing'")
    # A fixed first term followed by tills vidare had no form before: its end date is kept.
    with op.batch_alter_table('agreement', schema=None) as batch_op:
        batch_op.alter_column('renewal', server_default=None)
        batch_op.drop_column('first_review_on')
        batch_op.drop_column('end_alignment')
        batch_op.drop_column('term')
