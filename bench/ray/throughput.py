"""Indexing throughput on a local Ray cluster against a plain `qa index` (issue 22, scouting).

    .venv/bin/pip install 'ray[data]'        # not a qa dependency yet
    .venv/bin/python bench/ray/throughput.py [DATASET_DIR] [--repeat N] [--copies N]

The documents of an eval set (default ``../shared/eval/squad``) are written as files,
then prepared and embedded two ways, each in a fresh process so each pays its own start:

- **plain**: `qa index FOLDER --index TMP --store lance` (extraction, chunking,
  quotations, embedding, writing), chunks/s from its wall time;
- **ray**: ``ray.init(num_cpus=<cores>)``, then a Ray Data pipeline: read, extract and
  chunk each file (``map``, a quarter CPU a task), then embed (``map_batches`` over an
  actor pool of encoders holding the model, each with a fractional CPU so a 2-core
  machine never waits for a whole free CPU), the rows streamed back to the driver.
  Quotations and writing are left out: they are the plain build's, on the driver. Run
  with one actor and with one per core; and "fused", where each actor also reads,
  extracts and chunks its files (one process per core loads spaCy and the model once).

Both embed through ``qa.embedding.documents.embed_documents``, so the vectors are the
same function of the same text. Prints one JSON object (and writes it to
``bench/results/ray-throughput-*.json``).
"""

from __future__ import annotations

import argparse
import json
import os
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


def _prepare(row: dict[str, Any]) -> dict[str, Any]:
    """One file read, extracted and chunked, as plain values (Ray's rows travel as
    Arrow, not as Python objects)."""
    from qa.index.store import paragraphs_json
    from qa.ingest.chunking import DEFAULT_TARGET_CHARS, chunk_text
    from qa.ingest.extract import extract

    extracted = extract(Path(row["path"]))
    layout = chunk_text(extracted, DEFAULT_TARGET_CHARS)
    return {
        "path": row["path"],
        "text": extracted.text,
        "title": extracted.title or "",
        "paragraphs": paragraphs_json(layout.paragraphs),
        "chunks": json.dumps(
            [[c.ordinal, c.start, c.end, c.heading_index, c.sentences] for c in layout.chunks]
        ),
    }


class _Embed:
    """An encoder in a Ray actor: loaded once, then fed batches of prepared documents."""

    def __init__(self) -> None:
        from qa.embedding.encoder import Embedder

        self.encoder = Embedder()
        self.encoder.load()

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        if "text" not in batch:  # fused: this actor prepares its files too
            rows = [_prepare({"path": p}) for p in batch["path"]]
            batch = {k: [r[k] for r in rows] for k in rows[0]}

        from qa.embedding.documents import embed_documents
        from qa.index.store import paragraphs_from_json
        from qa.ingest.chunking import Chunk, Layout

        documents = []
        for text, title, paragraphs, chunks in zip(
            batch["text"], batch["title"], batch["paragraphs"], batch["chunks"], strict=True
        ):
            layout = Layout(
                list(paragraphs_from_json(paragraphs)),
                [
                    Chunk(o, s, e, hi, tuple(tuple(x) for x in sents))
                    for o, s, e, hi, sents in json.loads(chunks)
                ],
            )
            documents.append((str(text), str(title) or None, layout))
        _, chunk_vectors = embed_documents(self.encoder, documents)
        counts = [len(layout.chunks) for _, _, layout in documents]
        assert sum(counts) == len(chunk_vectors)
        return {"path": batch["path"], "chunks": np.asarray(counts)}


def run_ray(folder: Path, actors: int, fused: bool = False) -> dict[str, Any]:
    import ray

    started = time.perf_counter()
    cores = os.cpu_count() or 1
    ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False)
    init_s = time.perf_counter() - started
    files = sorted(str(p) for p in folder.iterdir())
    ds = ray.data.from_items([{"path": f} for f in files])
    if not fused:
        ds = ds.map(_prepare, num_cpus=0.25)
    ds = ds.map_batches(_Embed, concurrency=actors, num_cpus=cores / actors * 0.5, batch_size=16)
    chunks = sum(int(row["chunks"]) for row in ds.iter_rows())
    seconds = time.perf_counter() - started
    ray.shutdown()
    return {
        "actors": actors,
        "fused": fused,
        "chunks": chunks,
        "seconds": round(seconds, 1),
        "ray_init_s": round(init_s, 1),
        "chunks_per_s": round(chunks / seconds, 1),
    }


def run_plain(folder: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        done = subprocess.run(
            [QA, "index", str(folder), "--index", str(Path(tmp) / "index"), "--store", "lance"],
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = time.perf_counter() - started
    line = done.stdout.strip().splitlines()[-1]
    chunks = int(line.split(" new chunks")[0].rsplit(" ", 1)[-1])
    return {
        "chunks": chunks,
        "seconds": round(seconds, 1),
        "chunks_per_s": round(chunks / seconds, 1),
    }


def _child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--copies", type=int, default=1, help="the set's documents this many times over"
    )
    args = parser.parse_args()
    from qa.evaluation.shared_eval import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        write_corpus(args.dataset, folder)
        for n in range(1, args.copies):
            for path in sorted(folder.glob("*.txt")):
                if path.name.startswith("copy"):
                    continue
                (folder / f"copy{n}-{path.name}").write_text(
                    path.read_text(encoding="utf-8") + f"\n\nCopy {n}.\n", encoding="utf-8"
                )
        rows: dict[str, list[dict[str, Any]]] = {
            "plain": [],
            "ray_1_actor": [],
            "ray_per_core": [],
            "ray_fused_per_core": [],
        }
        for _ in range(args.repeat):
            rows["plain"].append(_child("_plain", str(folder)))
            rows["ray_1_actor"].append(_child("_ray", str(folder), "1"))
            per_core = str(os.cpu_count() or 1)
            rows["ray_per_core"].append(_child("_ray", str(folder), per_core))
            rows["ray_fused_per_core"].append(_child("_ray", str(folder), per_core, "fused"))
    result = {"dataset": args.dataset.name, "copies": args.copies, "cores": os.cpu_count(), **rows}
    print(json.dumps(result))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"ray-throughput-{time.strftime('%Y%m%d-%H%M%S')}.json").write_text(
        json.dumps(result, indent=1)
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_plain":
        print(json.dumps(run_plain(Path(sys.argv[2]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "_ray":
        print(json.dumps(run_ray(Path(sys.argv[2]), int(sys.argv[3]), "fused" in sys.argv[4:])))
    else:
        main()
