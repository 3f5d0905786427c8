"""Misremembered quotes: does `qa verify` find the real words, and never invent a speaker?

    .venv/bin/python bench/bench_misquotes.py                 # the dev half
    .venv/bin/python bench/bench_misquotes.py --split holdout # the half not tuned on
    .venv/bin/python bench/bench_misquotes.py --errors        # list every miss

On ``bench/misquotes/`` (hand-written, see its README), over an index of the bundled
article and ``bench/quotes/articles`` (built once under ``bench/work/misquotes``):

- misquotes: top-1 right (the first match overlaps the real words by at least half of
  the shorter span), by kind; the speaker given for it; "Who said …?" through ``qa ask``
  (the answer's speaker is the real one);
- invented quotes: the share graded ``paraphrase`` or better (target ≤ 10%);
- topics: "What did SPEAKER say about TOPIC?": the first quotation listed is on the topic
  (hit@1) and the mean reciprocal rank of the first one that is;
- `qa verify` time per quote (ms p50/p95, model loaded, warm).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from qa.answer.ask import ask
from qa.answer.quotations import list_quotes
from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.index.reader import Index, open_index
from qa.quotes.names import name_matches
from qa.verify import verify

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "bench" / "misquotes"
WORK = ROOT / "bench" / "work" / "misquotes"
ARTICLES = [ROOT / "docs" / "north-korean-troops-in-russia.txt", ROOT / "bench/quotes/articles"]


def read(name: str, split: str) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (SET / name).read_text(encoding="utf-8").splitlines()]
    return [r for r in rows if split == "all" or r["split"] == split]


def open_bench_index(embedder: Embedder) -> Index:
    index_dir = WORK / "index"
    build_index(ARTICLES, index_dir, embedder=embedder)  # unchanged files are skipped
    index = open_index(index_dir)
    assert index is not None
    return index


def relative(source: str) -> str:
    path = Path(source)
    return str(path.relative_to(ROOT)) if path.is_absolute() else source


def overlaps(start: int, end: int, gold_start: int, gold_end: int) -> bool:
    shared = min(end, gold_end) - max(start, gold_start)
    return shared > 0 and shared * 2 >= min(end - start, gold_end - gold_start)


def same_speaker(said: str | None, gold: str | None) -> bool:
    if gold is None:
        return said is None
    return said is not None and (name_matches(said, gold) or name_matches(gold, said))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[int(share * (len(ordered) - 1))]


def score_misquotes(
    index: Index, embedder: Embedder, rows: list[dict[str, Any]], errors: bool
) -> dict[str, Any]:
    right, speaker_right, who_right = 0, 0, 0
    by_kind: dict[str, list[bool]] = defaultdict(list)
    grades: Counter[str] = Counter()
    times: list[float] = []
    for row in rows:
        started = time.perf_counter()
        result = verify(index, row["misquote"], encoder=embedder)
        times.append((time.perf_counter() - started) * 1000)
        top = result.matches[0] if result.matches else None
        ok = (
            top is not None
            and relative(top.source) == row["source"]
            and overlaps(top.start, top.end, row["start"], row["end"])
        )
        right += ok
        grades[top.grade if top else "none"] += 1
        speaker_ok = ok and top is not None and same_speaker(top.speaker, row["speaker"])
        speaker_right += speaker_ok
        for kind in row["kinds"]:
            by_kind[kind].append(ok)
        answer = ask(index, embedder, f"Who said {row['misquote']}?")
        said = answer.answer
        who_ok = (
            said is not None
            and relative(said.source) == row["source"]
            and overlaps(said.start, said.end, row["start"], row["end"])
            and same_speaker(said.speaker, row["speaker"])
        )
        who_right += who_ok
        if errors and not (ok and speaker_ok and who_ok):
            print(
                json.dumps(
                    {
                        "id": row["id"],
                        "kinds": row["kinds"],
                        "misquote": row["misquote"],
                        "real": row["real"],
                        "gold_speaker": row["speaker"],
                        "top": top.to_json() if top else None,
                        "nearest": [n.to_json() for n in result.nearest[:1]],
                        "who_said": said.text if said else None,
                        "who_said_speaker": said.speaker if said else None,
                    },
                    ensure_ascii=False,
                ),
                file=sys.stderr,
            )
    n = len(rows)
    return {
        "misquotes": n,
        "top1_right": round(right / n, 3),
        "speaker_right": round(speaker_right / n, 3),
        "who_said_right": round(who_right / n, 3),
        "by_kind": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_kind.items())},
        "grades": dict(grades),
        "verify_ms_p50": round(statistics.median(times), 1),
        "verify_ms_p95": round(percentile(times, 0.95), 1),
    }


def score_invented(
    index: Index, embedder: Embedder, rows: list[dict[str, Any]], errors: bool
) -> dict[str, Any]:
    said = 0
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for row in rows:
        result = verify(index, row["quote"], encoder=embedder)
        found = result.found
        said += found
        for kind in row["kinds"]:
            by_kind[kind].append(found)
        if errors and found:
            top = result.matches[0]
            print(
                json.dumps(
                    {"id": row["id"], "quote": row["quote"], "top": top.to_json()},
                    ensure_ascii=False,
                ),
                file=sys.stderr,
            )
    n = len(rows)
    return {
        "invented": n,
        "graded_paraphrase_or_better": round(said / n, 3),
        "invented_by_kind": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_kind.items())},
    }


def score_topics(
    index: Index, embedder: Embedder, rows: list[dict[str, Any]], errors: bool
) -> dict[str, Any]:
    hits, reciprocal = 0, 0.0
    for row in rows:
        listed = list_quotes(index, row["speaker"], about=row["topic"], encoder=embedder)
        rank = next(
            (
                n
                for n, hit in enumerate(listed, 1)
                if relative(hit.source) == row["source"]
                and any(overlaps(hit.start, hit.end, g["start"], g["end"]) for g in row["gold"])
            ),
            None,
        )
        hits += rank == 1
        reciprocal += 1 / rank if rank else 0.0
        if errors and rank != 1:
            print(
                json.dumps(
                    {
                        "id": row["id"],
                        "speaker": row["speaker"],
                        "topic": row["topic"],
                        "rank": rank,
                        "first": listed[0].quote if listed else None,
                        "gold": [g["real"] for g in row["gold"]],
                    },
                    ensure_ascii=False,
                ),
                file=sys.stderr,
            )
    n = len(rows)
    return {"topics": n, "hit_at_1": round(hits / n, 3), "mrr": round(reciprocal / n, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "holdout", "all"], default="dev")
    parser.add_argument("--errors", action="store_true", help="print each miss to stderr")
    args = parser.parse_args()
    embedder = Embedder()
    index = open_bench_index(embedder)
    verify(index, "warm-up", encoder=embedder)
    result = {
        "split": args.split,
        **score_misquotes(index, embedder, read("misquotes.jsonl", args.split), args.errors),
        **score_invented(index, embedder, read("invented.jsonl", args.split), args.errors),
        **score_topics(index, embedder, read("topics.jsonl", args.split), args.errors),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
