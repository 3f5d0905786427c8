"""Indexing throughput of `qa index --ray` on a local Ray against a plain `qa index`.

    .venv/bin/pip install -e '.[cluster]'
    .venv/bin/python bench/ray/throughput.py [DATASET_DIR] [--repeat N] [--copies N]

The documents of an eval set (default ``../shared/eval/squad``; ``--copies N`` writes
them N times over, each copy a little different) are indexed two ways, each a fresh
`qa` process into a new folder, alternating when repeated:

- **plain**: `qa index FOLDER --index TMP --store lance`;
- **ray**: `qa index FOLDER --index TMP --ray`: a local Ray on this machine's cores, one
  actor per core that extracts, chunks, finds quotations and embeds, the driver writing.

Both include everything: process start, model loads, extraction, quotations, embedding,
writing and the commit. Prints one JSON object with chunks/s for each, and the Ray
run's ratio to the plain one (and writes it to ``bench/results/ray-throughput-*.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))
QA = str(Path(sys.executable).parent / "qa")
DEFAULT_SET = ROOT.parent / "shared" / "eval" / "squad"


def run(folder: Path, *flags: str) -> dict[str, Any]:
    """One `qa index` of ``folder`` into a new index: its wall time and chunks/s."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        done = subprocess.run(
            [QA, "index", str(folder), "--index", str(Path(tmp) / "index"), *flags],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    line = done.stdout.strip().splitlines()[-1]
    chunks = int(line.split(" new chunks")[0].rsplit(" ", 1)[-1])
    return {
        "chunks": chunks,
        "seconds": round(seconds, 1),
        "chunks_per_s": round(chunks / seconds, 1),
    }


def write_copies(dataset: Path, folder: Path, copies: int) -> None:
    from qa.evaluation.shared_eval import write_corpus

    write_corpus(dataset, folder)
    originals = sorted(folder.glob("*.txt"))
    for n in range(1, copies):
        for path in originals:
            (folder / f"copy{n}-{path.name}").write_text(
                path.read_text(encoding="utf-8") + f"\n\nCopy {n}.\n", encoding="utf-8"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--copies", type=int, default=1, help="the set's documents this many times over"
    )
    args = parser.parse_args()
    rows: dict[str, list[dict[str, Any]]] = {"plain": [], "ray": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        write_copies(args.dataset, folder, args.copies)
        for _ in range(args.repeat):
            rows["plain"].append(run(folder, "--store", "lance"))
            rows["ray"].append(run(folder, "--ray"))
    rates = {k: statistics.median(r["chunks_per_s"] for r in v) for k, v in rows.items()}
    result = {
        "dataset": args.dataset.name,
        "copies": args.copies,
        "cores": os.cpu_count(),
        **rows,
        "median_chunks_per_s": rates,
        "ray_to_plain": round(rates["ray"] / rates["plain"], 3),
    }
    print(json.dumps(result))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"ray-throughput-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(result, indent=1)
    )


if __name__ == "__main__":
    main()
