"""Terminal rendering of quotations (Rich ``Text``, never markup: quotes are document
text and are shown literally through ``qa.display.printable``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from qa.display import one_line, printable

if TYPE_CHECKING:
    from qa.quotes.listing import QuoteHit


def speaker_label(hit: QuoteHit) -> str:
    """Who said it, and how the text says so when it is not by name."""
    if hit.speaker is None:
        return "no speaker named"
    if hit.how == "pronoun" and hit.attribution:
        return f"{hit.speaker} (“{hit.attribution}” in the text)"
    return hit.speaker


def render_quote(console: Console, hit: QuoteHit) -> None:
    line = Text("“", style="bold") + Text(printable(hit.quote), style="bold") + Text("”")
    line.append("  — ")
    line.append(printable(speaker_label(hit)), style="green" if hit.speaker else "dim")
    console.print(line)
    console.print(Text("    " + one_line(str(hit.citation)), style="cyan"))


def render_quotes(console: Console, hits: list[QuoteHit]) -> None:
    for hit in hits:
        render_quote(console, hit)
    count = len(hits)
    named = sum(1 for h in hits if h.speaker)
    console.print(
        Text(f"{count} quotation{'s' * (count != 1)}, {named} with a named speaker", style="dim")
    )
