"""From a PDF's printed lines to reading text: paragraphs, headings, no page furniture.

A PDF has no paragraphs, only lines placed on a page, so the text layer read as it is
glues a typesetter's hyphen into "com-pany", makes every wrapped line look like a short
standalone line (which the shape rules then take for a heading), repeats the running
header on every page (a header "54" once became the short answer for soldiers' pay) and
lets a chart's axis labels run into one 850-character "sentence". This module works on
the lines and their geometry (``Line``, read by ``pdf.py``) and rebuilds the flow:

- Running headers and footers (the same line, digits aside, at the top or bottom of
  several pages) and bare page numbers ("12", "Page 3 of 12", "- 4 -") are left out.
- Wrapped lines of a paragraph are joined with a space into one line; a paragraph ends
  at a wider gap, a change of font size, an indent, a list mark, or a short line that
  ends a sentence. Paragraphs are separated by a blank line.
- A heading is a short standalone line (or two) set larger than the body text, or in
  bold when the body is not, and not ending like a sentence; nothing else is. Its span
  is reported, so the chunker trusts it and guesses no other heading.
- Line-end hyphens are resolved by ``hyphens.Dehyphenator``: "com-"/"pany" becomes
  "company", "well-"/"known" stays "well-known". Soft hyphens (U+00AD) are dropped.
- Chart and figure debris (runs of three or more short lines, mostly bare numbers:
  axis ticks, data labels) is left out of the text. A bare number has no sentence
  around it to cite, and kept it either glued into a giant "sentence" or offered
  "54" as a short answer; precision comes first. Table rows (lines of several cells)
  stay, each as its own paragraph, so one row never runs into the next.

Everything here is plain Python on ``Line`` values, so it is tested without pdfium.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import pairwise

from qa.ingest.extract.hyphens import WORD, Dehyphenator

PAGE_SEPARATOR = "\n\n"
PARAGRAPH_SEPARATOR = "\n\n"

# pdfium writes U+FFFE where it saw a hyphen at a line end (and joins the two lines);
# older builds write U+0002.
HYPHEN_MARK = "\ufffe"
_LINE_END_HYPHENS = ("-", "\u00ad", "‐", HYPHEN_MARK)
# Top and bottom bands of a page where running headers, footers and page numbers sit.
_BAND = 0.15
_RUNNING_MAX_CHARS = 150
_DUPLICATE_MIN_LINES = 8
_PAGE_NUMBER = re.compile(
    r"^(?:page|p\.|pg\.?|seite|pagina|página)?\s*[-–—]?\s*(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—]?"
    r"(?:\s*(?:of|/|von|de)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_SENTENCE_END = tuple(".!?…:;")
_CLOSERS = "\"'”’»)]"
_LIST_MARK = re.compile(r"^(?:[-–*•·▪◦●○■□➢►✓]|\(?(?:\d{1,3}|[a-zA-Z])[.)])\s")
_BULLET = re.compile(r"^[-–*•·▪◦●○■□➢►✓]\s")
_NUMBERED_CAPS = re.compile(
    r"^(?:(?:[IVX]{1,5}|[A-Z])\.|\d{1,2}(?:\.\d{1,2})*\.?)\s+[A-Z][A-Z0-9 \-,&:'’/()]{2,80}$"
)
_CAPS_WORD = re.compile(r"[A-Z]{4,}")
_NUMBERED_CAPS_WORDS = 10
_HEADING_SIZE_TOLERANCE = 0.05
_HEADING_MAX_CHARS = 120
_HEADING_MAX_WORDS = 16
# The dots between a table of contents' entry and its page number.
_LEADER = re.compile(r"\.{4,}|…{2,}|(?:\. ){3,}")
_NUMERIC = re.compile(r"^[\W\d_]*\d[\W\d_]*$")
_FRAGMENT_CHARS = 30
_DEBRIS_RUN = 3
# A raised footnote mark or exponent: at most this long, this much smaller than its
# neighbours.
_MARK_CHARS = 3
_MARK_SIZE = 0.85
_ROW_CELLS = 3
_LABEL = re.compile(r"[^\W\d_]{4,}")


@dataclass(frozen=True)
class Line:
    """One printed line of a page, in pdfium's reading order.

    ``text`` is as pdfium reads it (``HYPHEN_MARK`` where it joined a hyphenated word).
    Coordinates are PDF points, y growing upwards; ``size`` is the font size most of
    its characters have (as drawn, scaling included); ``bold`` says most of its
    letters are bold.
    """

    text: str
    left: float
    right: float
    bottom: float
    top: float
    size: float
    bold: bool = False
    # Pieces of the line separated by wide gaps: 3 or more make it a table row.
    cells: int = 1
    # Set in a typewriter font: a line of code, kept as it is, never joined.
    mono: bool = False


@dataclass(frozen=True)
class Page:
    """A page's lines and height (None when the page could not be read)."""

    lines: tuple[Line, ...]
    height: float


@dataclass(frozen=True)
class Flow:
    """The document's reading text, where each page starts, and its heading spans."""

    text: str
    page_starts: tuple[int, ...]
    headings: tuple[tuple[int, int], ...]
    dropped: dict[str, int] = field(default_factory=dict)


@dataclass
class _Block:
    """A paragraph or heading being built: its lines, in order."""

    lines: list[Line]
    heading: bool = False
    data: bool = False
    left: float = float("inf")  # leftmost start and rightmost end of its lines so far
    right: float = float("-inf")

    def __post_init__(self) -> None:
        for line in self.lines:
            self.left, self.right = min(self.left, line.left), max(self.right, line.right)

    def add(self, line: Line) -> None:
        self.lines.append(line)
        self.left, self.right = min(self.left, line.left), max(self.right, line.right)


def _norm(text: str) -> str:
    """A line as compared across pages: spacing and numbers set aside, and a page number
    at either end ("47700 Federal Register …" on even pages, "… 47701" on odd). Case
    counts: a title in capitals on page 1 is not the running head that repeats it."""
    return re.sub(r"\d+", "#", " ".join(text.split())).strip("# ")


def is_page_number(text: str) -> bool:
    """ "12", "Page 3 of 12", "- 4 -", "iv"."""
    return bool(_PAGE_NUMBER.match(text.strip()))


def running_lines(pages: list[Page | None]) -> set[tuple[int, int]]:
    """(page index, line index) of the running headers, footers and page numbers.

    A line at the edge of its page (its first or last line, or in the top or bottom
    band) is furniture when it is a bare page number, or when the same line (numbers
    aside) is at the edge of at least three pages (two in a document of two or three
    pages). A page of some length whose lines mostly recur word for word on other pages
    is a page printed twice, not a page with a header: it keeps its lines.
    """
    keys = [[] if page is None else [_norm(line.text) for line in page.lines] for page in pages]
    texts = [[] if page is None else [line.text.strip() for line in page.lines] for page in pages]
    pages_of: Counter[str] = Counter(text for page_texts in texts for text in set(page_texts))
    edge: list[tuple[int, int, str]] = []
    for p, page in enumerate(pages):
        if page is None:
            continue
        last = len(page.lines) - 1
        for i, line in enumerate(page.lines):
            if i in (0, last) or _in_band(line, page.height):
                edge.append((p, i, keys[p][i]))
    at_edge = Counter(key for _, key in {(p, key) for p, _, key in edge})
    readable = sum(1 for page in pages if page is not None and page.lines)
    needed = 2 if readable <= 3 else 3
    duplicate = {
        p
        for p, page_texts in enumerate(texts)
        if len(page_texts) >= _DUPLICATE_MIN_LINES
        and sum(1 for text in page_texts if pages_of[text] > 1) * 2 > len(page_texts)
    }
    out: set[tuple[int, int]] = set()
    for p, i, key in edge:
        line = pages[p].lines[i]  # type: ignore[union-attr]
        repeated = at_edge[key] >= needed and readable > 1 and p not in duplicate
        if is_page_number(line.text) or (repeated and len(line.text) <= _RUNNING_MAX_CHARS):
            out.add((p, i))
    return out


def _in_band(line: Line, height: float) -> bool:
    if height <= 0:
        return False
    return line.top >= height * (1 - _BAND) or line.bottom <= height * _BAND


def _ends_sentence(text: str) -> bool:
    return text.rstrip(_CLOSERS).endswith(_SENTENCE_END)


def _letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def _is_row(line: Line) -> bool:
    """A line that stands alone: a table row (three or more cells apart on the line, or
    mostly numbers) or a line of code (see ``_Style``: only where the body is not)."""
    return line.mono or line.cells >= _ROW_CELLS or _is_data_row(line.text)


def _is_data_row(text: str) -> bool:
    """A run of figures: three or more numbers, two words in three or more.

    Prose full of dates ("December 11, 2018 (83 FR 63561)), was") stays prose.
    """
    cells = text.split()
    numbers = sum(1 for c in cells if _NUMERIC.match(c))
    return numbers >= 3 and numbers * 3 >= 2 * len(cells)


def _is_fragment(text: str) -> bool:
    """A short label that is not a sentence or a table row (an axis tick, a legend
    entry), or a line of figures alone.

    Wide (CJK) characters count twice: a line of fifteen of them is a line of prose.
    """
    t = text.strip()
    if not _letters(t):
        return True  # only figures: an axis ("0% 10% 20%"), a row without its labels

    width = len(t) + sum(1 for ch in t if unicodedata.east_asian_width(ch) in "WF")
    return (
        width <= _FRAGMENT_CHARS
        and len(t.split()) <= 4
        and not _ends_sentence(t)
        and not _is_data_row(t)
    )


def _debris(lines: list[Line], style: _Style) -> set[int]:
    """Indexes of lines in runs of short fragments that are mostly bare numbers.

    A heading stops a run, and a run gives back the labelled lines at its two ends
    (a word of four letters or more: "Definition 8", "(b) Beweisskizze"), which are
    more likely a caption or the next heading than an axis tick.
    """
    out: set[int] = set()
    run: list[int] = []
    for i, line in enumerate([*lines, None]):
        if line is not None and _is_fragment(line.text) and not _heading_like(line, style):
            run.append(i)
            continue
        first, last = 0, len(run)
        while first < last and _LABEL.search(lines[run[first]].text):
            first += 1
        while last > first and _LABEL.search(lines[run[last - 1]].text):
            last -= 1
        run = run[first:last]
        numeric = sum(1 for j in run if not _letters(lines[j].text) or len(lines[j].text) <= 2)
        if len(run) >= _DEBRIS_RUN and numeric * 2 >= len(run):
            out.update(run)
        run = []
    return out


def _marks(lines: list[Line]) -> set[int]:
    """Indexes of footnote marks and exponents that pdfium set on a line of their own.

    A raised "1" between two lines of a sentence would otherwise cut the paragraph in
    two ("signed into law by" / "1" / "President Clinton"); it is a mark, not a word.
    """
    out: set[int] = set()
    for i, line in enumerate(lines):
        text = line.text.strip()
        if len(text) > _MARK_CHARS or _letters(text):
            continue
        near = [lines[j].size for j in (i - 1, i + 1) if 0 <= j < len(lines)]
        if near and line.size < _MARK_SIZE * max(near):
            out.add(i)
    return out


class _Style:
    """The body text's font size and weight, and the usual gap between its lines."""

    def __init__(self, pages: list[list[Line]]):
        sizes: Counter[float] = Counter()
        bold = plain = 0
        for lines in pages:
            for line in lines:
                weight = len(line.text)
                sizes[round(line.size * 2) / 2] += weight
                if line.bold:
                    bold += weight
                else:
                    plain += weight
        self.size = sizes.most_common(1)[0][0] if sizes else 0.0
        self.bold = bold > plain
        mono = sum(len(line.text) for lines in pages for line in lines if line.mono)
        # A document set all in a typewriter font: its lines are prose, not code.
        self.mono_body = mono * 2 > bold + plain
        gaps = sorted(
            a.bottom - b.top
            for lines in pages
            for a, b in pairwise(lines)
            if self.same_size(a, b) and abs(a.size - self.size) <= 0.5 and a.bottom > b.top
        )
        self.gap = gaps[len(gaps) // 2] if gaps else 0.0

    @staticmethod
    def same_size(a: Line, b: Line) -> bool:
        return abs(a.size - b.size) <= 0.12 * max(a.size, b.size, 1.0)

    def distinguished(self, line: Line) -> bool:
        """Set apart from the body: larger, or bold when the body is not."""
        if self.size <= 0:
            return False
        if line.size >= self.size * 1.15:
            return True
        return line.bold and not self.bold and line.size >= self.size * 0.95


def _numbered_caps(text: str) -> bool:
    """ "II. BASICS OF MACHINE LEARNING", "3.1 RESULTS": a section number and capitals,
    how many papers set a heading at the body's size and weight."""
    text = text.strip()
    return (
        bool(_NUMBERED_CAPS.match(text))
        and bool(_CAPS_WORD.search(text))
        and len(text.split()) <= _NUMBERED_CAPS_WORDS
    )


def _heading_like(line: Line, style: _Style) -> bool:
    """Short, set apart (larger, bold, or numbered capitals), and not a sentence."""
    text = line.text.strip()
    first = text.lstrip("\"'“‘([§#*")[:1]
    return (
        (style.distinguished(line) or _numbered_caps(text))
        and (first.isupper() or first.isdigit())
        and not _LEADER.search(text)
        and len(text) <= _HEADING_MAX_CHARS
        and len(text.split()) <= _HEADING_MAX_WORDS
        and not _ends_sentence(text)
        and not text.rstrip(_CLOSERS).endswith(",")
        and not _BULLET.match(text)
        and not _is_row(line)
        and sum(ch.isdigit() for ch in text) <= sum(ch.isalpha() for ch in text)
    )


def _continues(prev: Line, nxt: Line) -> bool:
    """A sentence plainly going on: no stop at the end, a lower-case word next."""
    first = nxt.text.lstrip()[:1]
    return not _ends_sentence(prev.text) and first.isalpha() and first.islower()


def _same_paragraph(block: _Block, nxt: Line, style: _Style) -> bool:
    """Whether ``nxt`` is the next wrapped line of the paragraph ``block``."""
    prev = block.lines[-1]
    text = nxt.text.strip()
    if not style.same_size(prev, nxt) or _LIST_MARK.match(text):
        return False
    if not block.data and not _is_row(nxt):
        if prev.text.rstrip().endswith(_LINE_END_HYPHENS) and text[:1].isalpha():
            return True
        if _continues(prev, nxt):
            return True  # "(83 FR" / "62697, December 6, 2018; corrected" / "was"
    if block.data or _is_row(nxt):
        return False
    if _is_fragment(prev.text) and _is_fragment(text):
        return False  # labels or cells one under the other: a list, not a sentence
    size = max(prev.size, nxt.size, 1.0)
    gap = prev.bottom - nxt.top
    if gap < -0.5 * size or gap > style.gap + 0.5 * size:
        return False  # above the line before (a new column) or a paragraph gap
    if not _ends_sentence(prev.text):
        return True
    if nxt.left > block.left + size:
        return False  # a first-line indent
    width = max(block.right, nxt.right)
    return prev.right >= width - 1.5 * size  # a full line: the sentence end is by chance


def _stands_alone(line: Line, nxt: Line, style: _Style) -> bool:
    """Whether a heading-like ``line`` is not the first line of a paragraph in its style.

    The next line must not carry on its sentence or be a table row, nor a line of the same
    size and weight that is no heading itself (a paragraph set large, a form's
    filled-in answer): only a heading stands apart from what follows it.
    """
    if _continues(line, nxt) or _is_row(nxt):
        return False  # carried on, or a table's column head over its rows
    if not style.distinguished(line):
        return True  # numbered capitals: the case sets it apart
    same_style = style.same_size(line, nxt) and line.bold == nxt.bold
    return not same_style or _heading_like(nxt, style)


def _heading_goes_on(prev: Line, line: Line) -> bool:
    """Whether heading line ``line`` continues the heading ending with ``prev``.

    A wrapped heading keeps its size exactly and its alignment (same left edge, or the
    same centre): "Airworthiness Directives; The Boeing" / "Company Airplanes". A line a
    point smaller or indented is the next heading down ("Technical Amendments" over
    "National Eligibility", "Circumvention of …" over an indented "General approach").
    """
    if line.text.lstrip()[:1].islower():
        return True
    if abs(prev.size - line.size) > _HEADING_SIZE_TOLERANCE * max(prev.size, line.size):
        return False
    em = max(prev.size, line.size, 1.0)
    centred = abs((prev.left + prev.right) - (line.left + line.right)) / 2 <= em
    return abs(prev.left - line.left) <= em / 2 or centred


def _blocks(lines: list[Line], style: _Style) -> list[_Block]:
    """Group one page's kept lines into headings and paragraphs."""
    blocks: list[_Block] = []
    for i, line in enumerate(lines):
        text = line.text.strip()
        if not text:
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is not None and _heading_like(line, style) and _stands_alone(line, nxt, style):
            last = blocks[-1] if blocks else None
            if (
                last is not None
                and last.heading
                and style.same_size(last.lines[-1], line)
                and last.lines[-1].bottom - line.top <= style.gap + 0.5 * line.size
                and sum(len(x.text.split()) for x in last.lines) + len(text.split())
                <= _HEADING_MAX_WORDS
                and _heading_goes_on(last.lines[-1], line)
            ):
                last.add(line)
            else:
                blocks.append(_Block([line], heading=True))
            continue
        last = blocks[-1] if blocks else None
        if last is not None and not last.heading and _same_paragraph(last, line, style):
            last.add(line)
        else:
            blocks.append(_Block([line], data=_is_row(line)))
    return blocks


def _split_points(lines: list[Line]) -> Iterator[tuple[str, str]]:
    """(text before, text after) each line-end hyphen inside or between ``lines``."""
    for i, line in enumerate(lines):
        text = line.text
        for m in re.finditer(HYPHEN_MARK, text):
            yield text[: m.start()], text[m.end() :]
        if i + 1 < len(lines) and text.rstrip().endswith(_LINE_END_HYPHENS):
            yield text.rstrip()[:-1], lines[i + 1].text.lstrip()


def _plain_words(pages: list[list[Line]]) -> list[str]:
    """The document's words that no line end splits: evidence for the dehyphenator."""
    words: list[str] = []
    for lines in pages:
        for i, line in enumerate(lines):
            found = WORD.findall(line.text.replace(HYPHEN_MARK, " \0 "))
            text = line.text.rstrip()
            if text.endswith(_LINE_END_HYPHENS) and found:
                found = found[:-1]
            if i and lines[i - 1].text.rstrip().endswith(_LINE_END_HYPHENS) and found:
                found = found[1:]
            words.extend(found)
    return words


def _resolve(before: str, after: str, dehyphenator: Dehyphenator) -> str:
    """ "" when the hyphen between ``before`` and ``after`` only split a word, else "-"."""
    return "-" if dehyphenator.keeps_hyphen(before, after) else ""


def _line_text(text: str, following: str, dehyphenator: Dehyphenator) -> str:
    """A line's text with pdfium's hyphen marks resolved and soft hyphens dropped."""
    out: list[str] = []
    parts = text.split(HYPHEN_MARK)
    for k, part in enumerate(parts):
        out.append(part)
        if k + 1 < len(parts):
            out.append(_resolve(part, parts[k + 1] or following, dehyphenator))
    return "".join(out).replace("\u00ad", "")


def _block_text(block: _Block, dehyphenator: Dehyphenator) -> str:
    """The block's lines as one line: wrapped lines joined, split words made whole."""
    pieces: list[str] = []
    lines = block.lines
    for i, line in enumerate(lines):
        following = lines[i + 1].text.lstrip() if i + 1 < len(lines) else ""
        raw = line.text.strip()
        hyphen_end = following[:1].isalpha() and raw.endswith(_LINE_END_HYPHENS)
        if hyphen_end:
            raw = raw[:-1]
        text = _line_text(raw, following, dehyphenator)
        if i and pieces and not pieces[-1].endswith("\0"):
            pieces.append(" ")
        if hyphen_end and line.text.strip().endswith("\u00ad"):
            pieces.append(text + "\0")  # a soft hyphen only ever marks a split word
        elif hyphen_end:
            pieces.append(text + _resolve(raw, following, dehyphenator) + "\0")
        elif raw[-2:-1].isalnum() and raw.endswith(("–", "—")) and following[:1].isalnum():
            pieces.append(text + "\0")  # a dash set close: "2018–23–" / "51" is one number
        else:
            pieces.append(text)
    return " ".join("".join(pieces).split()).replace("\0", "")


def lay_out(pages: list[Page | None]) -> Flow:
    """The reading text of ``pages`` (None for a page that could not be read)."""
    furniture = running_lines(pages)
    flowing = [
        [line for i, line in enumerate(page.lines) if (p, i) not in furniture and line.text.strip()]
        for p, page in enumerate(pages)
        if page is not None
    ]
    style = _Style(flowing)
    if style.mono_body:
        flowing = [[replace(line, mono=False) for line in lines] for lines in flowing]
    readable = iter(flowing)
    kept: list[list[Line]] = []
    dropped = Counter(furniture=len(furniture))
    for page in pages:
        if page is None:
            kept.append([])
            continue
        lines = next(readable)
        debris = _debris(lines, style) | _marks(lines)
        dropped["debris"] += len(debris)
        kept.append([ln for i, ln in enumerate(lines) if i not in debris])

    dehyphenator = Dehyphenator(_plain_words(kept))
    parts: list[str] = []
    starts: list[int] = []
    headings: list[tuple[int, int]] = []
    offset = 0
    last_block: _Block | None = None
    for lines in kept:
        blocks = _blocks(lines, style)
        if starts:
            joins = (
                blocks
                and last_block is not None
                and not last_block.heading
                and not last_block.data
                and not blocks[0].heading
                and not blocks[0].data
                and _continues(last_block.lines[-1], blocks[0].lines[0])
                and style.same_size(last_block.lines[-1], blocks[0].lines[0])
            )
            sep = " " if joins else PAGE_SEPARATOR
            parts.append(sep)
            offset += len(sep)
        starts.append(offset)
        for b, block in enumerate(blocks):
            if b:
                parts.append(PARAGRAPH_SEPARATOR)
                offset += len(PARAGRAPH_SEPARATOR)
            text = _block_text(block, dehyphenator)
            if block.heading:
                headings.append((offset, offset + len(text)))
            parts.append(text)
            offset += len(text)
        last_block = blocks[-1] if blocks else None
    return Flow("".join(parts), tuple(starts), tuple(headings), dict(dropped))
