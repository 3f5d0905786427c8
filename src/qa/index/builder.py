"""Building and updating an index: incremental, atomic, and never stopped by one bad file.

A run classifies every file it is given (unchanged by size and mtime, or by content
hash; new; changed; gone), and only when something changed does it write a new
generation: the previous store is copied, changed documents are re-chunked and
re-embedded, removed ones dropped, and the manifest swapped in last. Until that swap
every reader sees the previous index whole, whatever happens to this process.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.embedding.encoder import Embedder, Encoder, chunk_means, embedding_text
from qa.errors import ExtractionError, IndexUnusable, InterruptedAfterUpdate
from qa.files import fsync_dir, sha256_file
from qa.index import vectors
from qa.index.checkpoints import checkpoint
from qa.index.generations import (
    index_lock,
    live_generations,
    new_generation_name,
    sweep_generations,
)
from qa.index.manifest import Manifest, read_manifest, write_manifest
from qa.index.reader import STORE_NAME, VECTORS_NAME, compatibility_problem, open_generation
from qa.index.store import Store, connect
from qa.ingest.chunking import CHUNKER_VERSION, DEFAULT_TARGET_CHARS, Layout, chunk_text
from qa.ingest.discover import SourceFile, discover
from qa.ingest.extract import extract
from qa.ingest.extract.types import ExtractedText
from qa.quotes import Quote, extract_quotes, has_quotations
from qa.quotes.worker import QuoteWorker

# Embed in groups this large: big enough to keep the model busy, small enough that
# an interrupted run loses little and memory stays flat on huge folders.
EMBED_GROUP_CHUNKS = 2048

ProgressCallback = Callable[[str, int, int], None]


@dataclass
class IndexReport:
    """What a run did, for the summary line and for scripts."""

    indexed: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    new_chunks: int = 0
    documents: int = 0
    chunks: int = 0
    seconds: float = 0.0
    rebuilt: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.indexed or self.removed or self.rebuilt)


def _under(source: str, roots: list[str]) -> bool:
    return any(source == r or source.startswith(r.rstrip("/") + "/") or r == "." for r in roots)


@dataclass
class _Pending:
    source: SourceFile
    extracted: ExtractedText
    layout: Layout
    content_hash: str
    size: int
    mtime_ns: int
    quotes: list[Quote]
    ticket: int | None = None  # quotations still owed by the worker, when not None


def _model_load_is_slow() -> bool:
    """True while this process has not imported sentence-transformers: a fresh `qa
    index` (which, with the ONNX export ready, never does), not a test session or a
    process that already encoded on torch."""
    return "sentence_transformers" not in sys.modules


class _Build:
    """One run of the indexer against one index folder (the lock is held)."""

    def __init__(
        self, index_dir: Path, embedder: Encoder, progress: ProgressCallback, target_chars: int
    ) -> None:
        self.index_dir = index_dir
        self.target_chars = target_chars
        self.embedder = embedder
        self.progress = progress
        self.report = IndexReport()
        self._worker: QuoteWorker | None = None
        self._base_vectors: Any = None  # read once, by the base check

    def base_manifest(self, rebuild: bool) -> Manifest | None:
        """The manifest to build on, or None for a fresh build (reason in the report)."""
        try:
            manifest = read_manifest(self.index_dir)
        except IndexUnusable as exc:
            self.report.rebuilt = f"the old index was unreadable ({exc})"
            return None
        if manifest is None:
            return None
        if rebuild:
            self.report.rebuilt = "a rebuild was asked for"
            return None
        problem = compatibility_problem(manifest)
        if problem:
            self.report.rebuilt = problem
            return None
        if manifest.chunk_target_chars != self.target_chars:
            self.report.rebuilt = (
                f"chunks of about {self.target_chars} characters were asked for, "
                f"the index has {manifest.chunk_target_chars}"
            )
            return None
        try:
            # Updating copies the old store and vectors: they must be whole and match.
            opened = open_generation(self.index_dir, manifest, thorough=True)
        except IndexUnusable as exc:
            self.report.rebuilt = f"the old index was unusable ({exc})"
            return None
        opened.close()
        # The check has just read the vectors whole (and hashed the file): the update
        # starts from them rather than reading them again (on a million chunks, 1.5 GB).
        self._base_vectors = opened.vectors
        return manifest

    def run(self, paths: list[Path], rebuild: bool) -> IndexReport:
        started = time.perf_counter()
        base = self.base_manifest(rebuild)
        # Whatever the manifest points at stays until a new manifest replaces it, even
        # on a rebuild: readers may be using it, and this run may be interrupted.
        keep = live_generations(self.index_dir)
        sweep_generations(self.index_dir, keep)
        checkpoint("swept")

        files, skipped = discover(paths)
        self.report.skipped.extend(skipped)
        roots = [os.path.normpath(str(p)) for p in paths]
        checkpoint("discovered")

        gen_name = new_generation_name()
        gen_dir = self.index_dir / gen_name
        gen_dir.mkdir()
        committed = False
        try:
            checkpoint("generation-created")
            if base:
                shutil.copyfile(self.index_dir / base.generation / STORE_NAME, gen_dir / STORE_NAME)
                index = self._base_vectors
                self._base_vectors = None
                if index is None:
                    index = vectors.read_index(self.index_dir / base.generation / VECTORS_NAME)
            else:
                index = vectors.new_index(self.embedder.dimensions)
            checkpoint("base-copied")
            conn = connect(gen_dir / STORE_NAME)
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            store = Store(conn)
            try:
                self._apply(store, index, files, roots)
            finally:
                if self._worker is not None:
                    self._worker.close()
            self.report.documents, self.report.chunks = store.counts()
            if self.report.changed or not base:
                hashes = {d.source: d.content_hash for d in store.documents().values()}
                conn.commit()
                conn.close()
                checkpoint("store-written")
                # Exact below qa.vectors.EXACT_MAX chunks, IVF-fp16 above it (retrained
                # when the size has changed ~4x): kind and parameters go in the manifest.
                index, vector_kind, vector_params = vectors.fit(
                    index, previous=base.vector_params if base else None, progress=self.progress
                )
                vectors.write_index(index, gen_dir / VECTORS_NAME)
                checkpoint("vectors-written")
                for name in (STORE_NAME, VECTORS_NAME):
                    with open(gen_dir / name, "rb") as f:
                        os.fsync(f.fileno())
                fsync_dir(gen_dir)
                checkpoint("synced")
                store_path, vectors_path = gen_dir / STORE_NAME, gen_dir / VECTORS_NAME
                now = time.time()
                manifest = Manifest(
                    generation=gen_name,
                    model_name=self.embedder.name,
                    model_sha256=self.embedder.sha256,
                    dimensions=self.embedder.dimensions,
                    chunker_version=CHUNKER_VERSION,
                    chunk_target_chars=self.target_chars,
                    documents=dict(sorted(hashes.items())),
                    chunks=self.report.chunks,
                    created=base.created if base else now,
                    updated=now,
                    vector_index=vector_kind,
                    vector_params=vector_params,
                    store_bytes=store_path.stat().st_size,
                    store_sha256=sha256_file(store_path),
                    vectors_bytes=vectors_path.stat().st_size,
                    vectors_sha256=sha256_file(vectors_path),
                )
                write_manifest(self.index_dir, manifest)
                checkpoint("manifest-swapped")
                committed = True
                # Keep the previous generation one run longer for readers that have
                # read the old manifest but not yet opened its files.
                sweep_generations(self.index_dir, {gen_name} | keep)
                checkpoint("committed")
            else:
                conn.close()
        except KeyboardInterrupt:
            if committed or gen_name in live_generations(self.index_dir):
                raise InterruptedAfterUpdate from None
            raise
        finally:
            # Ctrl-C can land after the manifest's rename but before ``committed`` is
            # set: the generation the manifest names must never be removed.
            if not committed and gen_name not in live_generations(self.index_dir):
                shutil.rmtree(gen_dir, ignore_errors=True)
        self.report.seconds = time.perf_counter() - started
        return self.report

    def _apply(self, store: Store, index: Any, files: list[SourceFile], roots: list[str]) -> None:
        stored = store.documents()
        seen: set[str] = set()
        pending: list[_Pending] = []
        pending_chunks = 0
        total = len(files)
        for done, sf in enumerate(files, 1):
            self.progress("reading", done, total)
            seen.add(sf.source)
            old = stored.get(sf.source)
            try:
                st = sf.path.stat()
                if old and old.size == st.st_size and old.mtime_ns == st.st_mtime_ns:
                    self.report.unchanged += 1
                    continue
                content_hash = sha256_file(sf.path)
                if old and old.content_hash == content_hash:
                    store.touch_document(old.id, st.st_mtime_ns)
                    self.report.unchanged += 1
                    continue
                extracted = extract(sf.path)
                checkpoint("extracted")
            except ExtractionError as exc:
                self._skip(sf.source, str(exc), kept=old is not None)
                continue
            except OSError as exc:
                self._skip(
                    sf.source, f"cannot read file: {exc.strerror or exc}", kept=old is not None
                )
                continue
            layout = chunk_text(extracted, self.target_chars)
            if not layout.chunks:
                self._skip(sf.source, "no text to index", kept=old is not None)
                continue
            if old:
                vectors.remove(index, store.remove_document(old.id))
            for warning in extracted.warnings:
                self.report.warnings.append((sf.source, warning))
            ticket = self._send_quotes(extracted, layout)
            quotes = [] if ticket is not None else self._quotes(sf.source, extracted, layout)
            pending.append(
                _Pending(
                    sf, extracted, layout, content_hash, st.st_size, st.st_mtime_ns, quotes, ticket
                )
            )
            pending_chunks += len(layout.chunks)
            if pending_chunks >= EMBED_GROUP_CHUNKS:
                self._flush(store, index, pending)
                pending, pending_chunks = [], 0
        self._flush(store, index, pending)

        # Only what lies under the paths of this run can have been removed: a source
        # outside them may just be relative to another working folder.
        for source, doc in stored.items():
            if source not in seen and _under(source, roots):
                vectors.remove(index, store.remove_document(doc.id))
                self.report.removed.append(source)
                checkpoint("removed")

    def _quotes(self, source: str, extracted: ExtractedText, layout: Layout) -> list[Quote]:
        """The document's quotations; a failure here costs its quote list, never the
        document (and never the run)."""
        try:
            found = extract_quotes(
                extracted.text,
                [(p.start, p.end) for p in layout.paragraphs],
                [s for chunk in layout.chunks for s in chunk.sentences],
            )
            checkpoint("quotes")
            return found
        except Exception as exc:  # a parser bug must not stop indexing
            self.report.warnings.append((source, f"quotations not extracted ({exc})"))
            return []

    def _send_quotes(self, extracted: ExtractedText, layout: Layout) -> int | None:
        """Hand the document's quotations to the worker process (``qa.quotes.worker``)
        and return its ticket, or None to find them here.

        The worker pays in a fresh `qa index`: spaCy loads and parses in the child while
        the model loads and encodes here (SQuAD, ONNX export ready: 39.6 and 42.8 s with
        it, 45.3 and 43.0 s without). With the model loaded already, or its libraries
        imported (a test session, the chat), starting a child and its spaCy would cost
        more than parsing here.
        """
        paragraphs = [(p.start, p.end) for p in layout.paragraphs]
        if self._worker is None and (self.embedder.loaded or not _model_load_is_slow()):
            return None
        try:
            if not has_quotations(extracted.text, paragraphs):
                return None
            if self._worker is None:
                self._worker = QuoteWorker()
            sentences = [s for chunk in layout.chunks for s in chunk.sentences]
            return self._worker.submit(extracted.text, paragraphs, sentences)
        except Exception:  # parsed here instead, where a failure becomes a warning
            return None

    def _collect_quotes(self, p: _Pending) -> None:
        """The worker's answer for a pending document, or the parse done here when the
        worker failed on it."""
        if p.ticket is None:
            return
        found = self._worker.result(p.ticket) if self._worker is not None else None
        p.ticket = None
        if found is None:
            p.quotes = self._quotes(p.source.source, p.extracted, p.layout)
        else:
            p.quotes = found
            checkpoint("quotes")

    def _skip(self, source: str, reason: str, kept: bool) -> None:
        if kept:
            reason += " (the previously indexed version is kept)"
        self.report.skipped.append((source, reason))

    def _flush(self, store: Store, index: Any, pending: list[_Pending]) -> None:
        """Embed the pending documents' chunks and sentences, then store them."""
        if not pending:
            return
        # Every word is encoded once: sentence by sentence. A chunk's vector is the mean
        # of its sentences' (and of its title and heading, when it has them), which also
        # sees the whole chunk where MiniLM would cut a chunk at 256 tokens.
        texts: list[str] = []
        shapes: list[tuple[int, int | None]] = []  # per chunk: sentences, context row
        contexts: dict[str, int] = {}  # "title. heading" -> row, encoded once per section
        for p in pending:
            text = p.extracted.text
            for chunk in p.layout.chunks:
                heading = None
                if chunk.heading_index is not None:
                    h = p.layout.paragraphs[chunk.heading_index]
                    heading = text[h.start : h.end]
                texts.extend(embedding_text(None, None, text[s:e]) for s, e in chunk.sentences)
                context = embedding_text(
                    None, None, ". ".join(c for c in (p.extracted.title, heading) if c)
                )
                context_row = contexts.setdefault(context, len(contexts)) if context else None
                shapes.append((len(chunk.sentences), context_row))
        context_rows = len(texts)
        texts.extend(contexts)
        if not self.embedder.loaded:
            self.progress("loading model", 0, 1)
            self.embedder.load()
            self.progress("loading model", 1, 1)
            checkpoint("model-loaded")
        encoded = self.embedder.encode_many(
            texts, lambda n: self.progress("embedding", n, len(texts))
        )
        sentence_vectors = encoded[:context_rows]
        chunk_vectors = chunk_means(sentence_vectors, encoded[context_rows:], shapes)
        checkpoint("embedded")
        for p in pending:  # parsed by the worker while the model loaded and encoded
            self._collect_quotes(p)
        row = 0
        offset = 0
        for p in pending:
            blobs = []
            for chunk in p.layout.chunks:
                n = len(chunk.sentences)
                blobs.append(sentence_vectors[offset : offset + n].astype(np.float16).tobytes())
                offset += n
            ids = store.add_document(
                source=p.source.source,
                format=p.extracted.format,
                title=p.extracted.title,
                content_hash=p.content_hash,
                size=p.size,
                mtime_ns=p.mtime_ns,
                text=p.extracted.text,
                page_starts=p.extracted.page_starts,
                warnings=p.extracted.warnings,
                layout=p.layout,
                sentence_vectors=blobs,
                quotes=p.quotes,
            )
            vectors.add(index, ids, chunk_vectors[row : row + len(ids)])
            checkpoint("stored")
            row += len(ids)
            self.report.indexed.append(p.source.source)
        self.report.new_chunks += len(chunk_vectors)


def build_index(
    paths: list[Path],
    index_dir: Path,
    *,
    rebuild: bool = False,
    embedder: Encoder | None = None,
    target_chars: int = DEFAULT_TARGET_CHARS,
    progress: ProgressCallback | None = None,
) -> IndexReport:
    """Index ``paths`` into ``index_dir``, incrementally; see the module docstring."""
    index_dir.mkdir(parents=True, exist_ok=True)
    checkpoint("start")
    with index_lock(index_dir):
        build = _Build(
            index_dir, embedder or Embedder(), progress or (lambda *_: None), target_chars
        )
        return build.run(paths, rebuild)
