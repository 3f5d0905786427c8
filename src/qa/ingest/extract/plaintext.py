"""Plain text and Markdown: the text is the decoded file, byte for byte.

Offsets into ``ExtractedText.text`` are therefore positions in the file itself, which is
what lets a citation point at the exact passage. Nothing is normalised or stripped.
"""

from __future__ import annotations

import codecs
import os
import re
from pathlib import Path

from qa.errors import ExtractionError
from qa.ingest.extract.types import ExtractedText

# Indexing embeds every chunk and every sentence: about 100 s per MB of prose on a
# 2-core machine (README, "Quality and speed"), so 10 MB is already a quarter of an hour
# and a 50 MB file would take well over an hour. Text files that large are logs or
# dumps, not documents to question; they are refused up front (by their size on disk,
# before anything is read) with a reason in the summary instead of stalling the run.
MAX_TEXT_BYTES = 10 * 1024 * 1024
_SNIFF_BYTES = 8192

# Longest BOM first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Without a BOM these guesses are nearly always charset-normalizer misreading a short
# 8-bit file; a real UTF-16 file without BOM is rejected as binary (NUL bytes) anyway.
_NEEDS_BOM = ("utf_16", "utf_32", "utf-16", "utf-32")
# Up to this size a non-UTF-8 file is "short": too few bytes outside ASCII for
# charset-normalizer to tell the 8-bit code pages apart (a 60-byte Windows note with
# "€", "–" and curly quotes came out as cp775: "Josķ ¢ ōcall backö re: Ć300").
_SHORT_BYTES = 16 * 1024
# How far behind the detector's best guess (in its "chaos" score) another guess may be
# and the detector still count as unsure: on a short text a single "€" or "–" moves the
# score by 0.04-0.06, whichever code page is right.
_UNSURE_CHAOS = 0.1
# Letters with an accent, as a share of all letters, above which a cp1252 reading is
# another script's letters misread (Russian in cp1251 reads "Ïðèâåò" in cp1252).
_MAX_ACCENTED = 0.5
# A sign that is a letter in another Windows code page, between two letters: Polish in
# cp1250 reads "Za¿ó³æ" in cp1252.
_LETTER_SIGN = re.compile(r"[^\W\d_][\xa4\xa6\xa8\xaa\xaf\xb2\xb3\xb4\xb8-\xba\xbc-\xbf][^\W\d_]")


def read_bytes(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    """Read a whole file, turning OS errors and oversize files into ExtractionError.

    The size is checked on the open file before reading, so an oversize file costs
    nothing; reading at most ``limit + 1`` bytes also bounds a file that grows.
    """
    too_large = ExtractionError(f"file too large (over {limit // (1024 * 1024)} MB)")
    try:
        with path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_size > limit:
                raise too_large
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ExtractionError(f"cannot read file: {_strerror(exc)}") from None
    if len(data) > limit:
        raise too_large
    return data


def _strerror(exc: OSError) -> str:
    """The OS reason without the path (``str(exc)`` would repeat the path)."""
    return exc.strerror or type(exc).__name__


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    Order: BOM, binary check, strict UTF-8, ``declared`` (e.g. an HTML meta charset),
    then charset-normalizer. Decoding is strict, so the text is exactly the file's
    characters; a BOM is dropped, as the BOM-aware codecs do.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise ExtractionError("cannot detect the text encoding") from None
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise ExtractionError("binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    return _guess(data)


def _guess(data: bytes) -> tuple[str, str]:
    """Ask charset-normalizer, preferring cp1252 when it fits as well as the best guess,
    or when the file is short, the detector unsure and cp1252 reads as Western text.

    On short Western text charset-normalizer ranks many single-byte code pages equally
    and may put cp1250 first, which turns "crème" into "crčme"; cp1252 (a superset of
    printable Latin-1) is by far the most common of those, so it wins ties. On a very
    short file its scores say even less ("€" and "–" count as noise in any code page),
    so there cp1252 wins whenever the detector has no clear favourite (see ``_unsure``)
    and the cp1252 text is plausible (see ``_reads_as_cp1252``).
    """
    import charset_normalizer

    try:
        matches = [
            m
            for m in charset_normalizer.from_bytes(data)
            if not m.encoding.lower().startswith(_NEEDS_BOM)
        ]
    except Exception:  # the detector must not turn a bad file into a crash
        matches = []
    if not matches:
        raise ExtractionError("cannot detect the text encoding")
    best_chaos = matches[0].chaos
    near = [m for m in matches if m.chaos <= best_chaos + 0.01]
    tied = any("cp1252" in m.could_be_from_charset for m in near)
    short = len(data) <= _SHORT_BYTES and _unsure([m.chaos for m in matches])
    if tied or short:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            if tied or _reads_as_cp1252(text):
                return text, "cp1252"
    for match in matches:
        try:
            return data.decode(match.encoding), match.encoding
        except (LookupError, UnicodeDecodeError):
            continue
    raise ExtractionError("cannot detect the text encoding")


def _unsure(chaos: list[float]) -> bool:
    """Whether the detector's guesses (their chaos scores, best first) name no clear
    winner: another guess close behind the best, or a best that is itself a poor fit."""
    close = len(chaos) > 1 and chaos[1] <= chaos[0] + _UNSURE_CHAOS
    return close or chaos[0] >= _UNSURE_CHAOS


def _reads_as_cp1252(text: str) -> bool:
    """Whether ``text`` (the file read as cp1252) looks like Western text rather than
    another script's letters misread: few accented letters, and no sign between two
    letters that only another code page would make a letter."""
    letters = [c for c in text if c.isalpha()]
    accented = sum(1 for c in letters if not c.isascii())
    if not letters or accented > _MAX_ACCENTED * len(letters):
        return False
    return _LETTER_SIGN.search(text) is None


def extract_plaintext(path: Path) -> ExtractedText:
    """Extract a ``.txt``/``.md``/``.markdown`` file; Markdown also gets heading spans."""
    text, _encoding = decode_bytes(read_bytes(path))
    if not text.strip():
        raise ExtractionError("empty document")
    if path.suffix.lower() in (".md", ".markdown"):
        headings, title = markdown_headings(text)
        return ExtractedText(text=text, format="md", headings=headings, title=title)
    return ExtractedText(text=text, format="txt")


_LINE_END = re.compile(r"\r\n|\r|\n")
# CommonMark ATX heading: up to 3 spaces, 1-6 '#', then a space/tab or end of line.
_ATX = re.compile(r" {0,3}(#{1,6})(?:[ \t]+|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$|^#+[ \t]*$")


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its line ending; CR, LF and CRLF all count."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _LINE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def markdown_headings(text: str) -> tuple[tuple[tuple[int, int], ...], str | None]:
    """Spans of ATX heading text (no ``#`` marks, no padding) and the first H1's text.

    Lines inside fenced code blocks and YAML front matter are skipped: a ``# comment``
    in a shell snippet is not a heading.
    """
    headings: list[tuple[int, int]] = []
    title: str | None = None
    lines = _lines(text)
    i = 0
    if lines and text[lines[0][0] : lines[0][1]].rstrip() == "---":
        for j in range(1, len(lines)):
            if text[lines[j][0] : lines[j][1]].rstrip() in ("---", "..."):
                i = j + 1
                break
    fence: str | None = None
    for start, end in lines[i:]:
        line = text[start:end]
        if fence is not None:
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                fence = None
            continue
        fm = _FENCE.match(line)
        if fm and not (fm.group(1)[0] == "`" and "`" in line[fm.end() :]):
            fence = fm.group(1)
            continue
        m = _ATX.match(line)
        if not m:
            continue
        content = line[m.end() :]
        closing = _CLOSING_HASHES.search(content)
        if closing:
            content = content[: closing.start()]
        content = content.rstrip(" \t")
        if not content.strip():  # only other whitespace (a form feed...): no heading
            continue
        h_start = start + m.end()
        headings.append((h_start, h_start + len(content)))
        if title is None and len(m.group(1)) == 1:
            title = content
    return tuple(headings), title
