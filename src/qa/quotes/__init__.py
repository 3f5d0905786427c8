"""Direct quotations with their speakers, found at index time.

``extract_quotes(text)`` pairs the quotation marks (``qa.quotes.marks``) and names the
speaker where the text attributes one (``qa.quotes.attribution``). Offsets cover the
quoted words without the marks, so ``text[q.start:q.end]`` is exactly the quotation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.quotes.marks import find_marked_spans


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    speaker: str | None
    # Where the text names or refers to the speaker (the attribution a reporter checks).
    mention: tuple[int, int] | None = None
    # How the speaker was found: "named", "pronoun", "description", "continued", or None.
    how: str | None = None


def has_quotations(text: str, paragraphs: Sequence[tuple[int, int]]) -> bool:
    """True when ``text`` holds a quotation (no parse needed to know)."""
    return bool(find_marked_spans(text, list(paragraphs)))


def extract_quotes(
    text: str,
    paragraphs: Sequence[tuple[int, int]] | None = None,
    sentences: Sequence[tuple[int, int]] | None = None,
) -> list[Quote]:
    """Every top-level quotation in ``text``, in order, with its speaker or None.

    ``sentences`` may give the chunker's sentence spans of the body paragraphs (the
    indexer has them), so they are not split again; they only decide which few
    sentences around a quotation are parsed.
    """
    if paragraphs is None:
        from qa.ingest.structure import find_paragraphs

        paragraphs = [(p.start, p.end) for p in find_paragraphs(text)]
    spans = find_marked_spans(text, list(paragraphs))
    if not spans:
        return []
    from qa.quotes.attribution import UNATTRIBUTED, Attributor, pipeline
    from qa.quotes.pieces import Pieces

    attributor = Attributor(text, spans, Pieces(text, paragraphs, pipeline, sentences))
    attributor.prepare([s for s in spans if attributor.may_attribute(s)])
    quotes: list[Quote] = []
    previous: Quote | None = None
    previous_span = spans[0]
    for span in spans:
        found = attributor.attribute(span)
        if (
            found is UNATTRIBUTED
            and previous is not None
            and previous.speaker
            and not attributor.is_title(span)
        ):
            same_paragraph = attributor.same_paragraph(previous_span, span)
            if (same_paragraph and attributor.opens_sentence(span)) or (
                attributor.follows_paragraph(previous_span, span)
                and attributor.fills_paragraph(span)
            ):
                # A nameless speaker stays nameless ("one Weibo commenter" goes on).
                how = "description" if previous.how == "description" else "continued"
                found = type(found)(previous.speaker, previous.mention, how)
        quote = Quote(span.start, span.end, found.speaker, found.mention, found.how)
        quotes.append(quote)
        previous, previous_span = quote, span
    return quotes
