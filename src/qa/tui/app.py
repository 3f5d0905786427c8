"""The chat app: ask questions, read the cited passages and their documents, copy quotes.

The first frame never waits on the core: the index is opened (or built) and the model
loaded in a thread worker, and every question is answered in a thread worker too, so
the UI thread only ever draws. Nor does it wait on widgets it does not show: the source
pane's TextArea (with its document and tree-sitter modules) and the quotes view are
imported when first needed.

The questions are one conversation (``qa.conversation``): each is asked through
``Session.converse``, so a follow-up ("What did he say?") is answered as the standalone
question it was understood as, which its card shows; ctrl+l starts a new conversation.

This module is the app itself: its layout, its handlers, the workers that call
``qa.session.Session``, moving through the passages and the source pane. The keys are in
``keys`` (one table for the bindings, the help and the palette), the styles in
``app.tcss``, copying in ``clipboard``, the Markdown export in ``export``, and the
screens and widgets one a module under ``screens/`` and ``widgets/``.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.actions import parse as parse_action
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Header, Input, Static

from qa.session import Session
from qa.text.safe import NO_SPEAKER, printable
from qa.tui.clipboard import save_last_copy, tmux_passthrough
from qa.tui.export import session_markdown, write_export
from qa.tui.keys import bindings, help_rows, palette
from qa.tui.screens.chat import ChatScreen
from qa.tui.screens.help import HelpScreen
from qa.tui.widgets.answer_card import AnswerCard
from qa.tui.widgets.footer import KeysFooter
from qa.tui.widgets.passage_view import PassageView
from qa.tui.widgets.question_box import HistoryInput
from qa.tui.widgets.text import BADGE_STYLES, quote_with_citation

if TYPE_CHECKING:
    from textual.widgets import TextArea

    from qa.answer.model import Answer
    from qa.answer.quotations import QuoteHit
    from qa.conversation import Conversation, Reading
    from qa.session import Overview
    from qa.tui.screens.quotes import QuotesScreen

EngineFactory = Callable[[], Any]


def quotes_screen_class() -> type[QuotesScreen]:
    """The quotes view, imported on first use (ctrl+o, the palette)."""
    from qa.tui.screens.quotes import QuotesScreen

    return QuotesScreen


def open_quotes_screens(screens: Iterable[Screen]) -> list[QuotesScreen]:
    """The quotes views among ``screens``: none while the quotes module is not imported."""
    if "qa.tui.screens.quotes" not in sys.modules:
        return []
    cls = quotes_screen_class()
    return [s for s in screens if isinstance(s, cls)]


def location(text: str, offset: int) -> tuple[int, int]:
    """(row, column) in ``printable(text)`` of the document offset ``offset``."""
    prefix = printable(text[: max(0, min(offset, len(text)))])
    return prefix.count("\n"), len(prefix) - (prefix.rfind("\n") + 1)


class QaApp(App[None]):
    """Chat with the documents of one index."""

    TITLE = "qa"
    CSS_PATH = "app.tcss"  # beside this module; shipped as package data
    # Under 110 columns the source pane goes under the conversation instead of beside it.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [  # type: ignore[misc]
        (0, "-narrow"),
        (110, "-wide"),
    ]
    # The keys, the help's lines and the palette's entries, all from one table (keys.py).
    BINDINGS: ClassVar[list[BindingType]] = bindings("app")
    HELP_ROWS: ClassVar[list[tuple[str, str]]] = help_rows()

    def __init__(
        self,
        index_dir: Path,
        paths: list[Path] | None = None,
        engine: EngineFactory | None = None,
    ) -> None:
        super().__init__()
        self.index_dir = index_dir
        self.paths = paths
        self.engine = (engine or (lambda: Session(index_dir, paths)))()
        self.ready = False
        self.busy = False  # re-indexing
        self.pending: list[AnswerCard] = []
        self.latest: AnswerCard | None = None
        self.current: PassageView | None = None
        # A quotation opened from the quotes view, shown in the source pane (and copied by c).
        self.shown_quote: QuoteHit | None = None
        self.quote_position: tuple[str, int] | None = None  # the quotes view's last place
        self.overview: Overview | None = None  # the documents, for the first screen
        # The latest answer's documents (source -> text), read by the answering worker.
        self.documents: dict[str, Any] = {}
        # The conversation the questions are turns of, with the number of the chat it
        # belongs to (ctrl+l starts the next). Made by the first answering worker: the
        # core is not imported before the first frame.
        self.chat_number = 0
        self._conversation: tuple[int, Conversation] | None = None
        # Questions are answered one at a time, in the order they were asked: a
        # follow-up is resolved from the turns before it, so it must never overtake
        # them. Each gets a ticket; a worker waits until its ticket is served.
        self._order = threading.Condition()
        self._tickets = 0
        self._serving = 0
        self.asking = 0  # questions asked and not yet answered
        self.sub_title = str(index_dir)

    # -- layout -----------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        return ChatScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield VerticalScroll(id="conversation")
            with Vertical(id="source"):  # its TextArea is mounted by source_area()
                yield Static(id="source-title")
        yield HistoryInput(id="question", placeholder="Ask a question about your documents…")
        yield Static(Text("loading model…"), id="status")
        # The footer is mounted by on_mount, once the question box has focus.

    async def on_mount(self) -> None:
        # Focus now (focus() would wait for the next message), so that the footer mounted
        # next shows the question box's keys; docked at the bottom, it may come last.
        self.screen.set_focus(self.query_one("#question"))
        await self.mount(KeysFooter())
        # Start the heavy imports only once the whole screen is painted, footer included:
        # the worker would otherwise compete with it for the GIL.
        self.call_after_refresh(
            self.run_worker, self._prepare, thread=True, group="prepare", name="prepare"
        )

    # -- start-up and status ------------------------------------------------------------
    def set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(Text(printable(text)))

    def _from_thread(self, callback: Callable[..., Any], *args: Any) -> None:
        """Run ``callback`` on the UI thread; dropped quietly once the app has closed
        (a worker may still be finishing the model load when the user quits)."""
        try:
            self.call_from_thread(callback, *args)
        except RuntimeError:
            if self.is_running:
                raise

    def _progress(self, stage: str, done: int, total: int) -> None:
        """Called from a worker thread by the indexer: show the stage in the status line."""
        label = f"{stage}…"
        if total > 1:
            filled = round(20 * min(done, total) / total)
            label += f" {'█' * filled}{'░' * (20 - filled)} {done}/{total}"
        self._from_thread(self.set_status, label)

    def _prepare(self) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            self._progress(stage, done, total)
            if stage == "loading model" and done == 0:
                self._early_welcome()

        try:
            self.engine.prepare(progress)
            overview = self._overview()
        except Exception as exc:
            self._from_thread(self._failed, exc)
            return
        self._from_thread(self._on_engine_ready, overview)

    def _overview(self) -> Overview | None:
        """What the index holds, for the first screen (read in a worker: it reads the
        index); None from an engine that cannot say."""
        overview = getattr(self.engine, "overview", None)
        return overview() if overview is not None else None

    def _early_welcome(self) -> None:
        """The index is open and the model still loading (seconds): show the documents
        now. (A build's own model load comes before any index is open: nothing yet.)"""
        try:
            overview = self._overview()
        except Exception:  # the first screen can wait for the engine to be ready
            return
        if overview is not None and overview.documents:
            self._from_thread(self.show_welcome, overview)

    def show_welcome(self, overview: Overview | None) -> None:
        """List the documents and an example question at the top of the conversation
        (updated after a re-index; back after ctrl+l clears the conversation)."""
        from qa.tui.welcome import welcome_text

        if overview is not None:
            self.overview = overview
        if self.overview is None:
            return
        text = welcome_text(self.overview)
        try:
            self.query_one("#welcome", Static).update(text)
        except NoMatches:
            conversation = self.query_one("#conversation", VerticalScroll)
            welcome = Static(text, id="welcome")
            if conversation.children:
                conversation.mount(welcome, before=0)
            else:
                conversation.mount(welcome)

    def _failed(self, exc: Exception) -> None:
        message = f"error: {exc}"
        self.set_status(message)
        for card in self.pending:
            card.show_message(message)
        self.pending.clear()

    def _show_notices(self) -> None:
        """The last indexing's per-file warnings and skips, as `qa index` prints them
        (an engine that never indexes, as in tests, has none)."""
        for line in getattr(self.engine, "notices", ()):
            self.notify(line, severity="warning", markup=False)

    def _on_engine_ready(self, overview: Overview | None = None) -> None:
        self.ready = True
        self.set_status(self.engine.status())
        self._show_notices()
        self.show_welcome(overview)
        self.source_area()  # mounted now, so opening the first passage is instant
        self._reload_quotes()
        waiting, self.pending = self.pending, []
        for card in waiting:
            self._ask(card)

    # -- asking -----------------------------------------------------------------------
    async def on_input_submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        box = self.query_one("#question", HistoryInput)
        if not question:
            return
        box.remember(question)
        box.value = ""
        card = AnswerCard(question)
        conversation = self.query_one("#conversation", VerticalScroll)
        await conversation.mount(card)
        conversation.scroll_end(animate=False)
        if self.ready and not self.busy:
            self._ask(card)
        else:
            # Kept, and asked as soon as the engine is ready (_on_engine_ready, _reindexed).
            doing = "re-indexing" if self.busy else "loading the model"
            card.show_message(f"{doing}…; your question will be answered when it is ready")
            self.pending.append(card)

    @property
    def conversation(self) -> Conversation | None:
        """The current conversation's turns (None before its first question)."""
        held = self._conversation
        return held[1] if held is not None and held[0] == self.chat_number else None

    def _turns(self, chat: int) -> Conversation:
        """The conversation of chat ``chat``, a new one when it has none yet (called by
        the answering worker whose turn it is, so by one thread at a time)."""
        from qa.conversation import Conversation

        held = self._conversation
        if held is None or held[0] != chat:
            held = self._conversation = (chat, Conversation())
        return held[1]

    def _ask(self, card: AnswerCard, again: Answer | None = None) -> None:
        """Answer ``card``'s question in a worker, after every question asked before it;
        ``again``: its last answer, to be replaced by the other reading's."""
        ticket, self._tickets = self._tickets, self._tickets + 1
        self.asking += 1
        work = partial(self._answer, card, ticket, self.chat_number, again)
        self.run_worker(work, thread=True, group="ask", name="ask")

    def _answer(
        self, card: AnswerCard, ticket: int, chat: int, again: Answer | None = None
    ) -> None:
        with self._order:
            while self._serving != ticket:
                if not self.is_running:  # quitting: a turn before it may never be served
                    return
                self._order.wait(1.0)
        try:
            if chat == self.chat_number:  # else cleared (ctrl+l) while it waited
                self._answer_turn(card, chat, again)
        finally:
            with self._order:
                self._serving += 1
                self._order.notify_all()
            self._from_thread(self._asked)

    def _asked(self) -> None:
        self.asking -= 1

    def _answer_turn(self, card: AnswerCard, chat: int, again: Answer | None) -> None:
        """One turn of the conversation: the question, or ``again`` in its other reading."""
        try:
            conversation = self._turns(chat)
            if again is None:
                answer = self.engine.converse(conversation, card.question)
            else:
                answer = self.engine.converse(
                    conversation, again.question, reading=self._other_reading(conversation, again)
                )
            citations = self._highlight_citations(answer)
            documents = self._documents(answer)
            # The engine may have moved to a newer index generation (another `qa index`
            # ran): the status line follows it.
            status = self.engine.status()
        except Exception as exc:
            self._from_thread(self._failed_card, card, chat, f"error: {exc}")
            return
        self._from_thread(self.set_status, status)
        self._from_thread(self._answered, card, answer, citations, documents, chat)

    @staticmethod
    def _other_reading(conversation: Conversation, answer: Answer) -> Reading:
        """The reading ``answer``'s question is asked in by the other-reading key: its
        first alternative, the turn it replaces taken back. The reading it had becomes
        an alternative, so the key asks it back."""
        from qa.conversation import Reading

        last = conversation.last
        if last is not None and last.answer is answer:
            conversation.forget_last()
        first, *others = answer.alternatives
        return Reading(
            answer.question,
            first,
            follow_up=True,
            alternatives=(*others, answer.understood_as or answer.question),
            ambiguity=answer.ambiguity,
        )

    def _failed_card(self, card: AnswerCard, chat: int, message: str) -> None:
        if chat == self.chat_number:
            card.show_message(message)

    def _highlight_citations(self, answer: Any) -> dict[int, Any]:
        """Each passage's highlight cited on its own (rank -> Citation): the paragraph
        and line of the sentence shown and copied, not of the passage's start. Worked
        out here in the worker, as it reads the index."""
        cite = getattr(self.engine, "cite", None)
        if cite is None:
            return {}
        cited = {
            p.rank: cite(p.source, p.highlight.start, p.highlight.end) for p in answer.passages
        }
        return {rank: c for rank, c in cited.items() if c is not None}

    def _documents(self, answer: Any) -> dict[str, Any]:
        """The documents of the answer's passages, read here in the worker so that
        opening one in the source pane never waits on the index (and its lock, which a
        question being answered or a re-index holds) on the UI thread."""
        read = getattr(self.engine, "document", None)
        if read is None:
            return {}
        documents = {source: read(source) for source in {p.source for p in answer.passages}}
        return {source: doc for source, doc in documents.items() if doc is not None}

    def _answered(
        self,
        card: AnswerCard,
        answer: Any,
        citations: dict[int, Any],
        documents: dict[str, Any] | None = None,
        chat: int | None = None,
    ) -> None:
        if chat is not None and chat != self.chat_number:
            return  # its card was cleared away (ctrl+l) while it was being answered
        card.show_answer(answer, citations)
        self.latest = card
        self.documents = documents or {}  # only the latest answer's: they can be large
        if self.current is not None:
            self.current.remove_class("current")
        self.current = None
        self.shown_quote = None
        # An open source pane follows the new answer: it must never go on showing the
        # previous question's passage or quotation beside the new answer.
        if self.query_one("#source").has_class("open"):
            self.call_after_refresh(self._source_follows, card)
        # Show the new card from its question down, however long its passages are.
        self.call_after_refresh(card.scroll_visible, top=True, animate=False)

    def _source_follows(self, card: AnswerCard) -> None:
        """Open the new answer's passage in the source pane (its highlight is the answer),
        or close the pane when nothing was found."""
        if card is not self.latest or self.current is not None or self.shown_quote is not None:
            return  # the reader has moved on already
        views = self._views()
        if card.answer is None or card.answer.answer is None or not views:
            self.query_one("#source").remove_class("open")
            self.query_one("#source-title", Static).update("")
            return
        self.open_passage(views[0])

    # -- passages and the source pane ------------------------------------------------------
    def _views(self) -> list[PassageView]:
        return list(self.latest.query(PassageView)) if self.latest is not None else []

    def action_focus_answer(self) -> None:
        views = self._views()
        if views:
            (self.current if self.current in views else views[0]).focus()

    def action_focus_question(self) -> None:
        self.query_one("#question").focus()

    def action_scroll_conversation(self, pages: int) -> None:
        """PageUp / PageDown where nothing nearer takes them (the question box): a page
        of the conversation up or down."""
        conversation = self.query_one("#conversation", VerticalScroll)
        if pages < 0:
            conversation.scroll_page_up()
        else:
            conversation.scroll_page_down()

    def action_move(self, step: int) -> None:
        views = self._views()
        if not views:
            return
        i = views.index(self.current) + step if self.current in views else 0
        view = views[max(0, min(len(views) - 1, i))]
        view.focus()
        view.scroll_visible()
        self.open_passage(view)

    def on_passage_view_chosen(self, message: PassageView.Chosen) -> None:
        self.open_passage(message.view)

    def open_passage(self, view: PassageView) -> None:
        """Show the passage's document in the source pane, its highlight selected."""
        if self.current is not None:
            self.current.remove_class("current")
        self.current = view
        self.shown_quote = None
        view.add_class("current")
        p = view.passage
        title = Text(f"[{p.rank}] ", style="bold")
        if p.match.is_quotation:
            title.append(printable(p.speaker or NO_SPEAKER), style="bold")
            title.append(": ")
        title.append(printable(str(view.citation)), style="italic")  # the selection's
        self.show_source(p.source, p.highlight.start, p.highlight.end, title)

    def show_source(self, source: str, start: int, end: int, title: Text) -> None:
        """Open the source pane on ``source`` with ``[start, end)`` selected and in view."""
        from textual.widgets.text_area import Selection

        doc = self.documents.get(source) or self.engine.document(source)
        if doc is None:
            self.notify(f"{source} is no longer in the index", severity="warning", markup=False)
            return
        area = self.source_area()
        self.query_one("#source").add_class("open")
        self.query_one("#source-title", Static).update(title)
        shown = printable(doc.text)
        if area.text != shown:
            area.load_text(shown)
        area.selection = Selection(location(doc.text, start), location(doc.text, end))
        self.call_after_refresh(area.scroll_cursor_visible, center=True)

    def source_area(self) -> TextArea:
        """The source pane's read-only text area, mounted on first use: TextArea is the
        costliest widget to import and mount, and the pane is hidden until a passage
        (which needs the open index) is shown."""
        from textual.widgets import TextArea

        try:
            return self.query_one("#source-text", TextArea)
        except NoMatches:
            area = TextArea(id="source-text", read_only=True, soft_wrap=True, show_cursor=True)
            area.cursor_blink = False
            self.query_one("#source").mount(area)
            return area

    def action_toggle_source(self) -> None:
        pane = self.query_one("#source")
        views = self._views()
        # Nothing of the latest answer open yet: show its first passage, never what the
        # pane last held for an earlier question.
        nothing_open = self.current is None and self.shown_quote is None
        if views and nothing_open and not pane.has_class("open"):
            self.open_passage(views[0])
            return
        pane.toggle_class("open")

    # -- quotes view --------------------------------------------------------------------
    def action_quotes(self) -> None:
        """Open the quotes view (every quotation by speaker), where it was left."""
        cls = quotes_screen_class()
        if isinstance(self.screen, cls):
            return
        screen = cls(self.engine, self.quote_position)
        self.push_screen(screen, partial(self._quote_chosen, screen))

    def _reload_quotes(self) -> None:
        """A quotes view opened before the index was (re)opened reads it again."""
        for screen in open_quotes_screens(self.screen_stack):
            screen.reload()

    def _quote_chosen(self, screen: QuotesScreen, hit: QuoteHit | None) -> None:
        self.quote_position = screen.position
        if hit is not None:
            self.show_quote(hit)

    def show_quote(self, hit: QuoteHit) -> None:
        """Show a quotation in the source pane, its words selected."""

        if self.current is not None:
            self.current.remove_class("current")
            self.current = None
        self.shown_quote = hit
        title = Text(" quote ", style=BADGE_STYLES["quote"]) + Text(" ")
        title.append(printable(hit.speaker_label()), style="bold")
        title.append("\n")
        title.append(printable(str(hit.citation)), style="italic")
        self.show_source(hit.source, hit.start, hit.end, title)
        # Read it there: the read-only pane scrolls with the keys and leaves c (copy),
        # ctrl+o (back to the quotes) and / (ask) to the app.
        self.call_after_refresh(self.source_area().focus)

    # -- copy -------------------------------------------------------------------------
    def copy_to_clipboard(self, text: str) -> None:
        """OSC 52, and inside tmux also wrapped in tmux's passthrough so it reaches the terminal."""
        super().copy_to_clipboard(text)
        driver = self._driver
        sequence = tmux_passthrough(text)
        if driver is not None and sequence is not None:
            driver.write(sequence)

    def quote(self) -> str | None:
        """The latest answer (or the current passage's highlight, or the quotation opened
        from the quotes view) with its short citation; a quotation with its speaker."""
        if self.shown_quote is not None:
            from qa.tui.screens.quotes import copy_text

            return copy_text(self.shown_quote)
        if self.latest is None or self.latest.answer is None:
            return None
        answer = self.latest.answer
        a = answer.answer
        if a is not None and self.current is None:
            speaker = a.speaker if answer.is_direct_quote else None
            return quote_with_citation(a.text, speaker, a.citation)
        views = self._views()
        view = self.current if self.current in views else (views[0] if views else None)
        if view is None:
            return None
        p = view.passage
        text = p.highlighted_text
        from qa.answer.model import Match  # the core is loaded once an answer is shown

        speaker = p.speaker if p.match is Match.QUOTE else None  # a report is not their words
        # The copied sentence's own paragraph, not the one its passage starts in.
        return quote_with_citation(text, speaker, view.citation)

    def passage_quote(self) -> str | None:
        """The whole current (or first) passage of the latest answer, with its citation."""
        views = self._views()
        view = self.current if self.current in views else (views[0] if views else None)
        if view is None:
            return None
        p = view.passage
        return quote_with_citation(p.text, None, p.citation)

    def copy_text(self, text: str | None, what: str) -> None:
        """Copy ``text`` to the clipboard and save it to ``INDEX/last-copy.txt``."""
        if text is None:
            self.notify("Nothing to copy yet: ask a question first", severity="warning")
            return
        self.copy_to_clipboard(text)
        try:
            path = save_last_copy(self.index_dir, text)
        except OSError as exc:
            self.notify(f"Copied {what} (could not save a copy: {exc})", markup=False)
            return
        self.notify(f"Copied {what} (also saved to {path})", markup=False)

    def action_copy_quote(self) -> None:
        self.copy_text(self.quote(), "the quote")

    def action_copy_passage(self) -> None:
        self.copy_text(self.passage_quote(), "the passage")

    # -- session ------------------------------------------------------------------------
    def session_markdown(self) -> str:
        """Questions, answers and quoted passages with citations, as Markdown."""
        return session_markdown(
            self.index_dir, ((c.question, c.answer) for c in self.query(AnswerCard))
        )

    def action_export(self) -> None:
        try:
            path = write_export(self.session_markdown(), Path.cwd())
        except OSError as exc:
            self.notify(f"Could not export: {exc}", severity="error", markup=False)
            return
        self.notify(f"Exported the session to {path}", markup=False)

    # -- the conversation ---------------------------------------------------------------
    def action_edit_understood(self) -> None:
        """Put what the last question was understood as in the question box, to be
        corrected and asked again (a follow-up read the wrong way)."""
        answer = self.latest.answer if self.latest is not None else None
        if answer is None:
            self.notify("Nothing to edit yet: ask a question first", severity="warning")
            return
        box = self.query_one("#question", HistoryInput)
        box.value = answer.understood_as or answer.question
        box.cursor_position = len(box.value)
        box.focus()

    def action_other_reading(self) -> None:
        """Ask the last question again in its other reading ("he" as the other man named
        before), its card filled in anew."""
        card = self.latest
        answer = card.answer if card is not None else None
        if card is None or answer is None or not answer.alternatives:
            self.notify("The last question was read only one way", severity="warning")
            return
        if self.asking or self.busy or not self.ready:
            self.notify("Wait for the answer being worked out first", severity="warning")
            return
        if self.current is not None and self.current in self._views():
            self.current = None
        card.reset()
        self._ask(card, again=answer)

    async def action_clear(self) -> None:
        """Clear the chat and start a new conversation: the next question is asked as
        the first of its own, with nothing before it to refer back to."""
        self.chat_number += 1
        self.pending.clear()
        await self.query_one("#conversation").remove_children()
        self.latest = self.current = self.shown_quote = None
        self.documents = {}
        self.query_one("#source").remove_class("open")
        self.show_welcome(None)  # the first screen again

    # -- re-index -----------------------------------------------------------------------
    def action_reindex(self) -> None:
        if not self.ready or self.busy:
            self.notify("Indexing is already running", severity="warning")
            return
        self.busy = True
        self.set_status("indexing…")
        self.run_worker(self._reindex, thread=True, group="reindex", name="reindex")

    def _reindex(self) -> None:
        try:
            self.engine.reindex(self._progress)
            overview = self._overview()
        except Exception as exc:
            self._from_thread(self._reindexed, exc)
            return
        self._from_thread(self._reindexed, None, overview)

    def _reindexed(self, error: Exception | None, overview: Overview | None = None) -> None:
        self.busy = False
        if error is not None:
            self.set_status(f"error: {error}")
            self.notify(f"Re-index failed: {error}", severity="error", markup=False)
        else:
            self.set_status(self.engine.status())
            self.notify("Re-indexed")
            self.documents = {}  # the source pane reads the new index
            self._show_notices()
            self._reload_quotes()
            self.show_welcome(overview)
        waiting, self.pending = self.pending, []
        for card in waiting:
            self._ask(card)

    # -- help and palette ---------------------------------------------------------------
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.HELP_ROWS))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # Over the quotes view the chat is hidden: its commands (copy, clear, export, open
        # a passage) would act on what the reader cannot see, so only the help is offered.
        for title, help_text, action in palette(over_quotes=bool(open_quotes_screens([screen]))):
            yield SystemCommand(title, help_text, self._action_callback(action))

    def _action_callback(self, action: str) -> Callable[[], Any]:
        """The app's action method for an action string ("move(0)"), its arguments bound."""
        _, name, params = parse_action(action)
        return partial(getattr(self, f"action_{name}"), *params)

    def on_unmount(self) -> None:
        self.engine.close()


def run_chat(index_dir: Path, paths: list[Path] | None = None) -> None:
    """Run the chat in the terminal (what `qa` and `qa chat` call).

    A thread worker cannot be cancelled, so quitting while the model loads (or an index is
    built) would otherwise hang for seconds at exit; once the screen is restored the process
    ends without waiting. An interrupted build leaves the previous index whole.
    """
    import asyncio
    import sys
    import threading

    app = QaApp(index_dir, paths)
    # Our own loop: asyncio.run() would join the worker threads before returning.
    loop = asyncio.new_event_loop()
    app.run(loop=loop)
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if any(t.is_alive() and not t.daemon for t in others):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(app.return_code or 0)
    loop.close()
