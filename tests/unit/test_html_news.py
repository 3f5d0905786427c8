"""Real news pages through the HTML extractor: what a reader of a citation sees.

The pages are unmodified copies of trafilatura's test pages (tests/fixtures/html/README.md
says which); each test names the flaw a user met on such a page: no headline, a
newsletter box or a metadata list quoted as the article or used as a section name, a
374 KB page indexed as one photo caption without a word of warning.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from qa.cli.render import render_report
from qa.index.builder import build_index
from qa.ingest.extract import extract
from qa.ingest.extract.types import ExtractedText
from qa.ingest.structure import find_paragraphs
from qa.session import Session

from helpers.fake_encoder import FakeEncoder

PAGES = Path(__file__).parent.parent / "fixtures" / "html"


def page(name: str, folder: Path) -> Path:
    """The real page unpacked as ``folder/name``, the way a user's file would sit."""
    path = folder / name
    path.write_bytes(gzip.decompress((PAGES / f"{name}.gz").read_bytes()))
    return path


def headings(doc: ExtractedText) -> list[str]:
    return [doc.text[s:e] for s, e in doc.headings]


def section_of(doc: ExtractedText, needle: str) -> str | None:
    """The section a citation names for the paragraph holding ``needle``."""
    paragraphs = find_paragraphs(doc.text, doc.headings)
    at = doc.text.index(needle)
    para = next(p for p in paragraphs if p.start <= at < p.end)
    if para.heading_index is None:
        return None
    head = paragraphs[para.heading_index]
    return doc.text[head.start : head.end]


@pytest.mark.parametrize(
    ("name", "headline"),
    [
        # <title> and og:title read "... | DW | 19.01.2020"; no <h1> reached the text.
        ("dw.com.colonial.html", "Berlin confronts Germany's colonial past with new initiative"),
        ("theverge.com.ios13.html", "iOS 13 will fix the FaceTime eye contact problem"),
        (
            "knowtechie.com.rally.html",
            "Rocket Pass 4 in Rocket League brings with it a new rally-inspired car",
        ),
    ],
)
def test_headline_is_the_first_line_and_heading(name: str, headline: str, tmp_path: Path) -> None:
    doc = extract(page(name, tmp_path))
    assert doc.text.split("\n")[0] == headline
    assert headings(doc)[0] == headline
    assert doc.title == headline
    assert doc.text.count(headline) == 1  # not repeated where the page printed it
    # The first paragraph of the article cites the headline as its section.
    first_body_line = doc.text.split("\n")[1]
    assert section_of(doc, first_body_line) == headline


def test_metadata_list_and_video_label_are_not_article_text(tmp_path: Path) -> None:
    doc = extract(page("dw.com.colonial.html", tmp_path))
    for furniture in ("Permalink", "Keywords", "Send us your feedback", "Watch video", "Print"):
        assert furniture not in doc.text, furniture
    # The article's last sentence ends the text: nothing of the page's furniture after it.
    assert doc.text.endswith(
        "and which opened the gates to a period of intense imperialist activity."
    )


def test_recommendations_and_kicker_are_not_sections(tmp_path: Path) -> None:
    doc = extract(page("knowtechie.com.rally.html", tmp_path))
    assert "Editors’ Recommendations" not in doc.text
    assert "Crates are leaving Rocket League" not in doc.text  # its link titles went too
    assert headings(doc) == [
        "Rocket Pass 4 in Rocket League brings with it a new rally-inspired car",
        "Check out the reveal trailer for Rocket League’s new Rocket Pass",
    ]
    # The "#GameTechie" kicker above the headline stays text, never a section name.
    assert section_of(doc, "Rocket League is gearing up for a new season") != "#GameTechie"


def test_sections_only_from_real_headings(tmp_path: Path) -> None:
    doc = extract(page("nationalgeographic.co.uk.goats.html", tmp_path))
    # The standfirst (set in heading type, date glued on) is a paragraph, not a section.
    assert headings(doc) == [
        "Ravenous wild goats ruled this island for over a century. Now, it's being reborn.",
        "Long gone? Not so fast.",
        "Plans for the future",
    ]
    assert "The rocky island of Redonda, once stripped of its flora and fauna" in doc.text
    assert section_of(doc, "As with many conservation projects") == "Plans for the future"


def test_article_only_in_json_ld_is_used(tmp_path: Path) -> None:
    path = page("scmp.com.playbook.html", tmp_path)
    doc = extract(path)
    lines = doc.text.split("\n")
    assert lines[0] == (
        "Taiwanese President Tsai Ing-wen’s political playbook should be essential reading"
        " for Hong Kong leader Carrie Lam"
    )
    assert lines[1].startswith(
        "Taiwanese President Tsai Ing-wen’s spectacular re-election was no easy feat."
    )
    assert doc.text.endswith(
        "Alice Wu is a political consultant and a former associate director of the"
        " Asia Pacific Media Network at UCLA"
    )
    assert len(doc.text) > 4000  # not the 151-character photo caption
    assert doc.warnings == ()
    # Offsets count the extracted text: the heading span is the headline's characters.
    (start, end), *_ = doc.headings
    assert (start, end) == (0, len(lines[0]))


def test_page_without_its_article_is_warned_about(tmp_path: Path) -> None:
    """The same real page without its JSON-LD, as a page rendered by JavaScript arrives."""
    html = gzip.decompress((PAGES / "scmp.com.playbook.html.gz").read_bytes()).decode()
    stripped = html.replace('type="application/ld+json"', 'type="text/plain"')
    assert stripped != html
    folder = tmp_path / "docs"
    folder.mkdir()
    path = folder / "scmp-no-json.html"
    path.write_text(stripped, encoding="utf-8")

    doc = extract(path)
    assert len(doc.text) < 500
    (warning,) = doc.warnings
    assert warning.startswith("little text for the page's size")

    # The warning travels with the index report to `qa index`'s output, one line per file.
    report = build_index([folder], tmp_path / "index", embedder=FakeEncoder())
    assert report.warnings == [(str(path), warning)]
    console = Console(record=True, width=300)
    render_report(console, report, str(tmp_path / "index"))
    shown = [ln for ln in console.export_text().splitlines() if ln.startswith("warning:")]
    assert shown == [f"warning: {path}: {warning}"]

    # ... and to the chat, which shows the session's notices after it indexes.
    session = Session(tmp_path / "chat-index", [folder], embedder=FakeEncoder())
    session.reindex(lambda _stage, _done, _total: None)
    assert session.notices == [f"{path}: {warning}"]
    session.close()


def test_real_article_gets_no_warning(tmp_path: Path) -> None:
    # 69 KB of page for 6,800 characters of article.
    assert extract(page("nationalgeographic.co.uk.goats.html", tmp_path)).warnings == ()


def _with_next_data(html: str, body: str) -> str:
    """The page with Next.js page data holding ``body``, as a Next.js site serves it."""
    data = json.dumps({"props": {"pageProps": {"article": {"body": body}}}})
    script = f'<script id="__NEXT_DATA__" type="application/json">{data}</script>'
    return html.replace("</body>", script + "</body>", 1)


def test_next_data_body_only_for_a_page_without_its_article(tmp_path: Path) -> None:
    html = gzip.decompress((PAGES / "scmp.com.playbook.html.gz").read_bytes()).decode()
    article = json.loads(
        next(
            s
            for s in re.findall(r"<script[^>]*ld\+json[^>]*>(.*?)</script>", html, re.S)
            if "articleBody" in s
        )
    )["articleBody"]
    # The JS-rendered page: no JSON-LD, the article only in Next.js's page data.
    bare = html.replace('type="application/ld+json"', 'type="text/plain"')
    path = tmp_path / "next.html"
    path.write_text(_with_next_data(bare, article), encoding="utf-8")
    doc = extract(path)
    assert doc.text.split("\n")[1].startswith("Taiwanese President Tsai Ing-wen’s spectacular")
    assert doc.warnings == ()

    # A page whose HTML has its article keeps it, whatever long text its page data holds.
    goats = page("nationalgeographic.co.uk.goats.html", tmp_path)
    other = " ".join(["Our privacy policy explains how cookies are used. It is long."] * 400)
    goats.write_text(_with_next_data(goats.read_text(encoding="utf-8"), other), encoding="utf-8")
    doc = extract(goats)
    assert "privacy policy" not in doc.text
    assert "It takes four hours to sail to Redonda" in doc.text


def test_boxes_go_by_name_not_by_a_word_inside_a_name(tmp_path: Path) -> None:
    """A share bar goes; a table of shareholders inside the article stays."""
    path = page("nationalgeographic.co.uk.goats.html", tmp_path)
    html = path.read_text(encoding="utf-8")
    boxes = (
        '<div class="post-share-buttons"><p>Share this story on Facebook and Twitter now</p></div>'
        '<table class="shareholders-table"><tr><td>Redonda Trust</td><td>51 percent</td></tr>'
        "</table>"
    )
    head, tail = html.rsplit("</h2>", 1)  # after the article's last section heading
    path.write_text(head + "</h2>" + boxes + tail, encoding="utf-8")
    doc = extract(path)
    assert "Share this story on Facebook" not in doc.text
    assert "Redonda Trust | 51 percent" in doc.text
