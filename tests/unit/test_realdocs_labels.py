"""Every label of the real-document set is well-formed and true to its document.

A label that is not in its document would score `qa` wrong on it forever: each label
file is checked against the schema `qa eval` reads, names a document that exists, and,
for web pages, every excerpt, headline, quotation and boilerplate string is in the page
(its text with tags stripped and JSON string escapes read, folded as `qa eval` folds).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from qa.evaluation.realdocs import DOCS, LABELS, fold, label_problems, load_labels

from helpers.corpus import ROOT

REALDOCS = ROOT / "bench" / "realdocs"
LABEL_FILES = sorted((REALDOCS / LABELS).glob("*.json"))
WEB_LABELS = [p for p in LABEL_FILES if p.name.endswith((".html.json", ".htm.json"))]

_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _page_text(path: Path) -> str:
    """All the text of a page, scripts included (a body may be only in its JSON-LD),
    folded: read independently of `qa`'s extraction, which is what is measured."""
    raw = path.read_bytes()
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("cp1252", "replace")
    text = lxml_html.document_fromstring(decoded).text_content()
    unescaped = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    unescaped = unescaped.replace('\\"', '"').replace("\\/", "/")
    return fold(html.unescape(text + " " + unescaped))


def test_the_set_has_at_least_thirty_web_pages_and_the_labels_load() -> None:
    assert len(WEB_LABELS) >= 30
    assert len(load_labels(REALDOCS)) == len(LABEL_FILES)


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.name)
def test_a_label_file_is_well_formed(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert label_problems(data, REALDOCS / DOCS, path.name) == []


@pytest.mark.parametrize("path", WEB_LABELS, ids=lambda p: p.name)
def test_every_labelled_string_of_a_web_page_is_in_the_page(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    page = _page_text(REALDOCS / DOCS / data["file"])
    ext = data["extraction"]
    strings = [ext["headline"], ext["first"], ext["last"], *ext["absent"]]
    strings += [q["answer"] for q in data["questions"] if q["answer"] is not None]
    strings += [q["quote"] for q in data["quotes"]]
    missing = [s for s in strings if fold(s) not in page]
    assert missing == []
    for q in data["questions"]:
        if q["answer"] is not None and q.get("short") is not None:
            assert fold(q["short"]) in fold(q["answer"]), q["question"]
