"""HTML: the main article text (not menus, footers, sidebars), via trafilatura.

trafilatura's ``bare_extraction`` returns the cleaned article as an XML tree (``<head>``,
``<p>``, ``<list>``, ``<table>`` ...). We render that tree block by block ourselves, one
block per line, so we know exactly where each ``<head>`` (an HTML ``<h1>``-``<h6>``) lands
in the text instead of guessing from Markdown ``#`` marks afterwards.
"""

from __future__ import annotations

import codecs
import copy
import re
from pathlib import Path
from typing import Any

from qa.errors import ExtractionError
from qa.ingest.extract.plaintext import decode_bytes, read_bytes
from qa.ingest.extract.types import ExtractedText

# trafilatura's own MAX_FILE_SIZE; bigger pages are not articles and parse slowly.
MAX_HTML_BYTES = 20 * 1024 * 1024

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
_XML_DECL = re.compile(r"""\A\s*<\?xml[^>]*\?>""")
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_HTML_TAG = re.compile(r"<html[\s>]", re.IGNORECASE)
# Browsers (WHATWG Encoding) read these labels as windows-1252.
_AS_CP1252 = {"ascii", "latin_1", "iso8859_1", "cp1252"}
# Elements that only group blocks; their children are rendered one by one.
_CONTAINERS = {"div", "main", "body", "section", "article", "doc"}
_CODE = {"code", "pre"}


def _declared_encoding(data: bytes) -> str | None:
    """The charset the page declares (XML declaration or ``<meta>``), if Python knows it."""
    head = data[:4096]
    m = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name.replace("-", "_")
    except (LookupError, UnicodeDecodeError):
        return None
    return "cp1252" if name in _AS_CP1252 else name


def _prepare(source: str) -> str:
    """Make decoded HTML palatable to trafilatura.

    An XML declaration sends lxml down a bytes fallback that loses headings, and a bare
    fragment without ``<html>`` is rejected by trafilatura as "not HTML".
    """
    source = _XML_DECL.sub("", source, count=1)
    if not _HTML_TAG.search(source[:8192]):
        source = f"<html><body>{source}</body></html>"
    return source


def extract_html(path: Path) -> ExtractedText:
    """Extract the main text of an ``.html``/``.htm`` file with heading spans and title."""
    data = read_bytes(path, MAX_HTML_BYTES)
    source, _encoding = decode_bytes(data, _declared_encoding(data))
    if not source.strip():
        raise ExtractionError("empty document")
    try:
        import trafilatura

        # favor_recall: short pages and pages with several sections keep all their
        # paragraphs; boilerplate (nav, footer, aside) is still removed. Formatting is
        # off so inline markup does not leak "**" into the text; headings come from the
        # tree, not from Markdown.
        doc = trafilatura.bare_extraction(
            _prepare(source),
            with_metadata=True,
            favor_recall=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
        )
    except Exception:  # lxml/trafilatura internals: any failure means unreadable HTML
        raise ExtractionError("cannot parse the HTML") from None
    body = getattr(doc, "body", None) if doc is not None else None
    lines: list[str] = []
    heading_lines: set[int] = set()
    if body is not None:
        try:
            _render(body, lines, heading_lines)
        except Exception:  # an unexpected tree shape from a trafilatura upgrade
            raise ExtractionError("cannot parse the HTML") from None
    if not lines:
        raise ExtractionError("no readable text in the HTML")
    if not heading_lines:
        heading_lines = _match_source_headings(source, lines)

    parts: list[str] = []
    headings: list[tuple[int, int]] = []
    offset = 0
    for i, line in enumerate(lines):
        if i in heading_lines:
            headings.append((offset, offset + len(line)))
        parts.append(line)
        offset += len(line) + 1
    title = (getattr(doc, "title", None) or "").strip() or None
    return ExtractedText(
        text="\n".join(parts), format="html", headings=tuple(headings), title=title
    )


def _match_source_headings(source: str, lines: list[str]) -> set[int]:
    """Find the page's ``<h1>``-``<h6>`` among the output lines, in document order.

    On short pages trafilatura falls back to a baseline extractor that flattens the
    article into plain lines, losing ``<head>``. A line equal to the next heading of the
    page (whitespace-normalised) is that heading. lxml's HTML parser loads no DTD and
    resolves no external entities.
    """
    try:
        from lxml import html as lxml_html

        parser = lxml_html.HTMLParser(no_network=True, remove_comments=True)
        tree = lxml_html.document_fromstring(_prepare(source), parser=parser)
        wanted = [
            " ".join(el.text_content().split())
            for el in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")
        ]
    except Exception:  # headings are a bonus; never fail the document over them
        return set()
    found: set[int] = set()
    cursor = 0
    for words in wanted:
        if not words:
            continue
        for i in range(cursor, len(lines)):
            if lines[i] == words:
                found.add(i)
                cursor = i + 1
                break
    return found


def _render(element: Any, lines: list[str], heading_lines: set[int]) -> None:
    """Append one line per paragraph-like block of trafilatura's tree, in order."""
    if element.text and element.text.strip():
        lines.extend(_clean_lines(element.text))
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _CONTAINERS:
            _render(child, lines, heading_lines)
        elif tag == "head":
            words = " ".join(_block_lines(child))
            if words:
                heading_lines.add(len(lines))
                lines.append(words)
        elif tag == "table":
            lines.extend(_table_lines(child))
        elif tag in _CODE:
            code = "".join(child.itertext()).replace("\r\n", "\n").replace("\r", "\n")
            lines.extend(ln.rstrip() for ln in code.split("\n") if ln.strip())
        elif tag:
            lines.extend(_block_lines(child))
        if child.tail and child.tail.strip():
            lines.extend(_clean_lines(child.tail))


def _block_lines(element: Any) -> list[str]:
    """A block rendered by trafilatura's own text serialiser, one stripped line each."""
    from trafilatura.xml import xmltotxt

    block = copy.deepcopy(element)
    block.tail = None  # the tail belongs to the parent; _render emits it separately
    return _clean_lines(xmltotxt(block, include_formatting=False))


def _table_lines(table: Any) -> list[str]:
    """One line per table row, cells joined with " | " (no Markdown separator rows)."""
    out: list[str] = []
    rows = table.findall("row") or list(table.iter("row"))
    for row in rows:
        cells = [" ".join("".join(cell.itertext()).split()) for cell in row.findall("cell")]
        line = " | ".join(c for c in cells if c)
        if line:
            out.append(line)
    return out


def _clean_lines(text: str) -> list[str]:
    """Split on any line break, collapse runs of spaces, drop empty lines."""
    return [" ".join(ln.split()) for ln in text.splitlines() if ln.strip()]
