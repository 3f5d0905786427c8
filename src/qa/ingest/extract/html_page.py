"""What a news page says about its article outside the article's paragraphs.

A page names its headline in several places (``<h1>``, ``og:title``, ``<title>``), the
last two usually with the site's name glued on; it often carries the whole article
body as JSON (schema.org ``articleBody``, Next.js ``__NEXT_DATA__``) for search engines,
even when its HTML paragraphs are filled in by JavaScript; and it marks its newsletter,
"related", share and recommendation boxes by class names. trafilatura sees none of
this reliably, so this module reads the parsed page (lxml) before trafilatura does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Separators between a headline and the site's name in <title> / og:title.
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|–—·•»:]|-{1,2}|::)\s+")
_DATE_PIECE = re.compile(r"^[\d./\- ]+$")

# Class / id / data-* words of boxes that are never the article: newsletters, "related"
# and "more from" lists, share bars, sidebars, recommendations, promos, ads, paywalls.
# Matched against the parts of a class name ("nv-related-posts", "newsletterForm"), whole
# or as a part's start, so "shareholders-table" or "promote" are not boxes.
_BOX_PREFIXES = (
    "related",
    "recommend",
    "sidebar",
    "trending",
    # Words no article container is named by: these win over an article word before them.
    "newsletter",
    "promo",
    "outbrain",
    "taboola",
    "subscri",
    "signup",
    "paywall",
    "sponsor",
    "advert",
    "social",
)
_SURE_BOX_PREFIXES = _BOX_PREFIXES[4:]
_BOX_WORDS = {"popular", "share", "shares", "sharing", "sharebar", "sharetools", "sharethis"}
_SURE_BOX_WORDS = _BOX_WORDS - {"popular"}
_BOX_PAIRS = {
    ("more", "about"),
    ("more", "from"),
    ("more", "stories"),
    ("read", "more"),
    ("read", "next"),
    ("further", "reading"),
    ("also", "like"),
    ("you", "might"),
    ("next", "up"),
    ("sign", "up"),
}
_NAME_ATTRIBUTES = ("class", "id", "data-component", "data-module", "data-testid", "role")
# Class words of the article's own container: in "entry-content-read-more" the box is
# the entry, which has a read-more link; in "related-articles" it is the related list.
_ARTICLE_PREFIXES = ("entry", "content", "article", "story", "post", "body", "main", "text")
_ARTICLE_WORDS = {"byline"}
# The byline block stays whatever else it holds: without it trafilatura misplaces the
# article's start and drops its standfirst (pcgamer's "byline-social").
_KEEP_WORDS = {"byline"}
_NAME_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
# Layout classes that say a box sits beside the content ("content-with-sidebar").
_LAYOUT_WORDS = {"with", "has", "no"}
# Containers too big to be a box: removing one of these would remove the article.
_NEVER_PRUNED = {"html", "body", "main", "article"}
_MAX_PRUNED_SHARE = 0.3
# A box holding this many paragraphs of this many words is article text, whatever its
# class says ("entry-content-read-more"): a teaser list has short blurbs.
_ARTICLE_PARAGRAPHS = 3
_ARTICLE_PARAGRAPH_WORDS = 30
# Each look at a box reads its subtree; a hostile page of nested "share" boxes must not
# make that quadratic, so pruning stops after this many (real pages have a few dozen).
_MAX_EXAMINED = 500

# schema.org types whose articleBody is the article (NewsArticle, BlogPosting, ...).
_ARTICLE_TYPE = re.compile(r"Article|BlogPosting|Report|Posting", re.IGNORECASE)
# Keys under which Next.js / headless-CMS page data keeps an article's text.
_BODY_KEYS = ("articleBody", "bodyText", "body", "content")


def _words(text: str) -> str:
    return " ".join(text.split())


def _meta(tree: Any, *names: str) -> str | None:
    for el in tree.iter("meta"):
        key = el.get("property") or el.get("name") or ""
        if key.lower() in names:
            content = _words(el.get("content") or "")
            if content:
                return content
    return None


def _without_site_name(title: str, site: str | None) -> str:
    """A <title>/og:title without the site's name or date glued to it.

    "Berlin confronts ... | DW | 19.01.2020" -> "Berlin confronts ...". A piece is
    dropped when it is the site's name, a date, or a short tag (three words or fewer)
    beside a longer piece; the longest remaining run is the headline.
    """
    pieces = _TITLE_SEPARATOR.split(title)
    if len(pieces) == 1:
        return title
    site_key = (site or "").casefold()
    longest = max(pieces, key=lambda p: len(p.split()))

    def tag(piece: str) -> bool:
        key = piece.casefold()
        return bool(
            (site_key and (key == site_key or key in site_key or site_key in key))
            or _DATE_PIECE.match(piece)
            or (len(piece.split()) <= 3 and len(longest.split()) > 3)
        )

    start, end = 0, len(pieces)
    while start < end - 1 and tag(pieces[start]):
        start += 1
    while end - 1 > start and tag(pieces[end - 1]):
        end -= 1
    if end - start == len(pieces):
        return title
    # Rejoin what is left with its own separators, taken from the original title.
    spans = [m.span() for m in _TITLE_SEPARATOR.finditer(title)]
    first = 0 if start == 0 else spans[start - 1][1]
    last = len(title) if end == len(pieces) else spans[end - 1][0]
    return title[first:last].strip()


def page_headline(tree: Any) -> str | None:
    """The article's headline, as the page shows it.

    The ``<h1>`` that og:title or ``<title>`` also names is the headline verbatim;
    without one, og:title (or ``<title>``) without the site's name; a lone ``<h1>`` when
    the page has no usable title.
    """
    h1s = [_words(el.text_content()) for el in tree.iter("h1")]
    h1s = [h for h in h1s if h and len(h.split()) <= 40]
    site = _meta(tree, "og:site_name", "application-name")
    titles = [
        t
        for t in (
            _meta(tree, "og:title", "twitter:title"),
            _words(tree.findtext(".//title") or ""),
        )
        if t
    ]
    cleaned = [_without_site_name(t, site).casefold() for t in titles]
    for h1 in h1s:
        key = h1.casefold()
        # The h1 is the title's headline part (not a logo h1 that is its site-name part).
        if any(c in key or (key in c and len(key) >= 0.5 * len(c)) for c in cleaned):
            return h1
    # A page's only <h1> is its headline, unless it is the site's name (a logo).
    if len(h1s) == 1 and not any(
        h1s[0].casefold() in t.casefold() for t in [*(site or "",), *titles] if t
    ):
        return h1s[0]
    if titles:
        return _without_site_name(titles[0], site)
    return None


def _is_box_name(names: str) -> bool:
    """Whether one of the class/id names names a box.

    A name such as "entry-content-read-more" is the article's container with a read-more
    link, so a generic box word ("related", "read more", "sidebar") counts only before
    any article word; "share", "newsletter", "promo"... name a box wherever they stand.
    """
    for token in names.split():
        parts = [p.lower() for p in _NAME_PART.findall(token)]
        if _KEEP_WORDS.intersection(parts):
            return False
        box = article = None
        sure = False
        for i, part in enumerate(parts):
            if box is None and (
                part.startswith(_BOX_PREFIXES)
                or part in _BOX_WORDS
                or (i + 1 < len(parts) and (part, parts[i + 1]) in _BOX_PAIRS)
            ):
                # "content-with-sidebar", "has-share": a layout mark, not a box.
                box = None if i > 0 and parts[i - 1] in _LAYOUT_WORDS else i
                sure = part.startswith(_SURE_BOX_PREFIXES) or part in _SURE_BOX_WORDS
            if article is None and (part.startswith(_ARTICLE_PREFIXES) or part in _ARTICLE_WORDS):
                article = i
        if box is not None and (sure or article is None or box < article):
            return True
    return False


def _is_box(el: Any, total_words: int) -> bool:
    """Whether an element named like a box is one, not a wrapper of the article."""
    if el.find(".//h1") is not None or el.get("itemprop") == "articleBody":
        return False
    if el.find(".//*[@itemprop='articleBody']") is not None:
        return False
    if len(_words(el.text_content())) > _MAX_PRUNED_SHARE * total_words:
        return False
    long_paragraphs = sum(
        len(p.text_content().split()) >= _ARTICLE_PARAGRAPH_WORDS for p in el.iter("p")
    )
    return long_paragraphs < _ARTICLE_PARAGRAPHS


def prune_boilerplate(tree: Any) -> None:
    """Remove the page's newsletter, related, share, sidebar and promo boxes in place.

    A box is known by its class/id words; one that holds the ``<h1>`` or a large part
    of the page's text is a wrapper that merely mentions, say, a share bar, and stays.
    """
    body = tree.find(".//body")
    if body is None:
        return
    total = len(_words(body.text_content())) or 1
    doomed = []
    examined = 0
    stack = list(reversed(body))
    while stack and examined < _MAX_EXAMINED:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        if el.tag not in _NEVER_PRUNED and _is_box_name(
            " ".join(el.get(a) or "" for a in _NAME_ATTRIBUTES)
        ):
            examined += 1
            if _is_box(el, total):
                doomed.append(el)
                continue  # nothing inside a removed box needs a look
        stack.extend(reversed(el))
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        # Keep the text that follows the box in its parent (lxml stores it as the tail).
        if el.tail and el.tail.strip():
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


def _json_objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object inside ``value``, depth first (JSON-LD nests in @graph, lists)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _plain(text: str) -> str:
    """Body text from JSON: HTML markup (some CMSs keep it) removed, one line per paragraph."""
    if "<" in text and ">" in text:
        from lxml import html as lxml_html

        try:
            fragment = lxml_html.fragment_fromstring(text, create_parent="div")
            for br in fragment.iter("br", "p", "div", "li", "h2", "h3", "h4"):
                br.tail = "\n" + (br.tail or "")
            text = fragment.text_content()
        except Exception:
            pass
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class EmbeddedBody:
    """An article body found in the page's JSON."""

    text: str  # one paragraph per line
    # True for schema.org articleBody, which is the article by definition; False for a
    # body-like string of Next.js page data, which is only trusted on an empty page.
    schema: bool


def embedded_body(tree: Any) -> EmbeddedBody | None:
    """The longest article body the page carries as JSON.

    schema.org JSON-LD ``articleBody`` of an Article type first; else a string under an
    article-body key of Next.js's ``__NEXT_DATA__``. Either must read as prose (several
    sentences), so a teaser or a URL is never taken for the article.
    """
    best: dict[bool, str] = {}
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        is_ld = kind == "application/ld+json"
        is_next = script.get("id") == "__NEXT_DATA__"
        if not (is_ld or is_next):
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for obj in _json_objects(data):
            if is_ld:
                kinds = obj.get("@type")
                kinds = " ".join(kinds) if isinstance(kinds, list) else str(kinds or "")
                candidates = [obj.get("articleBody")] if _ARTICLE_TYPE.search(kinds) else []
            else:
                candidates = [obj.get(k) for k in _BODY_KEYS]
            for value in candidates:
                if not isinstance(value, str):
                    continue
                text = _plain(value)
                if text.count(". ") < 3:
                    continue  # a teaser, a caption or an id, not an article
                if len(text) > len(best.get(is_ld, "")):
                    best[is_ld] = text
    if True in best:
        return EmbeddedBody(best[True], schema=True)
    if False in best:
        return EmbeddedBody(best[False], schema=False)
    return None
