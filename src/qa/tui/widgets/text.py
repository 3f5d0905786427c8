"""The Rich ``Text`` the chat shows for answers, passages and notes, and the quotation as
it is copied. Document text only ever enters them through ``printable()`` strings,
never as markup, so a document cannot restyle the screen or send escape sequences to
the terminal. Kept apart from the widgets because the app, the quotes view and the
export use them too."""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from rich.text import Text

from qa.text.safe import NO_SPEAKER, NOT_FOUND, highlighted, one_line, printable

if TYPE_CHECKING:
    from qa.answer.model import Answer, Passage
    from qa.citations import Citation

CONTEXT_CHARS = 160
# Badges carry their own foreground and background, so they read the same on dark and
# light themes (white on the quote badge's purple has a contrast of 8:1).
BADGE_STYLES = {
    "exact": "bold white on green",
    "keyword": "bold black on yellow",
    "meaning": "bold white on blue",
    "quote": "bold white on #7b2d8e",
    "reported": "bold white on #7b2d8e",
}


def copy_citation(c: Citation) -> str:
    """The citation a copied quotation carries: the document (its title and file name,
    or the file name), the paragraph, and the page or line of the words copied."""
    name = PurePath(c.source).name or c.source
    document = f"{c.title} ({name})" if c.title and c.title != name else name
    return ", ".join([document, *c.place()])


def quote_with_citation(text: str, speaker: str | None, citation: Citation) -> str:
    """A quotation as it is copied: “words” — Speaker, document, ¶, line or page (no
    speaker: no name). ``citation`` is the copied words' own, so the paragraph is
    theirs."""
    who = f"{speaker}, " if speaker else ""
    return f"“{text.strip()}” — {who}{copy_citation(citation)}"


def notes_text(notes: tuple[str, ...]) -> Text:
    """The answer's notes (who is quoted, the nearest wording…), one dim line each."""
    text = Text()
    for note in notes:
        text.append(printable(note) + "\n", style="dim italic")
    return text


def speaker_line(speaker: str | None) -> Text:
    """The line above a quotation: who said it, or that the text names nobody."""
    if speaker is None:
        return Text("No speaker is named for:", style="bold")
    return Text(printable(speaker), style="bold underline") + Text(" said:", style="bold")


def understood_as(answer: Answer) -> str | None:
    """The standalone question a follow-up was answered as, when it is not the question
    itself ("What did he say?" -> "What did Choi Jung-hoon say?"); None otherwise."""
    if answer.understood_as is None or answer.understood_as.strip() == answer.question.strip():
        return None
    return answer.understood_as


def reading_text(answer: Answer, edit_key: str, other_key: str) -> Text:
    """The lines above an answer that say how its question was read: "understood as: …"
    when a follow-up was made standalone, and, when it fitted two readings, what was
    ambiguous and the key that asks the other one. Empty for a question asked as it was.
    The reader checks this before trusting the answer, so it is never left out."""
    text = Text()
    understood = understood_as(answer)
    if understood is not None:
        text.append("understood as: ", style="bold")
        text.append(one_line(understood), style="italic")
        text.append(f"   {edit_key}: edit", style="dim")
    if answer.alternatives:
        if text:
            text.append("\n")
        text.append(one_line(answer.ambiguity or "It may be read another way"), style="bold")
        text.append(f"   {other_key}: ask “{one_line(answer.alternatives[0])}”", style="dim")
    return text


def answer_text(answer: Answer) -> Text:
    """The notes, then the answer span in bold within the passage around it, with its
    citation; a quotation comes after the name of who said it."""
    head = notes_text(answer.notes)
    a = answer.answer
    if a is None:
        return head + Text(NOT_FOUND, style="bold")
    if answer.is_direct_quote:  # reported speech is not their words
        head.append_text(speaker_line(a.speaker))
        head.append("\n")
    ctx = next(
        (p for p in answer.passages if p.source == a.source and p.start <= a.start < p.end),
        None,
    )
    if ctx is None:
        body = Text(printable(a.text), style="bold")
    else:
        # The sentence's own paragraph around it, at most CONTEXT_CHARS either side.
        lo = max(ctx.start, a.start - CONTEXT_CHARS)
        hi = min(ctx.end, a.end + CONTEXT_CHARS)
        before = ctx.text.rfind("\n", lo - ctx.start, a.start - ctx.start)
        after = ctx.text.find("\n", a.end - ctx.start, hi - ctx.start)
        if before >= 0:
            lo = ctx.start + before + 1
        if after >= 0:
            hi = ctx.start + after
        body = highlighted(
            ctx.text[lo - ctx.start : hi - ctx.start], a.start - lo, a.end - lo, style="bold"
        )
        if lo > ctx.start and ctx.text[lo - ctx.start - 1] != "\n":
            body = Text("…") + body
        if hi < ctx.end and ctx.text[hi - ctx.start] != "\n":
            body.append("…")
        if a.short is not None:  # the exact answering words, underlined within the span
            lead = 1 if body.plain.startswith("…") else 0  # offsets survive escaping
            first = lead + len(printable(ctx.text[lo - ctx.start : a.short.start - ctx.start]))
            last = first + len(printable(a.short_text or ""))
            body.stylize("bold underline reverse", first, last)
    if a.short_text is not None:
        head.append(printable(a.short_text), style="bold reverse")
        head.append("\n")
    body.append("\n— ")
    body.append(one_line(str(a.citation)), style="italic")
    return head + body


def passage_text(p: Passage) -> Text:
    """Header (number, badge, score or speaker; citation) and the passage, highlighted."""
    head = Text(f"[{p.rank}] ", style="bold")
    head.append(f" {p.match} ", style=BADGE_STYLES.get(p.match, "reverse"))
    if p.match.is_quotation:
        # Quotations come from the quote index, not a ranking: the speaker, not a score.
        head.append("  ")
        if p.speaker:
            head.append(printable(p.speaker), style="bold")
        else:
            head.append(NO_SPEAKER, style="dim")
    else:
        head.append(f"  score {p.score:.2f}" + ("  weak" if p.weak else ""), style="dim")
    head.append("\n")
    head.append(one_line(str(p.citation)), style="italic")
    head.append("\n")
    head.append_text(highlighted(p.text, p.highlight.start - p.start, p.highlight.end - p.start))
    return head
