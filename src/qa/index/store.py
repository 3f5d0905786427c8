"""The document and chunk store: one SQLite file per index generation.

SQLite keeps documents' extracted text (offsets point into it), their layout
(paragraphs and headings, for citations), chunks with their sentence spans, and an
FTS5 table for the lexical channel — all on disk, none of it in RAM, and all of it
changed in one transaction. JSON columns hold small lists; nothing is pickled.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.ingest.chunking import Layout
from qa.ingest.structure import Paragraph
from qa.quotes import Quote
from qa.text.terms import stems
from qa.text.terms import words as words_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    title TEXT,
    content_hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    text TEXT NOT NULL,
    page_starts TEXT NOT NULL,   -- JSON list of offsets
    paragraphs TEXT NOT NULL,    -- JSON list of [start, end, is_heading, number, heading_index]
    warnings TEXT NOT NULL       -- JSON list of strings
);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    heading_index INTEGER,
    sentences TEXT NOT NULL,     -- JSON list of [start, end]
    sentence_vectors BLOB        -- float16 rows, one unit vector per sentence
);
CREATE TABLE IF NOT EXISTS quotes (
    id INTEGER PRIMARY KEY,
    doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,      -- the quoted words, without the quotation marks
    end INTEGER NOT NULL,
    speaker TEXT,                -- NULL when the text attributes it to no one
    mention_start INTEGER,       -- where the text names or refers to the speaker
    mention_end INTEGER,
    how TEXT                     -- named, pronoun, description, continued
);
CREATE INDEX IF NOT EXISTS quotes_by_doc ON quotes(doc_id);
CREATE INDEX IF NOT EXISTS quotes_by_speaker ON quotes(speaker);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'row');
CREATE INDEX IF NOT EXISTS chunks_by_doc ON chunks(doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    body, tokenize = 'porter unicode61 remove_diacritics 2'
);
"""


@dataclass(frozen=True)
class StoredDocument:
    id: int
    source: str
    format: str
    title: str | None
    content_hash: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class DocumentText:
    """What a citation needs: the text and its layout."""

    id: int
    source: str
    format: str
    title: str | None
    text: str
    page_starts: tuple[int, ...]
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class ChunkText:
    """What the reranker reads of one chunk: its words, and its document's title and the
    heading it sits under, for the passage's vocabulary."""

    title: str | None
    heading: str
    start: int  # document offset of text[0]
    text: str


@dataclass(frozen=True)
class StoredQuote:
    id: int
    doc_id: int
    start: int
    end: int
    speaker: str | None
    mention: tuple[int, int] | None
    how: str | None


@dataclass(frozen=True)
class StoredChunk:
    id: int
    doc_id: int
    ordinal: int
    start: int
    end: int
    heading_index: int | None
    sentences: tuple[tuple[int, int], ...]


def connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    """Open a store; read-only connections cannot change an index someone else uses."""
    if readonly:
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
        )
    else:
        conn = sqlite3.connect(path, check_same_thread=False)
        conn.executescript(SCHEMA)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def paragraphs_json(paragraphs: Iterable[Paragraph]) -> str:
    """A layout's paragraphs as both stores keep them: a JSON list of [start, end,
    is_heading, number, heading_index]."""
    return json.dumps(
        [[p.start, p.end, int(p.is_heading), p.number, p.heading_index] for p in paragraphs]
    )


def paragraphs_from_json(data: str) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(s, e, bool(h), n, hi) for s, e, h, n, hi in json.loads(data))


def lexical_body(heading: str | None, title: str | None, text: str) -> str:
    """What the lexical channel indexes: the chunk, with its heading and title words."""
    return "\n".join(part for part in (title, heading, text) if part)


# The lexical channel's cost cap: postings an any-words query may score (see
# Store._within_budget). ~40 ms of FTS5 work on an idle core of this machine.
POSTINGS_BUDGET = 40_000


class Store:
    """Typed access to one store file."""

    @classmethod
    def open(cls, path: Path, readonly: bool = True) -> Store:
        """A reader's store, or (``readonly=False``) a builder's: a new generation's file,
        written without a journal, since a build that fails is thrown away whole."""
        store = cls(connect(path, readonly=readonly))
        if not readonly:
            store._conn.execute("PRAGMA journal_mode = OFF")
            store._conn.execute("PRAGMA synchronous = OFF")
        return store

    def commit(self, analyze: bool = False) -> None:
        """Make the writes so far durable in the file (``analyze``: refresh SQLite's
        statistics too, as a bulk load wants)."""
        self._conn.commit()
        if analyze:
            self._conn.execute("ANALYZE")
            self._conn.commit()

    def close(self) -> None:
        self._conn.close()

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn  # private: every read and write goes through a method
        self._text_cache: dict[int, DocumentText] = {}
        self._chunk_total: int | None = None  # see document_frequencies
        self._frequencies: dict[str, int] = {}  # term -> chunks holding it, likewise

    # -- documents -------------------------------------------------------------
    def documents(self) -> dict[str, StoredDocument]:
        rows = self._conn.execute(
            "SELECT id, source, format, title, content_hash, size, mtime_ns FROM documents"
        )
        return {r[1]: StoredDocument(*r) for r in rows}

    def document_text(self, doc_id: int) -> DocumentText:
        cached = self._text_cache.get(doc_id)
        if cached is not None:
            return cached
        row = self._conn.execute(
            "SELECT id, source, format, title, text, page_starts, paragraphs "
            "FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            raise KeyError(doc_id)
        doc = DocumentText(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            tuple(json.loads(row[5])),
            paragraphs_from_json(row[6]),
        )
        if len(self._text_cache) > 256:
            self._text_cache.clear()
        self._text_cache[doc_id] = doc
        return doc

    def document_texts(self, doc_ids: Iterable[int]) -> dict[int, DocumentText]:
        return {i: self.document_text(i) for i in dict.fromkeys(doc_ids)}

    def document_by_source(self, source: str) -> DocumentText | None:
        row = self._conn.execute("SELECT id FROM documents WHERE source = ?", (source,)).fetchone()
        return self.document_text(row[0]) if row else None

    def add_document(
        self,
        *,
        source: str,
        format: str,
        title: str | None,
        content_hash: str,
        size: int,
        mtime_ns: int,
        text: str,
        page_starts: Iterable[int],
        warnings: Iterable[str],
        layout: Layout,
        sentence_vectors: list[bytes] | None = None,
        quotes: Iterable[Quote] = (),
    ) -> list[int]:
        """Insert a document with its chunks; returns the new chunk ids in order."""
        self._chunk_total = None
        self._frequencies.clear()
        cur = self._conn.execute(
            "INSERT INTO documents (source, format, title, content_hash, size, mtime_ns, text, "
            "page_starts, paragraphs, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                source,
                format,
                title,
                content_hash,
                size,
                mtime_ns,
                text,
                json.dumps(list(page_starts)),
                paragraphs_json(layout.paragraphs),
                json.dumps(list(warnings)),
            ),
        )
        doc_id = int(cur.lastrowid or 0)
        self._conn.executemany(
            "INSERT INTO quotes (doc_id, start, end, speaker, mention_start, mention_end, how) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    doc_id,
                    q.start,
                    q.end,
                    q.speaker,
                    q.mention[0] if q.mention else None,
                    q.mention[1] if q.mention else None,
                    q.how,
                )
                for q in quotes
            ),
        )
        ids = []
        for n, chunk in enumerate(layout.chunks):
            cur = self._conn.execute(
                "INSERT INTO chunks (doc_id, ordinal, start, end, heading_index, sentences, "
                "sentence_vectors) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    doc_id,
                    chunk.ordinal,
                    chunk.start,
                    chunk.end,
                    chunk.heading_index,
                    json.dumps([list(s) for s in chunk.sentences]),
                    sentence_vectors[n] if sentence_vectors else None,
                ),
            )
            chunk_id = int(cur.lastrowid or 0)
            ids.append(chunk_id)
            heading = layout.heading(chunk, text)
            self._conn.execute(
                "INSERT INTO chunks_fts (rowid, body) VALUES (?, ?)",
                (chunk_id, lexical_body(heading, title, text[chunk.start : chunk.end])),
            )
        return ids

    def remove_document(self, doc_id: int) -> list[int]:
        """Delete a document and its chunks; returns the chunk ids that went."""
        self._chunk_total = None
        self._frequencies.clear()
        ids = [
            r[0] for r in self._conn.execute("SELECT id FROM chunks WHERE doc_id = ?", (doc_id,))
        ]
        self._conn.executemany("DELETE FROM chunks_fts WHERE rowid = ?", ((i,) for i in ids))
        self._conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
        self._conn.execute("DELETE FROM quotes WHERE doc_id = ?", (doc_id,))
        self._conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        self._text_cache.pop(doc_id, None)
        return ids

    def touch_document(self, doc_id: int, mtime_ns: int) -> None:
        self._conn.execute("UPDATE documents SET mtime_ns = ? WHERE id = ?", (mtime_ns, doc_id))

    # -- quotes ----------------------------------------------------------------
    def quotes(self, doc_ids: Iterable[int] | None = None) -> list[StoredQuote]:
        """Quotations (of the given documents, or all), in document and text order."""
        if doc_ids is None:
            return self._quote_rows("", [])
        args = list(doc_ids)
        if not args:
            return []
        return self._quote_rows(f"WHERE q.doc_id IN ({','.join('?' * len(args))}) ", args)

    def quotes_by(self, speakers: Iterable[str], limit: int | None = None) -> list[StoredQuote]:
        """Quotations whose speaker is one of ``speakers`` (exact stored names), in
        document and text order, the first ``limit`` of them when given.

        Read through the speaker index: at 1M chunks (~500k quotations) reading every
        quotation row to filter it in Python took 7-33 s.
        """
        names = list(speakers)
        if not names:
            return []
        where = f"WHERE q.speaker IN ({','.join('?' * len(names))}) "
        return self._quote_rows(where, names, limit)

    def count_quotes_by(self, speakers: Iterable[str]) -> int:
        names = list(speakers)
        if not names:
            return 0
        marks = ",".join("?" * len(names))
        row = self._conn.execute(f"SELECT count(*) FROM quotes WHERE speaker IN ({marks})", names)
        return int(row.fetchone()[0])

    def speakers(self) -> list[str]:
        """Every speaker named, once: a walk of the speaker index's distinct values,
        not of the quotations (~10 ms at 1M chunks)."""
        rows = self._conn.execute("SELECT DISTINCT speaker FROM quotes WHERE speaker IS NOT NULL")
        return [r[0] for r in rows]

    def _quote_rows(self, where: str, args: list, limit: int | None = None) -> list[StoredQuote]:
        tail = "" if limit is None else f" LIMIT {int(limit)}"
        rows = self._conn.execute(
            "SELECT q.id, q.doc_id, q.start, q.end, q.speaker, q.mention_start, q.mention_end, "
            f"q.how FROM quotes q JOIN documents d ON d.id = q.doc_id {where}"
            f"ORDER BY d.source, q.start{tail}",
            args,
        )
        return [
            StoredQuote(
                r[0], r[1], r[2], r[3], r[4], (r[5], r[6]) if r[5] is not None else None, r[7]
            )
            for r in rows
        ]

    # -- chunks ----------------------------------------------------------------
    def chunks(self, ids: Iterable[int]) -> dict[int, StoredChunk]:
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._conn.execute(
            "SELECT id, doc_id, ordinal, start, end, heading_index, sentences FROM chunks "
            f"WHERE id IN ({marks})",
            ids,
        )
        return {
            r[0]: StoredChunk(
                r[0], r[1], r[2], r[3], r[4], r[5], tuple(tuple(s) for s in json.loads(r[6]))
            )
            for r in rows
        }

    def chunk_texts(self, chunks: Iterable[StoredChunk]) -> dict[int, ChunkText]:
        """The text of each chunk, cut out by SQLite, with its title and heading.

        The reranker reads 30 candidates a question; on an archive they come from about as
        many documents, and reading each document whole (its text and its layout's JSON)
        cost 20 ms a question at 100k chunks. Only the chunks' own characters reach Python
        (substr counts characters, as Python's offsets do).
        """
        chunks = list(chunks)
        if not chunks:
            return {}
        marks = ",".join("?" * len(chunks))
        heading = "'$[' || c.heading_index || ']'"
        rows = self._conn.execute(
            "SELECT c.id, d.title, substr(d.text, c.start + 1, c.end - c.start), "
            "CASE WHEN c.heading_index IS NULL THEN '' ELSE substr(d.text, "
            f"json_extract(d.paragraphs, {heading} || '[0]') + 1, "
            f"json_extract(d.paragraphs, {heading} || '[1]') "
            f"- json_extract(d.paragraphs, {heading} || '[0]')) END "
            f"FROM chunks c JOIN documents d ON d.id = c.doc_id WHERE c.id IN ({marks})",
            [c.id for c in chunks],
        )
        starts = {c.id: c.start for c in chunks}
        return {r[0]: ChunkText(r[1], r[3] or "", starts[r[0]], r[2]) for r in rows}

    def sentence_vectors(self, ids: Iterable[int], dimensions: int) -> dict[int, np.ndarray]:
        """Stored sentence vectors (float32 rows) of the given chunks."""
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._conn.execute(
            f"SELECT id, sentence_vectors FROM chunks WHERE id IN ({marks})", ids
        )
        return {
            r[0]: np.frombuffer(r[1], dtype=np.float16).reshape(-1, dimensions).astype(np.float32)
            for r in rows
            if r[1] is not None
        }

    def document_frequencies(self, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        """How many chunks hold each (stemmed) term, and how many chunks there are.

        Asked twice per question (the lexical budget, then the reranker's IDF), so both
        are kept until this Store changes its chunks: the chunk count (a count(*) reads
        the whole chunks index: at 1M chunks 5-10 ms warm, ~370 ms cold) and each term's
        count (fts5vocab walks the term's whole posting list: for a common word at 1M
        chunks, milliseconds).
        """
        terms = list(dict.fromkeys(terms))
        if self._chunk_total is None:
            self._chunk_total = self._conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
        total = self._chunk_total
        known = self._frequencies
        asked = [t for t in terms if t not in known]
        if asked:
            marks = ",".join("?" * len(asked))
            rows = self._conn.execute(
                f"SELECT term, doc FROM chunks_vocab WHERE term IN ({marks})", asked
            )
            if len(known) > 100_000:
                known.clear()
            known.update(dict.fromkeys(asked, 0))
            known.update((t, int(d)) for t, d in rows)
        return {t: known[t] for t in terms if known.get(t)}, int(total)

    def chunk_ids(self, source: str | None = None) -> list[int]:
        """Every chunk id in order, or those of the document ``source``."""
        if source is None:
            rows = self._conn.execute("SELECT id FROM chunks ORDER BY id")
        else:
            rows = self._conn.execute(
                "SELECT chunks.id FROM chunks JOIN documents ON documents.id = chunks.doc_id "
                "WHERE documents.source = ? ORDER BY chunks.id",
                (source,),
            )
        return [int(r[0]) for r in rows]

    def chunk_id_summary(self) -> tuple[int, int, int, int]:
        """(count, min, max, sum) of the chunk ids, to check the vectors are these chunks'
        without reading every id into Python."""
        row = self._conn.execute(
            "SELECT count(*), coalesce(min(id), 0), coalesce(max(id), 0), coalesce(sum(id), 0) "
            "FROM chunks"
        ).fetchone()
        return (int(row[0]), int(row[1]), int(row[2]), int(row[3]))

    def counts(self) -> tuple[int, int]:
        docs = self._conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        chunks = self._conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
        return int(docs), int(chunks)

    def lexical_search(self, words: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Chunks holding any of ``words`` (folded words), by FTS5 BM25: (chunk id,
        score), higher scores better.

        FTS5 scores every chunk that holds any of the words (it has no top-k pruning),
        so an any-of-these-words query costs in proportion to the words' posting lists:
        ~50 ms at 100k chunks and ~700 ms at 1M for a typical question here. Above
        ``POSTINGS_BUDGET`` postings the commonest words (the least informative to
        BM25) are left out of the query, rarest first kept; see ``_within_budget``.
        """
        return self._match(any_words_query(self._within_budget(list(words))), limit)

    def phrase_search(self, phrases: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Chunks holding every phrase of ``phrases``, each word for word, by BM25."""
        return self._match(all_phrases_query(phrases), limit)

    def _match(self, match: str, limit: int) -> list[tuple[int, float]]:
        if not match:
            return []
        try:
            rows = self._conn.execute(
                "SELECT rowid, bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? "
                "ORDER BY bm25(chunks_fts) LIMIT ?",
                (match, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [(int(r[0]), -float(r[1])) for r in rows]

    def _within_budget(self, words: list[str]) -> list[str]:
        """The words of an any-of-these-words query cut to the rarest when their
        postings together exceed ``POSTINGS_BUDGET``.

        Small indexes never reach the budget, so their rankings are unchanged. On large
        ones this is the max-score heuristic without its exactness guarantee: chunks
        that hold only the dropped common words are no longer found by this channel
        (the dense channel still finds them). Measured on the synthetic archives of
        bench/scale: the lexical top 100 is unchanged at 100k chunks and keeps ~70% of
        its distinct passages at 1M, where the query went from 291 to 49 ms.
        """
        if len(words) < 2:
            return words
        terms = stems(words)  # the porter stemmer FTS5's tokenizer applies
        df, _ = self.document_frequencies(set(terms))
        if sum(df.get(t, 0) for t in set(terms)) <= POSTINGS_BUDGET:
            return words
        kept: set[int] = set()
        total = 0
        for i in sorted(range(len(words)), key=lambda i: df.get(terms[i], 0)):
            if kept and total + df.get(terms[i], 0) > POSTINGS_BUDGET:
                break
            kept.add(i)
            total += df.get(terms[i], 0)
        return [w for i, w in enumerate(words) if i in kept]


def any_words_query(words: Sequence[str]) -> str:
    """An FTS5 query matching any of ``words`` (BM25 ranks by how many and how rare).
    Each is quoted, so no word is read as FTS5 syntax."""
    return " OR ".join(f'"{w}"' for w in words if '"' not in w)


def all_phrases_query(phrases: Sequence[str]) -> str:
    """An FTS5 query requiring every phrase, in order, word for word."""
    parts = [" ".join(ws) for ws in (words_of(p) for p in phrases) if ws]
    return " AND ".join(f'"{p}"' for p in parts)
