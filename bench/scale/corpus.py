"""Corpora for the scale suite, made from the real eval documents (``../shared/eval``).

Two kinds:

- **Real folders** (``write_real_corpus``): the eval documents as ``.txt`` files, for
  `qa index` to extract, chunk and embed through the real path. Used where embedding
  fits in minutes (about 1k chunks: it runs at ~8 chunks/s on 2 cores, sentences
  included), and as the source of the cache below.
- **Synthetic indexes** (``write_synthetic_index``) of 10k to 1M chunks, built from a
  cache of a real index's documents, layouts, quotes, chunk vectors and sentence vectors
  (``build_cache``): documents are repeated and varied up to size and written through
  the real ``qa.index.store.Store`` (so SQLite, FTS5 and disk size are what a real index of
  that size holds) and the real ``qa.index.vectors`` (so the exact/approximate choice is the
  one `qa index` makes). Embedding is the only stage skipped; its cost at these sizes is
  projected from the measured rate.

Variation keeps every offset valid (layouts, sentence spans and quotes stay true): each
copy after the first gets fresh digits and about one capitalised word in eight replaced
by an invented name of the same length, so numbers and names spread like an archive's
rather than repeating, and the FTS vocabulary grows with size. Each copy's chunk vectors
are the real ones plus Gaussian noise of norm ~0.45, renormalized (cosine ~0.9 to the
original, ~0.83 between copies), so copies are near, but not identical, neighbours.
"""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.embedding.model import DIMENSIONS, MODEL_NAME, MODEL_SHA256
from qa.evaluation import doc_filename, load_documents
from qa.index.generations import commit_generation
from qa.index.reader import STORE_NAME, VECTORS_NAME
from qa.index.store import Store
from qa.index.vectors import EXACT_MAX, VectorIndex
from qa.ingest.chunking import DEFAULT_TARGET_CHARS, Chunk, Layout
from qa.ingest.structure import Paragraph
from qa.quotes import Quote

HERE = Path(__file__).resolve().parent
EVAL_DIR = HERE.parent.parent.parent / "shared" / "eval"
SETS = ("squad", "covidqa")
# Observed on the eval sets: 1,990 chunks from 1.94M characters of text (1400-char target).
CHARS_PER_CHUNK = 975
NOISE_NORM = 0.45
Progress = Callable[[str, int, int], None]


def eval_documents() -> list[dict]:
    """Every eval document, SQuAD first: ``{"set", "id", "title", "text"}``."""
    out = []
    for name in SETS:
        for doc in load_documents(EVAL_DIR / name):
            out.append(
                {"set": name, "id": str(doc["id"]), "title": doc.get("title"), "text": doc["text"]}
            )
    return out


def real_subset(target_chunks: int | None) -> list[dict]:
    """The first eval documents whose estimated chunks reach ``target_chunks`` (all of
    them for None)."""
    docs = eval_documents()
    if target_chunks is None:
        return docs
    out, total = [], 0
    for doc in docs:
        if total >= target_chunks:
            break
        out.append(doc)
        total += max(1, len(doc["text"]) // CHARS_PER_CHUNK)
    return out


def write_real_corpus(folder: Path, docs: list[dict]) -> list[Path]:
    """The documents as ``<set>/<id>.txt`` (the eval README's layout, one folder per set)."""
    paths = []
    for doc in docs:
        path = folder / doc["set"] / doc_filename(doc["id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != doc["text"]:
            path.write_text(doc["text"], encoding="utf-8")
        paths.append(path)
    return paths


def eval_questions(docs: list[dict], n: int, seed: int = 7) -> list[str]:
    """``n`` real eval questions about ``docs``, sampled (both sets in proportion)."""
    wanted = {(d["set"], d["id"]) for d in docs}
    pool = []
    for name in SETS:
        with open(EVAL_DIR / name / "questions.jsonl", encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    q = json.loads(line)
                    if (name, str(q["doc_id"])) in wanted:
                        pool.append(q["question"])
    random.Random(seed).shuffle(pool)
    return pool[:n]


# -- the cache of a real index -------------------------------------------------------


@dataclass
class CachedDocument:
    format: str
    title: str | None
    text: str
    page_starts: list[int]
    warnings: list[str]
    layout: Layout
    quotes: list[Quote]
    sentence_blobs: list[bytes]
    first_vector: int  # row of its first chunk in the cache's chunk vectors


@dataclass
class Cache:
    documents: list[CachedDocument]
    chunk_vectors: np.ndarray  # float32, unit rows, in document and chunk order

    @property
    def chunks(self) -> int:
        return len(self.chunk_vectors)


def build_cache(index_dirs: list[Path], cache_dir: Path) -> None:
    """Save real indexes' documents (text, layout, quotes, sentence vectors) and chunk
    vectors, so larger indexes can be made from them without embedding again."""
    docs: list[dict] = []
    blobs: list[np.ndarray] = []
    chunk_vectors = [_cache_one(d, docs, blobs) for d in index_dirs]
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / "documents.json").write_text(json.dumps(docs), encoding="utf-8")
    np.save(cache_dir / "chunk_vectors.npy", np.vstack(chunk_vectors))
    np.save(cache_dir / "sentence_vectors.npy", np.vstack(blobs))


def _cache_one(index_dir: Path, docs: list[dict], blobs: list[np.ndarray]) -> np.ndarray:
    from qa.index.reader import open_index

    index = open_index(index_dir)
    assert index is not None, f"no index at {index_dir}"
    # The rows are copied whole into the cache, so they are read as rows, from the
    # store file itself (read-only), not through the index's typed reads.
    store_path = index.path / index.manifest.generation / STORE_NAME
    conn = sqlite3.connect(f"{store_path.resolve().as_uri()}?mode=ro", uri=True)
    chunk_ids: list[int] = []
    for doc_id, fmt, title, text, page_starts, paragraphs, warnings in conn.execute(
        "SELECT id, format, title, text, page_starts, paragraphs, warnings FROM documents "
        "ORDER BY id"
    ).fetchall():
        chunks = conn.execute(
            "SELECT id, ordinal, start, end, heading_index, sentences, sentence_vectors "
            "FROM chunks WHERE doc_id = ? ORDER BY ordinal",
            (doc_id,),
        ).fetchall()
        quotes = conn.execute(
            "SELECT start, end, speaker, mention_start, mention_end, how FROM quotes "
            "WHERE doc_id = ? ORDER BY start",
            (doc_id,),
        ).fetchall()
        docs.append(
            {
                "format": fmt,
                "title": title,
                "text": text,
                "page_starts": json.loads(page_starts),
                "paragraphs": json.loads(paragraphs),
                "warnings": json.loads(warnings),
                "chunks": [list(c[1:6]) for c in chunks],
                "quotes": [list(q) for q in quotes],
                "sentences": [len(json.loads(c[5])) for c in chunks],
            }
        )
        chunk_ids.extend(c[0] for c in chunks)
        blobs.extend(np.frombuffer(c[6], dtype=np.float16).reshape(-1, DIMENSIONS) for c in chunks)
    chunk_vectors = index.chunk_vectors(chunk_ids).astype(np.float32)
    conn.close()
    index.close()
    return chunk_vectors


def load_cache(cache_dir: Path) -> Cache:
    docs = json.loads((cache_dir / "documents.json").read_text(encoding="utf-8"))
    chunk_vectors = np.load(cache_dir / "chunk_vectors.npy")
    sentence_vectors = np.load(cache_dir / "sentence_vectors.npy")
    out, row, srow = [], 0, 0
    for d in docs:
        layout = Layout(
            [Paragraph(s, e, bool(h), n, hi) for s, e, h, n, hi in d["paragraphs"]],
            [
                Chunk(o, s, e, hi, tuple((a, b) for a, b in json.loads(sents)))
                for o, s, e, hi, sents in d["chunks"]
            ],
        )
        quotes = [
            Quote(s, e, spk, (ms, me) if ms is not None else None, how)
            for s, e, spk, ms, me, how in d["quotes"]
        ]
        blobs = []
        for n in d["sentences"]:
            blobs.append(sentence_vectors[srow : srow + n].tobytes())
            srow += n
        out.append(
            CachedDocument(
                d["format"],
                d["title"],
                d["text"],
                d["page_starts"],
                d["warnings"],
                layout,
                quotes,
                blobs,
                row,
            )
        )
        row += len(layout.chunks)
    return Cache(out, chunk_vectors)


# -- variation -------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")
_NAME = re.compile(r"\b[A-Z][a-z]{3,}\b")
_CONSONANTS = "bcdfghjklmnprstvwz"
_VOWELS = "aeiou"


def _invented(length: int, rng: random.Random) -> str:
    letters = [rng.choice(_CONSONANTS if i % 2 == 0 else _VOWELS) for i in range(length)]
    return "".join(letters).capitalize()


def vary(text: str, rng: random.Random) -> str:
    """The text with fresh digits and some names replaced, every offset unchanged."""
    text = _DIGIT.sub(lambda m: str(rng.randrange(10)), text)
    return _NAME.sub(
        lambda m: _invented(len(m.group(0)), rng) if rng.random() < 0.125 else m.group(0), text
    )


def _noisy(vecs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = vecs + rng.normal(0, NOISE_NORM / np.sqrt(vecs.shape[1]), vecs.shape).astype(np.float32)
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def _copies(cache: Cache, target_chunks: int, seed: int) -> Iterator[tuple[int, int]]:
    """(copy number, cached document) in a shuffled order, until ``target_chunks``."""
    rng = random.Random(seed)
    total, copy = 0, 0
    while total < target_chunks:
        order = list(range(len(cache.documents)))
        if copy:
            rng.shuffle(order)
        for i in order:
            if total >= target_chunks:
                return
            yield copy, i
            total += len(cache.documents[i].layout.chunks)
        copy += 1


def write_synthetic_index(
    index_dir: Path,
    cache: Cache,
    target_chunks: int,
    *,
    seed: int = 11,
    exact_max: int = EXACT_MAX,
    save_vectors: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, float]:
    """An index of about ``target_chunks`` chunks; returns its build timings.

    The store is written by ``Store.add_document`` and the vector index by
    ``qa.index.vectors`` exactly as `qa index` writes them; ``save_vectors`` keeps the float32
    chunk vectors (for measuring the approximate index against exact search).
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    gen = f"gen-{time.time_ns():x}-{os.getpid()}"
    gen_dir = index_dir / gen
    gen_dir.mkdir()
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    started = time.perf_counter()
    store = Store.open(gen_dir / STORE_NAME, readonly=False)
    capacity = target_chunks + max(len(d.layout.chunks) for d in cache.documents)
    all_vecs = np.zeros((capacity, DIMENSIONS), dtype=np.float32)
    all_ids = np.zeros(capacity, dtype=np.int64)
    hashes: dict[str, str] = {}
    n = 0
    for copy, i in _copies(cache, target_chunks, seed):
        doc = cache.documents[i]
        text = vary(doc.text, rng) if copy else doc.text
        source = f"archive/{copy:05d}/{i:03d}.txt"
        digest = f"{copy:032x}{i:032x}"
        ids = store.add_document(
            source=source,
            format=doc.format,
            title=doc.title,
            content_hash=digest,
            size=len(text),
            mtime_ns=0,
            text=text,
            page_starts=doc.page_starts,
            warnings=doc.warnings,
            layout=doc.layout,
            sentence_vectors=doc.sentence_blobs,
            quotes=doc.quotes,
        )
        real = cache.chunk_vectors[doc.first_vector : doc.first_vector + len(ids)]
        all_vecs[n : n + len(ids)] = _noisy(real, nrng) if copy else real
        all_ids[n : n + len(ids)] = ids
        n += len(ids)
        hashes[source] = digest
        if progress and len(hashes) % 200 == 0:
            progress("store", n, target_chunks)
    store.commit()
    documents, chunks = store.counts()
    store.commit(analyze=True)
    store.close()
    store_s = time.perf_counter() - started

    started = time.perf_counter()
    index = VectorIndex.new(DIMENSIONS)
    index.add(all_ids[:n].tolist(), all_vecs[:n])
    index, kind, params = index.fit(exact_max=exact_max, progress=progress)
    index.save(gen_dir / VECTORS_NAME)
    vectors_s = time.perf_counter() - started
    if save_vectors is not None:
        np.save(save_vectors.with_suffix(".ids.npy"), all_ids[:n])
        np.save(save_vectors, all_vecs[:n])
    del index, all_vecs
    commit_generation(
        index_dir,
        gen,
        model=(MODEL_NAME, MODEL_SHA256, DIMENSIONS),
        chunk_target_chars=DEFAULT_TARGET_CHARS,
        documents=hashes,
        chunks=chunks,
        vector_kind=kind,
        vector_params=params,
    )
    assert documents == len(hashes)
    return {"store_s": store_s, "vectors_s": vectors_s, "chunks": chunks, "documents": documents}


def index_bytes(index_dir: Path) -> int:
    """Bytes on disk of the current generation (store and vectors)."""
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    gen = index_dir / manifest["generation"]
    return sum(p.stat().st_size for p in gen.iterdir() if p.is_file())


def store_row_counts(path: Path) -> tuple[int, int]:
    conn = sqlite3.connect(path)
    try:
        docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        chunks = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
        return int(docs), int(chunks)
    finally:
        conn.close()
