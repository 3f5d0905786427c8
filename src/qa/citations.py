"""Citations a reporter can check: document, section, paragraph, page or lines, offsets."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qa.index.store import DocumentText


@dataclass(frozen=True)
class Citation:
    source: str
    title: str | None
    section: str | None
    paragraph: int | None  # 1-based body paragraph number (¶)
    page: int | None  # PDF page (1-based) of the span's start
    line_start: int | None  # 1-based lines, for text formats
    line_end: int | None
    start: int
    end: int

    def __str__(self) -> str:
        parts = [self.source]
        if self.section:
            parts.append(f"§ {self.section}")
        if self.paragraph:
            parts.append(f"¶{self.paragraph}")
        if self.page:
            parts.append(f"p. {self.page}")
        if self.line_start:
            lines = (
                f"line {self.line_start}"
                if self.line_end == self.line_start
                else f"lines {self.line_start}–{self.line_end}"
            )
            parts.append(lines)
        parts.append(f"chars {self.start}–{self.end}")
        return ", ".join(parts)

    def place(self) -> list[str]:
        """Where the words stand, without offsets: the paragraph, then the page (PDF) or
        else the line (text formats). Every short citation (a one-line passage in `qa
        ask`, a copied quote) is a name followed by these, so they read the same."""
        parts = [f"¶{self.paragraph}"] if self.paragraph else []
        if self.page:
            parts.append(f"p. {self.page}")
        elif self.line_start:
            parts.append(f"line {self.line_start}")
        return parts

    def brief(self, section: bool = True) -> str:
        """Document, section, paragraph and page or line, without the character offsets:
        what a one-line passage needs to be found again."""
        head = [self.source]
        if self.section and section:
            head.append(f"§ {self.section}")
        return ", ".join(head + self.place())


_LINE_FORMATS = frozenset({"txt", "md"})


def cite(doc: DocumentText, start: int, end: int) -> Citation:
    """The citation of ``doc.text[start:end]``."""
    paragraphs = doc.paragraphs
    index = bisect_right([p.start for p in paragraphs], start) - 1
    paragraph = paragraphs[index] if index >= 0 else None
    section = None
    number = None
    if paragraph is not None:
        number = paragraph.number or None
        if paragraph.heading_index is not None:
            h = paragraphs[paragraph.heading_index]
            section = doc.text[h.start : h.end]
    page = None
    if doc.page_starts:
        page = bisect_right(doc.page_starts, start)
    line_start = line_end = None
    if doc.format in _LINE_FORMATS:
        line_start = doc.text.count("\n", 0, start) + 1
        line_end = line_start + doc.text.count("\n", start, max(start, end - 1))
    return Citation(doc.source, doc.title, section, number, page, line_start, line_end, start, end)
