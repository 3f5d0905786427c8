"""What resolving a follow-up costs a question: resolution, focus and mentions, per turn.

    .venv/bin/python bench/bench_followups.py ../shared/eval/coqa [--limit N]

Replays every dialogue of a multi-turn set (indexed under bench/work/ as
bench_dialogues.py does) and times, for each turn, what a conversation adds to asking
the question alone: ``resolve`` (the standalone question), ``conversation_focus`` (which
documents and places, by the keyword index) and ``turn_mentions`` (spaCy over the
question and the answer, for the next turn). The answer itself is not counted: it is
what the question costs alone (bench_core.py). spaCy's one-time load is left out.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from qa.answer.ask import ask
from qa.conversation import Conversation, Turn, resolve
from qa.conversation.converse import conversation_focus
from qa.conversation.mentions import turn_mentions
from qa.embedding.encoder import Embedder
from qa.evaluation.dialogues import load_dialogues
from qa.evaluation.shared_eval import write_corpus
from qa.index.builder import build_index
from qa.index.reader import open_index
from qa.quotes.attribution import pipeline

WORK = Path(__file__).parent / "work"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    work = WORK / f"dialogues-{args.dataset.name}"
    (work / "corpus").mkdir(parents=True, exist_ok=True)
    write_corpus(args.dataset, work / "corpus")
    encoder = Embedder()
    build_index([work / "corpus"], work / "index", embedder=encoder)
    index = open_index(work / "index")
    assert index is not None
    pipeline()  # loaded once, at start-up, in the chat
    added: list[float] = []
    for dialogue in load_dialogues(args.dataset)[: args.limit]:
        conversation = Conversation()
        for turn in dialogue.turns:
            t0 = time.perf_counter()
            reading = resolve(turn.question, conversation)
            focus = conversation_focus(index, conversation, reading)
            t1 = time.perf_counter()
            answer = ask(index, encoder, reading.understood_as, k=10, focus=focus)
            t2 = time.perf_counter()
            mentions = turn_mentions(index, reading.question, answer, reading.referents)
            t3 = time.perf_counter()
            conversation.add(Turn(reading.question, reading.understood_as, answer, mentions))
            added.append((t1 - t0 + t3 - t2) * 1000)
    added.sort()
    print(
        json.dumps(
            {
                "dataset": args.dataset.name,
                "turns": len(added),
                "added_ms_p50": round(statistics.median(added), 1),
                "added_ms_p95": round(added[int(0.95 * (len(added) - 1))], 1),
                "added_ms_max": round(added[-1], 1),
            }
        )
    )


if __name__ == "__main__":
    main()
