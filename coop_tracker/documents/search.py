"""Full-text search over documents with Swedish stemming, ranked, with the matching passage.

PostgreSQL: a weighted tsvector (title A, note B, text C, earlier versions' text D) in the
'swedish' configuration, a GIN index, ``ts_rank_cd``. SQLite: FTS5 has no Swedish stemmer, so
the words are stemmed here with the Snowball Swedish stemmer, on indexing and on querying, and
FTS5 ranks with ``bm25``. Both
match each query word as a prefix of a stem, so "avtal" also finds "avtalssamverkan" (Swedish
compounds). The passage shown is cut from the original text around the first matching word;
when only an earlier version has the words, the hit names that version.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import snowballstemmer
from markupsafe import Markup, escape
from sqlalchemy import (
    Select,
    bindparam,
    column,
    delete,
    func,
    literal_column,
    select,
    table,
    text,
    update,
)
from sqlalchemy.orm import Session

from coop_tracker.agreements.models import Agreement
from coop_tracker.core.permissions import restrict_agreements
from coop_tracker.documents.models import Document, DocumentSearch

WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12
MIN_WORD_LENGTH = 2
PASSAGE_CHARS = 240
FTS_TABLE = "document_fts"
WEIGHTS = (10.0, 4.0, 1.0, 0.3)  # title, note, text, earlier versions' text


def is_index_table(name: str | None) -> bool:
    """Whether a table is SQLite's FTS5 index (or one of its shadow tables): made by the
    migration, outside the models, so schema comparisons leave it out."""
    return bool(name) and str(name).startswith(FTS_TABLE)


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("swedish")


def words(text: str) -> list[str]:
    """The words of ``text``, lower-cased."""
    return [w.lower() for w in WORD.findall(text) if not w.isdigit() or len(w) > 1]


def stem(word: str) -> str:
    return str(_stemmer().stemWord(word.lower()))


def stemmed(text: str) -> str:
    """``text`` as FTS5 stores it: every word replaced by its Swedish stem."""
    return " ".join(stem(w) for w in words(text))


def query_words(query: str) -> list[str]:
    """The words a query searches for (numbers and words of two letters or more)."""
    seen: list[str] = []
    for word in words(query):
        if len(word) >= MIN_WORD_LENGTH and word not in seen:
            seen.append(word)
    return seen[:MAX_QUERY_WORDS]


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def older_text(texts_oldest_first: Sequence[str]) -> str:
    """The earlier versions' texts as indexed: newest first, one blank line between."""
    return "\n\n".join(t for t in reversed(texts_oldest_first) if t)


def index_document(session: Session, document: Document) -> None:
    """Put the document's title, note, current text and the texts of its earlier versions
    into the search index (again)."""
    current = document.current
    row = session.get(DocumentSearch, document.id)
    if row is None:
        row = DocumentSearch(document_id=document.id, agreement_id=document.agreement_id)
        session.add(row)
    row.title, row.note, row.body = document.title, document.note, current.text
    row.older = older_text([v.text for v in document.versions[:-1]])
    session.flush()
    if is_postgres(session):
        swedish: Any = literal_column("'swedish'")

        def weighted(value: str, weight: str) -> Any:
            return func.setweight(func.to_tsvector(swedish, value), literal_column(f"'{weight}'"))

        vector = (
            weighted(row.title, "A")
            .op("||")(weighted(row.note, "B"))
            .op("||")(weighted(row.body, "C"))
            .op("||")(weighted(row.older, "D"))
        )
        session.execute(
            update(DocumentSearch)
            .where(DocumentSearch.document_id == document.id)
            .values(vector=vector)
        )
        return
    session.execute(text("DELETE FROM document_fts WHERE rowid = :id"), {"id": document.id})
    session.execute(
        text(
            "INSERT INTO document_fts (rowid, title, note, body, older) "
            "VALUES (:id, :t, :n, :b, :o)"
        ),
        {
            "id": document.id,
            "t": stemmed(row.title),
            "n": stemmed(row.note),
            "b": stemmed(row.body),
            "o": stemmed(row.older),
        },
    )


def unindex_agreement(session: Session, agreement_id: int) -> None:
    """Drop an agreement's documents from the index (its rows go with the agreement)."""
    if not is_postgres(session):
        session.execute(
            text(
                "DELETE FROM document_fts WHERE rowid IN "
                "(SELECT document_id FROM document_search WHERE agreement_id = :id)"
            ),
            {"id": agreement_id},
        )
    session.execute(delete(DocumentSearch).where(DocumentSearch.agreement_id == agreement_id))


@dataclass(frozen=True)
class Hit:
    """One document found: its score (higher is better) and the passage that matched."""

    document: Document
    score: float
    passage: Markup
    field: str  # title | note | text | version: where the passage comes from
    # The earlier version whose text matched, when the current one does not have the words.
    version: int | None = None


@dataclass(frozen=True)
class Results:
    query: str
    words: list[str]
    hits: list[Hit]
    total: int


def _postgres_query(query_terms: Sequence[str]) -> Any:
    # Each word as a prefix of its stem; words are \w+ only, so nothing here is tsquery syntax.
    expression = " & ".join(f"{word}:*" for word in query_terms)
    return func.to_tsquery(literal_column("'swedish'"), bindparam("tsquery", expression))


def _ranked(session: Session, query_terms: Sequence[str]) -> tuple[Select[Any], Any]:
    score: Any
    if is_postgres(session):
        tsquery = _postgres_query(query_terms)
        score = func.ts_rank_cd(DocumentSearch.vector, tsquery, 32)
        ranked = (
            select(DocumentSearch.document_id, score.label("score"))
            .where(DocumentSearch.vector.op("@@")(tsquery))
            .join(Agreement, Agreement.id == DocumentSearch.agreement_id)
        )
        return ranked, score
    fts = table(FTS_TABLE, column("rowid"))
    match = " AND ".join(f'"{stem(word)}"*' for word in query_terms)
    weights = ", ".join(str(w) for w in WEIGHTS)
    # bm25 is lower for better matches; negated so that higher is better on both databases.
    score = literal_column(f"-bm25({FTS_TABLE}, {weights})")
    ranked = (
        select(DocumentSearch.document_id, score.label("score"))
        .join(fts, fts.c.rowid == DocumentSearch.document_id)
        .join(Agreement, Agreement.id == DocumentSearch.agreement_id)
        .where(text(f"{FTS_TABLE} MATCH :match").bindparams(match=match))
    )
    return ranked, score


def search_documents(
    session: Session, query: str, user: Any, *, limit: int = 20, offset: int = 0
) -> Results:
    """Documents of the agreements ``user`` may see that contain every word of ``query``
    (in any inflection), best first."""
    terms = query_words(query)
    if not terms:
        return Results(query, [], [], 0)
    ranked, score = _ranked(session, terms)
    ranked = restrict_agreements(ranked, user)
    total = session.scalar(select(func.count()).select_from(ranked.subquery())) or 0
    rows = session.execute(
        ranked.order_by(score.desc(), DocumentSearch.document_id.desc()).limit(limit).offset(offset)
    ).all()
    ids = [row.document_id for row in rows]
    documents = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    texts = {
        r.document_id: r
        for r in session.scalars(select(DocumentSearch).where(DocumentSearch.document_id.in_(ids)))
    }
    hits = []
    for row in rows:
        found = texts[row.document_id]
        document = documents[row.document_id]
        current = (("title", found.title), ("note", found.note), ("text", found.body))
        version = _older_version_with_words(terms, document, current)
        if version is not None:
            _field, passage = best_passage(terms, (("text", version.text),))
            hits.append(Hit(document, float(row.score or 0), passage, "version", version.number))
            continue
        field, passage = best_passage(terms, current)
        hits.append(Hit(document, float(row.score or 0), passage, field))
    return Results(query, terms, hits, int(total))


def _matcher(terms: Sequence[str]) -> Any:
    """Whether a word matches one of the query words (by stem prefix, as the index does)."""
    stems = [stem(t) for t in terms]

    def matches(word: str) -> bool:
        lowered = word.lower()
        return any(stem(lowered).startswith(s) or lowered.startswith(s) for s in stems)

    return matches


def _has_every_word(terms: Sequence[str], contents: Sequence[str]) -> bool:
    found = {stem(t) for t in terms}
    seen: set[str] = set()
    for content in contents:
        for word in WORD.finditer(content):
            lowered = word.group().lower()
            for wanted in found - seen:
                if stem(lowered).startswith(wanted) or lowered.startswith(wanted):
                    seen.add(wanted)
        if seen == found:
            return True
    return seen == found


def _older_version_with_words(
    terms: Sequence[str], document: Document, current: Sequence[tuple[str, str]]
) -> Any:
    """The newest earlier version whose text (with the title and note) has every query word,
    when the current version's does not; else None (the hit is in the current version)."""
    if len(document.versions) < 2 or _has_every_word(terms, [c for _n, c in current]):
        return None
    title_and_note = [c for name, c in current if name != "text"]
    matches = _matcher(terms)
    for version in reversed(document.versions[:-1]):
        if (
            version.text
            and _has_every_word(terms, [*title_and_note, version.text])
            and any(matches(w.group()) for w in WORD.finditer(version.text))
        ):
            return version
    return None


def best_passage(terms: Sequence[str], fields: Sequence[tuple[str, str]]) -> tuple[str, Markup]:
    """The passage around the first word that matches a query word (by stem prefix), from the
    text first (the title is shown anyway), with the matching words marked."""
    matches = _matcher(terms)
    ordered = [f for f in fields if f[0] == "text"] + [f for f in fields if f[0] != "text"]
    for name, content in ordered:
        for found in WORD.finditer(content):
            if matches(found.group()):
                return name, _cut(content, found.start(), matches)
    name, content = ordered[0]
    return name, _cut(content, 0, matches)


def _cut(content: str, at: int, matches: Any) -> Markup:
    start = max(0, at - PASSAGE_CHARS // 3)
    end = min(len(content), start + PASSAGE_CHARS)
    if start > 0:  # start at a word boundary
        space = content.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    if end < len(content):
        space = content.rfind(" ", at, end)
        end = space if space > at else end
    snippet = content[start:end].replace("\n", " ")
    parts: list[Markup | str] = []
    last = 0
    for found in WORD.finditer(snippet):
        if matches(found.group()):
            parts.append(escape(snippet[last : found.start()]))
            parts.append(Markup("<mark>%s</mark>") % found.group())
            last = found.end()
    parts.append(escape(snippet[last:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(content) else ""
    return escape(prefix) + Markup("").join(parts) + escape(suffix)
