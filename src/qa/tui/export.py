"""The session as Markdown: every question, what a follow-up was understood as, its
answer and the quoted passages, with their citations, to keep or share what was found
(``e`` writes ``qa-session-*.md``). A reader of the file sees which question each
answer answers: "What did he say?" alone would not say who.

Plain functions of the answers, not of the widgets, so the text can be checked without
running the chat.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from qa.text.safe import NO_SPEAKER

if TYPE_CHECKING:
    from qa.answer.model import Answer


def session_markdown(index_dir: Path, exchanges: Iterable[tuple[str, Answer | None]]) -> str:
    """Questions, answers and quoted passages with citations, as Markdown; an exchange
    whose answer has not come yet is marked so."""
    lines = ["# qa session", "", f"Index: `{index_dir}`", ""]
    for question, answer in exchanges:
        lines += [f"## {question}", ""]
        if answer is None:
            lines += ["_(no answer yet)_", ""]
            continue
        understood = answer.understood_as
        if understood is not None and understood.strip() != question.strip():
            lines += [f"Understood as: {understood}", ""]
        if answer.alternatives:
            what = answer.ambiguity or "it may be read another way"
            lines += [f"Ambiguous: {what}; the other reading: {'; '.join(answer.alternatives)}", ""]
        for note in answer.notes:
            lines += [f"Note: {note}", ""]
        if answer.answer is None:
            lines += ["Not found in these documents.", ""]
        else:
            a = answer.answer
            if answer.is_direct_quote:
                said = f"{a.speaker} said:" if a.speaker else "No speaker is named for:"
                lines += [said, ""]
            lines += [f"> {a.text.strip()}", ">", f"> — {a.citation}", ""]
        for p in answer.passages:
            if p.match.is_quotation:
                how = f"{p.match}, {p.speaker or NO_SPEAKER}"
            else:
                how = f"score {p.score:.2f}, {p.match}"
            lines += [f"{p.rank}. {p.citation} ({how})", ""]
            lines += ["   > " + line for line in p.text.strip().splitlines()] + [""]
    return "\n".join(lines)


def write_export(markdown: str, folder: Path) -> Path:
    """Save ``markdown`` as ``qa-session-YYYYMMDD-HHMMSS.md`` in ``folder``; raises
    OSError when it cannot be written."""
    path = folder / time.strftime("qa-session-%Y%m%d-%H%M%S.md")
    path.write_text(markdown, encoding="utf-8")
    return path
