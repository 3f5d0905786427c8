"""PDF: the text layer of each page via pypdfium2, with the offset where each page starts.

Pages are joined with a blank line ("\\n\\n") and ``page_starts`` records every page,
empty ones included, so a citation's page number is right even around scanned pages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import ExtractionError
from qa.ingest.extract.types import ExtractedText

if TYPE_CHECKING:
    from pypdfium2 import PdfDocument

# A bound on work per file: past this, the rest is skipped with a warning.
MAX_PAGES = 5000
PAGE_SEPARATOR = "\n\n"

# PDFium marks a hyphen it saw at a line end as U+FFFE (older builds U+0002); NUL can
# trail a page (pypdfium2 issue #261).
_PDFIUM_FIXES = str.maketrans({"\ufffe": "-", "\x02": "-", "\x00": None})
_NEWLINES = re.compile(r"\r\n?")
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
    pages: list[str] = []
    unreadable: list[int] = []
    for index in range(count):
        try:
            pages.append(_clean_page(_page_text(pdf, index)))
        except Exception:  # one damaged page should not cost the rest of the document
            pages.append("")
            unreadable.append(index + 1)
    if len(unreadable) == count:
        raise ExtractionError("corrupt or unreadable PDF")

    failed = set(unreadable)
    empty = [i + 1 for i, text in enumerate(pages) if not text.strip() and i + 1 not in failed]
    if len(empty) + len(unreadable) == len(pages):
        raise ExtractionError("PDF has no text layer (probably scanned)")

    parts: list[str] = []
    starts: list[int] = []
    offset = 0
    for i, text in enumerate(pages):
        if i:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        starts.append(offset)
        parts.append(text)
        offset += len(text)

    warnings: list[str] = []
    if empty:
        warnings.append(f"{_pages(empty)} {'has' if len(empty) == 1 else 'have'} no text layer")
    if unreadable:
        warnings.append(f"{_pages(unreadable)} could not be read")
    if total > count:
        warnings.append(f"only the first {count} of {total} pages were read")
    return ExtractedText(
        text="".join(parts),
        format="pdf",
        page_starts=tuple(starts),
        title=_title(pdf),
        warnings=tuple(warnings),
    )


def _page_text(pdf: PdfDocument, index: int) -> str:
    """Raw text of one page; page and text page are closed right away to bound memory."""
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            return textpage.get_text_range()
        finally:
            textpage.close()
    finally:
        page.close()


def _pages(numbers: list[int]) -> str:
    """``"page 3"`` or ``"pages 3-4, 7"``."""
    return f"{'page' if len(numbers) == 1 else 'pages'} {format_page_ranges(numbers)}"


def _clean_page(raw: str) -> str:
    """Normalise line ends to "\\n", undo pdfium's markers, drop trailing whitespace."""
    text = _NEWLINES.sub("\n", raw.translate(_PDFIUM_FIXES))
    return "\n".join(line.rstrip() for line in text.split("\n")).rstrip()


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
