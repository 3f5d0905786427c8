"""Paragraphs and section headings of extracted text, found by shape.

Citations name a section and a paragraph, and chunks must never glue a heading onto
the sentence after it, so the layout is worked out once, here, before chunking.
Plain text marks structure only by shape: blank lines between blocks, one line per
paragraph in unwrapped text, short unpunctuated lines as headings. Formats that mark
headings explicitly (Markdown, HTML, DOCX) pass their spans in and are trusted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK_SEPARATOR = re.compile(r"\n[ \t\f\v\r]*\n")
_LINE_BREAK = re.compile(r"\r\n?|\n")
# A line is "unwrapped" prose when it is longer than any sane hard wrap.
_UNWRAPPED_LINE = 160
_HEADING_MAX_CHARS = 120
_HEADING_MAX_WORDS = 16
# Final characters that mark a line as a sentence, not a heading. "?" is allowed:
# headings like "Soldiers or Sacrificial Pawns?" are common in news.
_SENTENCE_END = tuple(".!,;:…")
_CLOSERS = "\"'”’»)]"
_LIST_MARK = re.compile(r"^\s*(?:[-*•·▪◦]|\d{1,3}[.)])\s+")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph or heading: ``text[start:end]`` with surrounding space trimmed."""

    start: int
    end: int
    is_heading: bool
    # 1-based count among body paragraphs (headings get 0): the "¶" of a citation.
    number: int
    # Index into the layout's paragraph list of the heading this paragraph falls under.
    heading_index: int | None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-blank lines of ``text[start:end]`` as trimmed spans.

    LF, CRLF and a lone CR (old Mac files) all end a line, as they do for Markdown
    headings: otherwise the words after a CR on a heading's line would be cut off
    with the heading's marks and lost from the index.
    """
    spans = []
    pos = start
    for brk in _LINE_BREAK.finditer(text, start, end):
        s, e = _trimmed(text, pos, brk.start())
        if e > s:
            spans.append((s, e))
        pos = brk.end()
    s, e = _trimmed(text, pos, end)
    if e > s:
        spans.append((s, e))
    return spans


def _looks_like_heading(line: str) -> bool:
    if len(line) > _HEADING_MAX_CHARS or len(line.split()) > _HEADING_MAX_WORDS:
        return False
    # A closing quote or bracket ends a heading only when no stop stands before it:
    # The State of Kim Jong-un’s “Strongest Army” is a heading, ‘he said “no.”’ is not.
    if line.rstrip(_CLOSERS).endswith(_SENTENCE_END) or _LIST_MARK.match(line):
        return False
    first = line.lstrip("#*_ \t")[:1]
    return bool(first) and (first.isupper() or first.isdigit())


def _split_wrapped_block(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Paragraphs of a hard-wrapped block (PDF pages, wrapped .txt).

    A line that ends a sentence and stops well short of the block's width ends a
    paragraph: the classic reflow rule, which keeps wrapped sentences whole.
    """
    width = max(e - s for s, e in lines)
    paragraphs = []
    para_start = lines[0][0]
    for i, (s, e) in enumerate(lines):
        last = i == len(lines) - 1
        ends_sentence = text[e - 1] in '.!?:…"”’'
        short = (e - s) < 0.75 * width
        if last or (ends_sentence and short):
            paragraphs.append((para_start, e))
            if not last:
                para_start = lines[i + 1][0]
    return paragraphs


def _block_paragraphs(
    text: str, start: int, end: int, known: list[tuple[int, int]]
) -> list[tuple[tuple[int, int], bool]]:
    """Paragraph spans of one blank-line-separated block, each flagged if a known heading."""
    lines = _lines(text, start, end)
    out: list[tuple[tuple[int, int], bool]] = []
    run: list[tuple[int, int]] = []
    for s, e in lines:
        heading = next(((hs, he) for hs, he in known if hs < e and he > s), None)
        if heading is None:
            run.append((s, e))
            continue
        out.extend((span, False) for span in _prose_paragraphs(text, run))
        run = []
        out.append((_trimmed(text, max(s, heading[0]), min(e, heading[1])), True))
    out.extend((span, False) for span in _prose_paragraphs(text, run))
    return out


def _prose_paragraphs(text: str, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if len(lines) <= 1:
        return lines
    # Unwrapped prose (one paragraph per line, as in the sample article), or lists.
    if any(e - s > _UNWRAPPED_LINE for s, e in lines) or all(
        _LIST_MARK.match(text[s:e]) for s, e in lines[1:]
    ):
        return lines
    # A heading line on top of a wrapped block stands alone.
    head: list[tuple[int, int]] = []
    if _looks_like_heading(text[lines[0][0] : lines[0][1]]):
        head, lines = [lines[0]], lines[1:]
    return head + _split_wrapped_block(text, lines)


def find_paragraphs(
    text: str, known_headings: tuple[tuple[int, int], ...] = (), guess: bool = True
) -> list[Paragraph]:
    """Split ``text`` into paragraphs and headings, in order, covering all its words.

    With ``known_headings`` (from the format) only those are headings; without, a
    single short line that does not read as a sentence and has text after it is one,
    unless ``guess`` is False (the format said there are none).
    """
    known = sorted(known_headings)
    spans: list[tuple[tuple[int, int], bool]] = []
    pos = 0
    for sep in _BLOCK_SEPARATOR.finditer(text):
        spans.extend(_block_paragraphs(text, pos, sep.start(), known))
        pos = sep.end()
    spans.extend(_block_paragraphs(text, pos, len(text), known))

    paragraphs: list[Paragraph] = []
    number = 0
    current_heading: int | None = None
    for i, ((s, e), marked) in enumerate(spans):
        if e <= s:
            continue
        if known or not guess:
            is_heading = marked
        else:
            line = text[s:e]
            followed = i + 1 < len(spans)
            one_line = "\n" not in line and "\r" not in line
            is_heading = followed and one_line and _looks_like_heading(line)
        if is_heading:
            current_heading = len(paragraphs)
            paragraphs.append(Paragraph(s, e, True, 0, current_heading))
        else:
            number += 1
            paragraphs.append(Paragraph(s, e, False, number, current_heading))
    return paragraphs
