"""One numbered passage of an answer. Focusable, so the keys move through the passages;
choosing one only posts a message: the app decides what the source pane shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Static

from qa.tui.keys import bindings
from qa.tui.widgets.text import passage_text

if TYPE_CHECKING:
    from qa.answer.model import Passage
    from qa.citations import Citation


class PassageView(Static, can_focus=True):
    """One numbered passage; enter or a click opens it in the source pane."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("passage")

    class Chosen(Message):
        """A passage was chosen to be read in the source pane."""

        def __init__(self, view: PassageView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, passage: Passage, citation: Citation | None = None) -> None:
        super().__init__(
            passage_text(passage), classes="passage weak" if passage.weak else "passage"
        )
        self.passage = passage
        # Where its highlight is: the highlighted sentence's own paragraph and line,
        # which the source pane's title and a copy name (the passage's citation names
        # the paragraph it starts in).
        self.citation = citation or passage.citation

    def action_open(self) -> None:
        self.post_message(self.Chosen(self))

    def on_click(self) -> None:
        self.focus()
        self.post_message(self.Chosen(self))
