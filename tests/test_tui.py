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
from textual.widgets import Static, TextArea

from qa.answers import Answer
from qa.display import printable
from qa.embedding import Embedder
from qa.indexer import build_index
from qa.tui.app import QaApp
from qa.tui.engine import Engine
from qa.tui.widgets import AnswerCard, HistoryInput, PassageView

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ARTICLE = ROOT / "docs" / "north-korean-troops-in-russia.txt"
TROOPS = "How many North Korean troops arrived in Russia?"
TUNGSTEN = "What is the boiling point of tungsten in kelvin?"
SIZE = (120, 40)


@pytest.fixture
def anyio_backend() -> str:
    """Textual runs on asyncio."""
    return "asyncio"


def sample_app(sample_index: Any, embedder: Embedder, tmp_path: Path) -> QaApp:
    """The chat on the shared sample index; copies are saved under tmp_path."""
    return QaApp(
        tmp_path / "copies",
        engine=lambda: Engine(sample_index.index_dir, embedder=embedder),
    )


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


def shown(card: AnswerCard) -> str:
    """The plain text the card's answer line shows."""
    content = card.query_one(".a", Static).content
    return content.plain if hasattr(content, "plain") else str(content)


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
        assert str(p.citation) in app.query_one("#source-title", Static).content.plain

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
async def test_copy_quote_and_passage(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    app = sample_app(sample_index, embedder, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        card = await ask(pilot, TROOPS)
        a = card.answer.answer
        await pilot.press("escape", "c")
        await pilot.pause()
        expected = f"“{a.text.strip()}” — {a.citation.short()}"
        assert app.clipboard == expected
        assert "10,000" in app.clipboard
        saved = tmp_path / "copies" / "last-copy.txt"
        assert saved.read_text(encoding="utf-8") == expected + "\n"
        await pilot.press("C")
        await pilot.pause()
        p = card.answer.passages[0]
        assert app.clipboard == f"“{p.text.strip()}” — {p.citation.short()}"


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
    app = QaApp(index_dir, engine=lambda: Engine(index_dir, embedder=embedder))
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
    app = QaApp(index_dir, [folder], engine=lambda: Engine(index_dir, [folder], embedder=embedder))
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


@pytest.mark.anyio
async def test_question_before_ready_waits(
    sample_index: Any, embedder: Embedder, tmp_path: Path
) -> None:
    import threading

    gate = threading.Event()

    class SlowEngine(Engine):
        def prepare(self, progress: Any) -> None:
            gate.wait(30)
            super().prepare(progress)

    app = QaApp(tmp_path, engine=lambda: SlowEngine(sample_index.index_dir, embedder=embedder))
    async with app.run_test(size=SIZE) as pilot:
        box = app.query_one("#question", HistoryInput)
        box.value = TROOPS
        await pilot.press("enter")
        await pilot.pause()
        card = app.query_one(AnswerCard)
        assert "still loading" in shown(card)
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
        for title in ("Re-index", "Copy quote", "Copy passage", "Clear", "Export"):
            assert title in titles


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


class FixedEngine:
    """Instantly ready, with a fixed status: a deterministic first frame."""

    def prepare(self, progress: Any) -> None:
        pass

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


class FixedStatusEngine(Engine):
    """The real engine with a status line that does not change with the index's age."""

    def status(self) -> str:
        return "1 document · fixed status for the snapshot"


def test_snapshot_answer_and_source_pane(
    snap_compare: Any, tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    docs = Path("docs")
    docs.mkdir()
    shutil.copyfile(SAMPLE_ARTICLE, docs / SAMPLE_ARTICLE.name)
    build_index([docs], Path("index"), embedder=embedder)

    async def ask_and_open(pilot: Any) -> None:
        await ask(pilot, TROOPS)
        await pilot.press("escape", "n")
        await pilot.pause()
        await pilot.pause()

    app = QaApp(Path("index"), engine=lambda: FixedStatusEngine(Path("index"), embedder=embedder))
    assert snap_compare(app, terminal_size=(80, 24), run_before=ask_and_open)


def test_snapshot_help_screen(snap_compare: Any) -> None:
    app = QaApp(Path("index"), engine=FixedEngine)
    assert snap_compare(app, terminal_size=(80, 24), press=["f1"])


def test_cli_without_a_terminal_prints_help_and_chat_says_why() -> None:
    from click.testing import CliRunner

    from qa.cli import main

    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0 and "chat" in result.output and "ask" in result.output
    result = CliRunner().invoke(main, ["chat", "--index", "nowhere"])
    assert result.exit_code == 1
    assert "needs a terminal" in result.output
