"""Terminal rendering of answers, index summaries, verify results and quotations (Rich
``Text``, never markup).

Document text goes through ``qa.text.safe`` so it is always shown literally.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from qa.answer.model import AnswerKind
from qa.text.safe import NO_SPEAKER, NOT_FOUND, highlighted, one_line, printable

if TYPE_CHECKING:
    from qa.answer.model import Answer, Passage
    from qa.answer.quotations import QuoteHit
    from qa.citations import Citation
    from qa.index.builder import IndexReport
    from qa.verify import DiffPart, VerifyMatch, VerifyResult


# The excerpt of a passage on its one line: enough words to recognise it, and on a
# terminal at least this many characters of them (a long citation loses its section).
EXCERPT_CHARS = 100
MIN_EXCERPT = 30

Cite = Callable[[str, int, int], "Citation | None"]


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters with "…"."""
    line = one_line(" ".join(text.split()))
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0] if " " in line[: limit - 1] else line[: limit - 1]
    return cut.rstrip(",;:.") + "…"


def passage_line(p: Passage, cite: Cite | None = None, width: int | None = None) -> Text:
    """One passage on one line: its number, where its best sentence is, and the start
    of that sentence (a quotation's speaker first); within ``width`` columns when
    given (a terminal), the section left out when it would crowd out the words. Weak
    matches are dim."""
    h = p.highlight
    where = (cite(p.source, h.start, h.end) if cite else None) or p.citation
    words = p.text[h.start - p.start : h.end - p.start]
    # A quotation says whose it is, as its whole form's header does: "quote — Name".
    who = f"{p.match} — {printable(p.speaker or NO_SPEAKER)}: " if p.match.is_quotation else ""
    head = f"[{p.rank}] "
    place = one_line(where.brief())
    limit = EXCERPT_CHARS
    if width is not None:
        room = width - len(head) - len(place) - len(who) - 5  # " — “…”"
        if room < MIN_EXCERPT:
            place = one_line(where.brief(section=False))
            room = width - len(head) - len(place) - len(who) - 5
        limit = max(MIN_EXCERPT, min(limit, room))
    line = Text(head, style="bold")
    line.append(place, style="cyan")
    if who:
        line.append("  ")
        line.append(who, style="bold")
    else:
        line.append(" — ")
    line.append("“" + excerpt(words, limit) + "”")
    if p.weak:
        line.stylize("dim")
    return line


def render_answer(
    console: Console, answer: Answer, full: bool = False, cite: Cite | None = None
) -> None:
    """The answer (its words in bold, the answering words underlined, its citation),
    then the other passages one line each; ``full``: every passage whole, as before.
    ``cite`` gives a passage's best sentence its own citation (its paragraph, not the
    passage's first)."""
    console.print(Text("Q: ", style="bold") + Text(one_line(answer.question)))
    _reading_lines(console, answer)
    for phrase in answer.missing_phrases:
        console.print(
            Text(f"No passage holds “{printable(phrase)}” word for word.", style="yellow")
        )
    for note in answer.notes:
        console.print(Text(printable(note), style="yellow"))
    if answer.answer is None:
        console.print(Text(NOT_FOUND + ".", style="bold red"))
        if answer.passages:
            console.print(Text("Nearest passages (weak matches):", style="dim"))
    else:
        a = answer.answer
        if answer.is_quotation:
            who = printable(a.speaker) if a.speaker else "no speaker named in the text"
            kind = "Reported speech" if answer.kind is AnswerKind.REPORTED else "Quotation"
            console.print(Text(f"{kind} ({who}):", style="bold green"))
        else:
            line = Text(f"Answer (score {a.score:.2f}):", style="bold green")
            if a.short_text is not None:
                line.append(" " + printable(a.short_text), style="bold")
            console.print(line)
        if a.short is not None:
            words = (a.short.start - a.start, a.short.end - a.start)
            span = Text("  ") + highlighted(a.text, *words, style="underline")
        else:
            span = Text("  " + printable(a.text))
        span.stylize("bold")
        console.print(span)
        console.print(Text("  — " + one_line(str(a.citation)), style="cyan"))
        console.print()
    if not full:
        _passage_lines(console, answer, cite)
        return
    for p in answer.passages:
        header = Text(f"[{p.rank}] ", style="bold")
        header.append(one_line(str(p.citation)), style="cyan")
        if p.match.is_quotation:
            who = printable(p.speaker or NO_SPEAKER)
            header.append(f"  {p.match} — {who}", style="dim")
        else:
            header.append(
                f"  score {p.score:.2f}  {p.match}" + ("  weak" if p.weak else ""), style="dim"
            )
        console.print(header)
        body = highlighted(
            p.text, p.highlight.start - p.start, p.highlight.end - p.start, "bold yellow"
        )
        console.print(body, style="dim" if p.weak else None)
        console.print()


def _reading_lines(console: Console, answer: Answer) -> None:
    """How a follow-up was read, before its answer: "understood as: …" when it was made
    standalone (nothing for a question answered as asked), and what was ambiguous with
    the other reading when it fitted two."""
    understood = answer.understood_as
    if understood is not None and understood.strip() != answer.question.strip():
        console.print(Text("understood as: ", style="bold") + Text(one_line(understood)))
    if answer.alternatives:
        what = one_line(answer.ambiguity or "it may be read another way")
        others = "; ".join(one_line(a) for a in answer.alternatives)
        console.print(Text(f"{what}; the other reading: {others}", style="yellow"))


def _passage_lines(console: Console, answer: Answer, cite: Cite | None) -> None:
    """The passages but the one whose best sentence is the answer, one line each (all
    of them when nothing was found: they are the nearest, weak matches)."""
    a = answer.answer
    others = [
        p
        for p in answer.passages
        if a is None or (p.source, p.highlight.start, p.highlight.end) != (a.source, a.start, a.end)
    ]
    if not others:
        return
    if a is not None:
        console.print(Text("Other passages (--passages shows them whole):", style="dim"))
    for p in others:
        if console.soft_wrap:  # a pipe or a file: the line whole
            console.print(passage_line(p, cite))
        else:  # a terminal: one line of its width
            line = passage_line(p, cite, console.width)
            console.print(line, no_wrap=True, overflow="ellipsis")
    console.print()


def render_report(console: Console, report: IndexReport, index_dir: str) -> None:
    if report.rebuilt:
        console.print(Text(f"Rebuilt the index: {one_line(report.rebuilt)}."))
    for source, warning in report.warnings:
        console.print(Text(f"warning: {one_line(source)}: {one_line(warning)}", style="yellow"))
    by_reason: dict[str, list[str]] = defaultdict(list)
    for source, reason in report.skipped:
        by_reason[reason].append(source)
    for reason, sources in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        shown = sources[:20]
        for source in shown:
            console.print(Text(f"skipped {one_line(source)}: {one_line(reason)}", style="yellow"))
        if len(sources) > len(shown):
            console.print(
                Text(
                    f"skipped {len(sources) - len(shown)} more: {one_line(reason)}", style="yellow"
                )
            )
    for source in report.removed[:20]:
        console.print(Text(f"removed {one_line(source)}"))
    console.print(
        Text(
            f"{len(report.indexed)} indexed, {report.unchanged} unchanged, "
            f"{len(report.removed)} removed, {len(report.skipped)} skipped; "
            f"{report.new_chunks} new chunks, {report.documents} documents and "
            f"{report.chunks} chunks in {one_line(index_dir)}; {report.seconds:.1f} s"
        )
    )


_GRADE_STYLES = {
    "exact": "bold green",
    "normalized": "bold cyan",
    "fuzzy": "bold yellow",
    "paraphrase": "bold magenta",
}
_DIFF_STYLES = {"equal": "", "delete": "bold red", "insert": "bold green"}
_DIFF_MARKS = {"equal": ("", ""), "delete": ("[-", "-]"), "insert": ("{+", "+}")}


def _grade_note(match: VerifyMatch) -> str:
    """What the grade means for this match, in words a reporter can repeat."""
    if match.grade == "exact":
        return "character for character"
    if match.grade == "normalized":
        return "same words; case, quotation marks, dashes, spacing or line breaks differ"
    from qa.verify.model import only_contractions

    if match.grade == "paraphrase" and only_contractions(match.diff):
        return "the same words once contractions are written out"
    if match.grade == "paraphrase":
        return (
            f"the same statement in other words (meaning {match.similarity:.2f}); "
            "quote the document's words, not yours"
        )
    if match.word_edits == 0:
        return "same words; punctuation differs"
    words = "word differs" if match.word_edits == 1 else "words differ"
    return f"close: {match.word_edits} {words} ([-document-] {{+yours+}})"


def _diff_line(parts: tuple[DiffPart, ...]) -> Text:
    """The word diff, coloured, with wdiff marks kept so it reads without colour too."""
    line = Text("  ")
    for n, part in enumerate(parts):
        if n:
            line.append(" ")
        opening, closing = _DIFF_MARKS[part.op]
        line.append(opening + printable(part.text) + closing, style=_DIFF_STYLES[part.op])
    return line


def _said_by(match: VerifyMatch) -> str:
    """Who the text says spoke the words, for the citation line."""
    if match.speaker:
        return f"{match.speaker}, "
    return f"quoted, {NO_SPEAKER}, " if match.quoted else "not a quotation, "


def _render_place(console: Console, match: VerifyMatch) -> None:
    console.print(Text("  " + printable(match.text).replace("\n", "\n  ")))
    if match.word_edits:
        console.print(_diff_line(match.diff))
    console.print(Text("  — " + one_line(_said_by(match) + str(match.citation)), style="cyan"))
    console.print()


def render_verify(console: Console, result: VerifyResult) -> None:
    """Each match of a checked quote: grade, the document's words, the diff, speaker and
    citation; when nothing matches, the nearest passages and why they are not matches."""
    console.print(Text("Quote: ", style="bold") + Text(one_line(result.query)))
    if not result.matches:
        console.print(
            Text(
                f"{NOT_FOUND}: no passage holds this text, word for word or in other words.",
                style="bold red",
            )
        )
        for n, match in enumerate(result.nearest, 1):
            header = Text(f"nearest [{n}] ", style="bold")
            header.append(f"not a match: {match.why_not}", style="bold red")
            header.append(f"  (similarity {match.similarity:.2f})", style="dim")
            console.print(header)
            _render_place(console, match)
        return
    for n, match in enumerate(result.matches, 1):
        header = Text(f"[{n}] ", style="bold")
        header.append(match.grade, style=_GRADE_STYLES[match.grade])
        header.append(f"  {_grade_note(match)}", style="dim")
        console.print(header)
        _render_place(console, match)


def render_quote(console: Console, hit: QuoteHit) -> None:
    line = Text("“", style="bold") + Text(printable(hit.quote), style="bold") + Text("”")
    line.append("  — ")
    line.append(printable(hit.speaker_label()), style="green" if hit.speaker else "dim")
    console.print(line)
    console.print(Text("    " + one_line(str(hit.citation)), style="cyan"))


def render_quotes(console: Console, hits: list[QuoteHit]) -> None:
    for hit in hits:
        render_quote(console, hit)
    count = len(hits)
    named = sum(1 for h in hits if h.speaker)
    console.print(
        Text(f"{count} quotation{'s' * (count != 1)}, {named} with a named speaker", style="dim")
    )
