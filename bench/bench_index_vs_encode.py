"""`qa index` against a bare `SentenceTransformer.encode` of the same words, one run.

    .venv/bin/python bench/bench_index_vs_encode.py [DATASET_DIR]   # default: ../shared/eval/squad
    .venv/bin/python bench/bench_index_vs_encode.py --rounds 3      # medians of 3 pairs

Writes the set's documents as files, times the whole `qa index` (model load,
extraction, chunking, quotes, embedding, FTS5, FAISS, manifest) in a child process,
then in another child loads the model and times `encode` over the same chunks' texts
(what a user would embed with the library alone: each chunk whole, batch 64, sorted
by length as sentence-transformers does). Both include the model load; the bare side's
clock starts at its `import sentence_transformers`, as a script's would.

Other jobs share this machine's two cores and can double either figure from one minute
to the next, so each measurement notes the load average, and with ``--rounds`` the
pairs alternate which side runs first and the medians are compared.
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

HERE = Path(__file__).parent
DEFAULT = HERE.parent.parent / "shared" / "eval" / "squad"

BARE = """
import json, sys, time
texts = json.load(open(sys.argv[1], encoding="utf-8"))
started = time.perf_counter()
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(sys.argv[2], device="cpu", local_files_only=True)
model.encode(texts, batch_size=64, normalize_embeddings=True)
print(time.perf_counter() - started)
"""


def load() -> float:
    return os.getloadavg()[0]


def time_qa_index(corpus: Path, index_dir: Path) -> float:
    qa = Path(sys.executable).parent / "qa"
    started = time.perf_counter()
    subprocess.run(
        [str(qa), "index", str(corpus), "--index", str(index_dir), "--rebuild"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ | {"CI": "1"},
    )
    return time.perf_counter() - started


def time_bare_encode(texts_file: Path) -> float:
    from qa.embedding.model import model_dir

    out = subprocess.run(
        [sys.executable, "-c", BARE, str(texts_file), str(model_dir())],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ | {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
    )
    return float(out.stdout.strip().splitlines()[-1])


def chunk_texts(index_dir: Path) -> list[str]:
    from qa.index.reader import open_index

    index = open_index(index_dir)
    assert index is not None
    chunks = index.chunks(index.chunk_ids())
    texts = [index.document(c.doc_id).text[c.start : c.end] for c in chunks.values()]
    index.close()
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=1, help="pairs to time (default 1)")
    args = parser.parse_args()
    from qa.embedding.onnx import ensure_export
    from qa.evaluation import write_corpus

    # `qa index` makes the question encoder's export once per machine (~15 s) when there
    # is none: made here first, so every round times the same, steady-state work.
    ensure_export()
    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        write_corpus(args.dataset, corpus)
        index_dir = Path(tmp) / "index"
        texts_file = Path(tmp) / "texts.json"
        rounds = []
        for n in range(args.rounds):
            # Round 1 times qa first (so the chunks exist); later rounds alternate.
            order = ("qa", "bare") if n % 2 == 0 else ("bare", "qa")
            got: dict[str, float] = {}
            for side in order:
                before = load()
                if side == "qa":
                    got["qa_index_s"] = time_qa_index(corpus, index_dir)
                    if not texts_file.exists():
                        texts = chunk_texts(index_dir)
                        texts_file.write_text(json.dumps(texts), encoding="utf-8")
                else:
                    got["bare_encode_s"] = time_bare_encode(texts_file)
                got[f"{side}_load"] = round((before + load()) / 2, 2)
            rounds.append(got)
        chunks = len(json.loads(texts_file.read_text(encoding="utf-8")))
    qa_s = statistics.median(r["qa_index_s"] for r in rounds)
    bare_s = statistics.median(r["bare_encode_s"] for r in rounds)
    result = {
        "dataset": args.dataset.name,
        "chunks": chunks,
        "qa_index_s": round(qa_s, 1),
        "bare_encode_s": round(bare_s, 1),
        "ratio": round(qa_s / bare_s, 2),
    }
    if args.rounds > 1:
        result["rounds"] = [
            {k: round(v, 1) if k.endswith("_s") else v for k, v in r.items()} for r in rounds
        ]
    else:
        result["load"] = rounds[0]["qa_load"], rounds[0]["bare_load"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
