"""The vector index: exact below the threshold, IVF-fp16 above it, ids and updates kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa.index import vectors
from qa.index.builder import build_index
from qa.index.manifest import read_manifest
from qa.index.reader import STORE_NAME, open_index
from qa.index.store import Store
from qa.index.vectors import VectorIndex

from helpers.fake_encoder import FakeEncoder

D = 64


def clustered(n: int, seed: int = 0, d: int = D) -> np.ndarray:
    """Unit vectors around 40 centres: shaped like sentence embeddings, which cluster by
    topic, rather than uniform noise (on which no quantized index ranks near-ties)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, d))
    x = centres[rng.integers(0, 40, n)] + rng.normal(0, 0.6, size=(n, d))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def flat_with(x: np.ndarray, first_id: int = 1000) -> tuple[VectorIndex, list[int]]:
    index = VectorIndex.new(x.shape[1])
    ids = list(range(first_id, first_id + 3 * len(x), 3))  # ids need not be dense
    index.add(ids, x)
    return index, ids


def test_small_index_stays_exact() -> None:
    index, _ = flat_with(clustered(500))
    out, kind, params = index.fit(exact_max=1000)
    assert out is index and kind == vectors.FLAT and params == {}


def test_large_index_becomes_ivf_with_ids_and_recall_kept(tmp_path: Path) -> None:
    both = clustered(4200)
    x, queries = both[:4000], both[4000:]  # queries: fresh draws around the same centres
    index, ids = flat_with(x)
    out, kind, params = index.fit(exact_max=1000)
    assert kind == vectors.IVF == out.kind
    assert set(params) >= {"nlist", "nprobe", "quantizer", "trained_on", "tuned_recall@10"}
    assert params["tuned_recall@10"] >= vectors.TUNE_RECALL
    assert out.ntotal == len(ids)

    # Recall@10 against exact search, on fresh queries from the same distribution.
    hits = 0
    for q in queries:
        exact = {i for i, _ in index.search(q, 10)}
        approx = {i for i, _ in out.search(q, 10)}
        assert approx <= set(ids)
        hits += len(exact & approx)
    assert hits / (10 * len(queries)) >= vectors.TARGET_RECALL

    # Survives a write and read, parameters included; reconstruct works by id.
    out.save(tmp_path / "v.faiss")
    back = VectorIndex.load(tmp_path / "v.faiss")
    assert back.params == out.params
    got = back.vectors_for([ids[7], ids[3]])
    assert np.allclose(got, x[[7, 3]], atol=1e-3)
    assert float(got[0] @ x[7]) > 0.9999


def test_ivf_index_takes_incremental_updates_without_retraining() -> None:
    x = clustered(4000)
    index, ids = flat_with(x)
    out, _, params = index.fit(exact_max=1000)
    out.remove(ids[:100])
    fresh = clustered(50, seed=9)
    out.add(list(range(10**6, 10**6 + 50)), fresh)
    assert out.ntotal == 4000 - 100 + 50
    assert out.search(fresh[3], 1)[0][0] == 10**6 + 3
    assert all(i not in ids[:100] for i, _ in out.search(x[5], 50))
    again, kind, kept = out.fit(exact_max=1000, previous=params)
    assert again is out and kind == vectors.IVF and kept == params


def test_ivf_index_is_retrained_or_made_exact_as_its_size_changes() -> None:
    index, ids = flat_with(clustered(4000))
    out, _, _ = index.fit(exact_max=1000)
    out.remove(ids[:3600])  # 400 left: under half the threshold
    back, kind, params = out.fit(exact_max=1000)
    assert kind == vectors.FLAT and params == {} and back.ntotal == 400
    assert {i for i, _ in back.search(clustered(1, seed=3)[0], 400)} == set(ids[3600:])

    grown, ids = flat_with(clustered(1100))
    small, _, first = grown.fit(exact_max=1000)
    small.add(list(range(10**6, 10**6 + 6000)), clustered(6000, seed=4))
    assert small.wanted_kind(1000) == vectors.IVF  # ~6x bigger: retrain
    bigger, kind, params = small.fit(exact_max=1000)
    assert kind == vectors.IVF and params["nlist"] > first["nlist"]
    assert bigger.ntotal == 7100


def test_index_records_the_approximate_index_and_updates_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoder: FakeEncoder
) -> None:
    monkeypatch.setattr(vectors, "EXACT_MAX", 40)
    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(90):
        (folder / f"d{i:02d}.txt").write_text(
            f"Report {i}.\n\nThe harbour office counted {i} ships on day {i}. "
            f"Crews unloaded grain and timber number {i * 7}.\n",
            encoding="utf-8",
        )
    index_dir = tmp_path / "index"
    embedder = encoder
    build_index([folder], index_dir, embedder=embedder)
    manifest = read_manifest(index_dir)
    assert manifest is not None and manifest.vector_index == vectors.IVF
    assert manifest.vector_params["nprobe"] >= 1 and manifest.vector_params["nlist"] >= 1

    (folder / "d05.txt").write_text("Report five, rewritten.\n\nNo ships came.\n", "utf-8")
    (folder / "d06.txt").unlink()
    report = build_index([folder], index_dir, embedder=embedder)
    assert report.indexed == [str(folder / "d05.txt")]
    assert report.removed == [str(folder / "d06.txt")]
    after = read_manifest(index_dir)
    assert after is not None and after.vector_index == vectors.IVF
    assert after.vector_params == manifest.vector_params  # updated in place, not retrained
    opened = open_index(index_dir)
    assert opened is not None
    try:
        ids = set(opened.chunk_ids())
        assert opened.vector_count == len(ids) == after.chunks
        found = opened.dense(embedder.encode(["x"])[0], len(ids))
        assert {i for i, _ in found} <= ids
    finally:
        opened.close()


def test_manifests_without_vector_parameters_still_read(
    tmp_path: Path, encoder: FakeEncoder
) -> None:
    index_dir = tmp_path / "index"
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("One short document.\n", encoding="utf-8")
    build_index([folder], index_dir, embedder=encoder)
    path = index_dir / "manifest.json"
    import json

    data = json.loads(path.read_text())
    assert data["vector_index"] == vectors.FLAT and data["vector_params"] == {}
    del data["vector_params"]
    path.write_text(json.dumps(data))
    manifest = read_manifest(index_dir)
    assert manifest is not None and manifest.vector_params == {}


def test_common_words_leave_a_large_any_words_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoder: FakeEncoder
) -> None:
    """Above the postings budget the commonest words are dropped (FTS5 would score every
    chunk holding them); under it, and for phrase queries, nothing changes."""
    from qa.index import store as store_module

    folder = tmp_path / "docs"
    folder.mkdir()
    for i in range(30):
        rare = " The zeppelin landed." if i == 7 else ""
        (folder / f"d{i:02d}.txt").write_text(
            f"Harbour report {i}.\n\nThe harbour was busy today.{rare}\n", encoding="utf-8"
        )
    index_dir = tmp_path / "index"
    build_index([folder], index_dir, embedder=encoder)
    manifest = read_manifest(index_dir)
    assert manifest is not None
    store = Store.open(index_dir / manifest.generation / STORE_NAME)
    try:
        query = ["harbour", "zeppelin"]
        assert store._within_budget(query) == query
        both = store.lexical_search(query, 100)
        assert len(both) == 30
        monkeypatch.setattr(store_module, "POSTINGS_BUDGET", 10)
        assert store._within_budget(query) == ["zeppelin"]
        assert [i for i, _ in store.lexical_search(query, 100)] == [both[0][0]]
        # A phrase is never cut: every chunk holding it is still found.
        assert len(store.phrase_search(["harbour report"], 100)) == 30
        df, total = store.document_frequencies(["harbour", "zeppelin"])
        assert df == {"harbour": 30, "zeppelin": 1} and total == 30
    finally:
        store.close()
