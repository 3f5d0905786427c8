"""Document extraction: the right words come out, in order, at the right positions."""

from __future__ import annotations

import bisect
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qa.errors import ExtractionError
from qa.ingest.extract import SUPPORTED_SUFFIXES, extract
from qa.ingest.extract.pdf import format_page_ranges
from qa.ingest.extract.plaintext import decode_bytes, markdown_headings
from qa.ingest.extract.types import ExtractedText

from helpers.corpus import FIXTURE_DOCS

DOCS = FIXTURE_DOCS


def heading_texts(doc: ExtractedText) -> list[str]:
    return [doc.text[s:e] for s, e in doc.headings]


def page_of(doc: ExtractedText, offset: int) -> int:
    """1-based page number holding ``offset``, the way a citation would compute it."""
    return bisect.bisect_right(doc.page_starts, offset)


def assert_in_order(text: str, *needles: str) -> None:
    positions = [text.index(n) for n in needles]
    assert positions == sorted(positions), positions


def assert_user_message(message: str, path: Path) -> None:
    """One short line, lower-case start (acronyms allowed), no path, no traceback."""
    assert message and "\n" not in message and len(message) < 100
    first = message.split()[0]
    assert message[0].islower() or first.isupper(), message
    assert str(path) not in message and path.name not in message
    assert "Traceback" not in message


# --- dispatch ---------------------------------------------------------------------------


def test_supported_suffixes() -> None:
    assert (
        frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"})
        == SUPPORTED_SUFFIXES
    )


def test_unsupported_suffix(tmp_path: Path) -> None:
    p = tmp_path / "data.xyz"
    p.write_text("hello")
    with pytest.raises(ExtractionError, match=r"^unsupported file type \.xyz$"):
        extract(p)


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    p = tmp_path / "GUIDE.MD"
    p.write_bytes((DOCS / "guide.md").read_bytes())
    doc = extract(p)
    assert doc.format == "md"
    assert heading_texts(doc)[0] == "Garden Guide"


def test_import_does_not_load_heavy_libraries() -> None:
    code = (
        "import sys, qa.ingest.extract\n"
        "heavy = {'trafilatura', 'pypdfium2', 'docx', 'charset_normalizer', 'lxml'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_missing_file_is_an_extraction_error(tmp_path: Path) -> None:
    for suffix in sorted(SUPPORTED_SUFFIXES):
        p = tmp_path / f"missing{suffix}"
        with pytest.raises(ExtractionError, match=r"^cannot read file: ") as info:
            extract(p)
        assert_user_message(str(info.value), p)


# --- plain text -------------------------------------------------------------------------


def test_utf8_text_is_the_file_exactly() -> None:
    p = DOCS / "utf8.txt"
    doc = extract(p)
    assert doc.format == "txt"
    assert doc.text == p.read_bytes().decode("utf-8")
    assert doc.text.startswith("Naïve café owners in Zürich serve crème brûlée.\r\n")
    assert "東京 and emoji 🚀" in doc.text
    assert doc.headings == () and doc.page_starts == () and doc.title is None


def test_latin1_text_decodes_accents() -> None:
    p = DOCS / "latin1.txt"
    doc = extract(p)
    assert doc.text == p.read_bytes().decode("latin-1")
    assert "Le café de Müller" in doc.text
    assert "Die Brücke über den Fluß" in doc.text
    assert "Élodie préfère le thé" in doc.text


def test_short_windows_1252_note_is_not_read_as_cp775() -> None:
    """A few lines typed on Windows: the detector alone reads "José –" as "Josķ ¢" (cp775)."""
    p = DOCS / "cp1252.txt"
    doc = extract(p)
    assert doc.text == p.read_bytes().decode("cp1252")
    assert "Phone message for José – 9:40" in doc.text
    assert "Renée called: “the café deposit is €300, not €250.”" in doc.text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Price: €10 – £5\n", "cp1252"),
        ("“Déjà vu” – €9.99\r\n", "cp1252"),
        ("Zażółć gęślą jaźń – krótki tekst po polsku.\n", "cp1250"),
        ("Γειά σου κόσμε, αυτό είναι ελληνικά.\n", "cp1253"),
        ("Привет, как дела? Это короткий текст.\n", "cp1251"),
    ],
)
def test_short_8bit_texts_read_in_their_code_page(text: str, encoding: str) -> None:
    """Short files: cp1252 when the detector is unsure, never over another script's."""
    assert decode_bytes(text.encode(encoding))[0] == text


def test_utf16_with_bom() -> None:
    p = DOCS / "utf16_bom.txt"
    doc = extract(p)
    assert doc.text == p.read_bytes().decode("utf-16")
    assert doc.text.startswith("UTF-16 text")  # BOM dropped
    assert "Ωmega, naïve, 日本語." in doc.text


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8-sig", "utf-8-sig"), ("utf-16-be", "utf-16"), ("utf-32-le", "utf-32")],
)
def test_boms_pick_the_codec(encoding: str, expected: str) -> None:
    text = "Bom test: naïve Ω\r\n"
    bom = {"utf-8-sig": b"", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\x00\x00"}
    data = bom[encoding] + text.encode(encoding)
    assert decode_bytes(data) == (text, expected)


def test_cp1251_cyrillic_is_not_forced_to_cp1252(tmp_path: Path) -> None:
    text = "Привет, мир! Это простой текст на русском языке для проверки кодировки.\n"
    p = tmp_path / "ru.txt"
    p.write_bytes(text.encode("cp1251"))
    assert extract(p).text == text


def test_markdown_headings_point_at_heading_words() -> None:
    p = DOCS / "guide.md"
    doc = extract(p)
    assert doc.format == "md"
    assert doc.text == p.read_bytes().decode("utf-8")
    # Closing '#'s and trailing spaces are not part of the span; the code-fence comment,
    # '#hashtag' and the indented line are not headings.
    assert heading_texts(doc) == ["Garden Guide", "Planting Tomatoes", "Watering"]
    assert doc.title == "Garden Guide"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# A\r\n## B\rtext\n### C", ["A", "B", "C"]),
        ("---\ntitle: x\n# yaml comment\n---\n# Real", ["Real"]),
        ("~~~\n# in tilde fence\n~~~\n# After", ["After"]),
        ("####### seven is text\n#\n# C# language", ["C# language"]),
        ("   ### three spaces ok ###   ", ["three spaces ok"]),
    ],
)
def test_markdown_heading_edge_cases(source: str, expected: list[str]) -> None:
    spans, _title = markdown_headings(source)
    assert [source[s:e] for s, e in spans] == expected


def test_markdown_title_is_first_h1_only() -> None:
    _spans, title = markdown_headings("## Sub first\n# The Title\n# Second H1\n")
    assert title == "The Title"
    assert markdown_headings("## Only h2\n")[1] is None


@pytest.mark.parametrize(
    ("name", "message"),
    [("binary.txt", "binary file, not text"), ("empty.txt", "empty document")],
)
def test_bad_text_fixtures(name: str, message: str) -> None:
    p = DOCS / name
    with pytest.raises(ExtractionError) as info:
        extract(p)
    assert str(info.value) == message
    assert_user_message(str(info.value), p)


def test_whitespace_only_is_empty(tmp_path: Path) -> None:
    p = tmp_path / "blank.md"
    p.write_bytes(b" \r\n\t\n  \n")
    with pytest.raises(ExtractionError, match=r"^empty document$"):
        extract(p)


def test_undetectable_encoding(tmp_path: Path) -> None:
    p = tmp_path / "noise.txt"
    p.write_bytes(bytes(range(1, 256)) * 4)
    with pytest.raises(ExtractionError, match=r"^cannot detect the text encoding$"):
        extract(p)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), min_size=1
    ).filter(lambda s: s.strip() and not s.startswith("\ufeff"))
)
def test_utf8_text_round_trips_exactly(text: str) -> None:
    # A leading U+FEFF is indistinguishable from a BOM and NUL means binary: both excluded.
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "prop.txt"
        p.write_bytes(text.encode("utf-8"))
        assert extract(p).text == text


# --- HTML -------------------------------------------------------------------------------


def test_html_article_without_boilerplate() -> None:
    doc = extract(DOCS / "article.html")
    assert doc.format == "html"
    for boilerplate in (
        "Politics",
        "Sportsdesk",
        "Weatherwatch",
        "Subscribe today",
        "Most read",
        "Celebrity chef",
        "Copyright 2024",
        "Privacy policy",
        "Contact the newsroom",
        "window.analytics",
    ):
        assert boilerplate not in doc.text, boilerplate
    assert_in_order(
        doc.text,
        "The harbour bridge reopened to traffic on Monday morning",
        "Engineers replaced forty-two cable anchors",
        "Commuters who had faced detours",
        "daily crossings to reach pre-closure levels",
        "Opposition councillors asked why",
        "The mayor promised an independent review",
    )
    # Source line breaks inside a <p> do not split the paragraph.
    assert "after eleven months of repairs to its corroded steel cables" in doc.text


def test_html_headings_and_title() -> None:
    doc = extract(DOCS / "article.html")
    assert heading_texts(doc) == [
        "Harbour Bridge Reopens After Repairs",
        "Traffic returns to normal",
        "Questions about the budget",
    ]
    assert doc.title == "Harbour Bridge Reopens After Repairs"
    # Each heading is a whole line of its own, without any '#' markup.
    lines = doc.text.split("\n")
    for heading in heading_texts(doc):
        assert heading in lines
    assert "#" not in doc.text
    assert "" not in lines  # one paragraph per line, no blank lines


def test_html_declared_latin1_charset(tmp_path: Path) -> None:
    html = (
        '<html><head><meta charset="iso-8859-1"><title>Café</title></head><body>'
        "<article><h1>Crème brûlée</h1><p>Le café de Müller est ouvert le matin et "
        "propose une crème brûlée maison.</p></article></body></html>"
    )
    p = tmp_path / "latin.htm"
    p.write_bytes(html.encode("latin-1"))
    doc = extract(p)
    assert "Le café de Müller" in doc.text
    assert heading_texts(doc) == ["Crème brûlée"]


def test_html_fragment_and_xml_declaration(tmp_path: Path) -> None:
    p = tmp_path / "frag.html"
    p.write_text("<h2>Fragment Heading</h2><p>A fragment without an html element.</p>")
    doc = extract(p)
    assert heading_texts(doc) == ["Fragment Heading"]
    assert "A fragment without an html element." in doc.text

    p = tmp_path / "xhtml.html"
    p.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        "<body><h1>Xhtml Heading</h1><p>Paragraph in an XHTML document.</p></body></html>"
    )
    assert heading_texts(extract(p)) == ["Xhtml Heading"]


def test_html_tables_and_lists(tmp_path: Path) -> None:
    p = tmp_path / "table.html"
    p.write_text(
        "<html><body><article><h1>Prices</h1><p>The price list for this season.</p>"
        "<table><tr><th>Fruit</th><th>Price</th></tr><tr><td>Apple</td><td>2 EUR</td></tr>"
        "</table><ul><li>Delivery on Mondays</li><li>Pickup on Fridays</li></ul>"
        "</article></body></html>"
    )
    lines = extract(p).text.split("\n")
    assert "Fruit | Price" in lines and "Apple | 2 EUR" in lines
    assert not any(set(line) <= set("|-") for line in lines)  # no Markdown rule rows
    assert any("Delivery on Mondays" in line for line in lines)


def test_html_without_text(tmp_path: Path) -> None:
    p = tmp_path / "script.html"
    p.write_text("<html><head><script>var a = 1;</script></head><body></body></html>")
    with pytest.raises(ExtractionError, match=r"^no readable text in the HTML$"):
        extract(p)


def test_html_does_not_expand_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    p = tmp_path / "xxe.html"
    p.write_text(
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        "<html><body><article><p>Entity here: &xxe; and a long enough paragraph of text."
        "</p></article></body></html>"
    )
    try:
        doc = extract(p)
    except ExtractionError:
        return
    assert "TOPSECRET" not in doc.text


# --- PDF --------------------------------------------------------------------------------


def test_pdf_pages_and_offsets() -> None:
    doc = extract(DOCS / "three_pages.pdf")
    assert doc.format == "pdf"
    assert len(doc.page_starts) == 3 and doc.page_starts[0] == 0
    assert_in_order(
        doc.text,
        "Lighthouse Keeping Manual",
        "Chapter one explains how the lamp is trimmed every evening.",
        "During fog the keeper sounds the horn every thirty seconds.",
        "The final page lists the inventory of the storeroom.",
    )
    assert page_of(doc, doc.text.index("albatross")) == 2
    assert page_of(doc, doc.text.index("Chapter one")) == 1
    assert page_of(doc, doc.text.index("storeroom")) == 3
    assert doc.text[doc.page_starts[1] :].startswith("Fog Signals")
    assert doc.text[doc.page_starts[2] :].startswith("Supplies")
    assert "\r" not in doc.text
    assert doc.warnings == ()
    assert doc.title == "Lighthouse Keeping Manual"


def test_pdf_empty_page_keeps_page_numbers() -> None:
    doc = extract(DOCS / "partly_scanned.pdf")
    assert len(doc.page_starts) == 3
    assert page_of(doc, doc.text.index("third page has text again")) == 3
    assert doc.warnings == ("page 2 has no text layer",)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("scanned.pdf", "PDF has no text layer (probably scanned)"),
        ("encrypted.pdf", "encrypted PDF (password required)"),
        ("corrupt.pdf", "corrupt or unreadable PDF"),
    ],
)
def test_bad_pdfs(name: str, message: str) -> None:
    p = DOCS / name
    with pytest.raises(ExtractionError) as info:
        extract(p)
    assert str(info.value) == message
    assert_user_message(message, p)


def test_not_a_pdf(tmp_path: Path) -> None:
    p = tmp_path / "fake.pdf"
    p.write_text("<html>this is not a pdf</html>")
    with pytest.raises(ExtractionError, match=r"^corrupt or unreadable PDF$"):
        extract(p)


def test_pdf_page_cap_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.ingest.extract.pdf as pdf_module

    monkeypatch.setattr(pdf_module, "MAX_PAGES", 2)
    doc = extract(DOCS / "three_pages.pdf")
    assert len(doc.page_starts) == 2
    assert "albatross" in doc.text and "storeroom" not in doc.text
    assert doc.warnings == ("only the first 2 of 3 pages were read",)


def test_format_page_ranges() -> None:
    assert format_page_ranges([3, 5]) == "3, 5"
    assert format_page_ranges([3, 4, 5, 9]) == "3-5, 9"
    assert format_page_ranges(list(range(1, 40, 2)), limit=3) == "1, 3, 5 and 17 more"


# --- DOCX -------------------------------------------------------------------------------


def test_docx_paragraphs_tables_and_headings() -> None:
    doc = extract(DOCS / "report.docx")
    assert doc.format == "docx"
    assert doc.text.split("\n") == [
        "Orchard Overview",
        "The orchard produced a record apple harvest this quarter.",
        "Pest Control",
        "Codling moth traps were checked every Friday.",
        "Variety",
        "Tonnes",
        "Notes",
        "Braeburn",
        "42",
        "Late frost",
        "Cox Orange Pippin",  # merged cell, once
        "Sold at market",
        "Outlook",
        "Next quarter we will plant forty new pear trees.",
    ]
    assert heading_texts(doc) == ["Orchard Overview", "Pest Control", "Outlook"]
    assert doc.title == "Quarterly Orchard Report"  # core properties win


def test_docx_title_falls_back_to_title_style(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = ""
    document.add_paragraph("Annual Letter", style="Title")
    document.add_heading("First Section", level=1)
    document.add_paragraph("Body text of the letter.")
    p = tmp_path / "letter.docx"
    document.save(str(p))
    doc = extract(p)
    assert doc.title == "Annual Letter"
    assert heading_texts(doc) == ["Annual Letter", "First Section"]


def test_docx_vertical_merge_nested_table_and_tracked_changes(tmp_path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    top = table.cell(0, 0).merge(table.cell(1, 0))  # vertical merge
    top.text = "Spans two rows"
    table.cell(0, 1).text = "Upper right"
    inner = table.cell(1, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Nested cell"

    para = document.add_paragraph("Kept before ")
    for tag, text_tag, words in (
        ("w:ins", "w:t", "inserted words"),
        ("w:del", "w:delText", "gone"),
    ):
        change = OxmlElement(tag)
        change.set(qn("w:id"), "1")
        change.set(qn("w:author"), "Editor")
        run = OxmlElement("w:r")
        text = OxmlElement(text_tag)
        text.text = words
        run.append(text)
        change.append(run)
        para._p.append(change)
    p = tmp_path / "merged.docx"
    document.save(str(p))

    lines = extract(p).text.split("\n")
    assert lines.count("Spans two rows") == 1
    assert_in_order("\n".join(lines), "Spans two rows", "Upper right", "Nested cell")
    assert "Kept before inserted words" in lines
    assert "gone" not in "\n".join(lines)


def test_docx_junk_zip() -> None:
    p = DOCS / "junk.docx"
    with pytest.raises(ExtractionError, match=r"^corrupt or unreadable DOCX$") as info:
        extract(p)
    assert_user_message(str(info.value), p)


def test_docx_not_a_zip(tmp_path: Path) -> None:
    p = tmp_path / "plain.docx"
    p.write_text("I am a text file pretending to be Word.")
    with pytest.raises(ExtractionError, match=r"^corrupt or unreadable DOCX$"):
        extract(p)


def test_docx_that_is_an_ole_file(tmp_path: Path) -> None:
    p = tmp_path / "locked.docx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(ExtractionError, match=r"^password-protected or old-format Word file$"):
        extract(p)


def test_docx_empty(tmp_path: Path) -> None:
    import docx

    p = tmp_path / "empty.docx"
    document = docx.Document()
    document.add_paragraph("   ")
    document.save(str(p))
    with pytest.raises(ExtractionError, match=r"^empty document$"):
        extract(p)


def test_docx_zip_bomb_by_member_count(tmp_path: Path) -> None:
    p = tmp_path / "many.docx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for i in range(10_000):
            zf.writestr(f"word/media/{i}.txt", "")
    with pytest.raises(ExtractionError, match=r"^DOCX too large when unpacked"):
        extract(p)


def test_docx_zip_bomb_by_size(tmp_path: Path) -> None:
    p = tmp_path / "bomb.docx"
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:
            for _ in range(201):
                fh.write(chunk)
    assert p.stat().st_size < 1024 * 1024
    with pytest.raises(ExtractionError, match=r"^DOCX too large when unpacked"):
        extract(p)


# --- robustness: damaged copies of good files only ever raise ExtractionError -----------


@pytest.mark.parametrize("name", ["three_pages.pdf", "report.docx", "article.html"])
@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5, 0.7, 0.9])
def test_truncated_files_raise_only_extraction_error(
    tmp_path: Path, name: str, fraction: float
) -> None:
    data = (DOCS / name).read_bytes()
    p = tmp_path / name
    p.write_bytes(data[: int(len(data) * fraction)])
    try:
        doc = extract(p)
    except ExtractionError as exc:
        assert_user_message(str(exc), p)
    else:
        assert doc.text.strip()


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html", ".txt"])
def test_random_bytes_raise_only_extraction_error(tmp_path: Path, suffix: str) -> None:
    p = tmp_path / f"noise{suffix}"
    p.write_bytes(os.urandom(4096))
    with pytest.raises(ExtractionError) as info:
        extract(p)
    assert_user_message(str(info.value), p)


def test_zip_with_corrupt_document_part(tmp_path: Path) -> None:
    buf = io.BytesIO((DOCS / "report.docx").read_bytes())
    out = tmp_path / "broken.docx"
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data[: len(data) // 2]  # cut mid-element: not well-formed XML
            dst.writestr(info, data)
    with pytest.raises(ExtractionError, match=r"^corrupt or unreadable DOCX$"):
        extract(out)


def test_docx_hidden_text_is_left_out(tmp_path: Path) -> None:
    """Word's hidden text (a run marked hidden, or a style such as the "HTML Top of Form"
    marker that pages saved from the web carry) is not shown to a reader, so it is not
    in the text either: a quote from it would be a quote of nothing anyone can see."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    marker = document.styles.add_style("HTML Top of Form", WD_STYLE_TYPE.PARAGRAPH)
    marker.font.hidden = True
    document.add_paragraph("Top of Form", style=marker)
    p = document.add_paragraph("The council met on Tuesday.")
    p.add_run(" A hidden note for the editor.").font.hidden = True
    shown = document.add_paragraph("")
    shown.add_run("Visible again.").font.hidden = False
    path = tmp_path / "saved-from-the-web.docx"
    document.save(str(path))
    assert extract(path).text.split("\n") == ["The council met on Tuesday.", "Visible again."]
