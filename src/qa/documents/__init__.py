"""Document extraction: text with exact positions from .txt, .md, .html, .pdf and .docx.

``extract(path)`` returns an ``ExtractedText`` or raises ``ExtractionError`` with a short
message (the caller adds the path). Heavy libraries load on first use of their format,
so importing this package stays cheap.
"""

from __future__ import annotations

from pathlib import Path

from qa.documents.types import ExtractedText, ExtractionError

__all__ = ["SUPPORTED_SUFFIXES", "ExtractedText", "ExtractionError", "extract"]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}
)


def extract(path: Path) -> ExtractedText:
    """Extract ``path`` by its (case-insensitive) suffix.

    Raises ExtractionError for unsupported types and for files that cannot be read;
    nothing else escapes for a bad file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md", ".markdown"):
        from qa.documents.plaintext import extract_plaintext

        return extract_plaintext(path)
    if suffix in (".html", ".htm"):
        from qa.documents.html import extract_html

        return extract_html(path)
    if suffix == ".pdf":
        from qa.documents.pdf import extract_pdf

        return extract_pdf(path)
    if suffix == ".docx":
        from qa.documents.docx import extract_docx

        return extract_docx(path)
    if not suffix:
        raise ExtractionError("unsupported file type (no extension)")
    raise ExtractionError(f"unsupported file type {suffix}")
