"""Terminal rendering of answers and index summaries (Rich, no markup parsing).

Document text is untrusted: it is put into Rich ``Text`` objects (never parsed as
markup) and control characters are shown escaped, so a document cannot restyle the
terminal, set its title or write to its clipboard.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rich.console import Console
from rich.text import Text

from qa.answers import NOT_FOUND, Answer, Passage
from qa.indexer import IndexReport

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Control, escape and bidi-override characters shown as visible escapes."""
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def _passage_text(p: Passage) -> Text:
    rel_start, rel_end = p.highlight.start - p.start, p.highlight.end - p.start
    body = Text()
    body.append(printable(p.text[:rel_start]))
    body.append(printable(p.text[rel_start:rel_end]), style="bold yellow")
    body.append(printable(p.text[rel_end:]))
    return body


def render_answer(console: Console, answer: Answer) -> None:
    console.print(Text("Q: ", style="bold") + Text(printable(answer.question)))
    for phrase in answer.missing_phrases:
        console.print(
            Text(f"No passage holds “{printable(phrase)}” word for word.", style="yellow")
        )
    if answer.answer is None:
        console.print(Text(NOT_FOUND + ".", style="bold red"))
        if answer.passages:
            console.print(Text("Nearest passages (weak matches):", style="dim"))
    else:
        a = answer.answer
        console.print(Text(f"Answer (score {a.score:.2f}):", style="bold green"))
        console.print(Text("  " + printable(a.text), style="bold"))
        console.print(Text("  — " + printable(str(a.citation)), style="cyan"))
        console.print()
    for p in answer.passages:
        header = Text(f"[{p.rank}] ", style="bold")
        header.append(printable(str(p.citation)), style="cyan")
        header.append(
            f"  score {p.score:.2f}  {p.match}" + ("  weak" if p.weak else ""), style="dim"
        )
        console.print(header)
        console.print(_passage_text(p), style="dim" if p.weak else None)
        console.print()


def render_report(console: Console, report: IndexReport, index_dir: str) -> None:
    if report.rebuilt:
        console.print(f"Rebuilt the index: {printable(report.rebuilt)}.")
    for source, warning in report.warnings:
        console.print(Text(f"warning: {printable(source)}: {printable(warning)}", style="yellow"))
    by_reason: dict[str, list[str]] = defaultdict(list)
    for source, reason in report.skipped:
        by_reason[reason].append(source)
    for reason, sources in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        shown = sources[:20]
        for source in shown:
            console.print(Text(f"skipped {printable(source)}: {printable(reason)}", style="yellow"))
        if len(sources) > len(shown):
            console.print(
                Text(f"skipped {len(sources) - len(shown)} more: {reason}", style="yellow")
            )
    for source in report.removed[:20]:
        console.print(f"removed {printable(source)}")
    console.print(
        f"{len(report.indexed)} indexed, {report.unchanged} unchanged, "
        f"{len(report.removed)} removed, {len(report.skipped)} skipped; "
        f"{report.new_chunks} new chunks, {report.documents} documents and "
        f"{report.chunks} chunks in {index_dir}; {report.seconds:.1f} s"
    )
