"""documents: typed, versioned documents per agreement, stored or linked, and their search index

Revision ID: 012
Revises: 011
Create Date: 2026-12-07 05:40:00

New tables only; the agreement's old single link and diarienummer stay where they are. On
SQLite the full-text index is an FTS5 table of Swedish stems (the app stems the words);
PostgreSQL keeps a weighted 'swedish' tsvector in document_search with a GIN index.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "012"
down_revision = "011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('exit_id', sa.Integer(), nullable=True),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('doc_type', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_document_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_document_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['exit_id'], ['exit.id'], name=op.f('fk_document_exit_id_exit'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['party_id'], ['party.id'], name=op.f('fk_document_party_id_party'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_document_review_id_review'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_party_id'), ['party_id'], unique=False)

    op.create_table('document_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=60), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('change_note', sa.Text(), nullable=False),
    sa.Column('link_url', sa.String(length=500), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_document_version_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_version_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_version')),
    sa.UniqueConstraint('document_id', 'number', name=op.f('uq_document_version_document_id_number'))
    )

    op.create_table('document_search',
    sa.Column('document_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('vector', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], name=op.f('fk_document_search_agreement_id_agreement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_search_document_id_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id', name=op.f('pk_document_search'))
    )
    with op.batch_alter_table('document_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_search_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index('ix_document_search_vector', ['vector'], unique=False, postgresql_using='gin')

    if op.get_bind().dialect.name == 'sqlite':
        # The stemmed words (the originals are in document_search); rowid = document.id.
        op.execute(
            "CREATE VIRTUAL TABLE document_fts USING fts5("
            "title, note, body, "
            "tokenize='unicode61 remove_diacritics 0')"
        )


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE IF EXISTS document_fts")
    with op.batch_alter_table('document_search', schema=None) as batch_op:
        batch_op.drop_index('ix_document_search_vector', postgresql_using='gin')
        batch_op.drop_index(batch_op.f('ix_document_search_agreement_id'))
    op.drop_table('document_search')
    op.drop_table('document_version')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_party_id'))
        batch_op.drop_index(batch_op.f('ix_document_agreement_id'))
    op.drop_table('document')
