"""HTML: a news page's article (headline, then body), not its menus, boxes or footers.

trafilatura's ``bare_extraction`` returns the cleaned article as an XML tree (``<head>``,
``<p>``, ``<list>``, ``<table>`` ...). We render that tree block by block ourselves, one
block per line, so we know exactly where each ``<head>`` (an HTML ``<h1>``-``<h6>``) lands
in the text instead of guessing from Markdown ``#`` marks afterwards. Around it, for news
pages: the page's boxes are pruned first and its headline and JSON body read
(``html_page``); what trafilatura still lets through is tidied line by line (``_tidy``);
the headline always opens the text. The text built here is what every offset counts.
"""

from __future__ import annotations

import codecs
import copy
import re
from pathlib import Path
from typing import Any

from qa.errors import ExtractionError
from qa.ingest.extract.html_page import (
    EmbeddedBody,
    embedded_body,
    page_headline,
    prune_boilerplate,
)
from qa.ingest.extract.libraries import require_libraries
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

# The article body a page carries as JSON replaces the HTML's text when it is at least
# twice as long and this long: a real article, not a teaser.
_MIN_EMBEDDED_CHARS = 300
# A page "yields little text" below both bounds. Real news pages yield 0.4-10% of
# their bytes as article text (trafilatura's and scrapinghub's 291 test pages: the
# Guardian's 720 KB page gives 3,600 characters, 0.5%), so the share alone would flag
# whole articles. The floor sits under the shortest real articles there (news briefs of
# 369-427 characters, which must not raise a false alarm) and above what a page whose
# article was not found yields: a photo caption, a teaser, a cookie notice (151
# characters from scmp's 374 KB page).
_LITTLE_TEXT_CHARS = 300
_LITTLE_TEXT_SHARE = 0.01
# Body text: a sentence of this many words (or any line this long).
_PROSE_MIN_WORDS = 8
_PROSE_LONG_WORDS = 20
_PROSE_MIN_CJK_CHARS = 25
_SENTENCE_END = tuple(".!?…:;。！？")
_CLOSERS = "\"'”’»)]"
# Headings longer than this are standfirsts or teasers set in heading type.
_HEADING_MAX_CHARS = 120
_HEADING_MAX_WORDS = 16
# A sentence-ending paragraph this long is never printed twice by its article (lists,
# tables and meal plans repeat lines; pages that print a block twice repeat prose).
_REPEAT_MIN_WORDS = 10
# Lines that are a page's furniture, whatever the site (and list items that are one
# CSS-like identifier, "- medium-browser-and-portrait-tablet").
_LABEL_LINE = re.compile(
    r"^\W*(?:advertisement|advertising|ad|sponsored|share|share this( article| story)?"
    r"|print|print this page|email|comments?|read more|show more|skip to (?:main )?content"
    r"|continue reading( below)?|story continues below( advertisement)?"
    r"|send us your feedback\.?|(?:watch|play) video(?: \d{1,2}:\d{2})?"
    r"|listen to audio(?: \d{1,2}:\d{2})?|you (?:may|might) also like(?:\.\.\.|…)?"
    r"|-\s+[a-z0-9]+(?:[-_][a-z0-9]+){2,})\W*$",
    re.IGNORECASE,
)
# A rule drawn with characters: "______", "------", "* * *".
_RULE_LINE = re.compile(r"^[\s_\-=*~·•.]{3,}$")
# Short lines that point away from the article: "Read more: <another headline>",
# "Main image credit: Getty", "Follow Newsbeat on Instagram, Facebook and Twitter".
_LINK_LINE = re.compile(
    r"^\W*(?:(?:read|see|also read|read also|watch|listen) (?:more|also|next|here)?\s*:"
    r"|related(?: articles?| stories| content)?\s*:|recommended\s*:|more on this\s*:"
    r"|our standards\s*:|titelbild\s*:|(?:lea|lee)(?: tambi[eé]n)?\s*:|mire\s*:"
    r"|(?:à )?lire aussi\s*:|voir aussi\s*:|lesen sie (?:auch|mehr)\s*:|leggi anche\s*:"
    r"|leia (?:também|mais)\s*:|czytaj (?:też|także|również)\s*:"
    r"|(?:(?:main|top|header|lead) )?(?:image|photo|picture)s?(?: credit)?\s*:"
    r"|follow (?:\S+ ){1,3}on (?:instagram|facebook|twitter|youtube|x|linkedin|tiktok)\b)",
    re.IGNORECASE,
)
_LINK_LINE_MAX_WORDS = 16
# An article's metadata list (DW, many CMSs): "- Date 19.01.2020", "- Keywords ...".
_METADATA_ITEM = re.compile(
    r"^-\s+(?:date|author|authors|keywords|tags|topics|related subjects|related topics"
    r"|permalink|print|send us your feedback|share|feedback)\b",
    re.IGNORECASE,
)
_METADATA_MAX_WORDS = 12
# Headings of boxes that are not the article: their link titles go with them. A short
# plain line reading like one ("Related", "À lire aussi") is such a title too.
_BOX_TITLE_MAX_WORDS = 6
_BOILERPLATE_HEADING = re.compile(
    r"^\W*(?:.{0,40}\bnewsletters?\b.*"
    r"|related(?: (?:articles?|stories|content|links|posts|news|topics|coverage|reading|videos?)"
    r"(?: .{0,40})?)?\W*|more:?|more (?:from|on|about|stories|news)\b.*"
    r"|(?:editors?['’]?s?|our) (?:recommendations|picks)\b.*"
    r"|recommended(?: (?:for you|reading|stories|articles|videos?))?\W*"
    r"|read (?:more|next|also)\b.*|you (?:may|might) (?:also )?like\b.*|most (?:popular|read)\b.*"
    r"|trending(?: now| stories)?|popular (?:now|stories|articles)"
    r"|latest (?:news|stories|articles)\b.*|sign up\b.*"
    r"|subscribe\b.*|share (?:this|the) (?:article|story|page)\b.*|follow us\b.*"
    r"|top stories\b.*|further reading\b.*|see also\b.*|in case you missed it\b.*"
    # The same boxes in other languages (es, fr, de, it, pt, pl).
    r"|contenido relacionado|notas relacionadas|te puede interesar|(?:à )?lire aussi"
    r"|sur le même sujet|mehr zum thema|weitere themen|mehr aus\b.*|lesen sie auch"
    r"|auch interessant|leggi anche|articoli correlati|leia também|veja também"
    r"|czytaj (?:też|także)|zobacz (?:też|także)|dowiedz się więcej)\W*$",
    re.IGNORECASE,
)


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


def _parse(source: str) -> Any:
    """The page as an lxml tree, parsed the way trafilatura parses a string.

    trafilatura's loader repairs faulty markup its extractor relies on (a page parsed
    by plain lxml came back empty); its lxml HTML parser loads no DTD, resolves no
    external entity and never touches the network.
    """
    from trafilatura.utils import load_html

    tree = load_html(_prepare(source))
    if tree is None:
        raise ValueError("not HTML")
    return tree


def extract_html(path: Path) -> ExtractedText:
    """Extract the article of an ``.html``/``.htm`` file: headline first, then its body.

    The headline is always the first line and first heading, so every passage of the
    article cites it until a real section heading follows; boxes that are not the
    article (newsletter, related, share...) are removed before trafilatura reads the
    page, and their leftovers after it (see ``_tidy``). When the HTML yields much less
    than the article body the page carries as JSON, that body is the text. A page
    that still yields little text for its size gets a warning for the index summary.
    """
    data = read_bytes(path, MAX_HTML_BYTES)
    source, _encoding = decode_bytes(data, _declared_encoding(data))
    if not source.strip():
        raise ExtractionError("empty document")
    try:
        tree = _parse(source)
        headline = page_headline(tree)
        embedded = embedded_body(tree)
        prune_boilerplate(tree)
        page_headings = [
            " ".join(el.text_content().split())
            for el in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")
        ]
        import trafilatura

        # favor_recall: short pages and pages with several sections keep all their
        # paragraphs; boilerplate (nav, footer, aside) is still removed. Formatting is
        # off so inline markup does not leak "**" into the text; headings come from the
        # tree, not from Markdown.
        doc = trafilatura.bare_extraction(
            tree,
            with_metadata=True,
            favor_recall=True,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
        )
    except ImportError:  # the installation's fault, not the page's: said as such
        require_libraries([".html"])
        raise
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
    if lines and not heading_lines:
        heading_lines = _match_headings(page_headings, lines)
    headline = headline or " ".join((getattr(doc, "title", None) or "").split()) or None
    blocks = _tidy([(line, i in heading_lines) for i, line in enumerate(lines)], headline)
    body_chars = sum(len(line) for line, _ in blocks)
    if embedded and _use_embedded(embedded, body_chars, len(data)):
        blocks = _tidy([(line, False) for line in embedded.text.split("\n")], headline)
        body_chars = sum(len(line) for line, _ in blocks)
    if not blocks:
        raise ExtractionError("no readable text in the HTML")
    warnings: tuple[str, ...] = ()
    if _little_text(body_chars, len(data)):
        warnings = (
            f"little text for the page's size ({body_chars} characters from "
            f"{len(data) // 1024} KB): its article may be missing",
        )
    if headline:
        blocks.insert(0, (headline, True))
    text, headings = _joined(blocks)
    return ExtractedText(
        text=text, format="html", headings=headings, title=headline, warnings=warnings
    )


def _joined(blocks: list[tuple[str, bool]]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The text, one block per line, and the (start, end) of each heading block in it."""
    headings: list[tuple[int, int]] = []
    offset = 0
    for line, is_heading in blocks:
        if is_heading:
            headings.append((offset, offset + len(line)))
        offset += len(line) + 1
    return "\n".join(line for line, _ in blocks), tuple(headings)


def _use_embedded(embedded: EmbeddedBody, body_chars: int, page_bytes: int) -> bool:
    """Whether the page's JSON body replaces its HTML text.

    schema.org articleBody does when it is at least twice as long (the HTML lost half
    the article or more); a Next.js body string only when the HTML yielded little text,
    since other long strings live in page data too.
    """
    if len(embedded.text) < max(_MIN_EMBEDDED_CHARS, 2 * body_chars):
        return False
    return embedded.schema or _little_text(body_chars, page_bytes)


def _little_text(body_chars: int, page_bytes: int) -> bool:
    return body_chars < _LITTLE_TEXT_CHARS and body_chars < _LITTLE_TEXT_SHARE * page_bytes


def _match_headings(wanted: list[str], lines: list[str]) -> set[int]:
    """Find the page's ``<h1>``-``<h6>`` among the output lines, in document order.

    On short pages trafilatura falls back to a baseline extractor that flattens the
    article into plain lines, losing ``<head>``. A line equal to the next heading of the
    page (whitespace-normalised) is that heading.
    """
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


def _key(line: str) -> str:
    """A line's words, case- and punctuation-blind, for spotting repeats."""
    return " ".join(re.findall(r"[^\W_]+", line.casefold()))


def _is_prose(line: str) -> bool:
    """A line of article text: a sentence of some length, not a link title or a label."""
    words = len(line.split())
    if words >= _PROSE_LONG_WORDS:
        return True
    ends = line.rstrip(_CLOSERS).endswith(_SENTENCE_END)
    if ends and words >= _PROSE_MIN_WORDS:
        return True
    # Scripts without spaces between words (Chinese, Japanese): length and a full stop.
    return ends and words < 3 and len(line) >= _PROSE_MIN_CJK_CHARS


def _tidy(blocks: list[tuple[str, bool]], headline: str | None) -> list[tuple[str, bool]]:
    """The article's lines without what trafilatura lets through from news pages.

    Dropped: label lines, links away and metadata list items ("Advertisement",
    "Read more: <another headline>", "- Keywords ..."),
    repeats of the headline, a block of prose printed twice, and boilerplate headings
    ("Related", "Newsletter", "Editors' Recommendations") with the link titles under
    them. A heading above the headline is a kicker, not a section; any other heading
    stays one only when real body text follows it before the next heading, else its
    words stay as a plain line, so a promo box's title never names a section in a
    citation.
    """
    head_key = _key(headline) if headline else None
    kept: list[tuple[str, bool]] = []
    skipping = False  # inside the link list under a boilerplate heading
    for line, is_heading in blocks:
        key = _key(line)
        if not key:  # punctuation only: a rule goes, code ("}") and symbols stay
            if not _RULE_LINE.match(line):
                kept.append((line, False))
            continue
        if _LABEL_LINE.match(line):
            continue
        if _LINK_LINE.match(line) and len(line.split()) <= _LINK_LINE_MAX_WORDS:
            continue
        if _METADATA_ITEM.match(line) and len(line.split()) <= _METADATA_MAX_WORDS:
            continue
        if key == head_key:
            # Headings above the headline are kickers ("#GameTechie", a section name).
            kept = [(text, False) for text, _ in kept]
            continue
        if _BOILERPLATE_HEADING.match(line) and (
            is_heading or len(line.split()) <= _BOX_TITLE_MAX_WORDS
        ):
            skipping = True
            continue
        if skipping and not is_heading and not _is_prose(line):
            continue
        skipping = False
        kept.append((line, is_heading))
    kept = _without_repeated_runs(kept)
    out: list[tuple[str, bool]] = []
    for i, (line, is_heading) in enumerate(kept):
        if is_heading:
            nxt = next((j for j in range(i + 1, len(kept)) if kept[j][1]), len(kept))
            real = any(_is_prose(text) for text, _ in kept[i + 1 : nxt])
            short = len(line) <= _HEADING_MAX_CHARS and len(line.split()) <= _HEADING_MAX_WORDS
            is_heading = real and short
        out.append((line, is_heading))
    return out


def _without_repeated_runs(blocks: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Drop the second copy of a block of prose a page prints twice.

    Only runs of two or more repeated paragraphs go: an interview repeats its question
    and a meal plan its lines, one at a time, and those stay.
    """
    seen: set[str] = set()
    repeated: list[bool] = []
    for line, _ in blocks:
        key = _key(line)
        sentence = line.rstrip(_CLOSERS).endswith(_SENTENCE_END)
        repeated.append(sentence and len(key.split()) >= _REPEAT_MIN_WORDS and key in seen)
        seen.add(key)
    out = []
    for i, block in enumerate(blocks):
        in_run = repeated[i] and (
            (i > 0 and repeated[i - 1]) or (i + 1 < len(blocks) and repeated[i + 1])
        )
        if not in_run:
            out.append(block)
    return out


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
