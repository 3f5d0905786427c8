"""The dense channel's FAISS index: normalized vectors keyed by chunk id.

Inner product over unit vectors is cosine similarity. Vectors carry their chunk's
SQLite id (IndexIDMap2), so an incremental update removes and adds by id and search
results join straight to the store. FAISS's own binary format is a plain data file,
not a pickle.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np


def new_index(dimensions: int) -> faiss.Index:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dimensions))


def read_index(path: Path) -> faiss.Index:
    return faiss.read_index(str(path))


def write_index(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def add(index: faiss.Index, ids: list[int], vectors: np.ndarray) -> None:
    if ids:
        index.add_with_ids(vectors, np.asarray(ids, dtype=np.int64))


def remove(index: faiss.Index, ids: list[int]) -> None:
    if ids:
        index.remove_ids(np.asarray(ids, dtype=np.int64))


def search(index: faiss.Index, query: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Top ``k`` (chunk id, cosine) for one query vector."""
    if index.ntotal == 0 or k <= 0:
        return []
    scores, ids = index.search(query.reshape(1, -1), min(k, index.ntotal))
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i != -1]


def vectors_for(index: faiss.Index, ids: list[int]) -> np.ndarray:
    """Stored vectors of the given chunks (for sentence scoring without re-encoding)."""
    return np.vstack([index.reconstruct(int(i)) for i in ids]) if ids else np.zeros((0, index.d))
