"""Building and updating an index on Lance tables by appending, never by copying.

The files of a run go through the same steps as for the SQLite store (``FilePipeline`` in
``qa.index.builder``: classify, extract, chunk, find quotations, embed); what differs is
where they land. New documents, chunks (with their vectors) and quotations are added to
the tables as new fragments, removed ones deleted (Lance writes a deletion file, not the
table again), and the terms table gets the changed counts. Then one commit names the new
table versions (``qa.index.lance_tables``): the only point at which readers move. Until
then, and if this process is killed, readers see the previous commit whole; the next
writer first restores every table to the committed version.

A fresh build (the first, ``--rebuild``, or an index made by another model or chunker)
writes new tables beside the old ones, which stay one run longer for readers, as the
SQLite store's generations do.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from qa.embedding.encoder import Encoder
from qa.errors import IndexUnusable, InterruptedAfterUpdate, QaError
from qa.index.builder import FilePipeline, IndexReport, ProgressCallback, rebuild_reason
from qa.index.checkpoints import checkpoint
from qa.index.generations import index_lock, new_generation_name
from qa.index.lance_store import LANCE_FLAT, LANCE_IVF, in_filter, open_tables, read_rows
from qa.index.lance_tables import (
    CHUNKS,
    COMMITS,
    DATA_TABLES,
    DOCUMENTS,
    QUOTES,
    STORAGE,
    TERMS,
    connect,
    read_commit,
    store_errors,
    table_names,
    write_commit,
)
from qa.index.location import remote_uri
from qa.index.manifest import MANIFEST_NAME, Manifest, new_manifest
from qa.index.store import StoredDocument, lexical_body, paragraphs_json
from qa.index.vectors import EXACT_MAX
from qa.ingest.chunking import Layout
from qa.ingest.discover import SourceFile, discover
from qa.quotes import Quote
from qa.text.terms import stems
from qa.text.terms import words as words_of

# Rows are written to Lance in batches this large: one fragment per batch.
FLUSH_CHUNKS = 4096
# Filters name at most this many values (a long IN list is parsed and planned slowly).
_IN_BATCH = 1000
# Old table versions are removed by `qa index --optimize` once older than this: a
# reader moves to the newest commit at its next question, so only one idle longer
# than this and asking mid-optimize could miss its files.
KEEP_VERSIONS = timedelta(hours=1)


def table_schemas(dimensions: int) -> dict[str, Any]:
    import pyarrow as pa

    return {
        DOCUMENTS: pa.schema(
            [
                ("id", pa.int64()),
                ("source", pa.string()),
                ("format", pa.string()),
                ("title", pa.string()),
                ("content_hash", pa.string()),
                ("size", pa.int64()),
                ("mtime_ns", pa.int64()),
                ("text", pa.large_string()),
                ("page_starts", pa.string()),  # JSON, as in the SQLite store
                ("paragraphs", pa.string()),
                ("warnings", pa.string()),
            ]
        ),
        CHUNKS: pa.schema(
            [
                ("id", pa.int64()),
                ("doc_id", pa.int64()),
                ("ordinal", pa.int64()),
                ("start", pa.int64()),
                ("end", pa.int64()),
                ("heading_index", pa.int64()),
                ("heading", pa.string()),
                ("sentences", pa.string()),
                ("sentence_vectors", pa.binary()),  # float16 rows, as in the SQLite store
                ("body", pa.string()),  # title, heading, text: as FTS5 indexes it
                # The body's terms, stemmed by qa.text.terms (FTS5's porter unicode61):
                # what Lance's keyword index reads, so both stores match the same terms.
                ("terms", pa.string()),
                ("vector", pa.list_(pa.float32(), dimensions)),
            ]
        ),
        QUOTES: pa.schema(
            [
                ("id", pa.int64()),
                ("doc_id", pa.int64()),
                ("start", pa.int64()),
                ("end", pa.int64()),
                ("speaker", pa.string()),
                ("mention_start", pa.int64()),
                ("mention_end", pa.int64()),
                ("how", pa.string()),
            ]
        ),
        TERMS: pa.schema([("term", pa.string()), ("chunks", pa.int64())]),
    }


def _keyword_index() -> Any:
    from lancedb.index import FTS

    return FTS(
        with_position=True,
        base_tokenizer="whitespace",
        lower_case=False,
        stem=False,
        remove_stop_words=False,
        ascii_folding=False,
    )


def _batches(values: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(values), _IN_BATCH):
        yield values[i : i + _IN_BATCH]


def stemmed(text: str) -> str:
    """``text`` as the keyword index reads it: its terms, stemmed, space-separated."""
    return " ".join(stems(words_of(text)))


class LanceWriter:
    """The store's write methods (what ``FilePipeline`` calls on ``Store``) over Lance
    tables: rows are staged, written in batches, and nothing is visible until
    ``commit``."""

    def __init__(self, db: Any, tables: dict[str, Any], dimensions: int) -> None:
        self._db = db
        self._tables = tables
        self._schemas = table_schemas(dimensions)
        self._listing = self._read_listing()
        self._next = {role: self._max_id(role) + 1 for role in (DOCUMENTS, CHUNKS, QUOTES)}
        self._staged: dict[str, list[dict[str, Any]]] = {DOCUMENTS: [], CHUNKS: [], QUOTES: []}
        self._vectors: dict[int, np.ndarray] = {}
        self._removed_docs: list[int] = []
        self._touched: dict[int, int] = {}
        self._terms: Counter[str] = Counter()

    def _read_listing(self) -> dict[str, StoredDocument]:
        columns = ["id", "source", "format", "title", "content_hash", "size", "mtime_ns"]
        rows = read_rows(self._tables[DOCUMENTS], None, columns)
        return {r["source"]: StoredDocument(*(r[c] for c in columns)) for r in rows}

    def _max_id(self, role: str) -> int:
        rows = read_rows(self._tables[role], None, ["id"])
        return max((int(r["id"]) for r in rows), default=0)

    # -- what FilePipeline calls --------------------------------------------------------
    def documents(self) -> dict[str, StoredDocument]:
        return dict(self._listing)

    def touch_document(self, doc_id: int, mtime_ns: int) -> None:
        self._touched[doc_id] = mtime_ns

    def remove_document(self, doc_id: int) -> list[int]:
        """Drop a document (at the next flush); its chunk ids, now."""
        rows = read_rows(self._tables[CHUNKS], f"doc_id = {int(doc_id)}", ["id", "terms"])
        for r in rows:
            self._terms.subtract(set(r["terms"].split()))
        self._removed_docs.append(doc_id)
        self._listing = {s: d for s, d in self._listing.items() if d.id != doc_id}
        return [int(r["id"]) for r in rows]

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
        doc_id = self._take_id(DOCUMENTS)
        self._staged[DOCUMENTS].append(
            {
                "id": doc_id,
                "source": source,
                "format": format,
                "title": title,
                "content_hash": content_hash,
                "size": size,
                "mtime_ns": mtime_ns,
                "text": text,
                "page_starts": json.dumps(list(page_starts)),
                "paragraphs": paragraphs_json(layout.paragraphs),
                "warnings": json.dumps(list(warnings)),
            }
        )
        self._listing[source] = StoredDocument(
            doc_id, source, format, title, content_hash, size, mtime_ns
        )
        for q in quotes:
            self._staged[QUOTES].append(
                {
                    "id": self._take_id(QUOTES),
                    "doc_id": doc_id,
                    "start": q.start,
                    "end": q.end,
                    "speaker": q.speaker,
                    "mention_start": q.mention[0] if q.mention else None,
                    "mention_end": q.mention[1] if q.mention else None,
                    "how": q.how,
                }
            )
        ids = []
        for n, chunk in enumerate(layout.chunks):
            chunk_id = self._take_id(CHUNKS)
            heading = layout.heading(chunk, text)
            body = lexical_body(heading, title, text[chunk.start : chunk.end])
            terms = stemmed(body)
            self._terms.update(set(terms.split()))
            self._staged[CHUNKS].append(
                {
                    "id": chunk_id,
                    "doc_id": doc_id,
                    "ordinal": chunk.ordinal,
                    "start": chunk.start,
                    "end": chunk.end,
                    "heading_index": chunk.heading_index,
                    "heading": heading,
                    "sentences": json.dumps([list(s) for s in chunk.sentences]),
                    "sentence_vectors": sentence_vectors[n] if sentence_vectors else None,
                    "body": body,
                    "terms": terms,
                }
            )
            ids.append(chunk_id)
        return ids

    def add_vectors(self, ids: list[int], vectors: np.ndarray) -> None:
        for chunk_id, vector in zip(ids, vectors, strict=True):
            self._vectors[chunk_id] = np.asarray(vector, dtype=np.float32)
        if len(self._vectors) >= FLUSH_CHUNKS:
            self.flush()

    def counts(self) -> tuple[int, int]:
        self.flush()
        return len(self._listing), int(self._tables[CHUNKS].count_rows())

    def _take_id(self, role: str) -> int:
        taken = self._next[role]
        self._next[role] = taken + 1
        return taken

    # -- writing ----------------------------------------------------------------------
    def flush(self) -> None:
        """Write what is staged (rows whose vectors have come), deletions and touches."""
        import pyarrow as pa

        ready = [r for r in self._staged[CHUNKS] if r["id"] in self._vectors]
        if ready:
            for r in ready:
                r["vector"] = self._vectors.pop(r["id"])
            done = {r["id"] for r in ready}
            self._staged[CHUNKS] = [r for r in self._staged[CHUNKS] if r["id"] not in done]
            self._tables[CHUNKS].add(pa.Table.from_pylist(ready, schema=self._schemas[CHUNKS]))
        for role in (DOCUMENTS, QUOTES):
            if self._staged[role]:
                rows = pa.Table.from_pylist(self._staged[role], schema=self._schemas[role])
                self._tables[role].add(rows)
                self._staged[role] = []
        if self._removed_docs:
            for batch in _batches(self._removed_docs):
                self._tables[CHUNKS].delete(in_filter("doc_id", batch))
                self._tables[QUOTES].delete(in_filter("doc_id", batch))
                self._tables[DOCUMENTS].delete(in_filter("id", batch))
            self._removed_docs = []
        for doc_id, mtime_ns in self._touched.items():
            where = f"id = {int(doc_id)}"
            self._tables[DOCUMENTS].update(where=where, values={"mtime_ns": mtime_ns})
        self._touched = {}
        checkpoint("lance-flushed")

    def write_terms(self) -> None:
        """The terms table brought up to date: each changed term's count of chunks."""
        import pyarrow as pa

        changed = {t: n for t, n in self._terms.items() if n}
        self._terms.clear()
        if not changed:
            return
        table = self._tables[TERMS]
        old: dict[str, int] = {}
        if table.count_rows():
            for batch in _batches(list(changed)):
                rows = read_rows(table, in_filter("term", batch), ["term", "chunks"])
                old.update((r["term"], r["chunks"]) for r in rows)
        counts = {t: old.get(t, 0) + n for t, n in changed.items()}
        gone = [t for t, n in counts.items() if n <= 0]
        kept = [{"term": t, "chunks": n} for t, n in counts.items() if n > 0]
        if kept:
            rows = pa.Table.from_pylist(kept, schema=self._schemas[TERMS])
            if old:
                (
                    table.merge_insert("term")
                    .when_matched_update_all()
                    .when_not_matched_insert_all()
                    .execute(rows)
                )
            else:
                table.add(rows)
        for batch in _batches(gone):
            table.delete(in_filter("term", batch))

    def ensure_indexes(self, retrain_vectors: bool = False) -> str:
        """The tables' indexes, made once there are rows to index: the keyword index
        (BM25 with positions over the stemmed terms, split at spaces and taken as they
        are), look-ups by id, document, speaker and term, and the
        vector index above EXACT_MAX chunks. Rows added later are searched by scan
        until `qa index --optimize` folds them in. ``retrain_vectors`` trains the
        vector index again on every row (its partitions were fitted to far fewer).
        Returns the vector index's kind."""
        from lancedb.index import BTree, IvfSq

        wanted: list[tuple[str, str, Any]] = [
            (CHUNKS, "id", BTree()),
            (CHUNKS, "doc_id", BTree()),
            (CHUNKS, "terms", _keyword_index()),
            (DOCUMENTS, "id", BTree()),
            (QUOTES, "doc_id", BTree()),
            (QUOTES, "speaker", BTree()),
            (TERMS, "term", BTree()),
        ]
        chunks = int(self._tables[CHUNKS].count_rows())
        if chunks > EXACT_MAX:
            partitions = max(1, int(np.sqrt(chunks)))
            vector_index = IvfSq(distance_type="dot", num_partitions=partitions)
            wanted.append((CHUNKS, "vector", vector_index))
        for role, column, config in wanted:
            table = self._tables[role]
            if not table.count_rows():
                continue
            retrain = retrain_vectors and column == "vector"
            if not retrain and any(column in ix.columns for ix in table.list_indices()):
                continue
            table.create_index(column, config=config, replace=True)
        indexed = self._tables[CHUNKS].list_indices()
        return LANCE_IVF if any("vector" in ix.columns for ix in indexed) else LANCE_FLAT

    def hashes(self) -> dict[str, str]:
        return {source: d.content_hash for source, d in self._listing.items()}


class LanceVectorSink:
    """Where ``FilePipeline`` hands chunk vectors: the writer, which stores each with its
    chunk's row. Removing a document removes its rows, vectors included."""

    def __init__(self, writer: LanceWriter) -> None:
        self._writer = writer

    def add(self, ids: list[int], vectors: np.ndarray) -> None:
        self._writer.add_vectors(ids, vectors)

    def remove(self, ids: list[int]) -> None:
        """Nothing to do: the vectors go with their rows."""


@contextlib.contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """One writer per index: the local folder's lock; on object storage, where no lock
    is shared between machines, the deployment's one ingest writer (see
    docs/design/beyond-one-machine.md)."""
    if remote_uri(index_dir) is None:
        with index_lock(index_dir):
            yield
    else:
        yield


def _base(
    db: Any, index_dir: Path, rebuild: bool, target_chars: int, report: IndexReport
) -> Manifest | None:
    """The committed manifest to build on, or None for a fresh build (the reason in
    the report), decided as for the SQLite store (``builder.rebuild_reason``)."""
    try:
        commit = read_commit(db, index_dir)
    except IndexUnusable as exc:
        report.rebuilt = f"the old index was unreadable ({exc})"
        return None
    if commit is None:
        return None
    report.rebuilt = rebuild_reason(commit[1], rebuild, target_chars)
    return None if report.rebuilt else commit[1]


def _restored_tables(db: Any, base: Manifest, index_dir: Path) -> dict[str, Any]:
    """The base's tables, each restored to its committed version when a killed writer
    left newer, uncommitted ones (their rows are then no longer the table's)."""
    tables = {}
    for role, table in open_tables(db, base, index_dir).items():
        latest = db.open_table(table.name)
        if int(latest.version) != int(table.version):
            table.restore()
            latest = db.open_table(table.name)
        tables[role] = latest
    return tables


def new_tables(db: Any, generation: str, dimensions: int) -> dict[str, Any]:
    schemas = table_schemas(dimensions)
    return {
        role: db.create_table(f"{role}-{generation}", schema=schemas[role], mode="overwrite")
        for role in DATA_TABLES
    }


def open_for_writing(
    db: Any,
    index_dir: Path,
    *,
    rebuild: bool,
    target_chars: int,
    dimensions: int,
    report: IndexReport,
) -> tuple[Manifest | None, str, dict[str, Any]]:
    """The committed manifest a run builds on (None: a fresh build, the reason in the
    report), the generation it writes and its tables: the base's, restored to their
    committed versions, or new ones (tables no commit names are swept first). The
    caller holds ``writer_lock``."""
    base = _base(db, index_dir, rebuild, target_chars, report)
    if base is not None:
        return base, base.generation, _restored_tables(db, base, index_dir)
    generation = new_generation_name()
    try:
        previous = read_commit(db, index_dir)
    except IndexUnusable:  # which tables readers use is unknown: drop none
        previous = None
    else:
        keep = {name for name, _ in previous[1].tables.values()} if previous else set()
        _sweep(db, keep | {f"{role}-{generation}" for role in DATA_TABLES})
    return None, generation, new_tables(db, generation, dimensions)


def _sweep(db: Any, keep: set[str]) -> None:
    """Drop tables no commit names (a killed fresh build's, or a rebuild's old ones
    once a later run has committed): the caller holds the writer's lock."""
    for name in table_names(db):
        if name != COMMITS and name not in keep:
            with contextlib.suppress(Exception):
                db.drop_table(name)


def commit_tables(
    db: Any,
    tables: dict[str, Any],
    *,
    generation: str,
    model: tuple[str, str, int],
    target_chars: int,
    documents: dict[str, str],
    chunks: int,
    vector_kind: str,
    created: float | None,
) -> Manifest:
    manifest = new_manifest(
        generation,
        model=model,
        chunk_target_chars=target_chars,
        documents=documents,
        chunks=chunks,
        vector_kind=vector_kind,
        created=created,
        storage=STORAGE,
        tables={role: [t.name, int(t.version)] for role, t in tables.items()},
    )
    write_commit(db, manifest)
    checkpoint("manifest-swapped")
    return manifest


@dataclass(frozen=True)
class LanceRun:
    """What a run on Lance tables starts from (``lance_run``): the connection, the
    committed manifest it builds on (None: a fresh build), the generation it writes and
    its tables, and the files found under its paths."""

    db: Any
    base: Manifest | None
    generation: str
    tables: dict[str, Any]
    files: list[SourceFile]
    roots: list[str]


@contextlib.contextmanager
def lance_run(
    index_dir: Path,
    paths: list[Path],
    *,
    rebuild: bool,
    target_chars: int,
    dimensions: int,
    report: IndexReport,
    asked_by: str,
) -> Iterator[LanceRun]:
    """The start every write to Lance tables shares (a plain build, a Ray job): refuse
    a SQLite index's folder (``asked_by`` names the option that asked for Lance), then
    hold the writer's lock and turn storage errors into one line for the block, with
    the tables open for writing (``open_for_writing``) and the paths discovered (the
    report gets what was skipped)."""
    if (index_dir / MANIFEST_NAME).exists():
        raise QaError(
            f"the index at {index_dir} is stored in SQLite; "
            f"give {asked_by} a new folder (or an s3:// prefix)"
        )
    if remote_uri(index_dir) is None:
        index_dir.mkdir(parents=True, exist_ok=True)
    checkpoint("start")
    with writer_lock(index_dir), store_errors(index_dir):
        db = connect(index_dir)
        base, generation, tables = open_for_writing(
            db,
            index_dir,
            rebuild=rebuild,
            target_chars=target_chars,
            dimensions=dimensions,
            report=report,
        )
        checkpoint("swept")
        files, skipped = discover(paths)
        report.skipped.extend(skipped)
        roots = [os.path.normpath(str(p)) for p in paths]
        checkpoint("discovered")
        yield LanceRun(db, base, generation, tables, files, roots)


def build_lance_index(
    paths: list[Path],
    index_dir: Path,
    *,
    rebuild: bool,
    encoder: Encoder,
    target_chars: int,
    progress: ProgressCallback,
) -> IndexReport:
    """``qa.index.builder.build_index`` for an index on Lance tables (see the module
    docstring); returns its IndexReport."""
    started = time.perf_counter()
    report = IndexReport()
    with lance_run(
        index_dir,
        paths,
        rebuild=rebuild,
        target_chars=target_chars,
        dimensions=encoder.dimensions,
        report=report,
        asked_by="--store lance",
    ) as run:
        db, base, generation, tables = run.db, run.base, run.generation, run.tables
        writer = LanceWriter(db, tables, encoder.dimensions)
        process = FilePipeline(encoder, progress, target_chars, report)
        committed = False
        try:
            try:
                process.apply(writer, LanceVectorSink(writer), run.files, run.roots)
            finally:
                process.close()
            report.documents, report.chunks = writer.counts()
            if base is not None and not report.changed:
                return report  # nothing to commit; the next writer restores the tables
            writer.write_terms()
            vector_kind = writer.ensure_indexes()
            checkpoint("store-written")
            commit_tables(
                db,
                tables,
                generation=generation,
                model=(encoder.name, encoder.sha256, encoder.dimensions),
                target_chars=target_chars,
                documents=writer.hashes(),
                chunks=report.chunks,
                vector_kind=vector_kind,
                created=base.created if base else None,
            )
            committed = True
            checkpoint("committed")
        except KeyboardInterrupt:
            if committed:
                raise InterruptedAfterUpdate from None
            raise
        report.seconds = time.perf_counter() - started
        return report


def optimize_lance_index(index_dir: Path) -> Manifest:
    """Fold appended rows into the tables' indexes (the vector index made once the
    index outgrows exact search), compact small fragments, drop versions older than
    KEEP_VERSIONS, and commit the result. Readers keep reading the committed versions
    meanwhile, and move at their next question."""
    if remote_uri(index_dir) is None and not index_dir.is_dir():
        raise QaError(f"no index at {index_dir}")
    with writer_lock(index_dir), store_errors(index_dir):
        db = connect(index_dir)
        commit = read_commit(db, index_dir)
        if commit is None:
            raise QaError(f"no index at {index_dir}")
        base = commit[1]
        tables = _restored_tables(db, base, index_dir)
        writer = LanceWriter(db, tables, base.dimensions)
        vector_kind = writer.ensure_indexes()
        for table in tables.values():
            table.optimize(cleanup_older_than=KEEP_VERSIONS)
        manifest = commit_tables(
            db,
            tables,
            generation=base.generation,
            model=(base.model_name, base.model_sha256, base.dimensions),
            target_chars=base.chunk_target_chars,
            documents=dict(base.documents),
            chunks=base.chunks,
            vector_kind=vector_kind,
            created=base.created,
        )
        db.open_table(COMMITS).optimize(cleanup_older_than=KEEP_VERSIONS)
        return manifest
