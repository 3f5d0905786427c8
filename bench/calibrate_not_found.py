"""Calibrate "not found": how often a real answer is withheld, how often a non-answer shown.

    .venv/bin/python bench/calibrate_not_found.py ../shared/eval/squad ../shared/eval/covidqa
    .venv/bin/python bench/calibrate_not_found.py ... --write   # store the chosen threshold

For each set, its documents are indexed (under bench/work/, shared with fit_weights.py)
and asked two kinds of question through `qa ask`'s retrieval and reranking:

- the set's own questions (answerable): a withheld answer is a loss when the top passage
  did hold the gold answer ("right answers withheld");
- questions written to sound like the documents but that they cannot answer
  (bench/unanswerable/<set>.jsonl): any answer shown is a false answer ("non-answers
  shown"). Questions of the *other* set, asked here, are reported too (off-topic).

The top passage's score is the model's chance that it answers; "not found" is said below
a threshold. The table gives both error rates for a range of thresholds; the chosen one
is the highest threshold that withholds at most ``--max-withheld`` of right answers,
because a reporter can still read the weak passages of a withheld answer, but is misled
by a confident answer to a question the documents cannot answer.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from qa.answer.ask import answer_question
from qa.embedding.encoder import Embedder
from qa.evaluation import MAX_PASSAGE, holds_gold, load_questions, write_corpus
from qa.index.builder import build_index
from qa.index.reader import open_index
from qa.ingest.chunking import DEFAULT_TARGET_CHARS

HERE = Path(__file__).parent
WORK = HERE / "work"
UNANSWERABLE = HERE / "unanswerable"
WEIGHTS = HERE.parent / "src" / "qa" / "answer" / "weights.json"
THRESHOLDS = (0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)


def top_score(answer: object) -> float:
    passages = answer.passages  # type: ignore[attr-defined]
    if not passages:
        return 0.0
    if passages[0].match == "exact":
        return 1.0  # a phrase asked for word for word and found is always shown
    return float(passages[0].score)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", type=Path)
    parser.add_argument("--max-withheld", type=float, default=0.03)
    parser.add_argument("--write", action="store_true", help="store the threshold in weights.json")
    args = parser.parse_args()
    embedder = Embedder()
    indexes = {}
    for dataset in args.datasets:
        corpus = WORK / dataset.name / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        names = write_corpus(dataset, corpus)
        index_dir = WORK / dataset.name / f"index-{DEFAULT_TARGET_CHARS}"
        build_index([corpus], index_dir, embedder=embedder)
        index = open_index(index_dir)
        assert index is not None
        indexes[dataset.name] = (dataset, index, names, corpus)

    right: list[float] = []  # top scores of answerable questions whose top passage is right
    unanswerable: list[float] = []
    off_topic: list[float] = []
    for name, (dataset, index, names, corpus) in indexes.items():
        for q in load_questions(dataset):
            answer = answer_question(index, embedder, q.question)
            top = answer.passages[0] if answer.passages else None
            expected = str(corpus / names[q.doc_id])
            if (
                top
                and top.source == expected
                and holds_gold(top.start, top.end, q.answers, MAX_PASSAGE)
            ):
                right.append(top_score(answer))
        path = UNANSWERABLE / f"{name}.jsonl"
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    question = json.loads(line)["question"]
                    unanswerable.append(top_score(answer_question(index, embedder, question)))
        for other, (odataset, _, _, _) in indexes.items():
            if other != name:
                for q in load_questions(odataset)[:500]:
                    off_topic.append(top_score(answer_question(index, embedder, q.question)))
        print(f"{name}: done", file=sys.stderr)

    r, u, o = np.array(right), np.array(unanswerable), np.array(off_topic)
    print(f"right answers: {len(r)}, unanswerable (in-domain): {len(u)}, off-topic: {len(o)}")
    print("| threshold | right answers withheld | in-domain non-answers shown | off-topic shown |")
    print("|---|---|---|---|")
    chosen = THRESHOLDS[0]
    for t in THRESHOLDS:
        withheld = float((r < t).mean()) if len(r) else 0.0
        shown = float((u >= t).mean()) if len(u) else float("nan")
        shown_off = float((o >= t).mean()) if len(o) else float("nan")
        print(f"| {t:.2f} | {withheld:.1%} | {shown:.1%} | {shown_off:.1%} |")
        if withheld <= args.max_withheld:
            chosen = t
    print(
        f"chosen threshold: {chosen} (withholds at most {args.max_withheld:.0%} of right answers)"
    )
    if args.write:
        data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
        data["found_threshold"] = chosen
        WEIGHTS.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS}")


if __name__ == "__main__":
    main()
