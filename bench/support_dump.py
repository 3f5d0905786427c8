"""Dump, for every question, what ``qa.answer.support`` sees: a tool to set its threshold.

    .venv/bin/python bench/support_dump.py OUT.jsonl [--limit N] [DATASET ...]

Asks every question of bench/realdocs (index kept under bench/work/realdocs) and of
each shared evaluation set given (first N questions, then all of its in-domain
unanswerable ones, on the indexes answer_checks.py keeps), with the support rule off,
and writes one line per question: answered or not by the other rules, whether the
documents can answer it, and each question word the best passage lacks with the
passage word nearest in meaning and their cosine.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import qa.answer.ask as ask_module
from qa.answer.ask import ask
from qa.answer.question import Question
from qa.answer.rerank import PASSAGE_FEATURES
from qa.answer.support import term_support
from qa.embedding.encoder import Embedder
from qa.evaluation.realdocs import DOCS, load_labels, passage_holds
from qa.evaluation.shared_eval import MAX_PASSAGE, holds_gold, load_questions, write_corpus
from qa.index.builder import build_index
from qa.index.reader import open_index
from qa.ingest.chunking import DEFAULT_TARGET_CHARS

HERE = Path(__file__).parent
WORK = HERE / "work"
seen: list[list] = []
tops: list = []
_score = ask_module.score_candidates


def scorer(*a, **kw):  # type: ignore[no-untyped-def]
    out = _score(*a, **kw)
    tops.append(out[0] if out else None)
    return out


def recorder(encoder, question, passage, context="", document="", known=None):  # type: ignore[no-untyped-def]
    """Stands in for ``unsupported_word``: records what it would judge, withholds nothing."""
    found = term_support(encoder, question, passage, context, document)
    seen.append(
        [
            [t.word, t.nearest, round(t.similarity, 3)]
            for t in found
            if known is None or known(t.word)
        ]
    )
    return None


def one(out, index, embedder, row: dict, question: str) -> object:  # type: ignore[no-untyped-def]
    seen.clear()
    tops.clear()
    answer = ask(index, embedder, question)

    t = tops[0] if tops else None
    if t is not None:
        row["f"] = {
            n: round(float(v), 4) for n, v in zip(PASSAGE_FEATURES, t.features, strict=True)
        }
        row["unsup"] = list(t.unsupported)
    row["kind"] = Question.parse(question).wanted
    if answer.answer is not None and seen:
        row["sent_terms"] = [
            [x.word, x.nearest, round(x.similarity, 3)]
            for x in term_support(embedder, question, answer.answer.text)
        ]
    row["short"] = bool(answer.answer and answer.answer.short_text)
    row.update(q=question, answered=answer.answer is not None, terms=seen[0] if seen else None)
    top = answer.passages[0] if answer.passages else None
    row["score"] = round(top.score, 4) if top else None
    return answer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("datasets", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args()
    ask_module.unsupported_word = recorder  # type: ignore[assignment]
    ask_module.score_candidates = scorer  # type: ignore[assignment]
    embedder = Embedder()
    out = args.out.open("w", encoding="utf-8")
    folder = HERE / "realdocs"
    index_dir = WORK / "realdocs" / "index"
    build_index([folder / DOCS], index_dir, embedder=embedder)
    index = open_index(index_dir)
    assert index is not None
    sources = {Path(s).name: s for s in index.manifest.documents}
    for label in load_labels(folder):
        for q in label.questions:
            row = {"set": "realdocs", "answerable": q.answer is not None}
            answer = one(out, index, embedder, row, q.question)
            if q.answer is not None:
                first = answer.passages[0] if answer.passages else None  # type: ignore[attr-defined]
                row["right_first"] = bool(
                    first
                    and first.source == sources.get(label.file)
                    and passage_holds(first.text, q.answer)
                )
            out.write(json.dumps(row) + "\n")
    index.close()
    for dataset in args.datasets:
        corpus = WORK / dataset.name / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        names = write_corpus(dataset, corpus)
        index_dir = WORK / dataset.name / f"index-{DEFAULT_TARGET_CHARS}"
        build_index([corpus], index_dir, embedder=embedder)
        index = open_index(index_dir)
        assert index is not None
        for q in load_questions(dataset)[: args.limit]:
            row = {"set": dataset.name, "answerable": True}
            answer = one(out, index, embedder, row, q.question)
            top = answer.passages[0] if answer.passages else None  # type: ignore[attr-defined]
            row["right_first"] = bool(
                top
                and top.source == str(corpus / names[q.doc_id])
                and holds_gold(top.start, top.end, q.answers, MAX_PASSAGE)
            )
            out.write(json.dumps(row) + "\n")
        path = HERE / "unanswerable" / f"{dataset.name}.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = {"set": dataset.name, "answerable": False}
                one(out, index, embedder, row, json.loads(line)["question"])
                out.write(json.dumps(row) + "\n")
        index.close()
        out.flush()


if __name__ == "__main__":
    main()
