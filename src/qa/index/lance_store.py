"""Reading an index on Lance tables: the same answers as the SQLite store, from Lance.

``LanceStore`` and ``LanceVectors`` give ``qa.index.reader.Index`` what ``Store`` and
``VectorIndex`` give it for a local SQLite + FAISS index, each table read at the version
the index's commit names (``qa.index.lance_tables``), so a reader sees one index whole
while a writer appends the next. The keyword channel is Lance's own BM25 index (with
positions, so a quoted phrase matches word for word; rows appended since the index
was last optimized are searched too, by scan), the dense channel its vector search
(exact below ``EXACT_MAX`` chunks, IVF with 8-bit codes and a refine step above), and the terms
table holds how many chunks hold each stemmed term, for the reranker's IDF.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qa.errors import IndexUnusable
from qa.index.lance_tables import (
    CHUNKS,
    DATA_TABLES,
    DOCUMENTS,
    QUOTES,
    TERMS,
    connect,
    read_commit,
)
from qa.index.manifest import Manifest
from qa.index.store import (
    ChunkText,
    DocumentText,
    StoredChunk,
    StoredDocument,
    StoredQuote,
    paragraphs_from_json,
)
from qa.text.terms import stems
from qa.text.terms import words as words_of

# The vector index's search settings (IVF with 8-bit codes, above EXACT_MAX chunks):
# measured at 100k chunks on 100 real questions, 20 of ~316 partitions and the 2x
# nearest re-scored from the stored vectors found 0.994 of the exact top 10 in 7.5 /
# 8.2 ms p50 / p95. IVF-PQ (48 sub-vectors) needed the 10x nearest re-scored for the
# same recall, 10 / 13 ms, and each re-scored vector is a read (on object storage, a
# request): 1,000 a question instead of 200.
NPROBES = 20
REFINE_FACTOR = 2
LANCE_IVF = "lance-ivf-sq"
LANCE_FLAT = "lance-flat"


def in_filter(column: str, values: Iterable[Any]) -> str:
    """A SQL filter ``column IN (...)`` over ints or strings, quoted as SQL wants."""
    parts = []
    for v in values:
        if isinstance(v, str):
            parts.append("'" + v.replace("'", "''") + "'")
        else:
            parts.append(str(int(v)))
    return f"{column} IN ({','.join(parts)})"


def read_rows(table: Any, where: str | None, columns: list[str]) -> list[dict[str, Any]]:
    """Every row of ``table`` matching ``where`` (all rows when None), those columns."""
    query = table.search()
    if where:
        query = query.where(where)
    return list(query.select(columns).limit(None).to_arrow().to_pylist())


class LanceVectors:
    """The dense channel over the chunks table's ``vector`` column.

    Below EXACT_MAX chunks the table has no vector index, and Lance's own exact scan
    took 16 ms a question at 10k chunks: there the vectors are read once, on the first
    question, and searched exactly in memory (1.5 KB a chunk, as FAISS's flat index
    holds them), about 1 ms. Above it, Lance's IVF index with a refine step."""

    def __init__(self, chunks: Any, manifest: Manifest) -> None:
        self._chunks = chunks
        self._indexed = manifest.vector_index == LANCE_IVF
        self.ntotal = manifest.chunks
        self.dimensions = manifest.dimensions
        self._ids: np.ndarray | None = None
        self._matrix: np.ndarray | None = None
        self._position: dict[int, int] = {}

    def _in_memory(self) -> tuple[np.ndarray, np.ndarray]:
        if self._ids is None or self._matrix is None:
            data = self._chunks.search().select(["id", "vector"]).limit(None).to_arrow()
            self._ids = data["id"].to_numpy()
            vectors = data["vector"].combine_chunks()
            self._matrix = (
                vectors.flatten().to_numpy().astype(np.float32).reshape(-1, self.dimensions)
            )
            self._position = {int(i): n for n, i in enumerate(self._ids)}
        return self._ids, self._matrix

    def search(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        if self.ntotal == 0:
            return []
        vector = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        if not self._indexed:
            ids, matrix = self._in_memory()
            scores = matrix @ vector
            k = min(k, len(scores))
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top], kind="stable")]
            return [(int(ids[i]), float(scores[i])) for i in top]
        query = self._chunks.search(vector).distance_type("dot").limit(k)
        query = query.nprobes(NPROBES).refine_factor(REFINE_FACTOR)
        found = query.select(["id", "_distance"]).to_arrow()
        # Lance's "dot" distance is 1 - the inner product: over unit vectors, 1 - cosine.
        return [
            (int(i), 1.0 - float(d))
            for i, d in zip(found["id"].to_pylist(), found["_distance"].to_pylist(), strict=True)
        ]

    def vectors_for(self, ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        if self._matrix is not None:
            return self._matrix[[self._position[i] for i in ids]]
        rows = read_rows(self._chunks, in_filter("id", ids), ["id", "vector"])
        by_id = {r["id"]: r["vector"] for r in rows}
        return np.asarray([by_id[i] for i in ids], dtype=np.float32)


class LanceStore:
    """The store's read methods (``qa.index.store.Store``) over the committed tables."""

    def __init__(self, tables: dict[str, Any], manifest: Manifest) -> None:
        self._documents = tables[DOCUMENTS]
        self._chunks = tables[CHUNKS]
        self._quotes = tables[QUOTES]
        self._terms = tables[TERMS]
        self._chunk_total = manifest.chunks
        self._listing: dict[str, StoredDocument] | None = None
        self._titles: dict[int, str | None] = {}
        self._text_cache: dict[int, DocumentText] = {}
        self._frequencies: dict[str, int] = {}
        self._speakers: list[str] | None = None
        self._chunk_cache: dict[int, dict[str, Any]] = {}

    _CHUNK_COLUMNS = (
        "id", "doc_id", "ordinal", "start", "end", "heading_index", "sentences",
        "heading", "body", "sentence_vectors",
    )  # fmt: skip

    def _chunk_rows(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """The rows of these chunks, everything a question reads of them but the
        vector, read once: the reranker asks for their spans, words and sentence vectors
        in turn, and each read is a query of its own (~3 ms each at 10k chunks)."""
        cache = self._chunk_cache
        missing = [i for i in dict.fromkeys(ids) if i not in cache]
        if missing:
            if len(cache) > 4096:
                cache.clear()
            for r in read_rows(self._chunks, in_filter("id", missing), list(self._CHUNK_COLUMNS)):
                cache[int(r["id"])] = r
        return {i: cache[i] for i in ids if i in cache}

    # -- documents -------------------------------------------------------------
    def documents(self) -> dict[str, StoredDocument]:
        if self._listing is None:
            columns = ["id", "source", "format", "title", "content_hash", "size", "mtime_ns"]
            rows = read_rows(self._documents, None, columns)
            self._listing = {r["source"]: StoredDocument(*(r[c] for c in columns)) for r in rows}
            self._titles = {d.id: d.title for d in self._listing.values()}
        return self._listing

    def document_text(self, doc_id: int) -> DocumentText:
        cached = self._text_cache.get(doc_id)
        if cached is None:
            self._read_documents([doc_id])
            cached = self._text_cache.get(doc_id)
        if cached is None:
            raise KeyError(doc_id)
        return cached

    def document_texts(self, doc_ids: Iterable[int]) -> dict[int, DocumentText]:
        ids = list(dict.fromkeys(doc_ids))
        self._read_documents(ids)
        return {i: self.document_text(i) for i in ids}

    def _read_documents(self, doc_ids: Iterable[int]) -> None:
        """Read these documents' text and layout into the cache, in one query."""
        missing = [i for i in dict.fromkeys(doc_ids) if i not in self._text_cache]
        if not missing:
            return
        if len(self._text_cache) + len(missing) > 256:
            self._text_cache.clear()
        columns = ["id", "source", "format", "title", "text", "page_starts", "paragraphs"]
        for r in read_rows(self._documents, in_filter("id", missing), columns):
            self._text_cache[r["id"]] = DocumentText(
                r["id"],
                r["source"],
                r["format"],
                r["title"],
                r["text"],
                tuple(json.loads(r["page_starts"])),
                paragraphs_from_json(r["paragraphs"]),
            )

    def document_by_source(self, source: str) -> DocumentText | None:
        found = self.documents().get(source)
        return self.document_text(found.id) if found else None

    def counts(self) -> tuple[int, int]:
        return len(self.documents()), self._chunk_total

    # -- quotes ----------------------------------------------------------------
    def _quote_list(self, where: str | None, limit: int | None = None) -> list[StoredQuote]:
        columns = ["id", "doc_id", "start", "end", "speaker", "mention_start", "mention_end"]
        rows = read_rows(self._quotes, where, [*columns, "how"])
        sources = {d.id: d.source for d in self.documents().values()}
        rows.sort(key=lambda r: (sources.get(r["doc_id"], ""), r["start"]))
        quotes = [
            StoredQuote(
                r["id"],
                r["doc_id"],
                r["start"],
                r["end"],
                r["speaker"],
                (r["mention_start"], r["mention_end"]) if r["mention_start"] is not None else None,
                r["how"],
            )
            for r in rows
        ]
        return quotes if limit is None else quotes[:limit]

    def quotes(self, doc_ids: Iterable[int] | None = None) -> list[StoredQuote]:
        if doc_ids is None:
            return self._quote_list(None)
        ids = list(doc_ids)
        return self._quote_list(in_filter("doc_id", ids)) if ids else []

    def quotes_by(self, speakers: Iterable[str], limit: int | None = None) -> list[StoredQuote]:
        names = list(speakers)
        return self._quote_list(in_filter("speaker", names), limit) if names else []

    def count_quotes_by(self, speakers: Iterable[str]) -> int:
        names = list(speakers)
        return int(self._quotes.count_rows(in_filter("speaker", names))) if names else 0

    def speakers(self) -> list[str]:
        if self._speakers is None:
            rows = read_rows(self._quotes, "speaker IS NOT NULL", ["speaker"])
            self._speakers = list(dict.fromkeys(r["speaker"] for r in rows))
        return self._speakers

    # -- chunks ----------------------------------------------------------------
    def chunks(self, ids: Iterable[int]) -> dict[int, StoredChunk]:
        ids = list(ids)
        if not ids:
            return {}
        return {
            r["id"]: StoredChunk(
                r["id"],
                r["doc_id"],
                r["ordinal"],
                r["start"],
                r["end"],
                r["heading_index"],
                tuple(tuple(s) for s in json.loads(r["sentences"])),
            )
            for r in self._chunk_rows(ids).values()
        }

    def chunk_texts(self, chunks: Iterable[StoredChunk]) -> dict[int, ChunkText]:
        """Each chunk's words, cut from its keyword body (title, heading, then the
        chunk's own text, which ends it), so no document is read whole."""
        chunks = list(chunks)
        if not chunks:
            return {}
        self.documents()
        rows = self._chunk_rows([c.id for c in chunks]).values()
        # The passages shown are cited from their documents' layout next: the reranked
        # candidates' documents are read now, in one query rather than one each (7 a
        # question at 100k chunks, ~18 ms; on object storage, 7 round trips).
        self._read_documents(c.doc_id for c in chunks)
        by_id = {c.id: c for c in chunks}
        texts = {}
        for r in rows:
            c = by_id[r["id"]]
            body = r["body"]
            text = body[len(body) - (c.end - c.start) :] if c.end > c.start else ""
            texts[c.id] = ChunkText(self._titles.get(c.doc_id), r["heading"] or "", c.start, text)
        return texts

    def sentence_vectors(self, ids: Iterable[int], dimensions: int) -> dict[int, np.ndarray]:
        ids = list(ids)
        if not ids:
            return {}
        rows = self._chunk_rows(ids).values()
        return {
            r["id"]: np.frombuffer(r["sentence_vectors"], dtype=np.float16)
            .reshape(-1, dimensions)
            .astype(np.float32)
            for r in rows
            if r["sentence_vectors"] is not None
        }

    def chunk_ids(self, source: str | None = None) -> list[int]:
        if source is None:
            rows = read_rows(self._chunks, None, ["id"])
        else:
            doc = self.documents().get(source)
            if doc is None:
                return []
            rows = read_rows(self._chunks, f"doc_id = {doc.id}", ["id"])
        return sorted(int(r["id"]) for r in rows)

    def document_frequencies(self, terms: Iterable[str]) -> tuple[dict[str, int], int]:
        terms = list(dict.fromkeys(terms))
        asked = [t for t in terms if t not in self._frequencies]
        if asked:
            rows = read_rows(self._terms, in_filter("term", asked), ["term", "chunks"])
            self._frequencies.update(dict.fromkeys(asked, 0))
            self._frequencies.update((r["term"], int(r["chunks"])) for r in rows)
        known = self._frequencies
        return {t: known[t] for t in terms if known.get(t)}, self._chunk_total

    # -- the keyword channel ------------------------------------------------------
    def lexical_search(self, words: Sequence[str], limit: int) -> list[tuple[int, float]]:
        """Chunks holding any of ``words``, by BM25 over the stemmed terms column (the
        terms FTS5's tokenizer would make, so both stores match the same words)."""
        from lancedb.query import MatchQuery

        text = " ".join(dict.fromkeys(stems([w for w in words if w.strip()])))
        if not text or self._chunk_total == 0:
            return []
        return self._search(MatchQuery(text, "terms", operator="OR"), limit)

    def phrase_search(self, phrases: Sequence[str], limit: int) -> list[tuple[int, float]]:
        from lancedb.query import BooleanQuery, MatchQuery, Occur, PhraseQuery

        parts = [" ".join(stems(ws)) for ws in (words_of(p) for p in phrases) if ws]
        if not parts or self._chunk_total == 0:
            return []
        queries = [PhraseQuery(p, "terms") if " " in p else MatchQuery(p, "terms") for p in parts]
        query = (
            queries[0] if len(queries) == 1 else BooleanQuery([(Occur.MUST, q) for q in queries])
        )
        return self._search(query, limit)

    def _search(self, query: Any, limit: int) -> list[tuple[int, float]]:
        found = self._chunks.search(query).select(["id", "_score"]).limit(limit).to_arrow()
        return [
            (int(i), float(s))
            for i, s in zip(found["id"].to_pylist(), found["_score"].to_pylist(), strict=True)
        ]

    def close(self) -> None:
        """Nothing to close: Lance reads files (or objects) as it goes."""


def open_tables(db: Any, manifest: Manifest, index_dir: Path) -> dict[str, Any]:
    """Each data table at the version the commit names."""
    tables = {}
    for role in DATA_TABLES:
        try:
            name, version = manifest.tables[role]
            table = db.open_table(name)
            table.checkout(int(version))
        except (KeyError, ValueError, TypeError, OSError, RuntimeError) as exc:
            raise IndexUnusable(
                f"the index at {index_dir} is damaged (its {role} table: {exc}); "
                "run `qa index --rebuild`"
            ) from None
        tables[role] = table
    return tables


def open_lance(index_dir: Path) -> tuple[Manifest, LanceStore, LanceVectors] | None:
    """The committed index's manifest, store and vectors; None when nothing was ever
    committed there."""
    db = connect(index_dir)
    commit = read_commit(db, index_dir)
    if commit is None:
        return None
    _, manifest = commit
    tables = open_tables(db, manifest, index_dir)
    return manifest, LanceStore(tables, manifest), LanceVectors(tables[CHUNKS], manifest)
