"""Questions encoded through the ONNX export against sentence-transformers (torch).

    .venv/bin/python bench/bench_query_encode.py               # 300 questions, 3 cold runs
    .venv/bin/python bench/bench_query_encode.py --cold-runs 5 --json

On SQuAD questions (evenly spaced through ../shared/eval/squad/questions.jsonl):

- cold start: a fresh interpreter that imports the encoder, loads the model and encodes
  one question, until it exits (wall seconds, and CPU seconds from the child's rusage);
  medians over ``--cold-runs`` runs, the two kinds alternating;
- per question: ``encode([question])`` in a warm process, ONNX and ``Embedder.encode``
  alternating question by question, p50/p95 in ms;
- agreement: max abs difference of the question vectors, and the share of questions
  whose top-10 passages among the first 2,000 sentences of the SQuAD documents
  (encoded once with ``Embedder.encode_many``) are the same set and the same order.

The export is made into a temporary cache folder (its time is reported) unless
``--cache-dir`` names one that already holds a valid export. Wall times depend on the
machine's load: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SQUAD = ROOT.parent / "shared" / "eval" / "squad"
TOP = 10

COLD_ONNX = "from qa.embedding.onnx import OnnxQueryEncoder\nOnnxQueryEncoder().encode([{q!r}])\n"
COLD_TORCH = "from qa.embedding.encoder import Embedder\nEmbedder().encode([{q!r}])\n"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def questions(count: int) -> list[str]:
    """``count`` questions evenly spaced through the SQuAD file (many documents)."""
    rows = [json.loads(line) for line in (SQUAD / "questions.jsonl").open(encoding="utf-8")]
    step = max(1, len(rows) // count)
    return [r["question"] for r in rows[::step][:count]]


def passages(count: int) -> list[str]:
    """The first ``count`` sentences of the SQuAD documents, split as qa splits them."""
    from qa.ingest.sentences import split_sentences

    out: list[str] = []
    for line in (SQUAD / "documents.jsonl").open(encoding="utf-8"):
        text = json.loads(line)["text"]
        spans, pos = [], 0
        for para in text.split("\n"):
            if para.strip():
                spans.append((pos, pos + len(para)))
            pos += len(para) + 1
        for para in split_sentences(text, spans, max_chars=2000):
            out.extend(text[s:e] for s, e in para)
        if len(out) >= count:
            break
    return out[:count]


def cold(code: str, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of a fresh interpreter running ``code``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--passages", type=int, default=2000)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--cache-dir", type=Path, help="holds (or receives) the export")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()

    out: dict[str, object] = {"loadavg_before": loadavg(), "cpus": os.cpu_count()}
    tmp = tempfile.TemporaryDirectory(prefix="qa-onnx-bench-")
    cache = args.cache_dir or Path(tmp.name)
    os.environ["QA_CACHE_DIR"] = str(cache)

    from qa.embedding.encoder import Embedder
    from qa.embedding.model import model_dir
    from qa.embedding.onnx import OnnxEncoderError, OnnxQueryEncoder, cached_onnx_path, export_onnx

    encoder = OnnxQueryEncoder()
    try:
        encoder.load()
        out["export_s"] = None
    except OnnxEncoderError:
        start = time.perf_counter()
        export_onnx(model_dir(), cached_onnx_path())
        out["export_s"] = round(time.perf_counter() - start, 1)
        encoder = OnnxQueryEncoder()
        encoder.load()
    out["onnx_mb"] = round(cached_onnx_path().stat().st_size / 1e6, 1)

    qs = questions(args.questions)
    env = dict(os.environ)

    # (a) cold start, alternating so that a change in load hits both kinds alike.
    runs: dict[str, list[tuple[float, float]]] = {"onnx": [], "torch": []}
    for _ in range(args.cold_runs):
        runs["onnx"].append(cold(COLD_ONNX.format(q=qs[0]), env))
        runs["torch"].append(cold(COLD_TORCH.format(q=qs[0]), env))
    for kind, values in runs.items():
        out[f"cold_{kind}_wall_s"] = round(statistics.median(w for w, _ in values), 2)
        out[f"cold_{kind}_cpu_s"] = round(statistics.median(c for _, c in values), 2)

    # (b) one question at a time, warm.
    embedder = Embedder()
    embedder.load()
    for q in qs[:5]:
        encoder.encode([q])
        embedder.encode([q])
    times: dict[str, list[float]] = {"onnx": [], "torch": []}
    ours, theirs = [], []
    for q in qs:
        start = time.perf_counter()
        ours.append(encoder.encode([q])[0])
        times["onnx"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        theirs.append(embedder.encode([q])[0])
        times["torch"].append((time.perf_counter() - start) * 1000)
    for kind, values in times.items():
        out[f"encode_{kind}_p50_ms"] = round(percentile(values, 50), 2)
        out[f"encode_{kind}_p95_ms"] = round(percentile(values, 95), 2)

    # (c) agreement on the vectors and on the passages they retrieve.
    a, b = np.array(ours), np.array(theirs)
    out["max_abs_diff"] = float(np.abs(a - b).max())
    texts = passages(args.passages)
    vectors = embedder.encode_many(texts)
    top_a = np.argsort(-(a @ vectors.T), axis=1, kind="stable")[:, :TOP]
    top_b = np.argsort(-(b @ vectors.T), axis=1, kind="stable")[:, :TOP]
    same_order = sum(list(x) == list(y) for x, y in zip(top_a, top_b, strict=True))
    same_set = sum(set(x) == set(y) for x, y in zip(top_a, top_b, strict=True))
    out["questions"] = len(qs)
    out["passages"] = len(texts)
    out["top10_same_set"] = round(same_set / len(qs), 4)
    out["top10_same_order"] = round(same_order / len(qs), 4)
    out["loadavg_after"] = loadavg()
    tmp.cleanup()

    print(f"load average before {out['loadavg_before']}, after {out['loadavg_after']}")
    print(f"({out['cpus']} CPUs; export {out['export_s']} s, {out['onnx_mb']} MB)")
    print(f"{'':34}{'ONNX':>10}{'torch (ST)':>12}")
    rows = [
        (f"cold start wall s (median of {args.cold_runs})", "cold_{}_wall_s"),
        ("cold start CPU s", "cold_{}_cpu_s"),
        (f"encode 1 question p50 ms (n={len(qs)})", "encode_{}_p50_ms"),
        ("encode 1 question p95 ms", "encode_{}_p95_ms"),
    ]
    for label, key in rows:
        print(f"{label:34}{out[key.format('onnx')]:>10}{out[key.format('torch')]:>12}")
    print(f"max abs difference of question vectors: {out['max_abs_diff']:.2e}")
    print(
        f"top-{TOP} of {len(texts)} passages identical: set {out['top10_same_set']:.1%}, "
        f"order {out['top10_same_order']:.1%}"
    )
    if args.json:
        print(json.dumps(out))


if __name__ == "__main__":
    main()
