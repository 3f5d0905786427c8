"""The chat as a conversation: follow-ups, their "understood as" line, the keys that
correct a reading (ctrl+t), ask the other one (ctrl+n) and start over (ctrl+l), and the
export.

The three-turn conversation runs on the bundled article with the real model; the keys
are checked with an engine that answers at once and reads "What did he say?" two ways,
so they do not depend on how the core resolves a follow-up.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from qa.answer.model import Answer
from qa.conversation import Conversation, Reading, Turn
from qa.embedding.encoder import Embedder
from qa.session import Session
from qa.tui.app import QaApp
from qa.tui.export import session_markdown
from qa.tui.widgets.answer_card import AnswerCard
from qa.tui.widgets.question_box import HistoryInput

from helpers.chat_pilot import ask, plain

SIZE = (120, 40)
WHO = "Who is Choi Jung-hoon?"
SAY = "What did he say?"
DEFECT = "When did he defect?"
CHOI_SAID = "What did Choi Jung-hoon say?"
LEE_SAID = "What did Lee Woong-gil say?"
EITHER = "“he” may be Choi Jung-hoon or Lee Woong-gil"


def reading_line(card: AnswerCard) -> str | None:
    """The lines above the card's answer, or None when they are not shown."""
    line = card.query_one(".reading", Static)
    return plain(line) if line.has_class("shown") else None


def answer_line(card: AnswerCard) -> str:
    return plain(card.query_one(".a", Static))


def cards(app: QaApp) -> list[AnswerCard]:
    return list(app.query(AnswerCard))


# --- the real model on the bundled article ---------------------------------------------


@pytest.mark.anyio
async def test_a_three_turn_conversation_about_one_person(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    """Asked about a person, then "What did he say?" and "When did he defect?": each
    follow-up is answered as the question about that person, and its card says so
    above the answer; the first question, asked as it is, has no such line."""
    app = QaApp(tmp_path, engine=lambda: Session(sample_index.index_dir, embedder=embedder))
    async with app.run_test(size=SIZE) as pilot:
        first = await ask(pilot, WHO)
        assert first.answer is not None and first.answer.answer is not None
        assert "former North Korean lieutenant" in first.answer.answer.text
        assert reading_line(first) is None
        assert first.answer.understood_as == WHO

        second = await ask(pilot, SAY)
        assert plain(second.query_one(".q", Static)) == f"Q: {SAY}"  # as asked
        assert second.answer is not None and second.answer.understood_as == CHOI_SAID
        line = reading_line(second)
        assert line is not None and line.startswith(f"understood as: {CHOI_SAID}"), line
        # His words, from the quote index, with his name on them.
        said = second.answer.answer
        assert said is not None and said.speaker == "Choi Jung-hoon"
        assert "major repercussions in North Korea" in said.text
        assert "Choi Jung-hoon said:" in answer_line(second)

        third = await ask(pilot, DEFECT)
        assert third.answer is not None
        assert third.answer.understood_as == "When did Choi Jung-hoon defect?"
        line = reading_line(third)
        assert line is not None and line.startswith(
            "understood as: When did Choi Jung-hoon defect?"
        ), line
        # The article says when Lee Woong-gil defected (2007), not Choi Jung-hoon: his
        # year must not be given as Choi's.
        a = third.answer.answer
        assert a is None or a.short_text != "2007", a
        assert "2007" not in answer_line(third).split("\n", 1)[0]

        assert [c.question for c in cards(app)] == [WHO, SAY, DEFECT]
        assert app.conversation is not None and len(app.conversation) == 3


# --- the keys, on an engine that reads "What did he say?" two ways ----------------------


class TwoReadings:
    """Answers at once; "What did he say?" fits two men and is read as the first, with
    the other as its alternative. Each answer notes the question it answered, and each
    call is recorded: how many turns came before, the question, its reading."""

    def __init__(self, slow: str | None = None) -> None:
        self.calls: list[tuple[int, str, str]] = []
        self.slow = slow  # a question answered slowly, to let the next one be asked
        self.release = threading.Event()

    def prepare(self, progress: Any) -> None:
        pass

    def status(self) -> str:
        return "ready"

    def close(self) -> None:
        pass

    def converse(
        self, conversation: Conversation, question: str, k: int = 5, reading: Reading | None = None
    ) -> Answer:
        if question == self.slow:
            self.release.wait(10)
        if reading is None:
            if question == SAY:
                reading = Reading(
                    question, CHOI_SAID, True, alternatives=(LEE_SAID,), ambiguity=EITHER
                )
            else:
                reading = Reading(question, question)
        self.calls.append((len(conversation), question, reading.understood_as))
        answer = Answer(
            question,
            None,
            [],
            notes=(f"answered: {reading.understood_as}",),
            understood_as=reading.understood_as,
            alternatives=reading.alternatives,
            ambiguity=reading.ambiguity,
        )
        conversation.add(Turn(question, reading.understood_as, answer))
        return answer


def fake_app(tmp_path: Path, engine: TwoReadings) -> QaApp:
    return QaApp(tmp_path, engine=lambda: engine)


@pytest.mark.anyio
async def test_edit_key_puts_what_it_was_understood_as_in_the_box(tmp_path: Path) -> None:
    engine = TwoReadings()
    app = fake_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, WHO)
        card = await ask(pilot, SAY)
        assert reading_line(card) is not None
        await pilot.press("ctrl+t")
        await pilot.pause()
        box = app.query_one("#question", HistoryInput)
        assert box.value == CHOI_SAID
        assert app.focused is box and box.cursor_position == len(CHOI_SAID)
        # Corrected and asked again: a new turn of the same conversation.
        box.value = LEE_SAID
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert engine.calls[-1] == (2, LEE_SAID, LEE_SAID)
        assert reading_line(cards(app)[-1]) is None  # answered as asked

        # A question answered as asked is put in the box as it is.
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert box.value == LEE_SAID


@pytest.mark.anyio
async def test_other_reading_key_replaces_the_last_card(tmp_path: Path) -> None:
    """An ambiguous follow-up's card names both readings; ctrl+n asks the other one in
    place of the last answer (the conversation keeps one turn for it), and again goes
    back."""
    engine = TwoReadings()
    app = fake_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, WHO)
        card = await ask(pilot, SAY)
        line = reading_line(card)
        assert line is not None
        assert line.splitlines()[0].startswith(f"understood as: {CHOI_SAID}")
        assert line.splitlines()[1].startswith(EITHER)
        assert f"ctrl+n: ask “{LEE_SAID}”" in line
        assert f"answered: {CHOI_SAID}" in answer_line(card)

        await pilot.press("ctrl+n")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert cards(app) == [cards(app)[0], card]  # the same card, not a new one
        assert card.answer is not None and card.answer.understood_as == LEE_SAID
        line = reading_line(card)
        assert line is not None and line.startswith(f"understood as: {LEE_SAID}")
        assert f"ctrl+n: ask “{CHOI_SAID}”" in line
        assert f"answered: {LEE_SAID}" in answer_line(card)
        # The turn was taken back before it was asked again: one turn before it.
        assert engine.calls[-1] == (1, SAY, LEE_SAID)
        conversation = app.conversation
        assert conversation is not None
        assert [t.understood_as for t in conversation.turns] == [WHO, LEE_SAID]

        await pilot.press("ctrl+n")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert card.answer is not None and card.answer.understood_as == CHOI_SAID
        assert [t.understood_as for t in conversation.turns] == [WHO, CHOI_SAID]

        # A question read only one way has no other reading: nothing is asked again.
        await ask(pilot, WHO)
        calls = len(engine.calls)
        await pilot.press("ctrl+n")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert len(engine.calls) == calls and len(cards(app)) == 3
        assert any("only one way" in n.message for n in app._notifications)


@pytest.mark.anyio
async def test_ctrl_l_clears_the_cards_and_starts_a_new_conversation(tmp_path: Path) -> None:
    engine = TwoReadings()
    app = fake_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, WHO)
        await ask(pilot, SAY)
        assert app.conversation is not None and len(app.conversation) == 2
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert cards(app) == [] and app.conversation is None
        await ask(pilot, SAY)
        assert engine.calls[-1][0] == 0  # the first turn of a new conversation
        assert app.conversation is not None and len(app.conversation) == 1


@pytest.mark.anyio
async def test_a_follow_up_asked_before_the_answer_waits_for_it(tmp_path: Path) -> None:
    """Two questions asked in a row are answered in order: the follow-up is resolved
    after the turn before it, even when that one takes longer."""
    engine = TwoReadings(slow=WHO)
    app = fake_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        box = app.query_one("#question", HistoryInput)
        for question in (WHO, SAY):
            box.value = question
            await pilot.press("enter")
            await pilot.pause()
        await pilot.pause(0.2)
        assert engine.calls == []  # the follow-up has not overtaken the first question
        engine.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert engine.calls == [(0, WHO, WHO), (1, SAY, CHOI_SAID)]
        assert [c.answer.understood_as for c in cards(app) if c.answer] == [WHO, CHOI_SAID]


@pytest.mark.anyio
async def test_the_export_says_what_each_follow_up_was_understood_as(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = fake_app(tmp_path, TwoReadings())
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, WHO)
        await ask(pilot, SAY)
        app.action_export()  # e, from the palette (no passage to focus here)
        await pilot.pause()
    (exported,) = tmp_path.glob("qa-session-*.md")
    md = exported.read_text(encoding="utf-8")
    assert f"## {SAY}\n\nUnderstood as: {CHOI_SAID}\n" in md
    assert f"Ambiguous: {EITHER}; the other reading: {LEE_SAID}" in md
    assert md.count("Understood as:") == 1  # not for the question answered as asked


def test_the_export_of_questions_asked_alone_has_no_understood_as() -> None:
    answer = Answer(WHO, None, [])
    md = session_markdown(Path("index"), [(WHO, answer)])
    assert "Understood as" not in md and "Ambiguous" not in md


class QuotingTwoReadings(TwoReadings):
    """TwoReadings with a quotes view (no quotations)."""

    def quotes(self, speaker: str | None = None) -> list[Any]:
        return []


@pytest.mark.anyio
async def test_conversation_keys_do_nothing_over_the_quotes_view(tmp_path: Path) -> None:
    """ctrl+l, ctrl+n and ctrl+t pressed over the quotes view would change the chat
    hidden under it: they leave it as it is (the view is modal, so the chat's keys wait
    for the chat)."""
    engine = QuotingTwoReadings()
    app = fake_app(tmp_path, engine)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, WHO)
        card = await ask(pilot, SAY)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await app.workers.wait_for_complete()
        calls = list(engine.calls)
        await pilot.press("ctrl+l", "ctrl+n", "ctrl+t")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert cards(app)[-1] is card and len(cards(app)) == 2
        assert engine.calls == calls
        assert app.conversation is not None and len(app.conversation) == 2
        assert app.query_one("#question", HistoryInput).value == ""
        await pilot.press("escape")  # back in the chat, they work again
        await pilot.pause()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.query_one("#question", HistoryInput).value == CHOI_SAID
