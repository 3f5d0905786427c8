"""Widgets of the chat. Document text only ever enters them as Rich ``Text`` built from
``printable()`` strings, never as markup, so a document cannot restyle the screen or
send escape sequences to the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Static

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


def quote_with_citation(text: str, speaker: str | None, citation: Citation) -> str:
    """A quotation as it is copied: “words” — Speaker, short citation (no speaker: no name)."""
    who = f"{speaker}, " if speaker else ""
    return f"“{text.strip()}” — {who}{citation.short()}"


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


def answer_text(answer: Answer) -> Text:
    """The notes, then the answer span in bold within the passage around it, with its
    citation; a quotation comes after the name of who said it."""
    from qa.answer.model import AnswerKind  # here, not at import: the first frame needs none

    head = notes_text(answer.notes)
    a = answer.answer
    if a is None:
        return head + Text(NOT_FOUND, style="bold")
    if answer.kind is AnswerKind.QUOTATION:  # reported speech is not their words
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


class PassageView(Static, can_focus=True):
    """One numbered passage; enter or a click opens it in the source pane."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", "Open source", show=False)]

    class Chosen(Message):
        """A passage was chosen to be read in the source pane."""

        def __init__(self, view: PassageView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, passage: Passage) -> None:
        super().__init__(
            passage_text(passage), classes="passage weak" if passage.weak else "passage"
        )
        self.passage = passage

    def action_open(self) -> None:
        self.post_message(self.Chosen(self))

    def on_click(self) -> None:
        self.focus()
        self.post_message(self.Chosen(self))


class AnswerCard(Vertical):
    """A question and, once it arrives, its answer and supporting passages."""

    def __init__(self, question: str) -> None:
        super().__init__(classes="card")
        self.question = question
        self.answer: Answer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Q: ", style="bold") + Text(printable(self.question)), classes="q")
        yield Static(Text("…thinking", style="dim italic"), classes="a")

    def show_answer(self, answer: Answer) -> None:
        """Replace the placeholder with the answer and mount the passages."""
        self.answer = answer
        status = self.query_one(".a", Static)
        text = answer_text(answer)
        for phrase in answer.missing_phrases:
            text.append(f"\nNo passage holds “{printable(phrase)}” word for word.", style="dim")
        if answer.answer is None and answer.passages:
            text.append("\nNearest passages (weak matches):", style="dim")
        status.update(text)
        self.mount_all([PassageView(p) for p in answer.passages])

    def show_message(self, message: str) -> None:
        """A plain line instead of an answer (still loading, an error)."""
        self.query_one(".a", Static).update(Text(message, style="italic"))


class HistoryInput(Input):
    """The question box; up and down recall earlier questions, like a shell."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Previous question", show=False),
        Binding("down", "history(1)", "Next question", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.history: list[str] = []
        self._pos = 0

    def remember(self, question: str) -> None:
        if question and (not self.history or self.history[-1] != question):
            self.history.append(question)
        self._pos = len(self.history)

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        self._pos = max(0, min(len(self.history), self._pos + step))
        self.value = self.history[self._pos] if self._pos < len(self.history) else ""
        self.cursor_position = len(self.value)


class KeysFooter(Footer):
    """The footer, with its keys in the frame it first appears in, redrawn only when
    they change.

    Textual's Footer composes empty and fills in its keys a refresh after the screen
    announces its bindings, so the keys would come a frame (0.2-0.4 s at start-up) after
    the rest of the chat. Mounted once the question box has focus, the keys it is to
    show are already known, so it composes them at once. Every focus change announces
    the bindings again; rebuilding the same keys (two or three times at start-up, while
    the model loads) is skipped. Built on Footer's ``_bindings_ready`` flag (Textual 8):
    the footer tests fail if a Textual release drops it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.set_reactive(Footer._bindings_ready, True)
        self._shown: tuple[object, ...] | None = None

    def _keys(self) -> tuple[object, ...]:
        """What the footer shows: the active bindings and the palette key."""
        active = self.screen.active_bindings.items()
        keys = tuple(
            (key, b.action, b.description, b.show, on, tip) for key, (_, b, on, tip) in active
        )
        return (self.show_command_palette, self.compact, keys)

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        yield from super().compose()

    async def recompose(self) -> None:
        if self.is_attached and self._keys() == self._shown:
            return
        await super().recompose()
