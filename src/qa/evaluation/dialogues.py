"""Measuring follow-up questions: multi-turn sets in the format of shared/eval/coqa.

``documents.jsonl`` and ``dialogues.jsonl`` (one dialogue a line, its turns in order, each
with a gold span and a ``needs_context`` flag). Every document is written to its own
``<id>.txt`` and all are indexed together; each dialogue is then played turn by turn
through ``qa.conversation.converse``, as the chat and `qa ask --conversation` play it,
with the product's own earlier answers (never the gold ones: a user's follow-up builds
on what `qa` said). Scoring follows the CoQA README: a passage is a hit when it is from
the right document, holds the gold span whole and is at most 1,500 characters; the answer
span is a hit when it is in the right document, overlaps the gold span and is at most
500 characters. Turns that need the conversation and the others are counted apart.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.evaluation.shared_eval import MAX_PASSAGE, MAX_SPAN, p95, read_jsonl, write_corpus

if TYPE_CHECKING:
    from qa.embedding.encoder import Encoder
    from qa.index.reader import Index

KS = (1, 3, 5, 10)


@dataclass(frozen=True)
class DialogueTurn:
    turn: int
    question: str
    start: int
    end: int
    needs_context: bool


@dataclass(frozen=True)
class Dialogue:
    id: str
    doc_id: str
    turns: tuple[DialogueTurn, ...]


def is_dialogues(dataset: Path) -> bool:
    """Whether ``dataset`` is a multi-turn set (it has ``dialogues.jsonl``)."""
    return (dataset / "dialogues.jsonl").is_file()


def load_dialogues(dataset: Path) -> list[Dialogue]:
    return [
        Dialogue(
            str(d["id"]),
            str(d["doc_id"]),
            tuple(
                DialogueTurn(
                    int(t["turn"]),
                    t["question"],
                    int(t["answers"][0]["start"]),
                    int(t["answers"][0]["end"]),
                    bool(t["needs_context"]),
                )
                for t in d["turns"]
            ),
        )
        for d in read_jsonl(dataset / "dialogues.jsonl")
    ]


@dataclass
class Tally:
    """Hits of one kind of turn."""

    turns: int = 0
    hits: dict[int, int] = field(default_factory=lambda: dict.fromkeys(KS, 0))
    span_hits: int = 0
    not_found: int = 0
    resolved: int = 0  # turns understood as something other than the question asked

    def figures(self) -> dict[str, float | int]:
        n = max(self.turns, 1)
        out: dict[str, float | int] = {"turns": self.turns}
        for k in KS:
            out[f"hit@{k}"] = round(self.hits[k] / n, 4)
        out["answer_span"] = round(self.span_hits / n, 4)
        out["not_found"] = round(self.not_found / n, 4)
        out["rewritten"] = round(self.resolved / n, 4)
        return out


@dataclass
class TurnOutcome:
    """One played turn, for reading failures: what was asked, understood, answered."""

    dialogue: str
    turn: int
    question: str
    understood_as: str
    needs_context: bool
    first_hit: int | None
    span_hit: bool
    answer: str | None

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class DialogueResult:
    dataset: str
    needs_context: Tally = field(default_factory=Tally)
    standalone: Tally = field(default_factory=Tally)
    latencies_ms: list[float] = field(default_factory=list)
    outcomes: list[TurnOutcome] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        both = Tally(
            self.needs_context.turns + self.standalone.turns,
            {k: self.needs_context.hits[k] + self.standalone.hits[k] for k in KS},
            self.needs_context.span_hits + self.standalone.span_hits,
            self.needs_context.not_found + self.standalone.not_found,
            self.needs_context.resolved + self.standalone.resolved,
        )
        lat = sorted(self.latencies_ms) or [0.0]
        return {
            "dataset": self.dataset,
            "history": "own answers",
            "needs_context": self.needs_context.figures(),
            "standalone": self.standalone.figures(),
            "all": both.figures(),
            "ms_p50": round(statistics.median(lat), 1),
            "ms_p95": round(p95(lat), 1),
        }


def _play(
    index: Index,
    encoder: Encoder,
    dialogue: Dialogue,
    expected: str,
    k: int,
    result: DialogueResult,
    turn_done: Callable[[], None],
) -> None:
    """Play one dialogue as one conversation, adding each turn to ``result``."""
    from qa.conversation import Conversation, converse

    conversation = Conversation()
    for turn in dialogue.turns:
        t0 = time.perf_counter()
        answer = converse(index, encoder, conversation, turn.question, k=k)
        result.latencies_ms.append((time.perf_counter() - t0) * 1000)
        tally = result.needs_context if turn.needs_context else result.standalone
        tally.turns += 1
        first_hit = next(
            (
                p.rank
                for p in answer.passages[:10]
                if p.source == expected
                and p.end - p.start <= MAX_PASSAGE
                and p.start <= turn.start
                and turn.end <= p.end
            ),
            None,
        )
        for kk in KS:
            if first_hit is not None and first_hit <= kk:
                tally.hits[kk] += 1
        a = answer.answer
        span_hit = (
            a is not None
            and a.source == expected
            and a.end - a.start <= MAX_SPAN
            and a.start < turn.end
            and turn.start < a.end
        )
        if a is None:
            tally.not_found += 1
        tally.span_hits += span_hit
        understood = answer.understood_as or answer.question
        tally.resolved += understood != turn.question.strip()
        result.outcomes.append(
            TurnOutcome(
                dialogue.id,
                turn.turn,
                turn.question,
                understood,
                turn.needs_context,
                first_hit,
                span_hit,
                a.text if a else None,
            )
        )
        turn_done()


def evaluate_dialogues(
    dataset: Path,
    k: int = 10,
    limit: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    index_dir: Path | None = None,
) -> DialogueResult:
    """Index ``dataset`` (in a temporary folder, or ``index_dir`` kept between runs)
    and play every dialogue (the first ``limit``) with the product's own answers."""
    from qa.embedding.encoder import Embedder
    from qa.index.builder import build_index
    from qa.index.reader import open_index

    progress = progress or (lambda *_: None)
    embedder = Embedder()
    result = DialogueResult(dataset.name)
    dialogues = load_dialogues(dataset)[:limit]
    with tempfile.TemporaryDirectory(prefix="qa-eval-") as tmp:
        where = index_dir or Path(tmp)
        corpus = where / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        names = write_corpus(dataset, corpus)
        build_index([corpus], where / "index", embedder=embedder, progress=progress)
        index = open_index(where / "index")
        assert index is not None
        total = sum(len(d.turns) for d in dialogues)

        def turn_done() -> None:
            progress("turns", len(result.outcomes), total)

        try:
            for dialogue in dialogues:
                expected = str(corpus / names[dialogue.doc_id])
                _play(index, embedder, dialogue, expected, max(k, 10), result, turn_done)
        finally:
            index.close()
    return result
