"""How much of a real news page's article the HTML extractor keeps, and how much else.

    .venv/bin/python bench/bench_html_extraction.py \
        /work/.mirror/scrapinghub+article-extraction-benchmark/repo [--limit 100]

The corpus is scrapinghub's article-extraction-benchmark (real pages, gzipped, with a
hand-checked ``articleBody`` per page); the path is a checkout or a bare git directory
of it (``fetch github:scrapinghub/article-extraction-benchmark``). The first ``--limit``
pages in name order are used, so two runs compare the same pages (``--skip 100``: the
81 pages after them, which the extractor's rules were not looked at against). For each page, the
extracted text (``qa.ingest.extract.html.extract_html``, exactly what gets indexed) is
checked for what a reader of a citation notices:

- first: the first 10 words of the true body are in the text, in order;
- last: the last 10 words of the true body are in the text (a truncated "…" body end
  is cut off first);
- headline: the page's headline (its first ``<h1>`` of 3+ words that is not the site's
  name, else ``og:title``) is
  the text's first line, give or take punctuation; pages with neither are not counted;
- extra: the share of the text's words that are not words of the true body or the
  headline (boilerplate kept: menus, "Related", newsletter boxes, captions...);
- recall: the share of the true body's words found in the text;
- little: the extractor warned that the page yielded little text.

With ``--trafilatura`` and a bare git dir of adbar/trafilatura as the corpus it reads instead that
project's evaluation pages (tests/evaldata.json: per page, strings of the article that
must be kept and strings of boilerplate that must not) and reports the share of each
found in the extracted text: a second, larger set the rules were not fitted to.

Words are compared case-insensitively as runs of letters and digits, much as the
benchmark's own evaluate.py compares them (bags of words for extra/recall, sequences for
first/last).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path

from qa.errors import ExtractionError
from qa.ingest.extract.html import extract_html

_WORD = re.compile(r"[^\W_]+")  # letters and digits: a "___" rule is not a word
_EDGE_WORDS = 10


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower())


class _Corpus:
    """The benchmark's files, from a checkout or straight out of a bare git directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bare = not (root / "ground-truth.json").exists()

    def read(self, name: str) -> bytes:
        if not self.bare:
            return (self.root / name).read_bytes()
        return subprocess.run(
            ["git", f"--git-dir={self.root}", "show", f"HEAD:{name}"],
            check=True,
            capture_output=True,
        ).stdout


def _headline(html: str) -> str | None:
    """The page's own headline: its first <h1> of three words or more, else og:title."""
    from lxml import html as lxml_html

    try:
        tree = lxml_html.document_fromstring(html)
    except Exception:
        return None
    site = next(
        (m.get("content") for m in tree.iter("meta") if m.get("property") == "og:site_name"),
        None,
    )
    for h1 in tree.iter("h1"):
        text = " ".join(h1.text_content().split())
        if len(text.split()) >= 3 and text != site:  # not the site's logo
            return text
    for meta in tree.iter("meta"):
        if meta.get("property") == "og:title" and (meta.get("content") or "").strip():
            return " ".join(meta.get("content", "").split())
    return None


def _contains(haystack: list[str], needle: list[str]) -> bool:
    return bool(needle) and f" {' '.join(needle)} " in f" {' '.join(haystack)} "


def _trafilatura_eval(root: Path, skip: int, limit: int) -> None:
    """Article strings kept and boilerplate strings kept on trafilatura's evaluation set."""
    corpus = _Corpus(root)
    cases = json.loads(corpus.read("tests/evaldata.json"))
    names = set(
        subprocess.run(
            ["git", f"--git-dir={root}", "ls-tree", "-rz", "--name-only", "HEAD", "tests/"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split("\0")
    )
    totals = Counter[str]()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for case in sorted(cases.values(), key=lambda c: c["file"])[skip : skip + limit]:
            where = next(
                (
                    f"tests/{d}/{case['file']}"
                    for d in ("cache", "eval")
                    if f"tests/{d}/{case['file']}" in names
                ),
                None,
            )
            if where is None:
                continue
            page = Path(tmp) / "page.html"
            page.write_bytes(corpus.read(where))
            totals["pages"] += 1
            try:
                text = " ".join(extract_html(page).text.split())
            except ExtractionError:
                text = ""
                totals["failed"] += 1
            for kind in ("with", "without"):
                for needle in case.get(kind) or []:
                    totals[kind] += 1
                    totals[f"{kind} found"] += " ".join(needle.split()) in text
    print(
        f"trafilatura eval: pages {totals['pages']}, failed {totals['failed']}, "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(f"article strings kept     {totals['with found'] / max(totals['with'], 1):.3f}")
    print(
        f"boilerplate strings kept {totals['without found'] / max(totals['without'], 1):.3f}"
        f"  (of {totals['without']})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "corpus", type=Path, help="article-extraction-benchmark checkout or git dir"
    )
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--skip", type=int, default=0, help="start after this many pages")
    parser.add_argument("--show", action="store_true", help="one line per page")
    parser.add_argument("--trafilatura", action="store_true", help="corpus is adbar/trafilatura")
    args = parser.parse_args()
    if args.trafilatura:
        _trafilatura_eval(args.corpus, args.skip, args.limit)
        return

    corpus = _Corpus(args.corpus)
    truth = json.loads(corpus.read("ground-truth.json"))
    names = sorted(truth)[args.skip : args.skip + args.limit]
    totals = Counter[str]()
    extra_words = text_words = found_words = body_words = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            raw = gzip.decompress(corpus.read(f"html/{name}.html.gz"))
            page = Path(tmp) / "page.html"
            page.write_bytes(raw)
            body = truth[name]["articleBody"].strip()
            body = re.sub(r"(\.\.\.|…)\s*$", "", body)
            gold = _words(body)
            headline = _headline(raw.decode("utf-8", "replace"))
            head_words = _words(headline or "")
            totals["pages"] += 1
            try:
                doc = extract_html(page)
                text, warned = doc.text, any("little text" in w for w in doc.warnings)
            except ExtractionError:
                text, warned = "", False
                totals["failed"] += 1
            got = _words(text)
            first = _contains(got, gold[:_EDGE_WORDS])
            last = _contains(got, gold[-_EDGE_WORDS:])
            totals["first"] += first
            totals["last"] += last
            totals["little"] += warned
            top = False
            if head_words:
                totals["with headline"] += 1
                first_line = _words(text.split("\n", 1)[0])
                top = first_line == head_words
                totals["headline"] += top
            extra = Counter(got) - Counter(gold) - Counter(head_words)
            extra_words += sum(extra.values())
            text_words += len(got)
            found = sum((Counter(gold) & Counter(got)).values())
            found_words += found
            body_words += len(gold)
            if args.show:
                print(
                    f"{name[:10]} first={int(first)} last={int(last)} head={int(top)} "
                    f"extra={sum(extra.values()) / max(len(got), 1):.2f} "
                    f"recall={found / max(len(gold), 1):.2f} "
                    f"chars={len(text)} bytes={len(raw)}{' WARNED' if warned else ''}"
                )
    pages = totals["pages"]
    print(f"pages {pages}, failed {totals['failed']}, {time.perf_counter() - started:.0f} s")
    print(f"first body words found   {totals['first'] / pages:.3f}")
    print(f"last body words found    {totals['last'] / pages:.3f}")
    print(
        f"headline is first line   {totals['headline'] / max(totals['with headline'], 1):.3f}"
        f"  (of {totals['with headline']} pages with a headline)"
    )
    print(f"extra words (boilerplate) {extra_words / max(text_words, 1):.3f} of extracted words")
    print(f"body words recalled      {found_words / max(body_words, 1):.3f}")
    print(f"little-text warnings     {totals['little']}")


if __name__ == "__main__":
    sys.exit(main())
