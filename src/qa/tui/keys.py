"""Every key of the chat, in one table.

The app's bindings (and so its footer), the question box's and a passage's bindings, the
help screen's lines and the command palette's entries are all made from ``KEYS``, so
they cannot disagree with one another; ``tests/unit/test_keys.py`` holds README.md's key
table to it too. Cheap to import (Textual's ``Binding`` only): the widgets read it as
the chat's first frame is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding, BindingType

# Who acts on a key: the app, the question box, a focused passage, or Textual itself
# (its command palette and quit, listed for the help and the README only).
Scope = Literal["app", "question", "passage", "textual"]


@dataclass(frozen=True)
class Command:
    """A command palette entry for a key's action."""

    title: str
    help: str
    # The app action it runs, when not the key's own (a passage's "open" acts on the
    # focused passage; from the palette the app opens the current one).
    action: str | None = None
    # Also offered over the quotes view; the others would act on the chat hidden under it.
    everywhere: bool = False


@dataclass(frozen=True)
class Key:
    """One key (or several doing the same) of the chat."""

    keys: str  # Textual's key names, comma-separated, as ``Binding`` takes them
    action: str  # the action it runs in its scope, as ``Binding`` takes it: "move(1)"
    description: str  # its label in the footer and in Textual's keys panel
    # The help screen's line: the keys as it writes them and what they do. None: the
    # line of the key above covers this one too (next / previous on one line).
    help: tuple[str, str] | None
    scope: Scope = "app"
    footer: bool = False  # shown in the footer (when its scope has the focus)
    palette: Command | None = None


KEYS: tuple[Key, ...] = (
    Key(
        "enter",
        "open",
        "Open source",
        ("enter", "ask (in the box); open the passage (on a passage)"),
        scope="passage",
        palette=Command(
            "Open document", "Open the current passage in the source pane", action="move(0)"
        ),
    ),
    # A question typed while the chat starts reaches it with the terminal still in
    # line mode, which turns its Enter into a newline (ctrl+j): that asks too, or the
    # question would sit in the box unasked.
    Key("ctrl+j", "submit", "Ask", None, scope="question"),
    Key(
        "up",
        "history(-1)",
        "Previous question",
        ("up / down", "previous / next question (in the box)"),
        scope="question",
    ),
    Key("down", "history(1)", "Next question", None, scope="question"),
    Key(
        "escape",
        "focus_answer",
        "Passages",
        ("escape", "go to the passages of the latest answer"),
        footer=True,
    ),
    Key("slash,i", "focus_question", "Ask", ("/ or i", "back to the question box")),
    # The app's, so they scroll the conversation from the question box (which has no
    # use for them); the conversation (a passage focused) and the source pane scroll
    # themselves with them first.
    Key(
        "pageup",
        "scroll_conversation(-1)",
        "Page up",
        ("pageup / pagedown", "scroll the conversation (also in the box)"),
    ),
    Key("pagedown", "scroll_conversation(1)", "Page down", None),
    Key(
        "n,right_square_bracket",
        "move(1)",
        "Next",
        ("n ]  /  p [", "next / previous passage, shown in the source pane"),
        footer=True,
    ),
    Key("p,left_square_bracket", "move(-1)", "Prev", None, footer=True),
    Key("o", "toggle_source", "Source", ("o", "show or hide the source pane"), footer=True),
    Key(
        "c",
        "copy_quote",
        "Copy",
        ("c", "copy the quote (answer or open passage's span) + citation"),
        footer=True,
        palette=Command("Copy quote", "Copy the answer with its citation"),
    ),
    Key(
        "C",
        "copy_passage",
        "Copy passage",
        ("C (shift+c)", "copy the whole passage with its citation"),
        palette=Command("Copy passage", "Copy the whole passage with its citation"),
    ),
    Key(
        "ctrl+o",
        "quotes",
        "Quotes",
        ("ctrl+o", "quotations by speaker (c copy, enter show)"),
        footer=True,
        palette=Command(
            "Quotes by speaker", "Every quotation in the documents, grouped by speaker (ctrl+o)"
        ),
    ),
    Key(
        "e",
        "export",
        "Export",
        ("e", "export the session to Markdown"),
        palette=Command("Export", "Save the session as Markdown"),
    ),
    Key(
        "ctrl+r",
        "reindex",
        "Re-index",
        ("ctrl+r", "re-index the documents"),
        palette=Command("Re-index", "Index the documents again"),
    ),
    # Textual's question box keeps ctrl+e (end of line) and ctrl+u; ctrl+o is the quotes.
    Key(
        "ctrl+t",
        "edit_understood",
        "Edit understood as",
        ("ctrl+t", "put the last “understood as” in the box, to correct it"),
        palette=Command(
            "Edit understood as",
            "Put the standalone question the last answer answered in the box (ctrl+t)",
        ),
    ),
    Key(
        "ctrl+n",
        "other_reading",
        "Other reading",
        ("ctrl+n", "ask the last question in its other reading (“he” may be A or B)"),
        palette=Command(
            "Other reading", "Ask the last question again as the other person or thing (ctrl+n)"
        ),
    ),
    Key(
        "ctrl+l",
        "clear",
        "Clear",
        ("ctrl+l", "clear the chat and start a new conversation"),
        palette=Command("Clear", "Clear the chat and start a new conversation"),
    ),
    Key(
        "question_mark,f1",
        "help",
        "Help",
        ("? or f1", "this help"),
        footer=True,
        palette=Command("Help", "Show every key binding", everywhere=True),
    ),
    Key("ctrl+p", "command_palette", "Palette", ("ctrl+p", "command palette"), scope="textual"),
    Key("ctrl+q", "quit", "Quit", ("ctrl+q", "quit"), scope="textual"),
)

# The order the palette has always yielded its entries in (the table's is the help's):
# a typed search lists equally good matches in this order.
PALETTE_ORDER = (
    "Re-index",
    "Copy quote",
    "Copy passage",
    "Open document",
    "Quotes by speaker",
    "Edit understood as",
    "Other reading",
    "Clear",
    "Export",
    "Help",
)


def bindings(scope: Scope) -> list[BindingType]:
    """The bindings of ``scope`` (the app, the question box, a passage), in table order:
    the footer shows them in this order."""
    return [
        Binding(k.keys, k.action, k.description, show=k.footer) for k in KEYS if k.scope == scope
    ]


def help_rows() -> list[tuple[str, str]]:
    """The help screen's lines: (the keys as written, what they do)."""
    return [k.help for k in KEYS if k.help is not None]


def palette(over_quotes: bool = False) -> list[tuple[str, str, str]]:
    """The command palette's entries as (title, help, app action); over the quotes view
    only those that do not act on the chat under it."""
    entries = [
        (k.palette.title, k.palette.help, k.palette.action or k.action)
        for k in KEYS
        if k.palette is not None and (k.palette.everywhere or not over_quotes)
    ]
    rank = {title: n for n, title in enumerate(PALETTE_ORDER)}
    return sorted(entries, key=lambda e: rank.get(e[0], len(rank)))


def keys_of(action: str) -> str:
    """How the help writes the keys of ``action`` ("ctrl+t"), for a line that names them."""
    return next(k.help[0] for k in KEYS if k.action == action and k.help is not None)


def key_names() -> set[str]:
    """Every key name in the table (``n``, ``right_square_bracket``, ``ctrl+o``…)."""
    return {name for k in KEYS for name in k.keys.split(",")}
