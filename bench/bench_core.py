"""Speed and size of the core on the evaluation sets: one command, one table.

    .venv/bin/python bench/bench_core.py [DATASET_DIR ...]   # default: ../shared/eval/*
    .venv/bin/python bench/bench_core.py --store lance        # the index on Lance tables
    .venv/bin/python bench/bench_core.py --ray                # ... built by `qa index --ray`

For each set it indexes the documents through the normal pipeline (extraction,
chunking, embedding of chunks and sentences, FTS5, FAISS) and asks every question
through `qa ask`'s code path, then reports chunks/s, ms per question (p50, p95,
all stages), index size on disk and the process's peak resident memory, with the
quality figures of the same run. Results are also written to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sys
import time
from pathlib import Path

from qa.evaluation import evaluate

HERE = Path(__file__).parent
DEFAULT_SETS = sorted((HERE.parent.parent / "shared" / "eval").glob("*/questions.jsonl"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="*", type=Path, default=[p.parent for p in DEFAULT_SETS])
    parser.add_argument("--limit", type=int, default=None, help="questions per set")
    parser.add_argument("--store", choices=["sqlite", "lance"], default="sqlite")
    parser.add_argument("--ray", action="store_true", help="build with a local Ray (Lance)")
    args = parser.parse_args()
    rows = []
    for dataset in args.datasets:
        started = time.perf_counter()
        summary = evaluate(dataset, limit=args.limit, storage=args.store, ray=args.ray).summary()
        summary["store"] = "lance, built on ray" if args.ray else args.store
        summary["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        summary["wall_seconds"] = round(time.perf_counter() - started, 1)
        rows.append(summary)
        print(json.dumps(summary), file=sys.stderr)
    cols = [
        "dataset",
        "chunks",
        "index_seconds",
        "chunks_per_s",
        "ms_p50",
        "ms_p95",
        "index_mb",
        "peak_rss_mb",
        "hit@1",
        "hit@5",
        "answer_span_hit@1",
    ]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in cols) + " |")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (out / f"core-{stamp}.json").write_text(
        json.dumps(
            {"machine": platform.platform(), "python": platform.python_version(), "rows": rows},
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
