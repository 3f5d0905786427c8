"""Indexing on a Ray cluster: the same index a plain build makes, with the work spread out.

A plain `qa index` embeds about 20 chunks a second per core, so an archive of millions of
chunks outgrows one machine long before its questions do. Here the driver (this process)
decides what to index exactly as a plain build does (``FilePipeline.classify``: unchanged
files are skipped by size and mtime or content hash, removed ones dropped), then hands
the changed files to a Ray Data pipeline: a pool of actors, one per CPU (or GPU) of the
cluster, each of which reads, extracts and chunks its files, finds their quotations and
embeds them (``qa.embedding.documents.embed_documents``, the function the plain build
calls). The results stream back to the driver, which stores them through the same
``FilePipeline.store`` and ``LanceWriter`` as a plain ``--store lance`` build: same rows,
same vectors, same quotations and offsets.

The driver commits what it has every ``commit_seconds`` and at the end: a job that is
killed or stopped keeps every commit made, and the same command started again embeds
only what no commit holds. Nothing between two commits is visible to readers, and the
next writer restores the tables to the last commit (``qa.index.lance_writer``).

Ray is an optional dependency (``pip install 'qa[cluster]'``); nothing here imports it
until a job starts, and ``qa`` never imports this module unless asked for ``--ray``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.embedding.encoder import DIMENSIONS, MODEL_NAME, MODEL_SHA256, Embedder
from qa.errors import InterruptedPartway, QaError
from qa.index.builder import ChangedFile, FilePipeline, IndexReport, PendingDocument
from qa.index.checkpoints import checkpoint
from qa.index.lance_store import LANCE_IVF
from qa.index.lance_writer import (
    KEEP_VERSIONS,
    LanceVectorSink,
    LanceWriter,
    commit_tables,
    lance_run,
)
from qa.index.manifest import Manifest
from qa.index.store import paragraphs_from_json, paragraphs_json
from qa.ingest.chunking import DEFAULT_TARGET_CHARS, Chunk, Layout
from qa.ingest.extract.types import ExtractedText
from qa.quotes import Quote

RAY_MISSING = "indexing on Ray needs Ray: pip install 'qa[cluster]'"
# A commit every five minutes: a killed job loses at most that much work, and a long
# job does not leave thousands of table versions behind.
COMMIT_SECONDS = 300.0
# Files an actor prepares and embeds together: enough sentences to sort by length and
# fill the encoder's batches, few enough that results (and progress) keep flowing. A
# small job is cut finer, so that no actor waits idle while another works through a
# long batch (26 files in batches of 16 and 10 took twice a plain build's time).
FILES_PER_BATCH = 16
_BATCHES_PER_ACTOR = 4
# Ray Data blocks of the file list: one file each, up to this many (a block is the
# unit Ray hands out, so a small job's few files still reach every actor).
_MOST_BLOCKS = 4096


@dataclass(frozen=True)
class JobProgress:
    """Where a Ray job stands: what the terminal shows, and what a script may log."""

    files_done: int
    files_total: int
    chunks: int
    skipped: int  # files left out, each with its reason in the report
    seconds: float
    committed_files: int  # this job's files that a commit holds

    @property
    def chunks_per_second(self) -> float:
        return self.chunks / self.seconds if self.seconds > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        """Seconds left, at the pace of the files done so far (None before the first)."""
        if not self.files_done:
            return None
        return self.seconds / self.files_done * (self.files_total - self.files_done)


JobProgressCallback = Callable[[JobProgress], None]


# -- the workers' side ---------------------------------------------------------------------
class EmbedWorker:
    """A Ray actor that turns files into what the driver stores. It loads the encoder
    once (on the GPU Ray gave it, if any); spaCy, for quotations, loads at the first
    quotation. Every file gets a row: its document, or the one-line reason it failed,
    so one bad file never stops the job."""

    def __init__(self, target_chars: int, threads: int | None) -> None:
        import ray

        device = "cuda" if ray.get_gpu_ids() else "cpu"
        self.encoder = Embedder(threads=threads, device=device)
        self.encoder.load()
        self.target_chars = target_chars

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        rows = [prepare_file(str(path), self.target_chars) for path in batch["path"]]
        ready = [r for r in rows if r["error"] is None]
        documents = [(r["text"], r["title"], _layout(r["paragraphs"], r["chunks"])) for r in ready]
        sentence_vectors, chunk_vectors = _embed(self.encoder, documents)
        sentence_row = chunk_row = 0
        for r, (_, _, layout) in zip(ready, documents, strict=True):
            sentences = sum(len(c.sentences) for c in layout.chunks)
            chunks = len(layout.chunks)
            r["sentence_vectors"] = sentence_vectors[sentence_row : sentence_row + sentences]
            r["chunk_vectors"] = chunk_vectors[chunk_row : chunk_row + chunks]
            sentence_row += sentences
            chunk_row += chunks
        out: dict[str, list[Any]] = {"source": list(batch["source"])}
        for key in _RESULT_KEYS:
            out[key] = [r.get(key) for r in rows]
        # As bytes: sentence vectors in float16, as the store keeps them (half the
        # bytes to move), chunk vectors in float32.
        for key, dtype in (("sentence_vectors", np.float16), ("chunk_vectors", np.float32)):
            out[key] = [
                None if v is None else np.asarray(v, dtype=dtype).tobytes() for v in out[key]
            ]
        return out


_RESULT_KEYS = (
    "error",
    "format",
    "title",
    "text",
    "page_starts",
    "warnings",
    "paragraphs",
    "chunks",
    "quotes",
    "quote_warning",
    "sentence_vectors",
    "chunk_vectors",
)


def _embed(encoder: Embedder, documents: list[tuple[str, str | None, Layout]]) -> Any:
    from qa.embedding.documents import embed_documents

    if not documents:
        empty = np.zeros((0, DIMENSIONS), dtype=np.float32)
        return empty, empty
    return embed_documents(encoder, documents)


def prepare_file(path: str, target_chars: int) -> dict[str, Any]:
    """One file read, extracted, chunked and its quotations found, as plain values (Ray
    moves rows as Arrow, not as Python objects); ``error`` says why it cannot be
    indexed, as a plain build would say it."""
    from qa.errors import ExtractionError
    from qa.ingest.chunking import chunk_text
    from qa.ingest.extract import extract
    from qa.quotes import extract_quotes, has_quotations

    try:
        extracted = extract(Path(path))
    except ExtractionError as exc:
        return {"error": str(exc)}
    except OSError as exc:
        return {"error": f"cannot read file: {exc.strerror or exc}"}
    except Exception as exc:  # an extractor's bug costs this file, never the job
        return {"error": f"cannot extract: {exc.__class__.__name__}: {exc}"}
    layout = chunk_text(extracted, target_chars)
    if not layout.chunks:
        return {"error": "no text to index"}
    quotes: list[Quote] = []
    quote_warning = None
    paragraphs = [(p.start, p.end) for p in layout.paragraphs]
    try:
        if has_quotations(extracted.text, paragraphs):
            sentences = [s for chunk in layout.chunks for s in chunk.sentences]
            quotes = extract_quotes(extracted.text, paragraphs, sentences)
    except Exception as exc:  # as FilePipeline._quotes: the quote list, not the document
        quote_warning = f"quotations not extracted ({exc})"
    return {
        "error": None,
        "format": extracted.format,
        "title": extracted.title,
        "text": extracted.text,
        "page_starts": json.dumps(list(extracted.page_starts)),
        "warnings": json.dumps(list(extracted.warnings)),
        "paragraphs": paragraphs_json(layout.paragraphs),
        "chunks": json.dumps(
            [[c.ordinal, c.start, c.end, c.heading_index, c.sentences] for c in layout.chunks]
        ),
        "quotes": json.dumps([[q.start, q.end, q.speaker, q.mention, q.how] for q in quotes]),
        "quote_warning": quote_warning,
    }


def _layout(paragraphs: str, chunks: str) -> Layout:
    return Layout(
        list(paragraphs_from_json(paragraphs)),
        [
            Chunk(o, s, e, hi, tuple((a, b) for a, b in sentences))
            for o, s, e, hi, sentences in json.loads(chunks)
        ],
    )


def _quotes(data: str) -> list[Quote]:
    return [
        Quote(start, end, speaker, tuple(mention) if mention else None, how)
        for start, end, speaker, mention, how in json.loads(data)
    ]


# -- the driver's side ---------------------------------------------------------------------
def _import_ray() -> Any:
    try:
        import ray
        import ray.data
    except ImportError:
        raise QaError(RAY_MISSING) from None
    return ray


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """File descriptor 2 to /dev/null for the block: what Ray's C++ core writes there
    while it starts, which no Python setting reaches."""
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class RayRuntime:
    """Ray for one job: the cluster at ``address``, or a local Ray with this machine's
    cores (stopped after the job); Ray's own logs and progress bars kept off the
    terminal, where the job's progress is ours."""

    def __init__(self, address: str | None, cpus: int | None = None) -> None:
        self.ray = _import_ray()
        self.started_here = False
        if not self.ray.is_initialized():
            # Ray's C++ core logs warnings about its own internals on stderr (an actor's
            # constructor arguments in the object store), one per actor; failures reach
            # us as errors. Setting its level is itself logged, during init.
            os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
            try:
                with warnings.catch_warnings(), _stderr_silenced():
                    # Ray starts its servers by fork and exec, which lancedb warns about
                    # (needlessly: the child runs another program at once).
                    warnings.filterwarnings("ignore", "lancedb fork support", RuntimeWarning)
                    self.ray.init(
                        # "local": a Ray of our own, never one another program started
                        address=address or "local",
                        num_cpus=None if address else (cpus or os.cpu_count() or 1),
                        include_dashboard=False,
                        log_to_driver=False,
                        logging_level=logging.ERROR,
                        configure_logging=True,
                    )
            except ConnectionError as exc:
                raise QaError(f"cannot reach the Ray cluster at {address}: {exc}") from None
            self.started_here = True
        context = self.ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.ERROR)

    def workers(self) -> tuple[int, bool]:
        """How many actors to run, and whether each gets a GPU: one per GPU of the
        cluster when it has GPUs, else one per CPU."""
        resources = self.ray.cluster_resources()
        gpus = int(resources.get("GPU", 0))
        if gpus:
            return gpus, True
        return max(1, int(resources.get("CPU", 1))), False

    def close(self) -> None:
        if self.started_here:
            self.ray.shutdown()


def start_ray(address: str | None, cpus: int | None = None) -> RayRuntime:
    """Ray for the jobs of this process: the cluster at ``address``, or a local Ray on
    ``cpus`` cores (None: all of them). Jobs use it as they find it; ``close`` stops it."""
    return RayRuntime(address, cpus)


def _worker_class(target_chars: int, threads: int | None) -> type[EmbedWorker]:
    """``EmbedWorker`` with this job's settings built in: Ray keeps constructor arguments
    in its object store, and warns on the terminal that a restarted actor may lose them."""

    class JobEmbedWorker(EmbedWorker):
        def __init__(self) -> None:
            super().__init__(target_chars, threads)

    return JobEmbedWorker


def _file_batches(
    runtime: RayRuntime, files: list[ChangedFile], target_chars: int
) -> Iterator[Any]:
    """The workers' results (Arrow tables), a batch at a time, as they finish."""
    actors, gpu = runtime.workers()
    # No more actors than files: each would load the model for nothing (and Ray Data
    # warns on the terminal about an actor pool larger than its input).
    actors = max(1, min(actors, len(files)))
    items = [{"path": str(c.source.path), "source": c.source.source} for c in files]
    # Small blocks, so that even a few files are shared among all the actors.
    blocks = max(1, min(_MOST_BLOCKS, len(items)))
    dataset = runtime.ray.data.from_items(items, override_num_blocks=blocks)
    # Fractional CPUs: an actor that reserves a whole one leaves Ray Data none for its
    # own work on a small machine, and the job waits forever (seen on 2 cores). Ray
    # Data spreads actors over the nodes (its default scheduling strategy, SPREAD).
    dataset = dataset.map_batches(
        _worker_class(target_chars, None if gpu else 1),
        batch_size=max(1, min(FILES_PER_BATCH, len(items) // (actors * _BATCHES_PER_ACTOR))),
        compute=runtime.ray.data.ActorPoolStrategy(size=actors),
        num_cpus=0.5,
        num_gpus=1 if gpu else 0,
    )
    yield from dataset.iter_batches(batch_size=None, batch_format="pyarrow")


class _Job:
    """The driver's state: the writer, what was stored and committed, the clock."""

    def __init__(
        self,
        db: Any,
        tables: dict[str, Any],
        base: Manifest | None,
        generation: str,
        target_chars: int,
        report: IndexReport,
        progress: JobProgressCallback,
    ) -> None:
        self.db = db
        self.tables = tables
        self.base = base
        self.generation = generation
        self.target_chars = target_chars
        self.report = report
        self.progress = progress
        self.writer = LanceWriter(db, tables, DIMENSIONS)
        self.sink = LanceVectorSink(self.writer)
        self.pipeline = FilePipeline(Embedder(), lambda *_: None, target_chars, report)
        self.started = time.perf_counter()
        self.last_commit = self.started
        self.commits = 0
        self.committed_files = 0
        # Rows the vector index was trained on (at most), None while there is none.
        self.ivf_rows = base.chunks if base and base.vector_index == LANCE_IVF else None
        self.files_done = 0
        self.files_total = 0

    def tell(self) -> None:
        self.progress(
            JobProgress(
                files_done=self.files_done,
                files_total=self.files_total,
                chunks=self.report.new_chunks,
                skipped=len(self.report.skipped),
                seconds=time.perf_counter() - self.started,
                committed_files=self.committed_files,
            )
        )

    def store(self, changed: ChangedFile, row: dict[str, Any]) -> None:
        """One worker's result for ``changed``: stored, or skipped with its reason."""
        self.files_done += 1
        if row["error"] is not None:
            self.pipeline.skip(changed, str(row["error"]))
            return
        extracted = ExtractedText(
            text=str(row["text"]),
            format=str(row["format"]),
            page_starts=tuple(json.loads(row["page_starts"])),
            title=None if row["title"] is None else str(row["title"]),
            warnings=tuple(json.loads(row["warnings"])),
        )
        layout = _layout(row["paragraphs"], row["chunks"])
        self.pipeline.admit(self.writer, self.sink, changed, extracted)
        if row["quote_warning"]:
            self.report.warnings.append((changed.source.source, str(row["quote_warning"])))
        pending = PendingDocument(
            changed.source,
            extracted,
            layout,
            changed.content_hash,
            changed.size,
            changed.mtime_ns,
            _quotes(row["quotes"]),
        )
        self.pipeline.store(
            self.writer,
            self.sink,
            [pending],
            np.frombuffer(row["sentence_vectors"], dtype=np.float16).reshape(-1, DIMENSIONS),
            np.frombuffer(row["chunk_vectors"], dtype=np.float32).reshape(-1, DIMENSIONS),
        )

    def commit(self, final: bool) -> None:
        """Make what is stored so far visible: one commit. The final one of a job that
        committed before folds the rows added since into the tables' indexes first, and
        trains the vector index again when it was fitted to a quarter of the rows or
        fewer (an early commit's, or an earlier, smaller archive's)."""
        self.report.documents, self.report.chunks = self.writer.counts()  # flushes
        self.writer.write_terms()
        chunks = self.report.chunks
        retrain = final and self.ivf_rows is not None and chunks >= 4 * self.ivf_rows
        vector_kind = self.writer.ensure_indexes(retrain_vectors=retrain)
        if vector_kind == LANCE_IVF and (self.ivf_rows is None or retrain):
            self.ivf_rows = chunks
        if final and self.commits:
            for table in self.tables.values():
                table.optimize(cleanup_older_than=KEEP_VERSIONS)
        commit_tables(
            self.db,
            self.tables,
            generation=self.generation,
            model=(MODEL_NAME, MODEL_SHA256, DIMENSIONS),
            target_chars=self.target_chars,
            documents=self.writer.hashes(),
            chunks=self.report.chunks,
            vector_kind=vector_kind,
            created=self.base.created if self.base else None,
        )
        self.commits += 1
        self.committed_files = self.files_done
        self.last_commit = time.perf_counter()
        checkpoint("ray-committed")


def build_index_on_ray(
    paths: list[Path],
    index_dir: Path,
    *,
    address: str | None = None,
    rebuild: bool = False,
    target_chars: int = DEFAULT_TARGET_CHARS,
    progress: JobProgressCallback | None = None,
    commit_seconds: float = COMMIT_SECONDS,
) -> IndexReport:
    """Index ``paths`` into the Lance index at ``index_dir`` on the Ray cluster at
    ``address`` (None: a local Ray on this machine's cores; a Ray already started in
    this process is used as it is). Returns the IndexReport a plain build returns.

    Ctrl-C stops the job at once; the index keeps its last commit, and when this job
    had committed already, ``InterruptedPartway`` says how many of its files are saved.
    """
    _import_ray()  # before anything is written: a missing Ray is said at once
    tell = progress or (lambda _: None)
    report = IndexReport()
    with lance_run(
        index_dir,
        paths,
        rebuild=rebuild,
        target_chars=target_chars,
        dimensions=DIMENSIONS,
        report=report,
        asked_by="--ray",
    ) as run:
        files, roots = run.files, run.roots
        job = _Job(run.db, run.tables, run.base, run.generation, target_chars, report, tell)
        stored = job.writer.documents()
        changed = {}
        for sf in files:
            found = job.pipeline.classify(job.writer, stored, sf)
            if found is not None:
                changed[found.source.source] = found
        job.pipeline.remove_gone(job.writer, job.sink, stored, {f.source for f in files}, roots)
        job.files_total = len(changed)
        job.tell()
        try:
            if changed:
                _run(job, list(changed.values()), address, target_chars, commit_seconds)
            if run.base is None or report.changed:
                job.commit(final=True)
            else:
                report.documents, report.chunks = job.writer.counts()
        except KeyboardInterrupt:
            if job.commits:
                raise InterruptedPartway(job.committed_files, job.files_total) from None
            raise
        report.seconds = time.perf_counter() - job.started
        job.tell()
        return report


def _run(
    job: _Job,
    changed: list[ChangedFile],
    address: str | None,
    target_chars: int,
    commit_seconds: float,
) -> None:
    """Run the pipeline over ``changed`` and store its results as they come, committing
    every ``commit_seconds``."""
    by_source = {c.source.source: c for c in changed}
    runtime = RayRuntime(address)
    try:
        for batch in _file_batches(runtime, changed, target_chars):
            for row in batch.to_pylist():
                job.store(by_source[row["source"]], row)
            if time.perf_counter() - job.last_commit >= commit_seconds:
                job.commit(final=False)
            job.tell()
    except runtime.ray.exceptions.RayError as exc:
        raise QaError(f"the Ray job failed: {_last_line(exc)}") from None
    finally:
        runtime.close()


def _last_line(exc: BaseException) -> str:
    """A Ray error's last line: the worker's own exception, after Ray's traceback."""
    lines = [line for line in str(exc).splitlines() if line.strip()]
    return lines[-1].strip() if lines else exc.__class__.__name__
