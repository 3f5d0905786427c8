"""The answer step alone, on indexes kept between runs: short answers, spans, not found.

    .venv/bin/python bench/answer_checks.py ../shared/eval/squad ../shared/eval/covidqa

Indexes each set once under bench/work/ (shared with calibrate_not_found.py and
fit_weights.py) and asks every question, then every in-domain unanswerable question
(bench/unanswerable/<set>.jsonl). Besides bench_core's figures it counts what a reader
of a short answer meets: a short answer is *right* when it holds a gold answer (with
its qualifier or unit: "more than 100" for "100"), *wrong* when it shares no word with
any gold answer, and partial otherwise. Fast enough to run after each change of the
answer step (the indexes are reused); bench_core.py stays the figure of record.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from qa.answer.ask import ask
from qa.answer.question import Question
from qa.answer.short import _score, candidates
from qa.embedding.encoder import Embedder
from qa.evaluation.shared_eval import (
    MAX_PASSAGE,
    MAX_SPAN,
    _norm,
    holds_gold,
    load_questions,
    token_f1,
    write_corpus,
)
from qa.index.builder import build_index
from qa.index.reader import open_index
from qa.ingest.chunking import DEFAULT_TARGET_CHARS

HERE = Path(__file__).parent
WORK = HERE / "work"
UNANSWERABLE = HERE / "unanswerable"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--show-wrong", type=int, default=0, help="print N wrong short answers")
    parser.add_argument("--dump", type=Path, default=None, help="write each short answer's case")
    args = parser.parse_args()
    embedder = Embedder()
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    for dataset in args.datasets:
        corpus = WORK / dataset.name / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        names = write_corpus(dataset, corpus)
        index_dir = WORK / dataset.name / f"index-{DEFAULT_TARGET_CHARS}"
        build_index([corpus], index_dir, embedder=embedder)
        index = open_index(index_dir)
        assert index is not None
        n = hit1 = span = not_found = given = exact = right = wrong = 0
        f1 = 0.0
        by_type: dict[str, list[int]] = {}  # wanted type -> [given, wrong]
        ms: list[float] = []
        shown_wrong = 0
        for q in load_questions(dataset)[: args.limit]:
            expected = str(corpus / names[q.doc_id])
            t0 = time.perf_counter()
            answer = ask(index, embedder, q.question)
            ms.append((time.perf_counter() - t0) * 1000)
            n += 1
            top = answer.passages[0] if answer.passages else None
            if (
                top
                and top.source == expected
                and holds_gold(top.start, top.end, q.answers, MAX_PASSAGE)
            ):
                hit1 += 1
            a = answer.answer
            if a is None:
                not_found += 1
                continue
            if a.source == expected and holds_gold(a.start, a.end, q.answers, MAX_SPAN):
                span += 1
            if a.short_text is None:
                continue
            given += 1
            kind = by_type.setdefault(str(Question.parse(q.question).wanted), [0, 0])
            kind[0] += 1
            said = _norm(a.short_text)
            golds = [_norm(g.text) for g in q.answers]
            exact += any(said == g for g in golds)
            f1 += max(token_f1(a.short_text, g.text) for g in q.answers)
            if dump is not None:
                doc = index.document_by_source(a.source)
                assert doc is not None
                parsed = Question.parse(q.question)
                scores = sorted(
                    (
                        _score(parsed, doc.text, c, a.start, a.end)
                        for c in candidates(parsed, doc.text, a.start, a.end)
                    ),
                    reverse=True,
                )
                case = {
                    "set": dataset.name,
                    "kind": parsed.wanted,
                    "scores": scores,
                    "passage_score": a.score,
                    "said": a.short_text,
                    "right": any(g and g in said for g in golds),
                    "wrong": all(token_f1(a.short_text, g.text) == 0 for g in q.answers),
                    "q": q.question,
                }
                dump.write(json.dumps(case) + "\n")
            if any(g and g in said for g in golds):
                right += 1
            elif all(token_f1(a.short_text, g.text) == 0 for g in q.answers):
                wrong += 1
                kind[1] += 1
                if shown_wrong < args.show_wrong:
                    shown_wrong += 1
                    print(f"  WRONG {q.question!r} -> {a.short_text!r} gold {golds[:2]}")
        unanswerable = answered = 0
        path = UNANSWERABLE / f"{dataset.name}.jsonl"
        if path.exists() and args.limit is None:
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    unanswerable += 1
                    answered += (
                        ask(index, embedder, json.loads(line)["question"]).answer is not None
                    )
        index.close()
        g = max(given, 1)
        row = {
            "dataset": dataset.name,
            "questions": n,
            "hit@1": round(hit1 / n, 4),
            "span": round(span / n, 4),
            "not_found": round(not_found / n, 4),
            "short_given": round(given / n, 4),
            "short_em": round(exact / g, 4),
            "short_f1": round(f1 / g, 4),
            "short_holds_gold": round(right / g, 4),
            "short_wrong": round(wrong / g, 4),
            "unanswerable_answered": round(answered / max(unanswerable, 1), 4),
            "short_given_wrong_by_type": by_type,
            "ms_p50": round(float(np.percentile(ms, 50)), 1),
            "ms_p95": round(float(np.percentile(ms, 95)), 1),
        }
        print(json.dumps(row), flush=True)
    print("done", file=sys.stderr)


if __name__ == "__main__":
    main()
