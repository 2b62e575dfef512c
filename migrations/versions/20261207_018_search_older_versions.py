"""search older document versions: document_search.older and a fourth index column

Revision ID: 018
Revises: 017
Create Date: 2026-12-07 08:40:00

Existing data: every document's earlier versions' texts (newest first) are copied into
document_search.older. On SQLite the FTS5 table gets a fourth column (FTS5 tables cannot be
altered: it is made again and filled from document_search, stemmed as the app stems); on
PostgreSQL the weighted tsvector is made again with the earlier texts at weight D.
"""

from alembic import op
import sqlalchemy as sa


revision = "018"
down_revision = "017"
branch_labels = None
depends_on = None

FTS_COLUMNS = {
    3: "title, note, body, ",
    4: "title, note, body, older, ",
}


def _older_texts(bind) -> dict[int, str]:
    """document id → its earlier versions' texts, newest first (as search.older_text)."""
    texts: dict[int, list[str]] = {}
    for document_id, text in bind.execute(
        sa.text("SELECT document_id, text FROM document_version ORDER BY document_id, number")
    ):
        texts.setdefault(document_id, []).append(text or "")
    return {
        doc: "\n\n".join(t for t in reversed(versions[:-1]) if t)
        for doc, versions in texts.items()
    }


def _make_fts(bind, columns: int) -> None:
    # The app's own stemmer, so that the stored stems are the ones queries look for.
    from coop_tracker.documents.search import stemmed

    op.execute("DROP TABLE IF EXISTS document_fts")
    op.execute(
        "CREATE VIRTUAL TABLE document_fts USING fts5("
        f"{FTS_COLUMNS[columns]}"
        "tokenize='unicode61 remove_diacritics 0')"
    )
    older = ", older" if columns == 4 else ""
    rows = bind.execute(
        sa.text(f"SELECT document_id, title, note, body{older} FROM document_search")
    ).all()
    for row in rows:
        values = {"id": row[0], "t": stemmed(row[1]), "n": stemmed(row[2]), "b": stemmed(row[3])}
        if columns == 4:
            values["o"] = stemmed(row[4])
            insert = "INSERT INTO document_fts (rowid, title, note, body, older) VALUES (:id, :t, :n, :b, :o)"
        else:
            insert = "INSERT INTO document_fts (rowid, title, note, body) VALUES (:id, :t, :n, :b)"
        bind.execute(sa.text(insert), values)


def _make_vectors(with_older: bool) -> None:
    older = " || setweight(to_tsvector('swedish', older), 'D')" if with_older else ""
    op.execute(
        "UPDATE document_search SET vector = "
        "setweight(to_tsvector('swedish', title), 'A') || "
        "setweight(to_tsvector('swedish', note), 'B') || "
        f"setweight(to_tsvector('swedish', body), 'C'){older}"
    )


def upgrade():
    with op.batch_alter_table("document_search", schema=None) as batch_op:
        batch_op.add_column(sa.Column("older", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    for document_id, older in _older_texts(bind).items():
        if older:
            bind.execute(
                sa.text("UPDATE document_search SET older = :o WHERE document_id = :id"),
                {"o": older, "id": document_id},
            )
    if bind.dialect.name == "sqlite":
        _make_fts(bind, 4)
    elif bind.dialect.name == "postgresql":
        _make_vectors(with_older=True)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _make_vectors(with_older=False)
    with op.batch_alter_table("document_search", schema=None) as batch_op:
        batch_op.drop_column("older")
    if bind.dialect.name == "sqlite":
        _make_fts(bind, 3)
