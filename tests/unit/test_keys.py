"""The chat's key table (qa.tui.keys) against README.md and the code it drives: no model,
no index, no app run."""

from __future__ import annotations

import re
from pathlib import Path

from textual.actions import parse
from textual.app import App

from qa.tui.app import QaApp
from qa.tui.keys import KEYS, key_names, palette
from qa.tui.widgets.passage_view import PassageView
from qa.tui.widgets.question_box import HistoryInput

README = Path(__file__).resolve().parents[2] / "README.md"

# How the README writes the keys Textual names otherwise.
README_NAMES = {
    "?": "question_mark",
    "/": "slash",
    "]": "right_square_bracket",
    "[": "left_square_bracket",
    "F1": "f1",
}


def readme_keys() -> set[str]:
    """The keys of the table under "## The chat" in README.md: those in its first column,
    and those a row's second column introduces as "`key`: what it does" (the help's row
    names the command palette so). Other code there (the quotes view's own keys, file
    names) is not a key of the chat."""
    section = README.read_text(encoding="utf-8").split("\n## The chat\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    assert rows[0].split("|")[1].strip() == "key" and set(rows[1]) <= set("|-: ")
    keys: set[str] = set()
    for row in rows[2:]:
        first, second = row.split("|")[1:3]
        found = re.findall(r"`([^`]+)`", first) + re.findall(r"`([^`]+)`:", second)
        keys |= {README_NAMES.get(k, k) for k in found}
    return keys


def test_readme_lists_the_keys_of_the_key_table() -> None:
    assert readme_keys() == key_names()


def test_every_key_runs_an_action_that_exists() -> None:
    owners: dict[str, type] = {
        "app": QaApp,
        "question": HistoryInput,
        "passage": PassageView,
        "textual": App,
    }
    for key in KEYS:
        _, name, _ = parse(key.action)
        assert hasattr(owners[key.scope], f"action_{name}"), key
    for _, _, action in palette():
        _, name, _ = parse(action)
        assert hasattr(QaApp, f"action_{name}"), action


def test_the_palette_over_the_quotes_view_offers_only_the_help() -> None:
    assert [title for title, _, _ in palette(over_quotes=True)] == ["Help"]
    assert len(palette()) == len({title for title, _, _ in palette()})
