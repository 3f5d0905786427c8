"""What a copied quotation names: the document and the paragraph of the copied words
(qa.tui.widgets.text, no app run)."""

from __future__ import annotations

from qa.citations import Citation
from qa.tui.widgets.text import quote_with_citation


def test_a_titled_web_page_is_named_by_title_and_file() -> None:
    c = Citation(
        "bench/docs/guardian-wolves.html", "Wolves return", None, 7, None, None, None, 10, 50
    )
    copied = quote_with_citation(" Wolves were counted. ", "Jane Doe", c)
    assert copied == "“Wolves were counted.” — Jane Doe, Wolves return (guardian-wolves.html), ¶7"


def test_a_pdf_names_the_file_paragraph_and_page() -> None:
    c = Citation("/home/me/report.pdf", None, "Results", 12, 4, None, None, 900, 960)
    assert quote_with_citation("It rose.", None, c) == "“It rose.” — report.pdf, ¶12, p. 4"
