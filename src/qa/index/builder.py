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
from typing import TYPE_CHECKING

import numpy as np

from qa.embedding.documents import embed_documents
from qa.embedding.encoder import Embedder, Encoder
from qa.errors import ExtractionError, IndexUnusable, InterruptedAfterUpdate, QaError
from qa.files import sha256_file
from qa.index.checkpoints import checkpoint
from qa.index.generations import (
    commit_generation,
    index_lock,
    live_generations,
    new_generation_name,
    sweep_generations,
)
from qa.index.manifest import Manifest, read_manifest
from qa.index.reader import STORE_NAME, VECTORS_NAME, compatibility_problem, open_generation
from qa.index.store import Store, StoredDocument
from qa.index.vectors import VectorIndex
from qa.ingest.chunking import DEFAULT_TARGET_CHARS, Layout, chunk_text
from qa.ingest.discover import SourceFile, discover
from qa.ingest.extract import extract
from qa.ingest.extract.types import ExtractedText
from qa.quotes import Quote, extract_quotes, has_quotations
from qa.quotes.worker import QuoteWorker

if TYPE_CHECKING:
    from qa.index.lance_writer import LanceVectorSink, LanceWriter

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


@dataclass(frozen=True)
class ChangedFile:
    """A file whose content the index does not hold: new (``old`` None) or changed."""

    source: SourceFile
    old: StoredDocument | None
    content_hash: str
    size: int
    mtime_ns: int


@dataclass
class PendingDocument:
    """A document read, chunked and with its quotations (or a ticket for them), on its
    way to be embedded and stored."""

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


@dataclass
class Plan:
    """What a run will do, decided before anything is written: the generation to build
    on (None: a fresh build, the reason in the report), the generations readers may be
    using (kept), and the files to read."""

    base: Manifest | None
    base_vectors: VectorIndex | None
    keep: set[str]
    files: list[SourceFile]
    roots: list[str]


def plan_build(
    index_dir: Path,
    paths: list[Path],
    *,
    rebuild: bool,
    target_chars: int,
    report: IndexReport,
) -> Plan:
    """Step one of a build (the lock held): check the base, sweep dead generations,
    discover the files."""
    base, base_vectors = _base(index_dir, rebuild, target_chars, report)
    # Whatever the manifest points at stays until a new manifest replaces it, even
    # on a rebuild: readers may be using it, and this run may be interrupted.
    keep = live_generations(index_dir)
    sweep_generations(index_dir, keep)
    checkpoint("swept")

    files, skipped = discover(paths)
    report.skipped.extend(skipped)
    roots = [os.path.normpath(str(p)) for p in paths]
    checkpoint("discovered")
    return Plan(base, base_vectors, keep, files, roots)


def rebuild_reason(manifest: Manifest, rebuild: bool, target_chars: int) -> str | None:
    """Why a run cannot build on the committed index ``manifest`` (it is rebuilt), or
    None: the same decision for either store."""
    if rebuild:
        return "a rebuild was asked for"
    problem = compatibility_problem(manifest)
    if problem:
        return problem
    if manifest.chunk_target_chars != target_chars:
        return (
            f"chunks of about {target_chars} characters were asked for, "
            f"the index has {manifest.chunk_target_chars}"
        )
    return None


def _base(
    index_dir: Path, rebuild: bool, target_chars: int, report: IndexReport
) -> tuple[Manifest | None, VectorIndex | None]:
    """The manifest to build on and its vectors, or None for a fresh build (the reason
    in the report)."""
    try:
        manifest = read_manifest(index_dir)
    except IndexUnusable as exc:
        report.rebuilt = f"the old index was unreadable ({exc})"
        return None, None
    if manifest is None:
        return None, None
    report.rebuilt = rebuild_reason(manifest, rebuild, target_chars)
    if report.rebuilt:
        return None, None
    try:
        # Updating copies the old store and vectors: they must be whole and match.
        opened = open_generation(index_dir, manifest, thorough=True)
    except IndexUnusable as exc:
        report.rebuilt = f"the old index was unusable ({exc})"
        return None, None
    # The check has just read the vectors whole (and hashed the file): the update
    # starts from them rather than reading them again (on a million chunks, 1.5 GB).
    return manifest, opened.detach_vectors()


def write_generation(
    index_dir: Path,
    plan: Plan,
    encoder: Encoder,
    progress: ProgressCallback,
    target_chars: int,
    report: IndexReport,
) -> None:
    """Steps two and three: process the files into a new generation (a copy of the
    base, updated), then commit it; or throw it away whole when nothing changed, or
    when this run is interrupted before the commit."""
    base = plan.base
    gen_name = new_generation_name()
    gen_dir = index_dir / gen_name
    gen_dir.mkdir()
    committed = False
    try:
        checkpoint("generation-created")
        if base:
            shutil.copyfile(index_dir / base.generation / STORE_NAME, gen_dir / STORE_NAME)
            index = plan.base_vectors or VectorIndex.load(
                index_dir / base.generation / VECTORS_NAME
            )
            plan.base_vectors = None
        else:
            index = VectorIndex.new(encoder.dimensions)
        checkpoint("base-copied")
        store = Store.open(gen_dir / STORE_NAME, readonly=False)
        process = FilePipeline(encoder, progress, target_chars, report)
        try:
            process.apply(store, index, plan.files, plan.roots)
        finally:
            process.close()
        report.documents, report.chunks = store.counts()
        if base and not report.changed:  # nothing to commit: the folder is thrown away
            store.close()
            return
        hashes = {d.source: d.content_hash for d in store.documents().values()}
        store.commit()
        store.close()
        checkpoint("store-written")
        # Exact below qa.index.vectors.EXACT_MAX chunks, IVF-fp16 above it (retrained
        # when the size has changed ~4x): kind and parameters go in the manifest.
        index, vector_kind, vector_params = index.fit(
            previous=base.vector_params if base else None, progress=progress
        )
        index.save(gen_dir / VECTORS_NAME)
        checkpoint("vectors-written")
        commit_generation(
            index_dir,
            gen_name,
            model=(encoder.name, encoder.sha256, encoder.dimensions),
            chunk_target_chars=target_chars,
            documents=hashes,
            chunks=report.chunks,
            vector_kind=vector_kind,
            vector_params=vector_params,
            created=base.created if base else None,
        )
        committed = True
        # Keep the previous generation one run longer for readers that have
        # read the old manifest but not yet opened its files.
        sweep_generations(index_dir, {gen_name} | plan.keep)
        checkpoint("committed")
    except KeyboardInterrupt:
        if committed or gen_name in live_generations(index_dir):
            raise InterruptedAfterUpdate from None
        raise
    finally:
        # Ctrl-C can land after the manifest's rename but before ``committed`` is
        # set: the generation the manifest names must never be removed.
        if not committed and gen_name not in live_generations(index_dir):
            shutil.rmtree(gen_dir, ignore_errors=True)


class FilePipeline:
    """Step two: files into the new generation's store and vectors. Each file is read,
    extracted, chunked; its quotations found (in the worker process while the model
    loads, when that pays); its sentences embedded in groups; then stored. One bad
    file is skipped with its reason, never the run."""

    def __init__(
        self, encoder: Encoder, progress: ProgressCallback, target_chars: int, report: IndexReport
    ) -> None:
        self.embedder = encoder
        self.progress = progress
        self.target_chars = target_chars
        self.report = report
        self._worker: QuoteWorker | None = None

    def close(self) -> None:
        if self._worker is not None:
            self._worker.close()

    def apply(
        self,
        store: Store | LanceWriter,
        index: VectorIndex | LanceVectorSink,
        files: list[SourceFile],
        roots: list[str],
    ) -> None:
        stored = store.documents()
        pending: list[PendingDocument] = []
        pending_chunks = 0
        total = len(files)
        for done, sf in enumerate(files, 1):
            self.progress("reading", done, total)
            changed = self.classify(store, stored, sf)
            if changed is None:
                continue
            try:
                extracted = extract(sf.path)
                checkpoint("extracted")
            except ExtractionError as exc:
                self.skip(changed, str(exc))
                continue
            except OSError as exc:
                self.skip(changed, f"cannot read file: {exc.strerror or exc}")
                continue
            layout = chunk_text(extracted, self.target_chars)
            if not layout.chunks:
                self.skip(changed, "no text to index")
                continue
            ticket = self._send_quotes(extracted, layout)
            quotes = [] if ticket is not None else self._quotes(sf.source, extracted, layout)
            self.admit(store, index, changed, extracted)
            pending.append(
                PendingDocument(
                    sf,
                    extracted,
                    layout,
                    changed.content_hash,
                    changed.size,
                    changed.mtime_ns,
                    quotes,
                    ticket,
                )
            )
            pending_chunks += len(layout.chunks)
            if pending_chunks >= EMBED_GROUP_CHUNKS:
                self._flush(store, index, pending)
                pending, pending_chunks = [], 0
        self._flush(store, index, pending)
        self.remove_gone(store, index, stored, {sf.source for sf in files}, roots)

    def classify(
        self, store: Store | LanceWriter, stored: dict[str, StoredDocument], sf: SourceFile
    ) -> ChangedFile | None:
        """``sf`` as a file to (re)index, or None when the index holds it as it is (a
        moved mtime is recorded) or it cannot be read (skipped, with its reason)."""
        old = stored.get(sf.source)
        try:
            st = sf.path.stat()
            if old and old.size == st.st_size and old.mtime_ns == st.st_mtime_ns:
                self.report.unchanged += 1
                return None
            content_hash = sha256_file(sf.path)
        except OSError as exc:
            self.skip(ChangedFile(sf, old, "", 0, 0), f"cannot read file: {exc.strerror or exc}")
            return None
        if old and old.content_hash == content_hash:
            store.touch_document(old.id, st.st_mtime_ns)
            self.report.unchanged += 1
            return None
        return ChangedFile(sf, old, content_hash, st.st_size, st.st_mtime_ns)

    def admit(
        self,
        store: Store | LanceWriter,
        index: VectorIndex | LanceVectorSink,
        changed: ChangedFile,
        extracted: ExtractedText,
    ) -> None:
        """A file's new version was read and chunked: drop its indexed version (only
        now: a new version that cannot be read leaves the old one in place) and note
        its extraction warnings."""
        if changed.old:
            index.remove(store.remove_document(changed.old.id))
        for warning in extracted.warnings:
            self.report.warnings.append((changed.source.source, warning))

    def remove_gone(
        self,
        store: Store | LanceWriter,
        index: VectorIndex | LanceVectorSink,
        stored: dict[str, StoredDocument],
        seen: set[str],
        roots: list[str],
    ) -> None:
        """Remove the documents whose files are gone. Only what lies under the paths of
        this run can have been removed: a source outside them may just be relative to
        another working folder."""
        for source, doc in stored.items():
            if source not in seen and _under(source, roots):
                index.remove(store.remove_document(doc.id))
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

    def _collect_quotes(self, p: PendingDocument) -> None:
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

    def skip(self, changed: ChangedFile, reason: str) -> None:
        """``changed`` is left out of this run, for ``reason``; its indexed version, if
        any, stays."""
        if changed.old:
            reason += " (the previously indexed version is kept)"
        self.report.skipped.append((changed.source.source, reason))

    def _flush(
        self,
        store: Store | LanceWriter,
        index: VectorIndex | LanceVectorSink,
        pending: list[PendingDocument],
    ) -> None:
        """Embed the pending documents' chunks and sentences, then store them."""
        if not pending:
            return
        if not self.embedder.loaded:
            self.progress("loading model", 0, 1)
            self.embedder.load()
            self.progress("loading model", 1, 1)
            checkpoint("model-loaded")
        sentence_vectors, chunk_vectors = embed_documents(
            self.embedder,
            [(p.extracted.text, p.extracted.title, p.layout) for p in pending],
            lambda done, total: self.progress("embedding", done, total),
        )
        checkpoint("embedded")
        for p in pending:  # parsed by the worker while the model loaded and encoded
            self._collect_quotes(p)
        self.store(store, index, pending, sentence_vectors, chunk_vectors)

    def store(
        self,
        store: Store | LanceWriter,
        index: VectorIndex | LanceVectorSink,
        pending: list[PendingDocument],
        sentence_vectors: np.ndarray,
        chunk_vectors: np.ndarray,
    ) -> None:
        """Store embedded documents: each one's rows, sentence vectors (float16) and
        quotations, and its chunks' vectors, in the order ``embed_documents`` gave."""
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
            index.add(ids, chunk_vectors[row : row + len(ids)])
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
    storage: str | None = None,
) -> IndexReport:
    """Index ``paths`` into ``index_dir``, incrementally: plan, process, commit (see the
    module docstring). ``storage`` "lance" makes a new index on Lance tables
    (``qa.index.lance_writer``); an existing index keeps the storage it has, and an
    ``s3://`` index is always on Lance tables."""
    from qa.index.lance_tables import STORAGE, is_lance_index

    if storage == "sqlite" and is_lance_index(index_dir):
        raise QaError(
            f"the index at {index_dir} is stored in Lance tables; give --store sqlite a new folder"
        )
    if is_lance_index(index_dir) or storage == STORAGE:
        from qa.index.lance_writer import build_lance_index

        return build_lance_index(
            paths,
            index_dir,
            rebuild=rebuild,
            encoder=embedder or Embedder(),
            target_chars=target_chars,
            progress=progress or (lambda *_: None),
        )
    if storage not in (None, "sqlite"):
        raise QaError(f"unknown storage {storage!r} (sqlite or lance)")
    index_dir.mkdir(parents=True, exist_ok=True)
    checkpoint("start")
    with index_lock(index_dir):
        started = time.perf_counter()
        report = IndexReport()
        plan = plan_build(
            index_dir, paths, rebuild=rebuild, target_chars=target_chars, report=report
        )
        write_generation(
            index_dir,
            plan,
            embedder or Embedder(),
            progress or (lambda *_: None),
            target_chars,
            report,
        )
        report.seconds = time.perf_counter() - started
        return report
