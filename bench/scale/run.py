"""Speed and scale of `qa`, from 1k to 1M chunks: one command, a JSON file and a plot.

    .venv/bin/python bench/scale/run.py                      # 1k, 10k, 100k, 1M
    .venv/bin/python bench/scale/run.py --sizes 1k,10k,100k  # a quicker run
    .venv/bin/python bench/scale/run.py --only startup,incremental

For each size: index build (chunks/s, total), questions (ms p50/p95 through
``qa.answer.ask.ask``, every stage, with a per-stage split), peak resident memory of the
process answering, and the index's bytes on disk. Above ``qa.index.vectors.EXACT_MAX`` chunks
the index is approximate (IVF-SQ8): there the suite also measures an exact twin (the
same store, a flat index) side by side, and the recall@10 of the approximate dense
channel against exact search on real question vectors. Once: `qa --help`, the chat's
first frame and first answer (in a pty), a cold `qa ask`, and re-running `qa index` over
an unchanged folder of 10k small documents.

1k chunks are indexed by `qa index` itself, embedding included. Larger sizes are built
from the real chunks' stored vectors (see ``corpus.py``): embedding 1M chunks at
~8 chunks/s would take 1.5 days, so it is projected from the measured rate instead.

Every measurement runs in its own process (peak RSS is per process). Work files go to
``bench/work/scale`` (git-ignored; ~12 GB at 1M, removed at the end unless ``--keep``);
results to ``bench/results/scale-*.json`` and the plot to ``docs/design/scale.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pty
import resource
import select
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_startup import close_chat, visible  # noqa: E402
from bench.scale import corpus  # noqa: E402

QA = ROOT / ".venv" / "bin" / "qa"
PYTHON = sys.executable
WORK = ROOT / "bench" / "work" / "scale"
RESULTS = ROOT / "bench" / "results"
PLOT = ROOT / "docs" / "design" / "scale.png"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
QUESTIONS = 200
SMALL_DOCS = 10_000


# -- running and timing child processes -------------------------------------------------


LAST_CPU_S: list[float] = [0.0]  # CPU seconds (user + system) of the last timed_qa run


def run_child(args: list[str], **kwargs: Any) -> tuple[float, float, str]:
    """Run a command; (wall seconds, its peak RSS in MB, stdout). Fails loudly."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far; wait4 gives this one's
    # only before it is reaped, so measure through a fresh wrapper instead.
    if proc.returncode != 0:
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args)}")
    text = err.decode(errors="replace")
    # On a machine shared with other jobs, wall time is mostly waiting for a core; the
    # CPU time the command used is the figure that does not depend on the neighbours.
    LAST_CPU_S[0] = _value(text, "CPU_S", 0.0)
    return (
        _value(text, "WALL_S", seconds),
        _value(text, "PEAK_RSS_MB", 0.0),
        out.decode(errors="replace"),
    )


def _value(stderr: str, key: str, default: float) -> float:
    """A figure the ``_exec`` wrapper printed (its child's own wall time and peak RSS,
    without the wrapper's start-up)."""
    for line in reversed(stderr.splitlines()):
        if line.startswith(f"{key}="):
            return float(line.split("=", 1)[1])
    return default


def worker(*args: str) -> list[str]:
    return [PYTHON, str(Path(__file__).resolve()), *args]


def timed_qa(
    args: list[str], env: dict | None = None, cwd: Path | None = None
) -> tuple[float, float, str]:
    """Run ``qa ARGS`` under a wrapper that reports the qa process's own peak RSS."""
    return run_child(worker("_exec", str(QA), *args), env=env, cwd=cwd)


def _exec(argv: list[str]) -> None:
    """Run a command and print its peak RSS (ru_maxrss of the one child) to stderr."""
    started = time.perf_counter()
    proc = subprocess.run(argv)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime
    print(f"WALL_S={seconds:.3f}\nPEAK_RSS_MB={peak:.1f}\nCPU_S={cpu:.3f}", file=sys.stderr)
    raise SystemExit(proc.returncode)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


# -- workers (each in its own process) ---------------------------------------------------


def _rss_now_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _measure(index_dir: Path, n: int) -> None:
    """Ask ``n`` real questions through ``qa.answer.ask.ask``; print figures as JSON."""
    import qa.answer.ask
    import qa.answer.from_quotes
    import qa.embedding.encoder
    import qa.index.store
    import qa.index.vectors
    from qa.index.reader import open_index

    stages: dict[str, float] = {}

    def timing(name: str, func: Any) -> Any:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.perf_counter() - started

        return wrapped

    started = time.perf_counter()
    index = open_index(index_dir)
    assert index is not None
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    embedder = qa.embedding.encoder.Embedder()
    embedder.load()  # what `qa ask` and the chat load: the ONNX export when ready
    load_s = time.perf_counter() - started
    rss_open = _rss_now_mb()

    qa.embedding.encoder.Embedder.encode = timing("embed", qa.embedding.encoder.Embedder.encode)
    import qa.answer.retrieve

    qa.index.vectors.VectorIndex.search = timing("dense", qa.index.vectors.VectorIndex.search)
    qa.index.store.Store.lexical_search = timing("lexical", qa.index.store.Store.lexical_search)
    qa.index.store.Store.document_frequencies = timing(
        "df", qa.index.store.Store.document_frequencies
    )
    qa.index.store.Store.sentence_vectors = timing("sentvec", qa.index.store.Store.sentence_vectors)
    qa.index.store.Store.chunks = timing("chunkrows", qa.index.store.Store.chunks)
    qa.index.store.Store.document_text = timing("doctext", qa.index.store.Store.document_text)

    docs = corpus.real_subset(1_000)
    questions = corpus.eval_questions(docs, n + 5)
    for q in questions[:5]:
        qa.answer.ask.ask(index, embedder, q)
    totals: dict[str, float] = {}
    latencies, without_embed, cpu_ms, found = [], [], [], 0
    for q in questions[5:]:
        stages.clear()
        started, cpu = time.perf_counter(), time.process_time()
        answer = qa.answer.ask.ask(index, embedder, q)
        ms = (time.perf_counter() - started) * 1000
        cpu_ms.append((time.process_time() - cpu) * 1000)
        latencies.append(ms)
        # The question's embedding costs the same at any index size, and is what other
        # processes on a shared machine slow down most: shown apart as well.
        without_embed.append(ms - stages.get("embed", 0.0) * 1000)
        for k, v in stages.items():
            totals[k] = totals.get(k, 0.0) + v
        found += answer.answer is not None
    count = len(latencies)
    # Questions the quote index answers ("What did X say?"): a few named speakers, and a
    # name nobody in the corpus has (that one also looks for reported speech).
    quote_ms = []
    for name in [*sorted(index.speakers())[:4], "Nobody Atall"]:
        started = time.perf_counter()
        qa.answer.ask.ask(index, embedder, f"What did {name} say?")
        quote_ms.append((time.perf_counter() - started) * 1000)
    verify_ms = _verify_times(index, embedder, questions[5:])
    result = {
        "questions": count,
        "ms_p50": round(statistics.median(latencies), 1),
        "ms_p95": round(percentile(latencies, 0.95), 1),
        "ms_max": round(max(latencies), 1),
        "cpu_ms_p50": round(statistics.median(cpu_ms), 1),
        "cpu_ms_p95": round(percentile(cpu_ms, 0.95), 1),
        "ms_p50_without_embed": round(statistics.median(without_embed), 1),
        "ms_p95_without_embed": round(percentile(without_embed, 0.95), 1),
        "stage_ms_mean": {k: round(v * 1000 / count, 2) for k, v in sorted(totals.items())},
        "answered": round(found / count, 3),
        "quote_question_ms_max": round(max(quote_ms), 1),
        "verify": verify_ms,
        "open_s": round(open_s, 2),
        "model_load_s": round(load_s, 2),
        "rss_after_open_mb": round(rss_open, 1),
        "rss_end_mb": round(_rss_now_mb(), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "vector_index": index.manifest.vector_index,
        "vector_params": index.manifest.vector_params,
    }
    print(json.dumps(result))


def _misremembered(quote: str) -> str:
    """A quotation as a reporter might write it down: its last word left out and two
    words in the middle swapped, so it is not there word for word and `qa verify` reads
    it by meaning (the slower path)."""
    words = quote.split()[:40]
    if len(words) > 4:
        middle = len(words) // 2
        words[middle - 1], words[middle] = words[middle], words[middle - 1]
        words = words[:-1]
    return " ".join(words)


def _verify_times(index: Any, embedder: Any, questions: list[str]) -> dict:
    """`qa verify` (``qa.verify.verify`` with the model) on the index's own quotations
    misremembered (found by meaning), and on the questions (not there at all: the whole
    meaning search runs and finds nothing); ms p50/p95 of each and of both."""
    from qa.verify import verify

    quotes = []
    for q in index.quotes()[::7]:  # spread over the corpus, not one document's
        text = index.document(q.doc_id).text[q.start : q.end]
        if len(text.split()) >= 4:
            quotes.append(_misremembered(text))
        if len(quotes) == len(questions):
            break
    timed: dict[str, list[float]] = {"misremembered": [], "absent": []}
    found = 0
    for kind, texts in (("misremembered", quotes), ("absent", questions)):
        for text in texts:
            started = time.perf_counter()
            result = verify(index, text, encoder=embedder)
            timed[kind].append((time.perf_counter() - started) * 1000)
            found += kind == "misremembered" and result.found
    both = timed["misremembered"] + timed["absent"]
    out: dict[str, Any] = {
        kind: {
            "n": len(values),
            "ms_p50": round(statistics.median(values), 1),
            "ms_p95": round(percentile(values, 0.95), 1),
        }
        for kind, values in timed.items()
        if values
    }
    out["all_ms_p95"] = round(percentile(both, 0.95), 1) if both else None
    out["misremembered_found"] = round(found / len(quotes), 3) if quotes else None
    return out


def _recall(index_dir: Path, vectors_npy: Path, n: int) -> None:
    """Recall@10 (and @100, the dense depth) of the index's dense channel against exact
    search over the same float32 vectors, on real question vectors; latency of both."""
    import numpy as np

    from qa.embedding.encoder import Embedder
    from qa.index.reader import open_index
    from qa.index.vectors import VectorIndex

    index = open_index(index_dir)
    assert index is not None
    embedder = Embedder()
    docs = corpus.real_subset(1_000)
    qvecs = embedder.encode(corpus.eval_questions(docs, n, seed=99))
    ids = np.load(vectors_npy.with_suffix(".ids.npy"))
    flat = VectorIndex.new(qvecs.shape[1])
    data = np.load(vectors_npy, mmap_mode="r")
    for start in range(0, len(ids), 100_000):
        flat.add(ids[start : start + 100_000].tolist(), data[start : start + 100_000])
    out: dict[str, Any] = {}
    for k in (10, 100):
        ann_ms, exact_ms, hits = [], [], 0
        for q in qvecs:
            t = time.perf_counter()
            got = index.dense(q, k)
            ann_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            want = flat.search(q, k)
            exact_ms.append((time.perf_counter() - t) * 1000)
            hits += len({i for i, _ in got} & {i for i, _ in want})
        out[f"recall@{k}"] = round(hits / (k * len(qvecs)), 4)
        out[f"ann_ms_p50@{k}"] = round(statistics.median(ann_ms), 2)
        out[f"ann_ms_p95@{k}"] = round(percentile(ann_ms, 0.95), 2)
        out[f"exact_ms_p50@{k}"] = round(statistics.median(exact_ms), 2)
        out[f"exact_ms_p95@{k}"] = round(percentile(exact_ms, 0.95), 2)
    out["queries"] = len(qvecs)
    out["vector_params"] = index.manifest.vector_params
    print(json.dumps(out))


def _build_synthetic(index_dir: Path, size: int, cache_dir: Path, save: Path | None) -> None:
    cache = corpus.load_cache(cache_dir)

    def progress(stage: str, done: int, total: int) -> None:
        if stage != "store" or done % 50_000 < 500:
            print(f"  {stage} {done}/{total}", file=sys.stderr, flush=True)

    timings = corpus.write_synthetic_index(
        index_dir, cache, size, save_vectors=save, progress=progress
    )
    usage = resource.getrusage(resource.RUSAGE_SELF)
    timings["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)
    timings["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    print(json.dumps(timings))


class _StubEmbedder:
    """Stands in for the model when building the incremental test's index: the re-run
    being measured embeds nothing, so the build need not pay 20 minutes for real vectors."""

    from qa.embedding.model import DIMENSIONS as dimensions
    from qa.embedding.model import MODEL_NAME as name
    from qa.embedding.model import MODEL_SHA256 as sha256

    loaded = True

    def load(self) -> None:
        pass

    def encode_many(self, texts: list[str], progress: Any = None) -> Any:
        import numpy as np

        rng = np.random.default_rng(len(texts))
        out = rng.normal(size=(len(texts), self.dimensions)).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def _build_small(folder: Path, index_dir: Path) -> None:
    """Write ``SMALL_DOCS`` small real documents (paragraph groups of the eval texts)
    and index them with the real indexer (stub vectors); print the build's figures."""
    from qa.index.builder import build_index

    docs = corpus.eval_documents()
    pieces = []
    for doc in docs:
        paragraphs = [p for p in doc["text"].split("\n") if p.strip()]
        piece = ""
        for p in paragraphs:
            piece = f"{piece}\n\n{p}" if piece else p
            if len(piece) > 400:
                pieces.append(piece)
                piece = ""
    for i in range(SMALL_DOCS):
        path = folder / f"{i // 1000:02d}" / f"{i:05d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = pieces[i % len(pieces)]
        if i >= len(pieces):
            text = f"Item {i}.\n\n{text}"
        path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    report = build_index([folder], index_dir, embedder=_StubEmbedder())  # type: ignore[arg-type]
    print(
        json.dumps(
            {
                "documents": report.documents,
                "chunks": report.chunks,
                "build_s_stub_vectors": round(time.perf_counter() - started, 1),
            }
        )
    )


# -- start-up -----------------------------------------------------------------------------


def _pty_run(args: list[str], question: str | None, wait_for: str, timeout: float = 120) -> dict:
    """Start ``args`` on a pseudo-terminal; seconds to its first frame (the question box's
    placeholder drawn), and, when ``question`` is given, typed at once, to ``wait_for``."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ["COLUMNS"], os.environ["LINES"] = "120", "40"
        os.execv(args[0], args)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    started = time.perf_counter()
    buffer = b""
    first = answer = None
    deadline = started + timeout
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            buffer += chunk
            # Matched in the text a terminal shows: the question box's cursor is drawn
            # over the placeholder's first letter, so the raw bytes hold the words in one
            # piece only once the cursor first blinks off, 0.5-1 s after the real frame.
            plain = visible(buffer)
            if first is None and "Ask a question" in plain:
                first = time.perf_counter() - started
                buffer = b""
                if question is None:
                    break
                os.write(fd, question.encode() + b"\r")
            elif first is not None and wait_for in plain:
                answer = time.perf_counter() - started
                break
    close_chat(pid, fd)
    return {"first_frame_s": first, "first_answer_s": answer}


def measure_startup(index_dir: Path) -> dict:
    out: dict[str, Any] = {}

    def cpu_children() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    for name, argv in (("help", [str(QA), "--help"]), ("python_bare", [PYTHON, "-c", "pass"])):
        wall, cpu = [], []
        for _ in range(7):
            started, before = time.perf_counter(), cpu_children()
            subprocess.run(argv, capture_output=True, check=True)
            wall.append(time.perf_counter() - started)
            cpu.append(cpu_children() - before)
        out[f"{name}_s_median"] = round(statistics.median(wall), 3)
        out[f"{name}_cpu_s_median"] = round(statistics.median(cpu), 3)

    question = "What is the Rhine?"  # plain words, no quote routing
    _, _, raw = run_child([str(QA), "ask", question, "--index", str(index_dir), "--json"])
    source = json.loads(raw.splitlines()[0])["passages"][0]["source"]
    wait_for = Path(source).name
    frames, answers = [], []
    for _ in range(3):
        got = _pty_run([str(QA), "chat", "--index", str(index_dir)], question, wait_for)
        if got["first_frame_s"] is not None:
            frames.append(got["first_frame_s"])
        if got["first_answer_s"] is not None:
            answers.append(got["first_answer_s"])
    out["chat_first_frame_s"] = [round(x, 3) for x in frames]
    out["chat_first_answer_s"] = [round(x, 3) for x in answers]
    cold = []
    for _ in range(3):
        seconds, peak, _ = timed_qa(["ask", question, "--index", str(index_dir)])
        cold.append(seconds)
    out["cold_ask_s"] = [round(x, 2) for x in cold]
    out["cold_ask_peak_rss_mb"] = peak
    return out


# -- the suite --------------------------------------------------------------------------


def timed_real_build(paths: list[str], index_dir: Path) -> dict:
    """`qa index PATHS` into ``index_dir`` with real embedding, timed: its figures."""
    seconds, peak, _ = timed_qa(["index", *paths, "--index", str(index_dir)])
    manifest = json.loads((index_dir / "manifest.json").read_text())
    return {
        "chunks": manifest["chunks"],
        "documents": len(manifest["documents"]),
        "built_by": "qa index (real embedding)",
        "build_s": round(seconds, 1),
        "build_cpu_s": round(LAST_CPU_S[0], 1),
        "chunks_per_s": round(manifest["chunks"] / seconds, 2),
        "build_peak_rss_mb": peak,
        "disk_mb": round(corpus.index_bytes(index_dir) / 1e6, 1),
        "vector_index": manifest["vector_index"],
    }


def stage_real(work: Path) -> tuple[dict, Path]:
    """`qa index` on ~1k chunks of real documents (embedding included); then, on a copy,
    `qa index` over all the eval documents, which embeds only the rest: that index is
    the cache the larger sizes are made from."""
    index_1k = work / "index-1k"
    record = work / "real-1k.json"
    cache = work / "cache"
    if record.exists() and (cache / "chunk_vectors.npy").exists():
        return json.loads(record.read_text()), index_1k
    folder = work / "corpus-real"
    docs = corpus.eval_documents()
    paths = corpus.write_real_corpus(folder, docs)
    chosen = {(d["set"], d["id"]) for d in corpus.real_subset(1_000)}
    subset = [str(p) for p, d in zip(paths, docs, strict=True) if (d["set"], d["id"]) in chosen]
    shutil.rmtree(index_1k, ignore_errors=True)
    row = {"size": "1k", **timed_real_build(subset, index_1k)}
    index_all = work / "index-real"
    shutil.rmtree(index_all, ignore_errors=True)
    shutil.copytree(index_1k, index_all)
    seconds, _, _ = timed_qa(["index", str(folder), "--index", str(index_all)])
    manifest = json.loads((index_all / "manifest.json").read_text())
    row["real_all"] = {
        "chunks": manifest["chunks"],
        "new_chunks": manifest["chunks"] - row["chunks"],
        "incremental_build_s": round(seconds, 1),
    }
    corpus.build_cache([index_all], cache)
    shutil.rmtree(index_all, ignore_errors=True)
    record.write_text(json.dumps(row))
    return row, index_1k


# Varied copies of every eval document (1,990 chunks a copy) for the real build at 10k.
REAL_10K_COPIES = 5


def stage_real_10k(work: Path) -> dict:
    """`qa index` with real embedding at ~10k chunks, where it still fits in minutes:
    every eval document five times, each copy after the first varied (fresh digits,
    some names replaced, as the synthetic sizes vary theirs), written as files."""
    import random

    folder = work / "corpus-real-10k"
    index_dir = work / "index-real-10k"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(index_dir, ignore_errors=True)
    rng = random.Random(11)
    docs = corpus.eval_documents()
    for copy in range(REAL_10K_COPIES):
        for doc in docs:
            path = folder / f"copy{copy}" / doc["set"] / corpus.doc_filename(doc["id"])
            path.parent.mkdir(parents=True, exist_ok=True)
            text = corpus.vary(doc["text"], rng) if copy else doc["text"]
            path.write_text(text, encoding="utf-8")
    row = timed_real_build([str(folder)], index_dir)
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(index_dir, ignore_errors=True)
    return row


def stage_synthetic(work: Path, size_name: str, questions: int) -> dict:
    size = SIZES[size_name]
    index_dir = work / f"index-{size_name}"
    save = work / f"vectors-{size_name}.npy"
    record = work / f"build-{size_name}.json"
    if record.exists() and (index_dir / "manifest.json").exists() and save.exists():
        built = json.loads(record.read_text())  # built by an earlier, interrupted run
        seconds = built["wall_s"]
    else:
        shutil.rmtree(index_dir, ignore_errors=True)
        print(f"[{size_name}] building", file=sys.stderr, flush=True)
        seconds, _, raw = run_child(
            worker("_build-synthetic", str(index_dir), str(size), str(work / "cache"), str(save))
        )
        built = json.loads(raw.splitlines()[-1])
        record.write_text(json.dumps({**built, "wall_s": seconds}))
    manifest = json.loads((index_dir / "manifest.json").read_text())
    row = {
        "size": size_name,
        "chunks": built["chunks"],
        "documents": built["documents"],
        "built_by": "stored vectors of real chunks (no embedding)",
        "build_s": round(seconds, 1),
        "build_cpu_s": built.get("cpu_s"),
        "store_s": round(built["store_s"], 1),
        "vectors_s": round(built["vectors_s"], 1),
        "chunks_per_s": round(built["chunks"] / seconds, 1),
        "build_peak_rss_mb": built["peak_rss_mb"],
        "disk_mb": round(corpus.index_bytes(index_dir) / 1e6, 1),
        "vector_index": manifest["vector_index"],
        "vector_params": manifest.get("vector_params", {}),
    }
    print(f"[{size_name}] questions", file=sys.stderr, flush=True)
    row.update(measure_questions(index_dir, questions))
    if manifest["vector_index"] != "flat-ip":
        print(f"[{size_name}] recall and exact twin", file=sys.stderr, flush=True)
        _, _, raw = run_child(worker("_recall", str(index_dir), str(save), str(questions)))
        row["recall"] = json.loads(raw.splitlines()[-1])
        twin = make_exact_twin(index_dir, save)
        _, _, raw = run_child(worker("_measure", str(twin), str(questions)))
        row["ask_exact"] = json.loads(raw.splitlines()[-1])
        row["disk_mb_exact"] = round(corpus.index_bytes(twin) / 1e6, 1)
        shutil.rmtree(twin, ignore_errors=True)
    save.unlink(missing_ok=True)
    save.with_suffix(".ids.npy").unlink(missing_ok=True)
    return row


def measure_questions(index_dir: Path, questions: int) -> dict:
    """Questions as users run them, then with torch and FAISS on one OpenMP thread.

    With two threads on a machine whose two cores are shared, the second thread's
    spin-waits cost more than it gives: the question's embedding took 346 ms a question
    instead of 55 ms in a side-by-side run here. The second figure shows what a
    one-thread setting for single questions would give.
    """
    out = {}
    for key, env in (("ask", None), ("ask_1thread", {**os.environ, "OMP_NUM_THREADS": "1"})):
        _, _, raw = run_child(worker("_measure", str(index_dir), str(questions)), env=env)
        out[key] = json.loads(raw.splitlines()[-1])
    return out


def make_exact_twin(index_dir: Path, vectors_npy: Path) -> Path:
    """The same store (hard link) with an exact flat index, for side-by-side figures."""
    import numpy as np

    from qa.files import sha256_file

    manifest = json.loads((index_dir / "manifest.json").read_text())
    twin = index_dir.with_name(index_dir.name + "-exact")
    shutil.rmtree(twin, ignore_errors=True)
    gen = twin / manifest["generation"]
    gen.mkdir(parents=True)
    os.link(index_dir / manifest["generation"] / "store.sqlite", gen / "store.sqlite")
    from qa.index.vectors import VectorIndex

    flat = VectorIndex.new(manifest["dimensions"])
    data = np.load(vectors_npy, mmap_mode="r")
    ids = np.load(vectors_npy.with_suffix(".ids.npy"))
    for start in range(0, len(ids), 100_000):
        flat.add(ids[start : start + 100_000].tolist(), data[start : start + 100_000])
    flat.save(gen / "vectors.faiss")
    del flat
    manifest["vector_index"], manifest["vector_params"] = "flat-ip", {}
    if "vectors_sha256" in manifest:
        manifest["vectors_bytes"] = (gen / "vectors.faiss").stat().st_size
        manifest["vectors_sha256"] = sha256_file(gen / "vectors.faiss")
    (twin / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return twin


def stage_incremental(work: Path) -> dict:
    folder = work / "corpus-small"
    index_dir = work / "index-small"
    record = work / "small.json"
    if record.exists() and (index_dir / "manifest.json").exists():
        out = json.loads(record.read_text())  # built by an earlier run (13 min here)
    else:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(index_dir, ignore_errors=True)
        print("[incremental] building 10k small documents", file=sys.stderr, flush=True)
        # Sources are recorded as given: build and re-runs name the folder the same way
        # (relative to the project), or every document would look new.
        _, _, raw = run_child(
            worker("_build-small", str(folder.relative_to(ROOT)), str(index_dir)), cwd=ROOT
        )
        out = json.loads(raw.splitlines()[-1])
        record.write_text(json.dumps(out))
    runs, cpu = [], []
    for _ in range(3):
        seconds, peak, _ = timed_qa(
            ["index", str(folder.relative_to(ROOT)), "--index", str(index_dir)], cwd=ROOT
        )
        runs.append(seconds)
        cpu.append(LAST_CPU_S[0])
    out["unchanged_reindex_s"] = [round(x, 2) for x in runs]
    out["unchanged_reindex_cpu_s"] = [round(x, 2) for x in cpu]
    out["unchanged_reindex_peak_rss_mb"] = peak
    return out


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    chunks = [r["chunks"] for r in rows]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))
    ax = axes[0]
    ax.plot(chunks, [r["ask"]["ms_p50"] for r in rows], "o-", label="p50")
    ax.plot(chunks, [r["ask"]["ms_p95"] for r in rows], "o-", label="p95")
    single = [(r["chunks"], r["ask_1thread"]["ms_p95"]) for r in rows if "ask_1thread" in r]
    if single:
        ax.plot(*zip(*single, strict=True), "o:", label="p95, OMP_NUM_THREADS=1")
    exact = [(r["chunks"], r["ask_exact"]["ms_p95"]) for r in rows if "ask_exact" in r]
    if exact:
        ax.plot(*zip(*exact, strict=True), "x--", label="p95, exact index (side by side)")
    ax.axhline(100, color="grey", lw=0.5, ls=":")
    ax.axhline(250, color="grey", lw=0.5, ls=":")
    ax.set(xscale="log", xlabel="chunks", ylabel="ms per question (all stages)", title="Questions")
    ax.legend()
    ax = axes[1]
    ax.plot(chunks, [r["ask"]["peak_rss_mb"] for r in rows], "o-", label="answering (peak RSS)")
    ax.plot(chunks, [r["build_peak_rss_mb"] for r in rows], "o-", label="building (peak RSS)")
    exact = [(r["chunks"], r["ask_exact"]["peak_rss_mb"]) for r in rows if "ask_exact" in r]
    if exact:
        ax.plot(*zip(*exact, strict=True), "x--", label="answering, exact index")
    ax.plot(chunks, [r["disk_mb"] for r in rows], "s-", label="index on disk")
    ax.axhline(2048, color="grey", lw=0.5, ls=":")
    ax.set(xscale="log", yscale="log", xlabel="chunks", ylabel="MB", title="Memory and disk")
    ax.legend()
    ax = axes[2]
    ax.plot(chunks, [r["build_s"] for r in rows], "o-", label="build (1k: embedding; rest: not)")
    rate = rows[0]["chunks_per_s"] if rows[0]["size"] == "1k" else None
    if rate:
        ax.plot(
            chunks, [c / rate for c in chunks], "--", label=f"with embedding at {rate} chunks/s"
        )
    ax.set(xscale="log", yscale="log", xlabel="chunks", ylabel="seconds", title="Index build")
    ax.legend()
    fig.suptitle(f"qa at scale ({os.cpu_count()} cores, {platform.machine()})")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)


def table(rows: list[dict]) -> str:
    head = (
        "| chunks | vector index | build s (chunks/s) | ms p50 / p95 | ms p50 / p95, 1 thread "
        "| CPU ms p50 / p95 | peak RSS MB | disk MB | exact twin: ms p50 / p95, RSS MB "
        "| recall@10 ANN vs exact | dense ms p50: ANN / exact |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        a, one, ex, rc = r["ask"], r.get("ask_1thread"), r.get("ask_exact"), r.get("recall")
        twin = f"{ex['ms_p50']} / {ex['ms_p95']}, {ex['peak_rss_mb']}" if ex else "-"
        single = f"{one['ms_p50']} / {one['ms_p95']}" if one else "-"
        recall = str(rc["recall@10"]) if rc else "-"
        dense = f"{rc['ann_ms_p50@10']} / {rc['exact_ms_p50@10']}" if rc else "-"
        lines.append(
            f"| {r['chunks']:,} | {r.get('vector_index', 'flat-ip')} "
            f"| {r['build_s']} ({r['chunks_per_s']}) | {a['ms_p50']} / {a['ms_p95']} "
            f"| {single} | {a['cpu_ms_p50']} / {a['cpu_ms_p95']} | {a['peak_rss_mb']} "
            f"| {r['disk_mb']} | {twin} | {recall} | {dense} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1k,10k,100k,1m")
    parser.add_argument("--only", default="sizes,real10k,startup,incremental")
    parser.add_argument("--questions", type=int, default=QUESTIONS)
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--keep", action="store_true", help="keep the work files")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    only = set(args.only.split(","))
    result: dict[str, Any] = {
        "machine": f"{platform.platform()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "python": platform.python_version(),
        "questions": args.questions,
        "rows": [],
    }
    partial = args.work / "partial.json"
    done: dict[str, Any] = json.loads(partial.read_text()) if partial.exists() else {}
    print("[1k] real `qa index`", file=sys.stderr, flush=True)
    row_1k, index_1k = stage_real(args.work)
    if "sizes" in only:
        for name in args.sizes.split(","):
            if name == "1k":
                row = {**row_1k, **measure_questions(index_1k, args.questions)}
            else:
                row = done.get(name) or stage_synthetic(args.work, name, args.questions)
                if not args.keep:
                    shutil.rmtree(args.work / f"index-{name}", ignore_errors=True)
            done[name] = row
            partial.write_text(json.dumps(done, indent=1))
            result["rows"].append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
    if "real10k" in only:
        print("[10k] real `qa index`", file=sys.stderr, flush=True)
        result["real_10k"] = stage_real_10k(args.work)
        print(json.dumps(result["real_10k"]), file=sys.stderr, flush=True)
    if "startup" in only:
        result["startup"] = measure_startup(index_1k)
        print(json.dumps(result["startup"]), file=sys.stderr, flush=True)
    if "incremental" in only:
        result["incremental"] = stage_incremental(args.work)
        print(json.dumps(result["incremental"]), file=sys.stderr, flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"scale-{stamp}.json").write_text(json.dumps(result, indent=1))
    if result["rows"]:
        plot(result["rows"], PLOT)
        print(table(result["rows"]))
    if not args.keep:
        shutil.rmtree(args.work, ignore_errors=True)


def _dispatch() -> None:
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "_exec":
        _exec(rest)
    elif command == "_measure":
        _measure(Path(rest[0]), int(rest[1]))
    elif command == "_recall":
        _recall(Path(rest[0]), Path(rest[1]), int(rest[2]))
    elif command == "_build-synthetic":
        _build_synthetic(Path(rest[0]), int(rest[1]), Path(rest[2]), Path(rest[3]))
    elif command == "_build-small":
        _build_small(Path(rest[0]), Path(rest[1]))
    else:
        raise SystemExit(f"unknown worker {command}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        _dispatch()
    else:
        main()
