"""The chat (qa.tui) driven through Textual's Pilot, on the real index and model.

The session's loaded embedder is handed to the app through an engine factory, so no
test pays for a second model load.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, Static, TextArea

from qa.answer.model import Answer
from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.session import DocumentFacts, Overview, Session
from qa.text.safe import printable
from qa.tui.app import QaApp
from qa.tui.screens.quotes import QuotesScreen
from qa.tui.widgets.answer_card import AnswerCard
from qa.tui.widgets.passage_view import PassageView
from qa.tui.widgets.question_box import HistoryInput

from helpers.chat_pilot import ask, plain

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_ARTICLE = ROOT / "docs" / "north-korean-troops-in-russia.txt"
TROOPS = "How many North Korean troops arrived in Russia?"
TUNGSTEN = "What is the boiling point of tungsten in kelvin?"
CANNON_FODDER = "Who said 'cannon fodder'?"
FODDER_QUOTE = "They don’t realize they’re being used as cannon fodder."
SOLDIER = "one former North Korean soldier"
SIZE = (120, 40)


def sample_app(sample_index: Any, embedder: Embedder, tmp_path: Path) -> QaApp:
    """The chat on the shared sample index; copies are saved under tmp_path."""
    return QaApp(
        tmp_path / "copies",
        engine=lambda: Session(sample_index.index_dir, embedder=embedder),
    )


def copied(c: Any) -> str:
    """The citation a copy carries in the sample: the document's file name (it has no
    title), the paragraph and the line of the copied words."""
    return f"{Path(c.source).name}, ¶{c.paragraph}, line {c.line_start}"


def shown(card: AnswerCard) -> str:
    """The plain text the card's answer line shows."""
    return plain(card.query_one(".a", Static))


@pytest.mark.anyio
async def test_ask_shows_answer_card_with_citation(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, TROOPS)
        assert card.answer is not None and card.answer.answer is not None
        text = shown(card)
        assert "10,000" in text
        assert str(card.answer.answer.citation) in text
        views = list(card.query(PassageView))
        assert [v.passage.rank for v in views] == list(range(1, len(views) + 1))
        first = views[0].content.plain
        assert first.startswith("[1] ")
        assert views[0].passage.match in first
        assert "score" in first
        assert "document · " in app.query_one("#status", Static).content.plain


@pytest.mark.anyio
async def test_source_pane_opens_citation_at_its_span(
    sample_index: Any, embedder: Embedder, tmp_path: Path, sample_text: str
) -> None:
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, TROOPS)
        await pilot.press("escape")
        assert isinstance(app.focused, PassageView)
        await pilot.press("enter")
        await pilot.pause()
        area = app.query_one("#source-text", TextArea)
        assert app.query_one("#source").has_class("open")
        assert area.text == printable(sample_text)
        p = card.answer.passages[0]
        assert area.selected_text == sample_text[p.highlight.start : p.highlight.end]
        # The title cites the selected sentence (its paragraph, line and characters).
        title = app.query_one("#source-title", Static).content.plain
        assert f"chars {p.highlight.start}–{p.highlight.end}" in title

        # Next passage: the pane follows, and the selection is scrolled into view.
        await pilot.press("n")
        await pilot.pause()
        await pilot.pause()
        q = card.answer.passages[1]
        assert app.current is not None and app.current.passage == q
        assert area.selected_text == sample_text[q.highlight.start : q.highlight.end]
        row = sample_text.count("\n", 0, q.highlight.end)
        assert area.cursor_location[0] == row
        assert area.scrollable_content_region.height > 0
        await pilot.press("p")
        await pilot.pause()
        assert app.current.passage == p

        # A click opens a passage too.
        views = list(card.query(PassageView))
        views[2].scroll_visible(animate=False, top=True)
        await pilot.pause()
        await pilot.click(views[2])
        await pilot.pause()
        assert app.current is views[2]


@pytest.mark.anyio
async def test_a_new_question_replaces_the_source_pane(
    sample_index: Any, embedder: Embedder, tmp_path: Path, sample_text: str
) -> None:
    """The pane never keeps the last question's passage or quotation beside a new
    answer: it shows the new answer's passage, or closes when nothing was found."""
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        first = await ask(pilot, TROOPS)
        await pilot.press("escape", "n", "n")
        await pilot.pause()
        pane, title = app.query_one("#source"), app.query_one("#source-title", Static)
        area = app.query_one("#source-text", TextArea)
        second = first.answer.passages[1]
        assert pane.has_class("open") and "[2]" in title.content.plain
        assert area.selected_text == sample_text[second.highlight.start : second.highlight.end]

        card = await ask(pilot, CANNON_FODDER)
        await pilot.pause()
        a = card.answer.answer
        assert pane.has_class("open")
        assert area.selected_text == sample_text[a.start : a.end] == FODDER_QUOTE
        assert str(a.citation) in title.content.plain and SOLDIER in title.content.plain
        assert app.current is card.query(PassageView).first()
        assert app.current.has_class("current")

        # A quotation opened from the quotes view gives way to the next answer too.
        screen = await open_quotes(pilot)
        hit = screen.highlighted_hit
        assert hit is not None
        await pilot.press("enter")
        await pilot.pause()
        assert app.shown_quote is hit and area.selected_text == hit.quote
        card = await ask(pilot, TROOPS)
        await pilot.pause()
        a = card.answer.answer
        assert app.shown_quote is None
        assert area.selected_text == sample_text[a.start : a.end] != hit.quote
        assert str(a.citation) in title.content.plain
        assert hit.speaker_label() not in title.content.plain

        # Nothing found: nothing to show, so the pane closes.
        card = await ask(pilot, TUNGSTEN)
        await pilot.pause()
        assert card.answer.answer is None
        assert not pane.has_class("open") and app.current is None

        # Hidden with o, then shown again after a new question: the new answer's passage.
        card = await ask(pilot, CANNON_FODDER)
        await pilot.pause()
        assert not pane.has_class("open")
        await pilot.press("escape", "o")
        await pilot.pause()
        assert pane.has_class("open") and area.selected_text == FODDER_QUOTE
        await pilot.press("o")
        await pilot.pause()
        assert not pane.has_class("open")
        await pilot.press("o")
        await pilot.pause()
        assert pane.has_class("open") and app.current is card.query(PassageView).first()


@pytest.mark.anyio
async def test_opening_a_passage_never_waits_for_the_index(
    sample_index: Any, embedder: Embedder, tmp_path: Path, sample_text: str
) -> None:
    """While another worker holds the index (a question being answered, a re-index),
    the latest answer's passages still open in the source pane at once: their
    documents were read with the answer, not on the UI thread."""
    import threading

    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, TROOPS)
        holding, release, released = threading.Event(), threading.Event(), threading.Event()

        def hold() -> None:
            with app.engine._lock:
                holding.set()
                release.wait(15)
            released.set()

        threading.Thread(target=hold, daemon=True).start()
        assert holding.wait(5)
        try:
            await pilot.press("escape", "enter", "n")
            await pilot.pause()
            p = card.answer.passages[1]
            area = app.query_one("#source-text", TextArea)
            assert area.selected_text == sample_text[p.highlight.start : p.highlight.end]
            assert not released.is_set()  # opened while the index was held elsewhere
        finally:
            release.set()


@pytest.mark.anyio
async def test_copy_quote_and_passage(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, TROOPS)
        a = card.answer.answer
        await pilot.press("escape", "c")
        await pilot.pause()
        expected = f"“{a.text.strip()}” — {copied(a.citation)}"
        assert app.clipboard == expected
        assert "10,000" in app.clipboard
        saved = tmp_path / "copies" / "last-copy.txt"
        assert saved.read_text(encoding="utf-8") == expected + "\n"
        await pilot.press("C")
        await pilot.pause()
        p = card.answer.passages[0]
        assert app.clipboard == f"“{p.text.strip()}” — {copied(p.citation)}"


@pytest.mark.anyio
async def test_copy_names_the_document_and_the_copied_sentences_paragraph(
    sample_index: Any,
    embedder: Embedder,
    tmp_path: Path,
    sample_text: str,
    sample_paragraphs: list[tuple[int, int]],
) -> None:
    """c on a passage copies its highlighted sentence with the document's name and the
    paragraph and line that sentence is in, not the paragraph its passage starts in."""
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, TROOPS)
        await pilot.press("escape")
        moved = 0
        for n, p in enumerate(card.answer.passages):
            await pilot.press("n" if n else "enter")
            await pilot.pause()
            assert app.current is not None and app.current.passage == p
            await pilot.press("c")
            await pilot.pause()
            start, end = p.highlight.start, p.highlight.end
            para = next(i for i, (s, e) in enumerate(sample_paragraphs, 1) if s <= start < e)
            line = sample_text.count("\n", 0, start) + 1
            name = "north-korean-troops-in-russia.txt"
            assert (
                app.clipboard
                == f"“{sample_text[start:end].strip()}” — {name}, ¶{para}, line {line}"
            )
            # The pane's title cites the selected sentence too.
            assert f"¶{para}, line {line}, chars {start}–{end}" in (
                app.query_one("#source-title", Static).content.plain
            )
            moved += para != p.citation.paragraph
        assert moved, "no passage's sentence was past its first paragraph: nothing was tested"


@pytest.mark.anyio
async def test_history_up_and_down(sample_index: Any, embedder: Embedder, tmp_path: Path) -> None:
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "first question about troops")
        await ask(pilot, "second question about Kim")
        box = app.query_one("#question", HistoryInput)
        box.focus()
        await pilot.press("up")
        assert box.value == "second question about Kim"
        await pilot.press("up")
        assert box.value == "first question about troops"
        await pilot.press("up")
        assert box.value == "first question about troops"
        await pilot.press("down")
        assert box.value == "second question about Kim"
        await pilot.press("down")
        assert box.value == ""


@pytest.mark.anyio
async def test_page_keys_scroll_the_conversation_from_the_question_box(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, TROOPS)
        await ask(pilot, CANNON_FODDER)
        conversation = app.query_one("#conversation")
        await pilot.pause()
        box = app.query_one("#question", HistoryInput)
        box.focus()
        await pilot.pause()
        assert conversation.scroll_y > 0  # the latest card is shown from its question
        start = conversation.scroll_y
        await pilot.press("pageup")
        await pilot.pause()
        assert conversation.scroll_target_y < start
        assert app.focused is box  # still typing there
        await pilot.press("pageup", "pageup", "pageup", "pageup", "pageup")
        await pilot.pause()
        assert conversation.scroll_target_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert conversation.scroll_target_y > 0
        # On a passage the conversation scrolls with them as before.
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.focused, PassageView)
        before = conversation.scroll_target_y
        assert before > 0
        await pilot.press("pageup")
        await pilot.pause()
        assert conversation.scroll_target_y < before
        # In the source pane they page through the document, not the conversation.
        await pilot.press("enter")
        await pilot.pause()
        area = app.query_one("#source-text", TextArea)
        area.focus()
        area.move_cursor((0, 0))
        await pilot.pause()
        before = conversation.scroll_target_y
        await pilot.press("pagedown")
        await pilot.pause()
        assert area.cursor_location[0] > 0
        assert conversation.scroll_target_y == before


@pytest.mark.anyio
async def test_the_first_screen_lists_the_documents_and_a_question_to_try(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    """Before any question: the documents of the index and an example question made of
    their words, which the documents answer; back after ctrl+l clears the chat."""
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        welcome = app.query_one("#welcome", Static).content.plain
        assert welcome.splitlines() == [
            "1 document indexed: north-korean-troops-in-russia.txt",
            "Try: What did Volodymyr Zelenskyy say?",
        ]
        card = await ask(pilot, "What did Volodymyr Zelenskyy say?")
        assert card.answer.answer is not None and card.answer.answer.speaker == (
            "Volodymyr Zelenskyy"
        )
        conversation = app.query_one("#conversation")
        assert conversation.children[0].id == "welcome"  # above the conversation
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert [c.id for c in conversation.children] == ["welcome"]
        assert app.query_one("#welcome", Static).content.plain.startswith("1 document indexed")


@pytest.mark.anyio
async def test_not_found_is_said_plainly(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, TUNGSTEN)
        assert card.answer is not None and card.answer.answer is None
        assert shown(card).startswith("Not found in these documents")


@pytest.mark.anyio
async def test_document_markup_and_escapes_are_shown_literally(
    tmp_path: Path, embedder: Embedder
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "tricky.txt").write_text(
        "The launch code of the station is [bold]not bold[/bold] written in brackets.\n"
        "The operator typed \x1b]52;c;aGk=\x07 into the console before the launch.\n",
        encoding="utf-8",
    )
    index_dir = tmp_path / "index"
    report = build_index([folder], index_dir, embedder=embedder)
    assert report.indexed
    app = QaApp(index_dir, engine=lambda: Session(index_dir, embedder=embedder))
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, "What is the launch code of the station?")
        texts = [shown(card)] + [v.content.plain for v in card.query(PassageView)]
        everything = "\n".join(texts)
        assert "[bold]not bold[/bold]" in everything
        assert "\x1b" not in everything and "\x07" not in everything
        assert "\\x1b]52;c;aGk=\\x07" in everything
        # The styled spans are Rich styles on literal text, never parsed markup.
        assert all(
            "bold]not" not in str(span.style)
            for v in card.query(PassageView)
            for span in v.content.spans
        )
        await pilot.press("escape", "enter")
        await pilot.pause()
        area = app.query_one("#source-text", TextArea)
        assert "\x1b" not in area.text and "[bold]not bold[/bold]" in area.text
        svg = app.export_screenshot()
        assert "\x1b" not in svg


@pytest.mark.anyio
async def test_reindex_while_running(tmp_path: Path, embedder: Embedder) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copyfile(SAMPLE_ARTICLE, folder / SAMPLE_ARTICLE.name)
    index_dir = tmp_path / "index"
    build_index([folder], index_dir, embedder=embedder)
    app = QaApp(index_dir, [folder], engine=lambda: Session(index_dir, [folder], embedder=embedder))
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = app.query_one("#status", Static)
        assert status.content.plain.startswith("1 document ·")
        (folder / "tungsten.txt").write_text(
            "Tungsten boils at 5,828 kelvin, the highest boiling point of any metal.\n",
            encoding="utf-8",
        )
        seen: list[str] = []
        show = app.set_status
        app.set_status = lambda text: (seen.append(text), show(text))  # type: ignore[method-assign]
        await pilot.press("ctrl+r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert status.content.plain.startswith("2 documents")
        assert any(text.startswith("embedding…") for text in seen), seen
        card = await ask(pilot, TUNGSTEN)
        assert card.answer.answer is not None
        assert "5,828" in card.answer.answer.text


def gated_app(index_dir: Path, embedder: Embedder, tmp_path: Path) -> tuple[QaApp, Any]:
    """An app whose engine opens the index only once the returned event is set."""
    import threading

    gate = threading.Event()

    class SlowEngine(Session):
        def prepare(self, progress: Any) -> None:
            gate.wait(30)
            super().prepare(progress)

    return QaApp(tmp_path, engine=lambda: SlowEngine(index_dir, embedder=embedder)), gate


LOADING = "loading the model…; your question will be answered when it is ready"


@pytest.mark.anyio
@pytest.mark.parametrize("enter", ["enter", "ctrl+j"])
async def test_question_before_ready_waits(
    sample_index: Any, embedder: Embedder, tmp_path: Path, enter: str
) -> None:
    """Asked while the model loads, a question is kept, says so, and is answered once
    the model is ready; typed before the chat took the terminal, its Enter arrives as
    a newline (ctrl+j), which asks too."""
    app, gate = gated_app(sample_index.index_dir, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        box = app.query_one("#question", HistoryInput)
        box.value = TROOPS
        await pilot.press(enter)
        await pilot.pause()
        card = app.query_one(AnswerCard)
        assert shown(card) == LOADING
        assert box.value == ""
        assert "loading" in app.query_one("#status", Static).content.plain
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "10,000" in shown(card)


@pytest.mark.anyio
async def test_help_and_export(
    sample_index: Any,
    embedder: Embedder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, TROOPS)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        help_text = app.screen.query_one("#help-text", Static).content.plain
        for keys, _ in QaApp.HELP_ROWS:
            assert keys in help_text
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        exported = list(tmp_path.glob("qa-session-*.md"))
        assert len(exported) == 1
        md = exported[0].read_text(encoding="utf-8")
        assert TROOPS in md and card.answer.answer.text.strip() in md
        assert str(card.answer.answer.citation) in md
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in (
            "Re-index",
            "Copy quote",
            "Copy passage",
            "Clear",
            "Export",
            "Quotes by speaker",
        ):
            assert title in titles


async def ready(pilot: Any) -> None:
    """Wait until the engine has opened the index."""
    app = pilot.app
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.ready:
            return
    raise AssertionError("the engine never became ready")


async def open_quotes(pilot: Any) -> QuotesScreen:
    """ctrl+o, and wait for the quotations to be listed."""
    await pilot.press("ctrl+o")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, QuotesScreen)
    return screen


def prompt_text(prompt: Any) -> str:
    """The plain text of an option's prompt (a Text, or a Text in a Padding)."""
    return getattr(prompt, "renderable", prompt).plain


@pytest.mark.anyio
async def test_quote_answer_names_the_speaker_and_copies_with_it(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, CANNON_FODDER)
        a = card.answer.answer
        assert a is not None and a.text == FODDER_QUOTE and a.speaker == SOLDIER
        text = shown(card)
        # The note first, then who said it, the quotation in its paragraph, the citation.
        note = f"“cannon fodder” is quoted by {SOLDIER}."
        assert text.startswith(note + "\n" + f"{SOLDIER} said:\n")
        assert FODDER_QUOTE in text and str(a.citation) in text
        content = card.query_one(".a", Static).content
        bold = [content.plain[s.start : s.end] for s in content.spans if "bold" in str(s.style)]
        assert FODDER_QUOTE in bold
        # The passage card: a quote badge and the speaker instead of a score.
        view = card.query_one(PassageView)
        head = view.content.plain.splitlines()[0]
        assert head.startswith("[1]  quote ") and SOLDIER in head and "score" not in head

        await pilot.press("escape", "c")
        await pilot.pause()
        expected = f"“{FODDER_QUOTE}” — {SOLDIER}, {copied(a.citation)}"
        assert app.clipboard == expected
        assert app.clipboard.startswith(f"“{FODDER_QUOTE}” — {SOLDIER}, ")
        saved = tmp_path / "copies" / "last-copy.txt"
        assert saved.read_text(encoding="utf-8") == expected + "\n"
        # The open passage's quotation is copied with its speaker too.
        await pilot.press("n")
        await pilot.pause()
        assert app.current is view
        assert app.clipboard == expected
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == expected
        assert SOLDIER in app.query_one("#source-title", Static).content.plain

        md = app.session_markdown()
        assert f"Note: {note}" in md
        assert f"{SOLDIER} said:\n\n> {FODDER_QUOTE}" in md
        assert f"(quote, {SOLDIER})" in md


@pytest.mark.anyio
async def test_notes_come_before_the_answer(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, "What did Blinken say?")
        reported = "What the text reports them saying:"
        note = f"No direct quotation by Blinken in these documents. {reported}"
        assert card.answer.notes == (note,)
        text = shown(card)
        assert text.startswith(note + "\n")
        assert "said:" not in text  # reported speech, not a quotation
        assert "Antony Blinken noted that" in text
        content = card.query_one(".a", Static).content
        assert any(s.start == 0 and "dim" in str(s.style) for s in content.spans)
        # Copied or exported, the writer's sentence is never put in Blinken's mouth.
        copied = app.quote()
        assert copied is not None and "Antony Blinken noted that" in copied
        assert "— Antony Blinken" not in copied
        assert "Antony Blinken said:" not in app.session_markdown()


@pytest.mark.anyio
async def test_quotes_view_lists_quotations_by_speaker(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await open_quotes(pilot)
        groups = screen.groups
        assert groups is not None
        assert sum(len(hits) for hits in groups.values()) == 11 == len(screen.hits)
        assert [h.quote for h in groups["Volodymyr Zelenskyy"]] == [
            "untested enemy.",
            "watching passively",
        ]
        assert list(groups)[-1] is None and len(groups[None]) == 2
        counts = [len(hits) for speaker, hits in groups.items() if speaker]
        assert counts == sorted(counts, reverse=True)  # the most quoted first
        assert "11 quotations, 9 with a named speaker" in (
            screen.query_one("#quotes-title", Static).content.plain
        )
        # What the list shows: a header per speaker with its count, then its quotations.
        options = screen.query_one("#quotes", OptionList).options
        headers = [prompt_text(o.prompt) for o in options if o.disabled]
        assert len(headers) == len(groups)
        assert "Volodymyr Zelenskyy  2 quotations" in headers
        assert headers[-1] == "No speaker named  2 quotations"
        quotes = [prompt_text(o.prompt) for o in options if not o.disabled]
        assert all(q.startswith("“") for q in quotes) and len(quotes) == 11
        assert str(groups["Volodymyr Zelenskyy"][0].citation) in "".join(quotes)
        last = options[-1]
        assert prompt_text(last.prompt).startswith(f"“{groups[None][-1].quote}”")

        # The first quotation is highlighted; c copies it with its speaker and citation.
        first = screen.hits[0]
        assert screen.highlighted_hit is first
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == f"“{first.quote}” — {first.speaker}, {copied(first.citation)}"
        # Down skips the speakers' headers; an unattributed quote is copied without a name.
        for _ in range(len(screen.hits) - 1):
            await pilot.press("down")
        await pilot.pause()
        unnamed = screen.highlighted_hit
        assert unnamed is groups[None][-1]
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == f"“{unnamed.quote}” — {copied(unnamed.citation)}"
        assert unnamed.quote in screen.query_one("#quote-context", Static).content.plain

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, QuotesScreen)
        assert isinstance(app.focused, HistoryInput)

        # Opened again, it comes back to the same quotation.
        screen = await open_quotes(pilot)
        assert screen.highlighted_hit is not None
        assert screen.highlighted_hit.start == unnamed.start
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert not isinstance(app.screen, QuotesScreen)


@pytest.mark.anyio
async def test_the_palette_over_the_quotes_view_offers_no_chat_commands(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    """Copy, clear, export or open a passage from the palette would act on the chat
    hidden under the quotes view: over it, the palette offers none of them."""
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        chat = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Clear", "Copy quote", "Export", "Quotes by speaker"} <= chat
        screen = await open_quotes(pilot)
        over_quotes = {c.title for c in app.get_system_commands(screen)}
        assert "Help" in over_quotes
        assert not over_quotes & {"Clear", "Copy quote", "Copy passage", "Export", "Re-index"}
        assert not over_quotes & {"Open document", "Quotes by speaker"}


@pytest.mark.anyio
async def test_quotes_view_enter_shows_the_quote_in_the_source_pane(
    sample_index: Any, embedder: Embedder, tmp_path: Path, sample_text: str
) -> None:
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = await open_quotes(pilot)
        await pilot.press("down")
        hit = screen.highlighted_hit
        assert hit is screen.hits[1]
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, QuotesScreen)
        assert app.query_one("#source").has_class("open")
        area = app.query_one("#source-text", TextArea)
        assert area.selected_text == sample_text[hit.start : hit.end] == hit.quote
        title = app.query_one("#source-title", Static).content.plain
        assert hit.speaker in title and str(hit.citation) in title
        # The pane has the focus, so c copies the quotation shown there.
        assert app.focused is area
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == f"“{hit.quote}” — {hit.speaker}, {copied(hit.citation)}"
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Quotes by speaker" in titles


@pytest.mark.anyio
async def test_quotes_view_opened_before_the_index_is_ready(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    app, gate = gated_app(sample_index.index_dir, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, QuotesScreen)
        gate.set()
        await ready(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.groups is not None and len(screen.hits) == 11


FIRST_FRAME = """
import asyncio, sys
from pathlib import Path
import qa.tui.app
assert 'torch' not in sys.modules
app = qa.tui.app.QaApp(Path(sys.argv[1]))
assert 'torch' not in sys.modules

class Idle:
    def prepare(self, progress): pass
    def status(self): return 'ready'
    def close(self): pass

async def main():
    app = qa.tui.app.QaApp(Path(sys.argv[1]), engine=Idle)
    async with app.run_test() as pilot:
        await pilot.pause()
    assert 'torch' not in sys.modules, 'torch imported by the first frame'

asyncio.run(main())
print('ok')
"""


def test_import_and_first_frame_import_no_torch(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME, str(tmp_path / "index")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")


# Everything the chat can do without before its first frame: the core (the engine's
# worker imports it once the screen is up) and the source pane's editor (mounted when
# the index opens). Importing any of them first delays the chat's first frame.
NOT_BEFORE_FIRST_FRAME = (
    "numpy",
    "faiss",
    "torch",
    "sentence_transformers",
    "spacy",
    "sqlite3",
    "qa.index.reader",
    "qa.answer.model",
    "qa.answer.from_quotes",
    "textual.widgets._text_area",
)

FIRST_FRAME_CORE = """
import asyncio, sys
from pathlib import Path
import qa.tui.app

class NeverReady:  # the chat as it is drawn while the index is still opening
    def prepare(self, progress): raise RuntimeError('still opening')
    def status(self): return 'loading'
    def close(self): pass

async def main():
    app = qa.tui.app.QaApp(Path(sys.argv[1]), engine=NeverReady)
    async with app.run_test() as pilot:
        await pilot.pause()
    print(' '.join(m for m in sys.argv[2:] if m in sys.modules))

asyncio.run(main())
"""


def test_first_frame_imports_none_of_the_core(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_CORE, str(tmp_path / "index"), *NOT_BEFORE_FIRST_FRAME],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [], "imported before the first frame"


@pytest.mark.anyio
async def test_footer_keys_are_in_the_first_frame(tmp_path: Path) -> None:
    """The footer's keys are drawn with the rest of the chat, not a moment later."""
    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    app = QaApp(tmp_path / "index", engine=FixedEngine)
    async with app.run_test(size=SIZE) as pilot:
        # Ready, before a single message is processed (and the screen first drawn).
        keys = [key.description for key in app.query_one(Footer).query(FooterKey)]
        assert keys[:3] == ["Passages", "Quotes", "Help"]
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The question box has the focus, so the keys it types (n, p, o, c) are not shown.
        assert [key.description for key in app.query_one(Footer).query(FooterKey)] == keys


class FixedEngine:
    """Instantly ready, with a fixed status and documents: a deterministic first frame."""

    def prepare(self, progress: Any) -> None:
        pass

    def overview(self) -> Overview:
        sources = ("docs/north-korean-troops-in-russia.txt", "docs/notes.md")
        facts = DocumentFacts(
            sources[0], None, "said Volodymyr Zelenskyy", ("Volodymyr Zelenskyy",)
        )
        return Overview(sources, (facts,))

    def status(self) -> str:
        return "1 document · 19 chunks · all-MiniLM-L6-v2 · index 1 min old"

    def ask(self, question: str) -> Answer:
        return Answer(question, None, [])

    def close(self) -> None:
        pass


def test_snapshot_first_frame(snap_compare: Any, tmp_path: Path) -> None:
    async def settle(pilot: Any) -> None:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    app = QaApp(Path("index"), engine=FixedEngine)
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


class FixedStatusEngine(Session):
    """The real engine with a status line that does not change with the index's age."""

    def status(self) -> str:
        return "1 document · fixed status for the snapshot"


def snapshot_index(tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample indexed under relative paths in tmp_path (the working folder), so the
    citations a snapshot shows do not depend on where the tests run."""
    monkeypatch.chdir(tmp_path)
    docs = Path("docs")
    docs.mkdir()
    shutil.copyfile(SAMPLE_ARTICLE, docs / SAMPLE_ARTICLE.name)
    build_index([docs], Path("index"), embedder=embedder)


def test_snapshot_answer_and_source_pane(
    snap_compare: Any, tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot_index(tmp_path, embedder, monkeypatch)

    async def ask_and_open(pilot: Any) -> None:
        await ask(pilot, TROOPS)
        await pilot.press("escape", "n")
        await pilot.pause()
        await pilot.pause()

    app = QaApp(Path("index"), engine=lambda: FixedStatusEngine(Path("index"), embedder=embedder))
    assert snap_compare(app, terminal_size=(80, 24), run_before=ask_and_open)


def test_snapshot_quotes_view(
    snap_compare: Any, tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    snapshot_index(tmp_path, embedder, monkeypatch)

    async def open_and_move(pilot: Any) -> None:
        await ready(pilot)
        await open_quotes(pilot)
        await pilot.press("down", "down")
        await pilot.pause()

    app = QaApp(Path("index"), engine=lambda: FixedStatusEngine(Path("index"), embedder=embedder))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_and_move)


def test_snapshot_help_screen(snap_compare: Any) -> None:
    app = QaApp(Path("index"), engine=FixedEngine)
    assert snap_compare(app, terminal_size=(80, 24), press=["f1"])


def test_cli_without_a_terminal_prints_help_and_chat_says_why() -> None:
    from click.testing import CliRunner

    from qa.cli.main import main

    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0 and "chat" in result.output and "ask" in result.output
    result = CliRunner().invoke(main, ["chat", "--index", "nowhere"])
    assert result.exit_code == 1
    assert "needs a terminal" in result.output


@pytest.mark.anyio
async def test_indexing_warnings_are_shown_in_the_chat(tmp_path: Path) -> None:
    """A page whose article was not found is named in a notice, as `qa index` names it."""
    import gzip

    from helpers.fake_encoder import FakeEncoder

    folder = tmp_path / "docs"
    folder.mkdir()
    page = Path(__file__).parent.parent / "fixtures" / "html" / "scmp.com.playbook.html.gz"
    html = gzip.decompress(page.read_bytes()).decode()
    path = folder / "scmp-no-json.html"
    path.write_text(html.replace('type="application/ld+json"', 'type="text/plain"'))
    index_dir = tmp_path / "index"
    app = QaApp(
        index_dir, [folder], engine=lambda: Session(index_dir, [folder], embedder=FakeEncoder())
    )
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):  # the start-up worker hands over to the UI thread
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if app.ready:
                break
        shown = [n.message for n in app._notifications]
        assert any(m.startswith(f"{path}: little text for the page's size") for m in shown), shown
