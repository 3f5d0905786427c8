"""The help screen: every key of the chat, in one place.

It only lays out the rows it is given; the app passes the rows made from the key table
(``qa.tui.keys``), so the help cannot drift from the keys that work.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """Every key binding of the chat, in one place."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close")
    ]

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        text = Text("Keys\n\n", style="bold")
        for keys, what in self.rows:
            text.append(f"{keys:<20}", style="bold")
            text.append(f"{what}\n")
        text.append(
            "\nctrl+p opens the command palette (re-index, copy, clear, export).", style="dim"
        )
        with VerticalScroll(id="help"):
            yield Static(text, id="help-text")
