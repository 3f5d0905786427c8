"""Misremembered quotes: does `qa verify` find the real words, and never invent a speaker?

    .venv/bin/python bench/bench_misquotes.py                 # the dev half
    .venv/bin/python bench/bench_misquotes.py --split holdout # the half not tuned on
    .venv/bin/python bench/bench_misquotes.py --errors F      # every miss to F (JSON lines)

On ``bench/misquotes/`` (hand-written, see its README), over an index of the bundled
article and ``bench/quotes/articles`` (built once under ``bench/work/misquotes``, kept):

- misquotes: top-1 right (the first match overlaps the real words by at least half of
  the shorter span), by kind; its speaker right; "Who said …?" through ``qa ask`` right
  (the answer's words and speaker);
- invented quotes: the share graded ``paraphrase`` or better (target ≤ 10%);
- topics: "What did SPEAKER say about TOPIC?": the first quotation listed is on the topic
  (hit@1), and the mean reciprocal rank of the first that is;
- `qa verify` time per misquote (ms p50/p95, model loaded and warm).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from qa.embedding.encoder import Embedder
from qa.evaluation.misquotes import SPLITS, evaluate_misquotes
from qa.index.builder import build_index
from qa.index.reader import open_index
from qa.verify import verify

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "bench" / "misquotes"
INDEX = ROOT / "bench" / "work" / "misquotes" / "index"
ARTICLES = [ROOT / "docs" / "north-korean-troops-in-russia.txt", ROOT / "bench/quotes/articles"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--errors", type=Path, default=None, help="write every miss here")
    args = parser.parse_args()
    embedder = Embedder()
    build_index(ARTICLES, INDEX, embedder=embedder)  # unchanged files are skipped
    index = open_index(INDEX)
    assert index is not None
    verify(index, "warm-up", encoder=embedder)
    scores = evaluate_misquotes(index, embedder, SET, ROOT, args.split)
    print(json.dumps({"split": args.split, **scores.summary()}, ensure_ascii=False))
    if args.errors:
        with args.errors.open("w", encoding="utf-8") as out:
            for miss in scores.misses:
                out.write(json.dumps(miss, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
