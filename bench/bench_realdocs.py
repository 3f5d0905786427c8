"""How far `qa` can be trusted on real documents: the figures of `qa eval bench/realdocs`.

    .venv/bin/python bench/bench_realdocs.py [DATASET_DIR] [--failures]   # default: bench/realdocs

Indexes every document of the set (real web pages, PDFs, Word files) into one temporary
index through the normal indexer, answers every labelled question as `qa ask` does, reads
the quote index and the extracted texts, and scores them against the labels (rules in
src/qa/evaluation/realdocs.py, label format in bench/realdocs/README.md). Prints the
figures (and, with --failures, every failed check); writes both, with the git commit, to
bench/results/realdocs-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

from qa.evaluation import evaluate_realdocs

HERE = Path(__file__).parent


def _commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=HERE / "realdocs")
    parser.add_argument("--failures", action="store_true", help="print every failed check")
    args = parser.parse_args()
    started = time.perf_counter()
    result = evaluate_realdocs(args.dataset)
    summary = result.summary()
    summary["wall_seconds"] = round(time.perf_counter() - started, 1)
    for key, value in summary.items():
        print(f"{key:>24}  {value}")
    by_check: dict[str, int] = {}
    for f in result.failures:
        by_check[f.check] = by_check.get(f.check, 0) + 1
    print("failures by check: " + ", ".join(f"{k} {v}" for k, v in sorted(by_check.items())))
    if args.failures:
        for f in result.failures:
            print(f"\n[{f.check}] {f.file}: {f.item}\n  expected: {f.expected}\n  got: {f.got}")
            print(f"  why: {f.why}")
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    path = out / f"realdocs-{time.strftime('%Y%m%d-%H%M%S')}.json"
    record = {
        "commit": _commit(),
        "summary": summary,
        "failures": [f.to_json() for f in result.failures],
    }
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written to {path}")


if __name__ == "__main__":
    main()
