"""`qa index` against a bare `SentenceTransformer.encode` of the same words, one run.

    .venv/bin/python bench/bench_index_vs_encode.py [DATASET_DIR]   # default: shared/eval/squad

Writes the set's documents as files, times the whole `qa index` (model load,
extraction, chunking, quotes, embedding, FTS5, FAISS, manifest) in a child process,
then in this process loads the model and times `encode` over the same chunks' texts
(what a user would embed with the library alone: each chunk whole, batch 64, sorted
by length as sentence-transformers does). Both include the model load.
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

HERE = Path(__file__).parent
DEFAULT = HERE.parent.parent / "shared" / "eval" / "squad"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=DEFAULT)
    args = parser.parse_args()
    from qa.evaluation import write_corpus

    with tempfile.TemporaryDirectory(prefix="qa-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        write_corpus(args.dataset, corpus)
        qa = Path(sys.executable).parent / "qa"
        started = time.perf_counter()
        subprocess.run(
            [str(qa), "index", str(corpus), "--index", str(Path(tmp) / "index")],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=os.environ | {"CI": "1"},
        )
        qa_index = time.perf_counter() - started

        from qa.index import open_index

        index = open_index(Path(tmp) / "index")
        assert index is not None
        store = index.store
        chunks = store.chunks(list(store.iter_chunk_ids()))
        texts = [store.document_text(c.doc_id).text[c.start : c.end] for c in chunks.values()]
        started = time.perf_counter()
        from sentence_transformers import SentenceTransformer

        from qa.embedding import model_dir

        model = SentenceTransformer(str(model_dir()), device="cpu", local_files_only=True)
        model.encode(texts, batch_size=64, normalize_embeddings=True)
        bare = time.perf_counter() - started
    print(
        json.dumps(
            {
                "dataset": args.dataset.name,
                "chunks": len(texts),
                "qa_index_s": round(qa_index, 1),
                "bare_encode_s": round(bare, 1),
                "ratio": round(qa_index / bare, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
