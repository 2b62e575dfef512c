"""annual cycle: duties marked done, and an agreement's annual-cycle settings

Revision ID: 013
Revises: 012
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "013"
down_revision = "012"
branch_labels = None
depends_on = None


def upgrade():
    # New tables only: the duties themselves are derived from the agreements, so existing
    # data needs nothing; an agreement without settings uses the defaults.
    op.create_table('annual_duty_done',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('done_by_name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_annual_duty_done_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['done_by_id'], ['user.id'], name=op.f('fk_annual_duty_done_done_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipality.code'], name=op.f('fk_annual_duty_done_municipality_code_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_duty_done')),
    sa.UniqueConstraint('agreement_id', 'municipality_code', 'kind', 'year', name=op.f('uq_annual_duty_done_agreement_id_municipality_code_kind_year'))
    )
    with op.batch_alter_table('annual_duty_done', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_duty_done_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_annual_duty_done_municipality_code'), ['municipality_code'], unique=False)

    op.create_table('annual_cycle_settings',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('budget_consultation_month', sa.Integer(), nullable=True),
    sa.Column('budget_consultation_day', sa.Integer(), nullable=True),
    sa.Column('document_review_years', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_annual_cycle_settings_agreement_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agreement_id', name=op.f('pk_annual_cycle_settings'))
    )


def downgrade():
    op.drop_table('annual_cycle_settings')
    with op.batch_alter_table('annual_duty_done', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_duty_done_municipality_code'))
        batch_op.drop_index(batch_op.f('ix_annual_duty_done_agreement_id'))
    op.drop_table('annual_duty_done')
