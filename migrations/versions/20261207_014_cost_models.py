"""cost models: per agreement, parties' figures, outcomes, index values, population on a day

Revision ID: 014
Revises: 013
Create Date: 2026-12-07 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "014"
down_revision = "013"
branch_labels = None
depends_on = None


def upgrade():
    # New tables only. The agreement's old cost fields (cost basis, annual cost, party shares)
    # stay as they are: a cost model is entered beside them, nothing is converted or lost.
    op.create_table('cost_model',
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('base_year', sa.Integer(), nullable=False),
    sa.Column('total_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('weight_population', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('weight_usage', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('weight_fixed', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('usage_label', sa.String(length=80), nullable=False),
    sa.Column('population_month', sa.Integer(), nullable=False),
    sa.Column('population_day', sa.Integer(), nullable=False),
    sa.Column('population_year_offset', sa.Integer(), nullable=False),
    sa.Column('index_series', sa.String(length=20), nullable=False),
    sa.Column('index_lag', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_cost_model_agreement_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('agreement_id', name=op.f('pk_cost_model'))
    )
    op.create_table('cost_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('fixed_percent', sa.Numeric(precision=7, scale=4), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('usage', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_cost_party_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipality.code'], name=op.f('fk_cost_party_municipality_code_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_party')),
    sa.UniqueConstraint('agreement_id', 'municipality_code', name=op.f('uq_cost_party_agreement_id_municipality_code'))
    )
    with op.batch_alter_table('cost_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cost_party_agreement_id'), ['agreement_id'], unique=False)
    op.create_table('cost_outcome',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('total_outcome', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_cost_outcome_agreement_id_agreement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_outcome')),
    sa.UniqueConstraint('agreement_id', 'year', name=op.f('uq_cost_outcome_agreement_id_year'))
    )
    with op.batch_alter_table('cost_outcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cost_outcome_agreement_id'), ['agreement_id'], unique=False)
    op.create_table('index_value',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.Numeric(precision=12, scale=4), nullable=True),
    sa.Column('change_percent', sa.Numeric(precision=6, scale=3), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_index_value')),
    sa.UniqueConstraint('series', 'year', name=op.f('uq_index_value_series_year'))
    )
    op.create_table('population_figure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_code', sa.String(length=4), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['municipality_code'], ['municipality.code'], name=op.f('fk_population_figure_municipality_code_municipality')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_population_figure')),
    sa.UniqueConstraint('municipality_code', 'on_date', name=op.f('uq_population_figure_municipality_code_on_date'))
    )


def downgrade():
    op.drop_table('population_figure')
    op.drop_table('index_value')
    with op.batch_alter_table('cost_outcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_outcome_agreement_id'))
    op.drop_table('cost_outcome')
    with op.batch_alter_table('cost_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cost_party_agreement_id'))
    op.drop_table('cost_party')
    op.drop_table('cost_model')
