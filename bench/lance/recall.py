"""Recall@10 of an index on Lance tables' dense channel against exact search.

    .venv/bin/python bench/lance/recall.py bench/work/lance/qa-100k [QUESTIONS.npy]

The 200 real eval questions' vectors ``compare.py`` saved (``bench/work/lance/
index-100k/questions.npy``) are searched through ``Index.dense`` (what a question
uses: exact in memory below 50k chunks, IVF with 8-bit codes, 20 probes and a 2x refine
above) and exactly over every stored vector; prints recall@10 and ms p50 / p95.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
QUESTIONS = ROOT / "bench" / "work" / "lance" / "index-100k" / "questions.npy"


def main(index_dir: Path, questions: Path) -> None:
    from qa.index.lance_tables import CHUNKS, connect
    from qa.index.reader import open_index

    index = open_index(index_dir)
    assert index is not None
    table = connect(index_dir).open_table(index.manifest.tables[CHUNKS][0])
    table.checkout(int(index.manifest.tables[CHUNKS][1]))
    data = table.search().select(["id", "vector"]).limit(None).to_arrow()
    ids = data["id"].to_numpy()
    matrix = (
        data["vector"].combine_chunks().flatten().to_numpy().reshape(-1, index.manifest.dimensions)
    )
    vectors = np.load(questions)
    hits, ms = 0, []
    for q in vectors:
        exact = set(ids[np.argpartition(-(matrix @ q), 10)[:10]].tolist())
        started = time.perf_counter()
        found = [i for i, _ in index.dense(q, 100)]
        ms.append((time.perf_counter() - started) * 1000)
        hits += len(set(found[:10]) & exact)
    ms.sort()
    print(json.dumps({
        "chunks": len(ids),
        "vector_index": index.manifest.vector_index,
        "recall@10": round(hits / (10 * len(vectors)), 4),
        "dense_ms_p50": round(statistics.median(ms), 2),
        "dense_ms_p95": round(ms[int(0.95 * (len(ms) - 1))], 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else QUESTIONS)
