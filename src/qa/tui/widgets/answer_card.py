"""A question and its answer in the conversation. The card is mounted as the question is
asked and filled in when the worker answers, so the conversation never waits on the model.
Above the answer it says how a follow-up was understood ("understood as: …") and, when
the question fitted two readings, which; asked again in its other reading, the same card
is filled in anew."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from qa.text.safe import printable
from qa.tui.keys import keys_of
from qa.tui.widgets.passage_view import PassageView
from qa.tui.widgets.text import answer_text, reading_text

if TYPE_CHECKING:
    from qa.answer.model import Answer
    from qa.citations import Citation


def thinking() -> Text:
    """The placeholder until the answer comes."""
    return Text("…thinking", style="dim italic")


class AnswerCard(Vertical):
    """A question and, once it arrives, its answer and supporting passages."""

    def __init__(self, question: str) -> None:
        super().__init__(classes="card")
        self.question = question
        self.answer: Answer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Q: ", style="bold") + Text(printable(self.question)), classes="q")
        yield Static(Text(), classes="reading")  # shown once a follow-up was made standalone
        yield Static(thinking(), classes="a")

    def show_answer(self, answer: Answer, citations: dict[int, Citation] | None = None) -> None:
        """Replace the placeholder with the answer and mount the passages; ``citations``
        gives each passage (by rank) the citation of its highlight."""
        self.answer = answer
        reading = reading_text(answer, keys_of("edit_understood"), keys_of("other_reading"))
        line = self.query_one(".reading", Static)
        line.update(reading)
        line.set_class(bool(reading), "shown")
        status = self.query_one(".a", Static)
        text = answer_text(answer)
        for phrase in answer.missing_phrases:
            text.append(f"\nNo passage holds “{printable(phrase)}” word for word.", style="dim")
        if answer.answer is None and answer.passages:
            text.append("\nNearest passages (weak matches):", style="dim")
        status.update(text)
        cited = citations or {}
        self.mount_all([PassageView(p, cited.get(p.rank)) for p in answer.passages])

    def reset(self) -> None:
        """Back to "…thinking", passages gone: the question is being asked again."""
        self.answer = None
        self.query(PassageView).remove()
        self.query_one(".reading", Static).remove_class("shown")
        self.query_one(".a", Static).update(thinking())

    def show_message(self, message: str) -> None:
        """A plain line instead of an answer (still loading, an error)."""
        self.query_one(".a", Static).update(Text(message, style="italic"))
