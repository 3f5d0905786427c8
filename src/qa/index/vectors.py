"""The dense channel's FAISS index: normalized vectors keyed by chunk id.

Inner product over unit vectors is cosine similarity. Vectors carry their chunk's
SQLite id, so an incremental update removes and adds by id and search results join
straight to the store. FAISS's own binary format is a plain data file, not a pickle.

Two kinds of index, chosen by size when a build is written (``fit``):

- ``flat-ip`` (IndexIDMap2 over IndexFlatIP): exact, 1.5 KB a vector. Below
  ``EXACT_MAX`` vectors a scan is a few milliseconds and nothing is lost.
- ``ivf-fp16`` (IndexIVFScalarQuantizer, inner product, float16 per dimension):
  vectors are grouped under ``nlist`` k-means centroids and a question scans only the
  ``nprobe`` nearest groups, so a question costs about ``nprobe / nlist`` of a full
  scan; float16 codes take half the memory of float32 (1M chunks: 0.77 GB, not 1.5 GB).
  8-bit codes (a quarter) were tried first: on real questions over 1M chunks their
  rounding capped recall@10 against exact search at 0.978 whatever ``nprobe`` (the
  10th and 11th neighbours lie closer than the codes' error), where float16 reaches
  0.99. ``nprobe`` is tuned at build time as the smallest that finds at least
  ``TUNE_RECALL`` of the exact top 10 on a sample of the index's own vectors.

IVF keeps ids itself and a hashtable direct map lets ``reconstruct`` fetch a vector by
id, so incremental add and remove work as on the flat index: new vectors go to the
nearest existing centroid, without retraining. The centroids are retrained (from the
stored float16 vectors; the loss is ~1e-4 in cosine) when the index has grown or shrunk
past ``RETRAIN_GROWTH`` times the size it was trained at, or crosses ``EXACT_MAX``.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import faiss
import numpy as np

# FAISS's classes are SWIG objects whose kinds (flat, IVF, id map) carry attributes its
# type information does not name: to mypy, an index is Any.
FaissIndex = Any
FLAT = "flat-ip"
IVF = "ivf-fp16"
_CODES = faiss.ScalarQuantizer.QT_fp16

# Exact search up to this many vectors. A one-thread flat scan of 100k vectors takes
# ~17 ms here (50 ms p50 under load), of 1M ~170 ms and 1.5 GB; IVF-fp16 at 1M answers
# in 1-2 ms from 0.77 GB.
EXACT_MAX = 50_000
TARGET_RECALL = 0.98
# Tuned with a margin: the sample queries are a proxy for real questions, and at 1M
# chunks real questions' recall came out ~0.005 under the sample's.
TUNE_RECALL = 0.99
RETRAIN_GROWTH = 4.0
NPROBE_CHOICES = (8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256)
# Tuning sample: queries drawn from the index, and the training sample per centroid.
TUNE_QUERIES = 200
# Each tuning query is an indexed vector plus noise of this norm, renormalized: cosine
# ~0.7 to its origin, about as far as a question lies from the passage answering it
# (queries much nearer a stored vector find it too easily and set nprobe too low).
TUNE_NOISE = 1.0
TRAIN_PER_LIST = 50
SEED = 1234


@contextlib.contextmanager
def _threads(n: int) -> Iterator[None]:
    """Run FAISS with ``n`` OpenMP threads. One query gains nothing from more, and on a
    busy 2-core machine the second thread's spin-waits made a 100k flat search 4x slower
    (17 -> 72 ms p50); training, on the other hand, wants every core."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


class VectorIndex:
    """The dense channel's vectors: add, remove and search by chunk id; save and load as
    FAISS's own file; ``fit`` to the kind the size calls for. Every FAISS object of qa
    lives inside one of these, so no caller handles FAISS's SWIG classes."""

    def __init__(self, index: FaissIndex) -> None:
        self._index = index

    @classmethod
    def new(cls, dimensions: int) -> VectorIndex:
        """An empty exact index; a build adds to it and ``fit`` may convert it."""
        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dimensions)))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @property
    def ntotal(self) -> int:
        """How many vectors it holds."""
        return int(self._index.ntotal)

    @property
    def dimensions(self) -> int:
        return int(self._index.d)

    @property
    def kind(self) -> str:
        """``flat-ip`` (exact) or ``ivf-fp16`` (approximate)."""
        return IVF if isinstance(faiss.downcast_index(self._index), faiss.IndexIVF) else FLAT

    @property
    def params(self) -> dict[str, Any]:
        """What the manifest records about the vector index (empty for the exact one)."""
        ivf = faiss.downcast_index(self._index)
        if not isinstance(ivf, faiss.IndexIVF):
            return {}
        return {
            "nlist": int(ivf.nlist),
            "nprobe": int(ivf.nprobe),
            "quantizer": "fp16",
        }

    def add(self, ids: list[int], vectors: np.ndarray) -> None:
        if ids:
            self._index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
            )

    def remove(self, ids: list[int]) -> None:
        if ids:
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Top ``k`` (chunk id, cosine) for one query vector."""
        index = self._index
        if index.ntotal == 0 or k <= 0:
            return []
        with _threads(1):
            scores, ids = index.search(
                np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1),
                min(k, index.ntotal),
            )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]

    def vectors_for(self, ids: list[int]) -> np.ndarray:
        """Stored vectors of the given chunks (for scoring lexical-only candidates
        without re-encoding them). From an IVF index they are the float16 codes decoded:
        cosines move by ~1e-4, far under what separates a good passage from a poor one."""
        index = self._index
        if not ids:
            return np.zeros((0, index.d))
        return np.vstack([index.reconstruct(int(i)) for i in ids])

    def id_summary(self) -> tuple[int, int, int, int] | None:
        """(count, min, max, sum) of the chunk ids an exact index holds, or None for an
        index without an id map: a vector file from another index with as many vectors
        fails the check against the store's ids."""
        id_map = getattr(self._index, "id_map", None)
        if id_map is None:
            return None
        ids = faiss.vector_to_array(id_map).astype(np.int64)
        if not len(ids):
            return (0, 0, 0, 0)
        return (len(ids), int(ids.min()), int(ids.max()), int(ids.sum()))

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """Every (id, vector), for conversion and retraining (for a flat index, the
        vectors are a view that lives as long as the index)."""
        return _all_vectors(self._index)

    def wanted_kind(self, exact_max: int | None = None) -> str | None:
        """The kind the index should be converted or retrained to, or None to keep it."""
        n = self.ntotal
        exact_max = EXACT_MAX if exact_max is None else exact_max
        if self.kind == FLAT:
            return IVF if n > exact_max else None
        if n <= exact_max // 2:  # hysteresis: no flapping around the threshold
            return FLAT
        # nlist grows as √n: a list count off by 2x means the size changed by about 4x.
        ivf: FaissIndex = faiss.downcast_index(self._index)
        ratio = nlist_for(n) / ivf.nlist
        if ratio >= math.sqrt(RETRAIN_GROWTH) or ratio <= 1 / math.sqrt(RETRAIN_GROWTH):
            return IVF
        return None

    def fit(
        self,
        *,
        exact_max: int | None = None,
        target_recall: float = TUNE_RECALL,
        previous: dict[str, Any] | None = None,
        progress: Any = None,
    ) -> tuple[VectorIndex, str, dict[str, Any]]:
        """The index to write: this one, or it converted to the kind its size calls for
        (see the module docstring); with its kind and parameters for the manifest
        (``previous``: the parameters the base manifest recorded, kept when nothing is
        retrained, e.g. the recall measured when ``nprobe`` was tuned)."""
        want = self.wanted_kind(EXACT_MAX if exact_max is None else exact_max)
        if want is None:
            kind = self.kind
            return self, kind, {**(previous or {}), **self.params} if kind != FLAT else {}
        if progress:
            progress("training vector index", 0, 1)
        ids, vecs = self.all_vectors()
        if want == FLAT:
            out = VectorIndex.new(self.dimensions)
            out.add(ids.tolist(), vecs)
            return out, FLAT, {}
        ivf, recall = build_ivf(ids, vecs, target_recall=target_recall)
        out = VectorIndex(ivf)
        if progress:
            progress("training vector index", 1, 1)
        return out, IVF, {**out.params, "trained_on": len(ids), "tuned_recall@10": recall}


def _all_vectors(index: FaissIndex) -> tuple[np.ndarray, np.ndarray]:
    """Every (id, vector) of an index, for conversion and retraining (for a flat index,
    the vectors are a view that lives as long as the index)."""
    ivf: FaissIndex = faiss.downcast_index(index)
    if isinstance(ivf, faiss.IndexIVF):
        lists: FaissIndex = ivf.invlists
        ids = np.concatenate(
            [
                faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
                for i in range(ivf.nlist)
            ]
            or [np.zeros(0, dtype=np.int64)]
        )
        vecs = np.zeros((len(ids), ivf.d), dtype=np.float32)
        for start in range(0, len(ids), 65536):
            part = np.ascontiguousarray(ids[start : start + 65536], dtype=np.int64)
            vecs[start : start + len(part)] = ivf.reconstruct_batch(part)
        return ids.astype(np.int64), vecs
    flat: FaissIndex = faiss.downcast_index(index.index)
    ids = faiss.vector_to_array(index.id_map).astype(np.int64)
    # A view of the index's own memory, not a copy (1.5 GB saved at 1M chunks while
    # training): valid as long as ``index`` is.
    vecs = faiss.rev_swig_ptr(flat.get_xb(), flat.ntotal * flat.d)
    return ids, vecs.reshape(flat.ntotal, flat.d)


def nlist_for(n: int) -> int:
    """About 2·√n lists (a power of two): lists of a few hundred vectors at 1M chunks,
    so the centroid scan and the list scans both stay small, and training stays cheap;
    never so many that a list would be trained on fewer than 39 vectors."""
    return max(1, min(2 ** round(math.log2(2 * math.sqrt(max(n, 1)))), n // 39))


def build_ivf(
    ids: np.ndarray,
    vecs: np.ndarray,
    *,
    nlist: int | None = None,
    target_recall: float = TUNE_RECALL,
) -> tuple[FaissIndex, float]:
    """Train an IVF-fp16 index on ``vecs``, add them under ``ids``, tune ``nprobe``;
    returns the index and the recall@10 its ``nprobe`` reached."""
    n, d = vecs.shape
    nlist = nlist or nlist_for(n)
    rng = np.random.default_rng(SEED)
    sample = vecs[rng.choice(n, size=min(n, nlist * TRAIN_PER_LIST), replace=False)]
    quantizer: FaissIndex = faiss.IndexFlatIP(d)
    ivf: FaissIndex = faiss.IndexIVFScalarQuantizer(
        quantizer, d, nlist, _CODES, faiss.METRIC_INNER_PRODUCT
    )
    ivf.cp.niter = 12
    ivf.cp.seed = SEED
    with _threads(os.cpu_count() or 1):
        ivf.train(np.ascontiguousarray(sample))
        ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]
        for start in range(0, n, 65536):
            ivf.add_with_ids(
                np.ascontiguousarray(vecs[start : start + 65536]), ids[start : start + 65536]
            )
    ivf.nprobe, recall = tune_nprobe(ivf, ids, vecs, target_recall)
    ivf.own_fields = True
    quantizer.this.disown()
    return ivf, recall


def tune_nprobe(
    ivf: FaissIndex, ids: np.ndarray, vecs: np.ndarray, target_recall: float
) -> tuple[int, float]:
    """The smallest ``nprobe`` whose recall@10 against exact search, on queries drawn
    from the indexed vectors themselves (each perturbed by ``TUNE_NOISE``, so a query is
    not simply its own nearest neighbour), reaches ``target_recall``."""
    rng = np.random.default_rng(SEED + 1)
    n, d = vecs.shape
    picks = rng.choice(n, size=min(n, TUNE_QUERIES), replace=False)
    queries = vecs[picks] + rng.normal(0, TUNE_NOISE / math.sqrt(d), size=(len(picks), d))
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    k = min(10, n)
    with _threads(os.cpu_count() or 1):
        exact = ids[_exact_top(vecs, queries, k)]
    recall = 0.0
    for nprobe in [p for p in NPROBE_CHOICES if p < ivf.nlist] + [ivf.nlist]:
        ivf.nprobe = nprobe
        with _threads(os.cpu_count() or 1):
            _, found = ivf.search(queries, k)
        recall = recall_at(exact, found)
        if recall >= target_recall:
            break
    return int(ivf.nprobe), round(recall, 4)


def _exact_top(vecs: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Row numbers of the exact top ``k`` of each query (a blocked flat scan, so no
    second copy of a large matrix is made)."""
    best_s = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_i = np.zeros((len(queries), k), dtype=np.int64)
    for start in range(0, len(vecs), 262144):
        block = vecs[start : start + 262144]
        scores = queries @ block.T
        top = np.argpartition(-scores, min(k, scores.shape[1] - 1), axis=1)[:, :k]
        s = np.take_along_axis(scores, top, axis=1)
        merged_s = np.concatenate([best_s, s], axis=1)
        merged_i = np.concatenate([best_i, top + start], axis=1)
        order = np.argsort(-merged_s, axis=1)[:, :k]
        best_s = np.take_along_axis(merged_s, order, axis=1)
        best_i = np.take_along_axis(merged_i, order, axis=1)
    return best_i


def recall_at(exact: np.ndarray, found: np.ndarray) -> float:
    """Share of the exact top-k ids that the approximate top-k holds, over all queries."""
    hits = sum(len(set(e.tolist()) & set(f.tolist())) for e, f in zip(exact, found, strict=True))
    return hits / max(exact.size, 1)
