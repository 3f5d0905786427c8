"""DOCX: body paragraphs and table cells in document order, one paragraph per line.

Hidden text (Word's "hidden" font: form markers such as "Top of Form" in pages saved from
the web, hidden notes) is left out: a reader never sees it, so it must not be quoted.

python-docx's ``Document.paragraphs`` skips tables and ``Paragraph.text`` skips runs
inside tracked insertions, content controls and simple fields, so we walk the XML body
ourselves and use python-docx only to open the package and name the styles.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from qa.errors import ExtractionError
from qa.ingest.extract.types import ExtractedText

# Zip-bomb bounds, checked on the central directory before anything is inflated.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 10_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS = {"w": _W, "mc": _MC}
_P = f"{{{_W}}}p"
_TBL = f"{{{_W}}}tbl"
_TR = f"{{{_W}}}tr"
_TC = f"{{{_W}}}tc"
_SDT = f"{{{_W}}}sdt"
_SDT_CONTENT = f"{{{_W}}}sdtContent"
_CUSTOM_XML = f"{{{_W}}}customXml"
_VMERGE = f"{{{_W}}}vMerge"
_VAL = f"{{{_W}}}val"
_OFF = frozenset({"0", "false", "off"})

# Runs of this paragraph, not of a text box nested in it, not deleted tracked text and
# not the duplicate fallback copy of alternate content.
_RUNS_XPATH = (
    ".//w:r[not(ancestor::w:txbxContent) and not(ancestor::w:del)"
    " and not(ancestor::w:moveFrom) and not(ancestor::mc:Fallback)]"
)


def _check_zip(path: Path) -> None:
    """Refuse non-zips and archives that would inflate past the bounds."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            names = {info.filename for info in infos}
    except OSError as exc:
        raise ExtractionError(f"cannot read file: {exc.strerror or type(exc).__name__}") from None
    except Exception:  # BadZipFile, truncated central directory, bad offsets ...
        if _is_ole(path):
            raise ExtractionError("password-protected or old-format Word file") from None
        raise ExtractionError("corrupt or unreadable DOCX") from None
    if len(infos) >= MAX_MEMBERS or sum(i.file_size for i in infos) >= MAX_UNPACKED_BYTES:
        raise ExtractionError("DOCX too large when unpacked (possible zip bomb)")
    # The main part is usually word/document.xml, but python-docx finds it through the
    # package relationships, so only the one file every OPC package has is required here.
    if "[Content_Types].xml" not in names:
        raise ExtractionError("corrupt or unreadable DOCX")


def _is_ole(path: Path) -> bool:
    """OLE2 compound file: what Word writes for encrypted .docx and for legacy .doc."""
    try:
        with path.open("rb") as fh:
            return fh.read(8) == _OLE_MAGIC
    except OSError:
        return False


def extract_docx(path: Path) -> ExtractedText:
    """Extract a Word ``.docx`` with heading spans (Heading n / Title styles)."""
    _check_zip(path)
    try:
        import docx
        from lxml import etree

        document = docx.Document(str(path))
        runs_of = etree.XPath(_RUNS_XPATH, namespaces=_NS)
        heading_style = _heading_styles(document)
        hidden = _hidden_styles(document)
        lines: list[str] = []
        headings: list[tuple[int, int]] = []
        first_title: str | None = None
        first_h1: str | None = None
        offset = 0
        for p in _paragraphs(document.element.body):
            if _style_id(p) in hidden:
                continue
            text = "".join(r.text for r in runs_of(p) if not _is_hidden(r, hidden)).strip()
            if not text:
                continue
            kind = heading_style.get(_style_id(p) or "")
            if kind:
                headings.append((offset, offset + len(text)))
                if kind == "title" and first_title is None:
                    first_title = text
                elif kind == "heading 1" and first_h1 is None:
                    first_h1 = text
            lines.append(text)
            offset += len(text) + 1
        core_title = (document.core_properties.title or "").strip()
    except ExtractionError:
        raise
    except OSError as exc:
        raise ExtractionError(f"cannot read file: {exc.strerror or type(exc).__name__}") from None
    except Exception:  # python-docx/lxml on a damaged package: KeyError, ValueError, XMLSyntaxError
        raise ExtractionError("corrupt or unreadable DOCX") from None
    if not lines:
        raise ExtractionError("empty document")
    return ExtractedText(
        text="\n".join(lines),
        format="docx",
        headings=tuple(headings),
        title=core_title or first_title or first_h1,
    )


def _paragraphs(container: Any) -> Iterator[Any]:
    """``w:p`` elements of a body or cell in reading order, descending into tables.

    Each ``w:tc`` is visited once, so a horizontally merged cell (one ``w:tc`` with
    ``gridSpan``) is read once; continuation cells of a vertical merge are skipped.
    """
    for child in container:
        tag = child.tag
        if tag == _P:
            yield child
        elif tag == _TBL:
            for row in child.iter(_TR):
                if row.getparent() is not child:
                    continue  # a nested table's row: reached through its cell below
                for cell in row.iterchildren(_TC):
                    if _continues_vertical_merge(cell):
                        continue
                    yield from _paragraphs(cell)
        elif tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _paragraphs(child)


def _continues_vertical_merge(cell: Any) -> bool:
    """True for a ``w:tc`` that only continues the merged cell above it."""
    vmerge = cell.find(f"{{{_W}}}tcPr/{_VMERGE}")
    return vmerge is not None and vmerge.get(_VAL, "continue") == "continue"


def _style_id(p: Any) -> str | None:
    """The paragraph's ``w:pStyle`` id, if any."""
    style = p.find(f"{{{_W}}}pPr/{{{_W}}}pStyle")
    return None if style is None else style.get(_VAL)


def _is_hidden(run: Any, hidden_styles: frozenset[str]) -> bool:
    """Whether Word hides this run: its own ``w:vanish``, or a hidden character style."""
    props = run.find(f"{{{_W}}}rPr")
    if props is None:
        return False
    vanish = props.find(f"{{{_W}}}vanish")
    if vanish is not None:
        return vanish.get(_VAL, "true").lower() not in _OFF
    style = props.find(f"{{{_W}}}rStyle")
    return style is not None and style.get(_VAL) in hidden_styles


def _hidden_styles(document: Any) -> frozenset[str]:
    """Ids of the paragraph and character styles whose font is hidden, set on the style
    or on a style it is based on (the nearest setting wins, as in Word)."""
    hidden: set[str] = set()
    for style in document.styles:
        if not style.style_id:
            continue
        seen: set[str] = set()
        current: Any = style
        while current is not None and current.style_id not in seen:
            seen.add(current.style_id)
            setting = getattr(getattr(current, "font", None), "hidden", None)
            if setting is not None:
                if setting:
                    hidden.add(style.style_id)
                break
            current = getattr(current, "base_style", None)
    return frozenset(hidden)


def _heading_styles(document: Any) -> dict[str, str]:
    """Map paragraph style ids to "title", "heading 1", "heading n" for heading styles.

    Names are compared in lower case, and a custom style based on a heading style
    counts as that heading (Word shows it in the navigation pane too). Style *ids* are
    localised ("berschrift1"), names of built-in styles are not.
    """
    from docx.enum.style import WD_STYLE_TYPE

    by_id: dict[str, Any] = {}
    for style in document.styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH and style.style_id:
            by_id[style.style_id] = style
    kinds: dict[str, str] = {}
    for style_id, style in by_id.items():
        seen: set[str] = set()
        current: Any = style
        while current is not None and current.style_id not in seen:
            seen.add(current.style_id)
            name = (current.name or "").strip().lower()
            if name == "title" or name.startswith("heading"):
                kinds[style_id] = name
                break
            current = current.base_style
    return kinds
