"""The floor for bench/dialogues: every turn asked alone, as `qa ask` answers without
`--conversation`.

    .venv/bin/python bench/dialogues/alone.py [DIR] [--turns]

Indexes the set's documents (each as ``<id>.txt``, as ``qa eval`` writes them) in a
temporary folder and asks each question by itself, with no conversation: what a chat
that forgets the last answer would give. Scored as ../shared/eval/coqa/README.md scores a
result (hit@1: the first passage, at most 1,500 characters, holds the gold span whole;
answer span: it overlaps the gold span, at most 500 characters), for the turns that need
the conversation and the others apart. ``qa eval`` plays the same turns as conversations;
the difference is what the conversation adds. ``--turns`` prints each turn's outcome.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from qa.answer.ask import ask
from qa.embedding.encoder import Embedder
from qa.evaluation.shared_eval import MAX_PASSAGE, MAX_SPAN, write_corpus
from qa.index.builder import build_index
from qa.index.reader import open_index

HERE = Path(__file__).parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", nargs="?", type=Path, default=HERE)
    parser.add_argument("--turns", action="store_true", help="print each turn's outcome")
    args = parser.parse_args()
    embedder = Embedder()
    # needs_context -> turns, first passage holds the gold, answer span overlaps, not found
    counts = {True: [0, 0, 0, 0], False: [0, 0, 0, 0]}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        names = write_corpus(args.dataset, corpus)
        build_index([corpus], Path(tmp) / "index", embedder=embedder)
        index = open_index(Path(tmp) / "index")
        assert index is not None
        try:
            lines = (args.dataset / "dialogues.jsonl").read_text(encoding="utf-8").splitlines()
            for line in filter(str.strip, lines):
                dialogue = json.loads(line)
                expected = str(corpus / names[dialogue["doc_id"]])
                for turn in dialogue["turns"]:
                    gold = turn["answers"][0]
                    result = ask(index, embedder, turn["question"])
                    row = counts[turn["needs_context"]]
                    row[0] += 1
                    top = result.passages[0] if result.passages else None
                    row[1] += bool(
                        top
                        and top.source == expected
                        and top.start <= gold["start"]
                        and gold["end"] <= top.end
                        and top.end - top.start <= MAX_PASSAGE
                    )
                    a = result.answer
                    hit = bool(
                        a
                        and a.source == expected
                        and a.start < gold["end"]
                        and gold["start"] < a.end
                        and a.end - a.start <= MAX_SPAN
                    )
                    row[2] += hit
                    row[3] += a is None
                    if args.turns:
                        outcome = "hit" if hit else ("not found" if a is None else "miss")
                        print(
                            f"{dialogue['id']} {turn['turn']:>2}"
                            f" {'needs' if turn['needs_context'] else 'alone'}"
                            f" {outcome:<9} {turn['question']}"
                        )
        finally:
            index.close()
    for needs, (n, hit1, span, not_found) in counts.items():
        if n:
            kind = "need the conversation" if needs else "stand alone"
            print(
                f"turns that {kind}: {n}; hit@1 {hit1 / n:.2f}, answer span {span / n:.2f},"
                f" not found {not_found} ({not_found / n:.0%})"
            )


if __name__ == "__main__":
    main()
