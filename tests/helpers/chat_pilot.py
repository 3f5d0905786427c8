"""Driving the chat from a test: one shared way to ask a question and wait for its card,
and to read what a widget shows."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from qa.tui.widgets.answer_card import AnswerCard
from qa.tui.widgets.question_box import HistoryInput


async def ask(pilot: Any, question: str) -> AnswerCard:
    """Type a question, submit it, and wait for its answer card."""
    app = pilot.app
    await app.workers.wait_for_complete()
    box = app.query_one("#question", HistoryInput)
    box.focus()
    box.value = question
    await pilot.press("enter")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return list(app.query(AnswerCard))[-1]


def plain(widget: Static) -> str:
    """The plain text a Static widget shows."""
    content = widget.content
    return content.plain if hasattr(content, "plain") else str(content)
