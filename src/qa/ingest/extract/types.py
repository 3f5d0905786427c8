"""What an extractor hands to the chunker: text plus the structure it knows."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ExtractedText:
    """A document's extracted text and the positions of its structure.

    Every offset here indexes ``text`` (Python ``str`` positions). For ``.txt`` and
    ``.md`` files ``text`` is the decoded file itself, so offsets are file positions.
    """

    text: str
    format: str  # "txt", "md", "html", "pdf", "docx"
    # Offset where each page begins: page_starts[i] is where page i + 1 starts.
    # Empty for formats without pages.
    page_starts: tuple[int, ...] = ()
    # Spans (start, end) of headings the format marks explicitly (Markdown "#",
    # HTML <h1>-<h6>, DOCX heading styles). The chunker also detects headings in
    # plain text by shape; these are the ones it need not guess.
    headings: tuple[tuple[int, int], ...] = ()
    # False when the extractor found the headings itself from what the format knows
    # (a PDF's font sizes): ``headings`` is then the whole list, possibly empty, and
    # no other line may be guessed a heading by its shape.
    guess_headings: bool = True
    title: str | None = None
    # Non-fatal notes for the index summary, e.g. "pages 3-4 have no text layer".
    warnings: tuple[str, ...] = field(default=())
