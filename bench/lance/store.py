"""qa on Lance tables against qa on SQLite + FAISS, end to end, on the same archive.

    .venv/bin/python bench/lance/convert.py bench/work/scale/index-100k bench/work/lance/qa-100k
    .venv/bin/python bench/lance/store.py bench/work/scale/index-100k bench/work/lance/qa-100k
    .venv/bin/python bench/lance/store.py - bench/work/lance/qa-1m   # (grow.py) Lance alone

For a SQLite index and its Lance copy (``convert.py``):

- questions: ``bench/scale/run.py _measure INDEX 100`` on each, in a process of its own
  (ms p50/p95 per question through ``qa.answer.ask.ask``, peak RSS, open time);
- updates of the Lance index, on a copy of it, each a real `qa index` process: one new
  article appended (seconds, of which the model's load and the article's embedding,
  and bytes written), the same article changed, then deleted, then
  `qa index --optimize` (seconds, and what it leaves on disk);
- for the SQLite index, what an update writes: a new generation, a copy of the store.

JSON to stdout and ``bench/results/lance-store-*.json``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
QA = str(Path(sys.executable).parent / "qa")
ARTICLE = ROOT / "docs" / "north-korean-troops-in-russia.txt"


def _bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure_questions(index_dir: Path, n: int) -> dict[str, Any]:
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "scale" / "run.py"),
            "_measure",
            str(index_dir),
            str(n),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return dict(json.loads(run.stdout.splitlines()[-1]))


def _qa_index(*args: str) -> tuple[float, str]:
    started = time.perf_counter()
    run = subprocess.run([QA, "index", *args], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if run.returncode != 0:
        raise SystemExit(f"qa index {' '.join(args)}: {run.stdout}{run.stderr}")
    return seconds, run.stdout


def measure_updates(lance_index: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(dir=ROOT / "bench" / "work") as tmp:
        copy = Path(tmp) / "index"
        shutil.copytree(lance_index, copy)
        article = Path(tmp) / "news" / "new-article.txt"
        article.parent.mkdir()
        shutil.copyfile(ARTICLE, article)
        # A second file that stays: a run that finds nothing to index exits 1.
        (article.parent / "kept.txt").write_text("A short note that stays put.\n")
        steps = (
            ("append", lambda: None),
            ("change", lambda: article.write_text(
                ARTICLE.read_text(encoding="utf-8").replace("10,000", "12,000"), encoding="utf-8"
            )),
            ("delete", lambda: article.unlink()),
        )  # fmt: skip
        for name, change in steps:
            change()
            before = _bytes(copy)
            target = str(article.parent)
            seconds, output = _qa_index(target, "--index", str(copy))
            out[name] = {
                "s": round(seconds, 2),
                "mb_written": round((_bytes(copy) - before) / 1e6, 2),
                "report": output.strip().splitlines()[-1],
            }
        before = _bytes(copy)
        seconds, output = _qa_index("--index", str(copy), "--optimize")
        out["optimize"] = {
            "s": round(seconds, 1),
            "disk_mb_before": round(before / 1e6, 1),
            "disk_mb_after": round(_bytes(copy) / 1e6, 1),
            "report": output.strip().splitlines()[-1],
        }
    return out


def main(sqlite_index: Path | None, lance_index: Path, n: int) -> None:
    row: dict[str, Any] = {
        "lance": measure_questions(lance_index, n),
        "lance_disk_mb": round(_bytes(lance_index) / 1e6, 1),
    }
    if sqlite_index is not None:
        manifest = json.loads((sqlite_index / "manifest.json").read_text())
        generation = sqlite_index / manifest["generation"]
        row["chunks"] = manifest["chunks"]
        row["sqlite"] = measure_questions(sqlite_index, n)
        row["sqlite_disk_mb"] = round(_bytes(generation) / 1e6, 1)
        # A SQLite update writes a new generation: the store copied, the vectors rewritten.
        row["sqlite_update_mb_written"] = row["sqlite_disk_mb"]
    row["lance_updates"] = measure_updates(lance_index)
    print(json.dumps(row))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"lance-store-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(row, indent=1)
    )


if __name__ == "__main__":
    sqlite = None if sys.argv[1] == "-" else Path(sys.argv[1])  # "-": the Lance index alone
    main(sqlite, Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 100)
