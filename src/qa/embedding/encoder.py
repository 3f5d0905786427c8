"""Encoding text into vectors: the ``Encoder`` protocol and ``Embedder``, its real model.

torch and sentence-transformers cost seconds to import, so nothing here imports
them until an embedding is actually needed; ``qa --help`` and the chat's first frame
never pay for them. The weights' sha256 is checked against the value we ship with
and recorded in the index manifest, so an index is never searched with vectors from
a different model.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import Any, Protocol

import numpy as np

from qa.embedding.model import (
    DIMENSIONS,
    MODEL_NAME,
    MODEL_SHA256,
    model_dir,
    quiet_offline_transformers,
    verify_weights,
)


class Encoder(Protocol):
    """What the indexer and the answer path need of a model: its identity (recorded in
    the manifest) and unit vectors for text. ``Embedder`` is the real one; the tests'
    fake is another, so everything but the model can be tested without loading it."""

    name: str
    sha256: str
    dimensions: int

    @property
    def loaded(self) -> bool: ...

    def load(self) -> None: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...

    def encode_many(
        self, texts: list[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray: ...


_SPACE_RUN = re.compile(r"\s+")


def embedding_text(title: str | None, heading: str | None, body: str) -> str:
    """The text a passage is embedded as: its words, with the title and heading they sit
    under (a chunk's own words rarely name the subject its section is about; the heading
    and the document title do, and questions often do too). Whitespace is folded: PDF
    line breaks carry no meaning."""
    parts = [p for p in (title, heading) if p]
    parts.append(body)
    return _SPACE_RUN.sub(" ", ". ".join(parts)).strip()


# Up to this many texts (questions, not passages) are encoded on a single thread.
SMALL_BATCH = 8


def _torch_threads() -> int:
    import torch

    return int(torch.get_num_threads())


@contextmanager
def _threads(count: int | None) -> Iterator[None]:
    """Run torch on ``count`` threads for the block (None: leave it as it is)."""
    import torch

    before = torch.get_num_threads()
    if count is None or count == before:
        yield
        return
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def cpu_counters() -> tuple[int, int] | None:
    """The machine's idle and total CPU time so far, in ticks (Linux's /proc/stat), or
    None where there is no such file."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return fields[3] + fields[4], sum(fields)  # idle + iowait; user .. steal


class ThreadChooser:
    """Chooses the encoder's thread count batch by batch, by the speed each count shows.

    On an idle machine two threads encode passages nearly twice as fast as one; on
    a machine whose cores other jobs are using, the threads wait on each other at every
    operation and one thread is faster (measured here under a load of 4 on 2 cores:
    15 s against 22-28 s for the same sentences). Which holds changes while an index
    is built, so both counts are timed as the batches go (per token, on neighbouring
    batches of similar length) and the faster one is used. The other is tried again
    after ``PROBE_FIRST`` batches, then twice as long after each try that confirms the
    choice (up to ``PROBE_MOST``): a try of the slower count costs a batch at its speed.
    While one thread is used and a core stands idle (the other job, the quotation
    worker say, has ended), more threads are tried without waiting that long.
    """

    PROBE_FIRST = 4
    PROBE_MOST = 32

    def __init__(self, most: int) -> None:
        self.options = [most, 1] if most > 1 else [1]
        self.cost: dict[int, float] = {}  # seconds per token, smoothed
        self.interval = self.PROBE_FIRST
        self.since = 0  # batches since the last try of the other count
        self.probing = False
        self.idle = 0.0  # cores left idle during the last batch on one thread

    def best(self) -> int:
        return min(self.options, key=lambda k: self.cost.get(k, 0.0))

    def next(self) -> int:
        untried = [k for k in self.options if k not in self.cost]
        if untried:
            return untried[0]
        self.since += 1
        due = self.since >= self.interval
        spare = self.best() == 1 and self.idle >= 0.5 and self.since >= self.PROBE_FIRST
        if len(self.options) > 1 and (due or spare):
            self.since = 0
            self.probing = True
            return next(k for k in self.options if k != self.best())
        return self.best()

    def record(
        self, threads: int, tokens: int, seconds: float, idle_cores: float | None = None
    ) -> None:
        """Note how long a batch of ``tokens`` (padding included) took on ``threads``,
        and how many cores the machine left idle meanwhile, when known."""
        before = self.best() if len(self.cost) == len(self.options) else None
        cost = seconds / max(tokens, 1)
        old = self.cost.get(threads)
        # A try of the other count replaces what it cost long ago; the count in use is
        # timed every batch and smoothed.
        fresh = old is None or self.probing
        self.cost[threads] = cost if fresh or old is None else (old + cost) / 2
        if threads == 1 and idle_cores is not None:
            self.idle = idle_cores
        if self.probing:
            self.probing = False
            confirmed = self.best() == before
            self.interval = (
                min(2 * self.interval, self.PROBE_MOST) if confirmed else self.PROBE_FIRST
            )


class Embedder:
    """Encodes text into normalized vectors; thread-safe, model loaded on first use."""

    name = MODEL_NAME
    sha256 = MODEL_SHA256
    dimensions = DIMENSIONS

    def __init__(
        self,
        batch_size: int = 64,
        onnx: bool = True,
        threads: int | None = None,
        device: str = "cpu",
    ) -> None:
        """``threads`` caps a batch's threads (a Ray worker sharing its node's cores
        with others); ``device`` "cuda" runs the torch model on a GPU (the ONNX export
        is for CPUs)."""
        self.batch_size = batch_size
        self.threads = threads
        self.device = device
        onnx = onnx and device == "cpu"
        # Reentrant: encode_many holds it across a batch's thread count and encode().
        self._lock = threading.RLock()
        self._onnx: Any = None  # the ONNX export's encoder, when it is ready
        self._onnx_tried = not onnx  # onnx=False: torch only (a reference for tests)
        self.questions_note: str | None = None  # why text goes through torch, if it does

    @cached_property
    def _model(self) -> Any:
        path = model_dir()
        verify_weights(path)
        quiet_offline_transformers()
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(path), device=self.device, local_files_only=True)

    @property
    def loaded(self) -> bool:
        """Whether an encoder is loaded: the ONNX export's, or the torch model."""
        return self._onnx is not None or "_model" in self.__dict__

    def load(self) -> None:
        """Load the encoder now (the chat calls this in a worker at start-up, `qa index`
        before its first batch): the ONNX export when it is ready, under a second, else
        the torch model, which takes seconds to import."""
        if self._onnx_encoder() is None:
            with self._lock:
                _ = self._model

    def start_loading(self) -> None:
        """Begin loading on a thread of its own, when that needs no torch (the ONNX
        export is ready), so what a caller does meanwhile (reading and splitting the
        documents of a first start) overlaps the load. ``load`` then waits for it; a
        failure here is met again, and reported, by ``load``."""
        from qa.embedding.onnx import export_ready

        if self._onnx_tried or not export_ready():
            return

        def load_onnx() -> None:
            with contextlib.suppress(Exception):
                self._onnx_encoder()

        threading.Thread(target=load_onnx, name="qa-model-load", daemon=True).start()

    def _onnx_encoder(self) -> Any:
        """The encoder of ``qa.embedding.onnx``, or None when its export is missing or
        refused (``questions_note`` says why): text then goes through torch.

        It gives torch's vectors to within 2e-7 (bench/bench_query_encode.py) without
        importing torch and sentence-transformers, which cost 7-8 s of a cold `qa ask`
        and 5-6 s of every `qa index`; it encodes passages as fast as torch does.
        """
        if self._onnx_tried:
            return self._onnx
        with self._lock:
            if not self._onnx_tried:
                from qa.embedding.onnx import OnnxEncoderError, OnnxQueryEncoder

                encoder = OnnxQueryEncoder()
                try:
                    encoder.load()
                    self._onnx = encoder
                except OnnxEncoderError as exc:
                    self.questions_note = str(exc)
                self._onnx_tried = True
        return self._onnx

    def _most_threads(self) -> int:
        """Threads a batch of passages may use: every core this process may run on."""
        if self.threads is not None:
            return self.threads
        if self._onnx_encoder() is not None:
            try:
                return len(os.sched_getaffinity(0))
            except AttributeError:  # not Linux
                return os.cpu_count() or 1
        return _torch_threads()

    @property
    def max_tokens(self) -> int:
        onnx = self._onnx_encoder()
        return int(onnx.max_tokens) if onnx is not None else int(self._model.max_seq_length)

    def encode_many(
        self, texts: list[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """Encode a large list in batches of texts with the same number of tokens.

        A batch is padded to its longest text, and every pad token costs as much as a
        word. Sorted by characters, as sentence-transformers sorts, sentences of the
        same length can differ by half their tokens (numbers, names, foreign words
        split into many pieces): on the SQuAD set that padded 180,600 tokens to 262,800.
        Sorted by their token counts, to 186,700. Rows come back in the input order;
        ``progress`` is told how many are done.
        """
        counts = self.token_counts(texts)
        order = np.argsort(counts, kind="stable")
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        step = self.batch_size
        chooser = ThreadChooser(self._most_threads())
        cores = os.cpu_count() or 1
        for i in range(0, len(texts), step):
            rows = order[i : i + step]
            threads = chooser.next()
            cpu_before = cpu_counters()
            started = time.perf_counter()
            with self._lock:  # a question's encode waits for the batch
                out[rows] = self.encode_passages([texts[j] for j in rows], threads)
            seconds = time.perf_counter() - started
            cpu_after = cpu_counters()
            idle = None
            if cpu_before and cpu_after and cpu_after[1] > cpu_before[1]:
                idle = cores * (cpu_after[0] - cpu_before[0]) / (cpu_after[1] - cpu_before[1])
            chooser.record(threads, len(rows) * counts[rows[-1]], seconds, idle)
            if progress:
                progress(min(i + step, len(texts)))
        return out

    def token_counts(self, texts: list[str]) -> list[int]:
        """How many tokens the model sees of each text (special tokens included, cut at
        its maximum); the fast tokenizer does this in a fraction of encoding's time."""
        if not texts:
            return []
        onnx = self._onnx_encoder()
        if onnx is not None:
            return onnx.token_counts(texts)
        limit = self.max_tokens
        with self._lock:  # the fast tokenizer must not be used by two threads at once
            ids = self._model.tokenizer(texts, add_special_tokens=True, truncation=False)
        return [min(len(row), limit) for row in ids["input_ids"]]

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (sorted by length internally).

        A few texts (questions) go through the ONNX export when it is ready, else
        through torch on one thread: splitting so little work makes
        torch's threads wait on each other, and on a busy machine one question took
        500 ms on two threads against 30 ms on one (p50, measured here). Batches of
        passages keep every thread.
        """
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return self.encode_passages(texts, 1 if len(texts) <= SMALL_BATCH else None)

    def encode_passages(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        """Vectors of ``texts`` on ``threads`` threads (None: every core): through the
        ONNX export when it is ready, else sentence-transformers on torch. Every batch
        ``encode_many`` makes comes here."""
        onnx = self._onnx_encoder()
        if onnx is not None:
            return onnx.encode(texts, threads or self._most_threads())
        with self._lock, _threads(threads):
            vectors = self._model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def chunk_means(
    sentence_vectors: np.ndarray,
    context_vectors: np.ndarray,
    shapes: list[tuple[int, int | None]],
) -> np.ndarray:
    """Chunk vectors as the unit mean of their sentences' vectors and their context's.

    ``shapes`` holds, per chunk, how many consecutive rows of ``sentence_vectors`` are
    its sentences and the row of its title-and-heading vector in ``context_vectors``
    (which weighs as one sentence), or None.
    Measured on the eval sets' stored vectors, dense-only hit@30 was 0.927 against
    0.931 for encoding the chunk whole on SQuAD and 0.787 against 0.748 on COVID-QA
    (long chunks lose their tail to the 256-token cut), at half the encoding cost.
    """
    out = np.zeros((len(shapes), sentence_vectors.shape[1]), dtype=np.float32)
    row = 0
    for n, (count, context) in enumerate(shapes):
        total = sentence_vectors[row : row + count].sum(axis=0)
        if context is not None:
            total = total + context_vectors[context]
        row += count
        norm = float(np.linalg.norm(total))
        out[n] = total / norm if norm > 0 else total
    return out
