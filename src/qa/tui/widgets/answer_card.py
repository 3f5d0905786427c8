"""A question and its answer in the conversation. The card is mounted as the question is
asked and filled in when the worker answers, so the conversation never waits on the model."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from qa.text.safe import printable
from qa.tui.widgets.passage_view import PassageView
from qa.tui.widgets.text import answer_text

if TYPE_CHECKING:
    from qa.answer.model import Answer
    from qa.citations import Citation


class AnswerCard(Vertical):
    """A question and, once it arrives, its answer and supporting passages."""

    def __init__(self, question: str) -> None:
        super().__init__(classes="card")
        self.question = question
        self.answer: Answer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("Q: ", style="bold") + Text(printable(self.question)), classes="q")
        yield Static(Text("…thinking", style="dim italic"), classes="a")

    def show_answer(self, answer: Answer, citations: dict[int, Citation] | None = None) -> None:
        """Replace the placeholder with the answer and mount the passages; ``citations``
        gives each passage (by rank) the citation of its highlight."""
        self.answer = answer
        status = self.query_one(".a", Static)
        text = answer_text(answer)
        for phrase in answer.missing_phrases:
            text.append(f"\nNo passage holds “{printable(phrase)}” word for word.", style="dim")
        if answer.answer is None and answer.passages:
            text.append("\nNearest passages (weak matches):", style="dim")
        status.update(text)
        cited = citations or {}
        self.mount_all([PassageView(p, cited.get(p.rank)) for p in answer.passages])

    def show_message(self, message: str) -> None:
        """A plain line instead of an answer (still loading, an error)."""
        self.query_one(".a", Static).update(Text(message, style="italic"))
