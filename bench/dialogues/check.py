"""Re-check bench/dialogues/*.jsonl: the format of ../shared/eval/coqa and every offset.

    .venv/bin/python bench/dialogues/check.py [DIR]

Independent of make.py: reads the files as an evaluator would and checks that the
document is the bundled article exactly as ``Path.read_text(encoding="utf-8")`` reads it,
that every dialogue names a known document, that turns come in order with one gold answer
each, and that ``text[start:end] == answer_text`` for every answer. Prints
the counts; exits non-zero on the first kind of error found, listing every instance.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
ARTICLE = HERE.parent.parent / "docs" / "north-korean-troops-in-russia.txt"
TURN_KEYS = {"turn", "question", "answers", "free_form", "needs_context"}


def check(folder: Path) -> list[str]:
    """Every problem found in ``folder``'s two files (empty when all hold)."""
    errors: list[str] = []
    docs = [
        json.loads(line)
        for line in (folder / "documents.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    texts = {d["id"]: d["text"] for d in docs}
    for d in docs:
        if set(d) != {"id", "title", "text"}:
            errors.append(f"document {d.get('id')}: keys {sorted(d)}")
    article = ARTICLE.read_text(encoding="utf-8")
    if "sample-nk-troops" in texts and texts["sample-nk-troops"] != article:
        errors.append("document sample-nk-troops: text differs from docs/ article")
    seen: set[str] = set()
    turns = needs = 0
    for line in (folder / "dialogues.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        dialogue = json.loads(line)
        did = dialogue["id"]
        if did in seen:
            errors.append(f"{did}: id used twice")
        seen.add(did)
        text = texts.get(dialogue["doc_id"])
        if text is None:
            errors.append(f"{did}: unknown document {dialogue['doc_id']}")
            continue
        last = 0
        for turn in dialogue["turns"]:
            turns += 1
            where = f"{did} turn {turn.get('turn')}"
            if set(turn) != TURN_KEYS:
                errors.append(f"{where}: keys {sorted(turn)}")
            if not turn["turn"] > last:
                errors.append(f"{where}: turns out of order (after {last})")
            last = turn["turn"]
            if not isinstance(turn["needs_context"], bool):
                errors.append(f"{where}: needs_context is not a bool")
            needs += turn["needs_context"] is True
            if not turn["question"].strip() or not turn["free_form"].strip():
                errors.append(f"{where}: empty question or free_form")
            if len(turn["answers"]) != 1:
                errors.append(f"{where}: {len(turn['answers'])} answers, expected 1")
            for a in turn["answers"]:
                s, e = a["start"], a["end"]
                if not (0 <= s < e <= len(text)) or text[s:e] != a["text"]:
                    errors.append(f"{where}: text[{s}:{e}] != {a['text']!r}")
    print(
        f"{len(docs)} document(s), {len(seen)} dialogues, {turns} turns,"
        f" {needs} needing the conversation ({needs / max(turns, 1):.0%})"
    )
    return errors


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    errors = check(folder)
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        raise SystemExit(f"{len(errors)} error(s)")
    print("every offset checked: text[start:end] == answer text")


if __name__ == "__main__":
    main()
