"""The quotes view: every quotation of the index, grouped by speaker.

The quotations are read from the quote index (a SQLite table, no model) in a thread
worker, under the engine's lock like every other use of the index. Quotes are document
text: they enter the list only as Rich ``Text`` built from ``printable()`` strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

from rich.padding import Padding
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from qa.text.safe import highlighted, one_line, printable
from qa.tui.widgets.text import quote_with_citation

if TYPE_CHECKING:
    from qa.answer.quotations import QuoteHit

Groups: TypeAlias = "dict[str | None, list[QuoteHit]]"

NO_SPEAKER_HEADER = "No speaker named"


def load_quotes(engine: Any) -> Groups | None:
    """Every quotation of the engine's index grouped by speaker (most quoted first,
    unattributed last); None while no index is open. Call from a worker thread."""
    from qa.answer.quotations import by_speaker

    hits = engine.quotes()
    return None if hits is None else by_speaker(hits)


def copy_text(hit: QuoteHit) -> str:
    """What copying a quotation puts on the clipboard."""
    return quote_with_citation(hit.quote, hit.speaker, hit.citation)


def header_prompt(speaker: str | None, count: int) -> Text:
    text = Text(printable(speaker) if speaker else NO_SPEAKER_HEADER, style="bold")
    text.append(f"  {count} quotation{'s' * (count != 1)}", style="dim")
    return text


def quote_prompt(hit: QuoteHit) -> Padding:
    """The quotation in bold (with how the text names the speaker, when not by name),
    its citation under it; indented under its speaker's header."""
    text = Text("“", style="bold") + Text(printable(hit.quote), style="bold") + Text("”")
    label = hit.speaker_label()
    if hit.speaker and label != hit.speaker:
        text.append("  " + printable(label[len(hit.speaker) :].strip()), style="dim")
    text.append("\n")
    text.append(one_line(str(hit.citation)), style="dim italic")
    return Padding(text, (0, 0, 0, 2))


def context_text(hit: QuoteHit) -> Text:
    """The quotation in bold within the text around it."""
    at = hit.sentence.find(hit.quote)
    if at < 0:
        return Text(printable(hit.quote), style="bold")
    return highlighted(hit.sentence, at, at + len(hit.quote), style="bold")


class QuotesScreen(ModalScreen["QuoteHit | None"]):
    """All quotations by speaker. Dismissed with the chosen quotation (to be shown in the
    source pane) or None."""

    DEFAULT_CSS = """
    QuotesScreen { background: $background; }
    QuotesScreen #quotes-title { height: auto; padding: 0 1; background: $boost; }
    QuotesScreen #quotes { height: 1fr; border: none; padding: 0 1; }
    QuotesScreen #quotes:focus { border: none; }
    QuotesScreen #quotes > .option-list--option-disabled { color: $text-accent; }
    QuotesScreen #quote-context { height: auto; max-height: 6; padding: 0 1;
        background: $boost; border-top: solid $accent; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,ctrl+o", "close", "Close"),
        Binding("enter", "show", "Show in source", priority=True),
        Binding("c", "copy", "Copy"),
    ]

    def __init__(self, engine: Any, selected: tuple[str, int] | None = None) -> None:
        super().__init__()
        self.engine = engine
        self.groups: Groups | None = None
        self.hits: list[QuoteHit] = []
        # (source, start) of the quotation to highlight first: the one last looked at.
        self.position = selected

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("Loading the quotations…", style="italic"), id="quotes-title")
        yield OptionList(id="quotes", markup=False)
        yield Static(id="quote-context")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#quote-context").display = False
        self.query_one("#quotes", OptionList).focus()
        self.reload()

    def reload(self) -> None:
        """Read the quotations (again: the app calls this once the index is open or has
        been rebuilt)."""
        self.run_worker(self._load, thread=True, group="quotes", name="quotes")

    # -- loading ----------------------------------------------------------------
    def _from_thread(self, callback: Any, *args: Any) -> None:
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            if self.app.is_running:
                raise

    def _load(self) -> None:
        try:
            groups = load_quotes(self.engine)
        except Exception as exc:
            self._from_thread(self._show_title, Text(f"error: {printable(str(exc))}"))
            return
        self._from_thread(self._loaded, groups)

    def _show_title(self, text: Text) -> None:
        if self.is_attached:
            self.query_one("#quotes-title", Static).update(text)

    def _loaded(self, groups: Groups | None) -> None:
        if not self.is_attached:
            return
        if groups is None:
            self._show_title(
                Text("The index is not open yet: the quotations follow when it is.", "italic")
            )
            return
        self.groups = groups
        self.hits = []
        options: list[Option | None] = []
        for speaker, hits in groups.items():
            if options:
                options.append(None)  # a rule between speakers
            options.append(Option(header_prompt(speaker, len(hits)), disabled=True))
            for hit in hits:
                options.append(Option(quote_prompt(hit), id=f"q{len(self.hits)}"))
                self.hits.append(hit)
        total = len(self.hits)
        named = sum(len(hits) for speaker, hits in groups.items() if speaker)
        title = Text("Quotations by speaker", style="bold")
        if total:
            title.append(
                f"  {total} quotation{'s' * (total != 1)}, {named} with a named speaker",
                style="dim",
            )
        else:
            title.append("  no quotations in these documents", style="dim")
        self._show_title(title)
        quotes = self.query_one("#quotes", OptionList)
        quotes.set_options(options)
        if self.hits:
            chosen = next(
                (n for n, h in enumerate(self.hits) if (h.source, h.start) == self.position), 0
            )
            quotes.highlighted = quotes.get_option_index(f"q{chosen}")
            self.query_one("#quote-context").display = True

    # -- the highlighted quotation ---------------------------------------------------
    @property
    def highlighted_hit(self) -> QuoteHit | None:
        option = self.query_one("#quotes", OptionList).highlighted_option
        if option is None or option.id is None:
            return None
        return self.hits[int(option.id[1:])]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        hit = self.highlighted_hit
        if hit is None:
            return
        self.position = (hit.source, hit.start)
        self.query_one("#quote-context", Static).update(context_text(hit))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_show()

    def action_show(self) -> None:
        hit = self.highlighted_hit
        if hit is not None:
            self.dismiss(hit)

    def action_copy(self) -> None:
        hit = self.highlighted_hit
        if hit is None:
            self.notify("No quotation to copy", severity="warning")
            return
        copy = getattr(self.app, "copy_text", None)
        if copy is None:
            self.app.copy_to_clipboard(copy_text(hit))
        else:
            copy(copy_text(hit), "the quote")

    def action_close(self) -> None:
        self.dismiss(None)
