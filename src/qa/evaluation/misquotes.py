"""Measuring misremembered quotes: the sets in the format of ``bench/misquotes/``.

``misquotes.jsonl`` (a quote as a reporter remembers it, the article's real words and
their offsets, the speaker), ``invented.jsonl`` (quotes nobody in the articles said) and
``topics.jsonl`` ("What did SPEAKER say about TOPIC?" with the quotations on it). Each
row names its article by a path relative to ``root``, the folder the index was built
from. A match is right when it is in the right article and overlaps the real words by
at least half of the shorter span (a misremembered phrase finds its few words, a long
misquote the quotation). An invented quote counts against when any match is graded,
``paraphrase`` or better: a false "they said this" is worse than "not found".
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.answer.ask import ask
from qa.answer.quotations import list_quotes
from qa.evaluation.shared_eval import p95, read_jsonl
from qa.quotes.names import name_matches
from qa.verify import verify

if TYPE_CHECKING:
    from qa.embedding.encoder import Encoder
    from qa.index.reader import Index

SPLITS = ("dev", "holdout", "all")


def read_set(set_dir: Path, name: str, split: str) -> list[dict[str, Any]]:
    """The rows of one file of the set, of one split (``all``: both)."""
    return [r for r in read_jsonl(set_dir / name) if split == "all" or r["split"] == split]


def overlaps(start: int, end: int, gold_start: int, gold_end: int) -> bool:
    """Whether two spans share at least half of the shorter one."""
    shared = min(end, gold_end) - max(start, gold_start)
    return shared > 0 and shared * 2 >= min(end - start, gold_end - gold_start)


def same_speaker(said: str | None, gold: str | None) -> bool:
    """Whether the speaker given is the gold one, by any form of the name."""
    if gold is None:
        return said is None
    return said is not None and (name_matches(said, gold) or name_matches(gold, said))


@dataclass
class MisquoteScores:
    """Figures over one split, and every miss to read."""

    misquotes: int = 0
    right: int = 0
    speaker_right: int = 0
    who_said_right: int = 0
    by_kind: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    grades: Counter[str] = field(default_factory=Counter)
    verify_ms: list[float] = field(default_factory=list)
    invented: int = 0
    invented_said: int = 0
    invented_by_kind: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    topics: int = 0
    topic_hits: int = 0
    topic_reciprocal: float = 0.0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        def share(n: int, d: int) -> float:
            return round(n / d, 3) if d else 0.0

        def kinds(table: dict[str, list[bool]]) -> dict[str, float]:
            return {k: share(sum(v), len(v)) for k, v in sorted(table.items())}

        return {
            "misquotes": self.misquotes,
            "top1_right": share(self.right, self.misquotes),
            "speaker_right": share(self.speaker_right, self.misquotes),
            "who_said_right": share(self.who_said_right, self.misquotes),
            "by_kind": kinds(self.by_kind),
            "grades": dict(self.grades),
            "verify_ms_p50": round(statistics.median(self.verify_ms), 1) if self.verify_ms else 0,
            "verify_ms_p95": round(p95(self.verify_ms), 1),
            "invented": self.invented,
            "invented_said": share(self.invented_said, self.invented),
            "invented_by_kind": kinds(self.invented_by_kind),
            "topics": self.topics,
            "topic_hit@1": share(self.topic_hits, self.topics),
            "topic_mrr": round(self.topic_reciprocal / self.topics, 3) if self.topics else 0.0,
        }


def evaluate_misquotes(
    index: Index, encoder: Encoder, set_dir: Path, root: Path, split: str = "dev"
) -> MisquoteScores:
    """Every misquote, invented quote and topic question of ``split``, scored."""
    scores = MisquoteScores()
    for row in read_set(set_dir, "misquotes.jsonl", split):
        _score_misquote(index, encoder, root, row, scores)
    for row in read_set(set_dir, "invented.jsonl", split):
        _score_invented(index, encoder, row, scores)
    for row in read_set(set_dir, "topics.jsonl", split):
        _score_topic(index, encoder, root, row, scores)
    return scores


def _relative(source: str, root: Path) -> str:
    path = Path(source)
    return str(path.relative_to(root)) if path.is_absolute() else source


def _score_misquote(
    index: Index, encoder: Encoder, root: Path, row: dict[str, Any], scores: MisquoteScores
) -> None:
    started = time.perf_counter()
    result = verify(index, row["misquote"], encoder=encoder)
    scores.verify_ms.append((time.perf_counter() - started) * 1000)
    top = result.matches[0] if result.matches else None
    right = (
        top is not None
        and _relative(top.source, root) == row["source"]
        and overlaps(top.start, top.end, row["start"], row["end"])
    )
    speaker_right = right and top is not None and same_speaker(top.speaker, row["speaker"])
    said = ask(index, encoder, f"Who said {row['misquote']}?").answer
    who_right = (
        said is not None
        and _relative(said.source, root) == row["source"]
        and overlaps(said.start, said.end, row["start"], row["end"])
        and same_speaker(said.speaker, row["speaker"])
    )
    scores.misquotes += 1
    scores.right += right
    scores.speaker_right += speaker_right
    scores.who_said_right += who_right
    scores.grades[top.grade if top else "none"] += 1
    for kind in row["kinds"]:
        scores.by_kind[kind].append(right)
    if not (right and speaker_right and who_right):
        scores.misses.append(
            {
                "id": row["id"],
                "kinds": row["kinds"],
                "misquote": row["misquote"],
                "real": row["real"],
                "speaker": row["speaker"],
                "top": top.to_json() if top else None,
                "nearest": [n.to_json() for n in result.nearest[:1]],
                "who_said": said.text if said else None,
                "who_said_speaker": said.speaker if said else None,
            }
        )


def _score_invented(
    index: Index, encoder: Encoder, row: dict[str, Any], scores: MisquoteScores
) -> None:
    result = verify(index, row["quote"], encoder=encoder)
    scores.invented += 1
    scores.invented_said += result.found
    for kind in row["kinds"]:
        scores.invented_by_kind[kind].append(result.found)
    if result.found:
        scores.misses.append(
            {"id": row["id"], "quote": row["quote"], "top": result.matches[0].to_json()}
        )


def _score_topic(
    index: Index, encoder: Encoder, root: Path, row: dict[str, Any], scores: MisquoteScores
) -> None:
    listed = list_quotes(index, row["speaker"], about=row["topic"], encoder=encoder)
    rank = next(
        (
            n
            for n, hit in enumerate(listed, 1)
            if _relative(hit.source, root) == row["source"]
            and any(overlaps(hit.start, hit.end, g["start"], g["end"]) for g in row["gold"])
        ),
        None,
    )
    scores.topics += 1
    scores.topic_hits += rank == 1
    scores.topic_reciprocal += 1 / rank if rank else 0.0
    if rank != 1:
        scores.misses.append(
            {
                "id": row["id"],
                "speaker": row["speaker"],
                "topic": row["topic"],
                "rank": rank,
                "first": listed[0].quote if listed else None,
                "gold": [g["real"] for g in row["gold"]],
            }
        )
