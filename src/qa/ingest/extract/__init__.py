"""Document extraction: text with exact positions from .txt, .md, .html, .pdf and .docx.

``extract(path)`` returns an ``ExtractedText`` or raises ``ExtractionError`` with a short
message (the caller adds the path). Heavy libraries load on first use of their format,
so importing this package stays cheap.
"""

from __future__ import annotations

from pathlib import Path

from qa.errors import ExtractionError
from qa.files import not_regular
from qa.ingest.extract.libraries import SUFFIX_FORMATS
from qa.ingest.extract.types import ExtractedText

__all__ = ["SUPPORTED_SUFFIXES", "ExtractedText", "ExtractionError", "extract"]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(SUFFIX_FORMATS)


def extract(path: Path) -> ExtractedText:
    """Extract ``path`` by its (case-insensitive) suffix.

    Raises ExtractionError for unsupported types and for files that cannot be read;
    nothing else escapes for a bad file. Only regular files are opened: reading a named
    pipe would block until something writes to it, and a device may never end.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md", ".markdown"):
        from qa.ingest.extract.plaintext import extract_plaintext as extractor
    elif suffix in (".html", ".htm"):
        from qa.ingest.extract.html import extract_html as extractor
    elif suffix == ".pdf":
        from qa.ingest.extract.pdf import extract_pdf as extractor
    elif suffix == ".docx":
        from qa.ingest.extract.docx import extract_docx as extractor
    elif not suffix:
        raise ExtractionError("unsupported file type (no extension)")
    else:
        raise ExtractionError(f"unsupported file type {suffix}")
    _require_regular_file(path)
    return extractor(path)


def _require_regular_file(path: Path) -> None:
    """Raise ExtractionError unless ``path`` is (a link to) a regular file."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise ExtractionError(f"cannot read file: {exc.strerror or type(exc).__name__}") from None
    problem = not_regular(mode)
    if problem:
        raise ExtractionError(problem)
