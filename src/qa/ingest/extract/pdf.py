"""PDF: the text layer of each page via pypdfium2, laid out as reading text.

pdfium gives each character with its box, font size and weight; this module groups them
into printed lines and ``pdf_layout`` turns the lines into paragraphs and headings,
without running headers, page numbers or chart debris, and with split words made whole.
The extracted text is that reading text: every offset (pages, headings, citations)
counts in it. ``page_starts`` records every page, empty ones included, so a citation's
page number is right even around scanned pages.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import ExtractionError
from qa.ingest.extract.pdf_layout import HYPHEN_MARK, Line, Page, lay_out
from qa.ingest.extract.types import ExtractedText

if TYPE_CHECKING:
    from pypdfium2 import PdfDocument

# A bound on work per file: past this, the rest is skipped with a warning.
MAX_PAGES = 5000
# A bold font by pdfium's weight (400 regular, 700 bold).
_BOLD_WEIGHT = 600
# Typewriter fonts by name: a line set in one is code, not prose.
_MONOSPACE_FONT = re.compile(
    r"courier|mono(?!type)|consol|menlo|inconsolata|typewriter|^cmtt|^lmtt|sourcecode"
    r"|firacode|cascadiacode|jetbrains",
    re.IGNORECASE,
)
# A gap wider than this many font sizes between two characters of a line separates
# table cells (a word space is about a quarter of the size).
_CELL_GAP = 1.5
# pdfium's load failure codes: FPDF_ERR_PASSWORD and FPDF_ERR_SECURITY.
_ERR_PASSWORD = 4
_ERR_SECURITY = 5
# Generator boilerplate that some PDFs carry as their "title".
_JUNK_TITLE = re.compile(
    r"^(microsoft (word|powerpoint|excel) - |untitled\b)"
    r"|\.(docx?|odt|rtf|pptx?|xlsx?|pdf|tex|dvi|ps|indd|qxd|txt|html?)$",
    re.IGNORECASE,
)


def extract_pdf(path: Path) -> ExtractedText:
    """Extract the text layer of a PDF, page by page."""
    try:
        with path.open("rb"):
            pass  # surface a missing/unreadable file as an OS error, without the path
    except OSError as exc:
        raise ExtractionError(f"cannot read file: {exc.strerror or type(exc).__name__}") from None

    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _ERR_PASSWORD:
            raise ExtractionError("encrypted PDF (password required)") from None
        if getattr(exc, "err_code", None) == _ERR_SECURITY:
            raise ExtractionError("encrypted PDF (unsupported encryption)") from None
        raise ExtractionError("corrupt or unreadable PDF") from None
    except OSError as exc:
        raise ExtractionError(f"cannot read file: {exc.strerror or type(exc).__name__}") from None
    except Exception:
        raise ExtractionError("corrupt or unreadable PDF") from None
    try:
        return _extract_pages(pdf)
    except ExtractionError:
        raise
    except Exception:  # a page pdfium cannot parse mid-way
        raise ExtractionError("corrupt or unreadable PDF") from None
    finally:
        pdf.close()


def _extract_pages(pdf: PdfDocument) -> ExtractedText:
    """Read up to MAX_PAGES pages of an open ``PdfDocument``."""
    total = len(pdf)
    if total == 0:
        raise ExtractionError("PDF has no pages")
    count = min(total, MAX_PAGES)
    pages: list[Page | None] = []
    unreadable: list[int] = []
    for index in range(count):
        try:
            pages.append(_read_page(pdf, index))
        except Exception:  # one damaged page should not cost the rest of the document
            pages.append(None)
            unreadable.append(index + 1)
    if len(unreadable) == count:
        raise ExtractionError("corrupt or unreadable PDF")

    failed = set(unreadable)
    empty = [
        i + 1
        for i, page in enumerate(pages)
        if i + 1 not in failed and not any(line.text.strip() for line in page.lines)  # type: ignore[union-attr]
    ]
    if len(empty) + len(unreadable) == len(pages):
        raise ExtractionError("PDF has no text layer (probably scanned)")

    flow = lay_out(pages)
    warnings: list[str] = []
    if empty:
        warnings.append(f"{_pages(empty)} {'has' if len(empty) == 1 else 'have'} no text layer")
    if unreadable:
        warnings.append(f"{_pages(unreadable)} could not be read")
    if total > count:
        warnings.append(f"only the first {count} of {total} pages were read")
    return ExtractedText(
        text=flow.text,
        format="pdf",
        page_starts=flow.page_starts,
        headings=flow.headings,
        guess_headings=False,
        title=_title(pdf),
        warnings=tuple(warnings),
    )


def _read_page(pdf: PdfDocument, index: int) -> Page:
    """The printed lines of one page; page and text page are closed right away."""
    page = pdf[index]
    try:
        height = float(page.get_height())
        textpage = page.get_textpage()
        try:
            return Page(tuple(_lines(textpage.raw)), height)
        finally:
            textpage.close()
    finally:
        page.close()


def _lines(raw: object) -> list[Line]:
    """Split a text page into lines at pdfium's line breaks, with each line's geometry.

    Characters are read one by one (not with ``get_text_range``) so that each one's
    box, size and weight belong to it: the text range and the character indexes drift
    apart on some pages. Control characters are dropped, UTF-16 surrogate pairs
    joined, and U+0002 read as the U+FFFE hyphen mark of newer pdfium builds.
    """
    import pypdfium2.raw as pdfium_c

    n = pdfium_c.FPDFText_CountChars(raw)
    rect = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    lines: list[Line] = []
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []
    sizes: Counter[float] = Counter()
    bold = letters = 0
    high = 0
    cells = 1
    last_right: float | None = None
    line_low, line_high = math.inf, -math.inf
    indexes: list[int] = []  # the line's printed characters, for its font
    fonts: dict[int | None, bool] = {}

    def close() -> None:
        nonlocal bold, letters, cells, last_right, line_low, line_high
        text = "".join(chars).strip()
        if text:
            mono = _monospaced(raw, indexes, fonts)
            left = min(b[0] for b in boxes) if boxes else 0.0
            right = max(b[1] for b in boxes) if boxes else 0.0
            bottom = min(b[2] for b in boxes) if boxes else 0.0
            top = max(b[3] for b in boxes) if boxes else 0.0
            size = sizes.most_common(1)[0][0] if sizes else 0.0
            is_bold = letters > 0 and bold * 5 >= letters * 4
            lines.append(Line(text, left, right, bottom, top, size, is_bold, cells, mono))
        chars.clear()
        indexes.clear()
        boxes.clear()
        sizes.clear()
        bold = letters = 0
        cells = 1
        last_right = None
        line_low, line_high = math.inf, -math.inf

    for j in range(n):
        code = pdfium_c.FPDFText_GetUnicode(raw, j)
        if code in (0x0A, 0x0D):
            close()
            continue
        if 0xD800 <= code < 0xDC00:
            high = code
            continue
        if 0xDC00 <= code < 0xE000:
            if not high:
                continue
            code = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
            high = 0
        if code == 0x02:
            code = 0xFFFE
        ch = chr(code) if code <= 0x10FFFF else ""
        if not ch or (ch != HYPHEN_MARK and not ch.isprintable() and not ch.isspace()):
            continue
        chars.append(" " if ch.isspace() else ch)
        if ch.isspace() or pdfium_c.FPDFText_IsGenerated(raw, j) == 1:
            continue
        size = pdfium_c.FPDFText_GetFontSize(raw, j)
        if pdfium_c.FPDFText_GetMatrix(raw, j, matrix):  # text drawn scaled: its real size
            size *= math.hypot(matrix.c, matrix.d) or 1.0
        if pdfium_c.FPDFText_GetLooseCharBox(raw, j, rect):
            low, high_y = sorted((rect.bottom, rect.top))
            if boxes and _elsewhere(line_low, line_high, low, high_y):
                # pdfium ran on into text far above or below (a hyphenated line end
                # joined to the page's footer): that text starts a line of its own.
                tail = chars.pop()
                close()
                chars.append(tail)
            if last_right is not None and rect.left - last_right > _CELL_GAP * max(size, 1.0):
                cells += 1  # a wide gap on one line: the next cell of a table row
            last_right = rect.right
            boxes.append((rect.left, rect.right, low, high_y))
            indexes.append(j)
            line_low = min(line_low, low)
            line_high = max(line_high, high_y)
        sizes[round(size, 1)] += 1
        if ch.isalpha():
            letters += 1
            if pdfium_c.FPDFText_GetFontWeight(raw, j) >= _BOLD_WEIGHT:
                bold += 1
    close()
    return lines


def _monospaced(raw: object, indexes: list[int], fonts: dict[int | None, bool]) -> bool:
    """Whether most of a line is set in a typewriter font (a code listing), judged on
    three of its characters; each font's name is looked up once."""
    import pypdfium2.raw as pdfium_c

    if not indexes:
        return False
    votes = 0
    sample = {indexes[0], indexes[len(indexes) // 2], indexes[-1]}
    for j in sample:
        font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(raw, j))
        key = ctypes.cast(font, ctypes.c_void_p).value
        if key not in fonts:
            name = ctypes.create_string_buffer(128)
            got = pdfium_c.FPDFFont_GetBaseFontName(font, name, len(name)) if key else 0
            base = name.value.decode("latin-1").split("+")[-1] if got else ""
            fonts[key] = bool(_MONOSPACE_FONT.search(base))
        votes += fonts[key]
    return votes * 2 > len(sample)


def _elsewhere(bottom: float, top: float, low: float, high: float) -> bool:
    """Whether a character spanning ``low``-``high`` lies wholly off the line so far
    (``bottom``-``top``), by more than the line's height."""
    height = max(top - bottom, 1.0)
    return high < bottom - height or low > top + height


def _pages(numbers: list[int]) -> str:
    """``"page 3"`` or ``"pages 3-4, 7"``."""
    return f"{'page' if len(numbers) == 1 else 'pages'} {format_page_ranges(numbers)}"


def _title(pdf: PdfDocument) -> str | None:
    """The document's Title metadata, unless it is generator boilerplate or a file name."""
    try:
        title = (pdf.get_metadata_value("Title") or "").strip()
    except Exception:
        return None
    if not title or _JUNK_TITLE.search(title):
        return None
    return title


def format_page_ranges(pages: list[int], limit: int = 10) -> str:
    """``[3, 4, 7]`` -> ``"3-4, 7"``; long lists end with ``"and N more"``."""
    ranges: list[str] = []
    start = prev = pages[0]
    for p in [*pages[1:], None]:
        if p is not None and p == prev + 1:
            prev = p
            continue
        ranges.append(str(start) if start == prev else f"{start}-{prev}")
        if p is not None:
            start = prev = p
    if len(ranges) > limit:
        return ", ".join(ranges[:limit]) + f" and {len(ranges) - limit} more"
    return ", ".join(ranges)
