"""Text from real PDFs reads as the page does: whole words, no page furniture, real
paragraphs and headings, no chart debris in sentences.

The files in ``tests/fixtures/realpdf/`` are pages of real documents (see the README
there): a LaTeX paper, a two-column LaTeX sample, three pages of the Federal Register
and a page of a municipal report with a bar chart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from qa.index.builder import build_index
from qa.index.reader import Index
from qa.ingest.chunking import Layout, chunk_text
from qa.ingest.extract import ExtractedText, extract
from qa.ingest.extract.hyphens import Dehyphenator
from qa.ingest.extract.pdf_layout import Line, Page, is_page_number, lay_out
from qa.verify import verify

from helpers.corpus import TESTS
from helpers.fake_encoder import FakeEncoder

REAL = TESTS / "fixtures" / "realpdf"
PAPER = REAL / "pdfplumber-issue-982-p1.pdf"  # "Creativity in Machine Learning", page 1
COLUMNS = REAL / "sample-files-multicolumn.pdf"  # two columns, page numbers at the foot
REGISTER = REAL / "pdfplumber-federal-register-p2-4.pdf"  # running header and footer
CHART = REAL / "pdfplumber-chelsea-p16.pdf"  # survey page with a bar chart


def _layout(path: Path) -> tuple[ExtractedText, Layout]:
    doc = extract(path)
    return doc, chunk_text(doc)


def _sentences(doc: ExtractedText, layout: Layout) -> list[str]:
    return [doc.text[s:e] for chunk in layout.chunks for s, e in chunk.sentences]


def _paragraph_of(doc: ExtractedText, layout: Layout, phrase: str) -> str:
    at = doc.text.index(phrase)
    (para,) = [p for p in layout.paragraphs if p.start <= at < p.end]
    assert not para.is_heading
    return doc.text[para.start : para.end]


# --- line-end hyphens --------------------------------------------------------------------


def test_word_split_at_a_line_end_is_whole_again() -> None:
    text = extract(PAPER).text
    # printed "experi-" / "ence", "in-" / "put", "num-" / "bers", "func-" / "tion"
    assert "said to learn from experience E with respect to some class of tasks" in text
    assert "The 5 input nodes are red" in text
    assert "take n ∈ N numbers x1" in text
    assert "the activation function ϕ is applied" in text
    for broken in ("experi-ence", "in-put", "num-bers", "func-tion", "\ufffe", "\u00ad"):
        assert broken not in text


def test_real_hyphen_at_a_line_end_is_kept() -> None:
    text = extract(PAPER).text
    # printed "well-" / "known" and "feed-" / "forward": hyphenated words, not breaks
    assert "based on well-known distribution assumptions" in text
    assert "a simple feed-forward neural network" in text
    assert "wellknown" not in text and "feedforward" not in text


def test_document_spelling_decides_a_word_no_dictionary_knows() -> None:
    """The two-column sample is Lorem Ipsum: the document's own words decide."""
    text = extract(COLUMNS).text
    assert "Curabitur" in text and "Cur-abitur" not in text
    assert "sollicitudin" in text and "sollic-itudin" not in text
    assert not re.search(r"[a-z]-[a-z]", text)  # no Latin word keeps a break


def test_dehyphenator_evidence_order() -> None:
    words = frozenset({"company", "well", "known", "long", "term", "information"})
    doc = Dehyphenator(["re-elected", "cooperate"], vocabulary=words)
    assert not doc.keeps_hyphen("the com", "pany said")  # a word: "company"
    assert doc.keeps_hyphen("a well", "known fact")  # two words, no "wellknown"
    assert doc.keeps_hyphen("was re", "elected")  # the document hyphenates it
    assert not doc.keeps_hyphen("co", "operate")  # the document joins it
    assert doc.keeps_hyphen("COVID", "19 cases") and doc.keeps_hyphen("Anglo", "Saxon")
    assert not doc.keeps_hyphen("Übungsauf", "gaben")  # unknown halves: a break


def test_verify_finds_a_phrase_printed_across_a_hyphenated_line_end(
    tmp_path: Path, encoder: FakeEncoder, open_index: Callable[[Path], Index]
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / PAPER.name).write_bytes(PAPER.read_bytes())
    build_index([folder], tmp_path / "index", embedder=encoder)
    index = open_index(tmp_path / "index")
    phrase = "A computer program is said to learn from experience E"
    result = verify(index, phrase)
    assert result.matches and result.matches[0].grade == "exact"
    match = result.matches[0]
    assert match.text == phrase
    stored = index.document_by_source(match.source)
    assert stored is not None and stored.text[match.start : match.end] == phrase


def test_soft_hyphen_at_a_line_end_always_joins() -> None:
    body = [
        Line("The committee met the rep\u00ad", 72, 500, 700, 712, 11),
        Line("resentatives on a well-", 72, 480, 686, 698, 11),
        Line("known date.", 72, 150, 672, 684, 11),
    ]
    flow = lay_out([Page(tuple(body), 792)])
    assert flow.text == "The committee met the representatives on a well-known date."


def test_code_lines_stay_one_per_paragraph() -> None:
    words = "the trace records every operation of the loop as it runs on the interpreter"
    prose = [Line(words, 72, 500, 760 - 14 * i, 772 - 14 * i, 11) for i in range(4)]
    prose += [
        Line("The loop below stores each prime", 72, 500, 700, 712, 11),
        Line("and then exits the trace.", 72, 300, 686, 698, 11),
    ]
    code = [
        Line(f"mov edi({8 * i}), esi // store k", 90, 300, 670 - 12 * i, 680 - 12 * i, 9, mono=True)
        for i in range(4)
    ]
    flow = lay_out([Page((*prose, *code), 792)])
    paragraphs = flow.text.split("\n\n")
    assert paragraphs[0].endswith("The loop below stores each prime and then exits the trace.")
    assert paragraphs[1:] == [
        "mov edi(0), esi // store k",
        "mov edi(8), esi // store k",
        "mov edi(16), esi // store k",
        "mov edi(24), esi // store k",
    ]


# --- page furniture ----------------------------------------------------------------------


def test_a_page_number_at_the_top_is_never_text() -> None:
    """The issue's case: a page header "54" became the short answer for soldiers' pay."""
    pages = []
    for n, sentence in enumerate(
        [
            "Soldiers are paid about 2,000 dollars a month.",
            "The families receive a bonus when they return.",
            "Officers are paid more than the soldiers are.",
        ]
    ):
        lines = (
            Line(str(54 + n), 290, 300, 760, 770, 9),
            Line("North Korea's Army in Russia", 72, 250, 745, 755, 9),
            Line(sentence, 72, 400, 600, 612, 11),
        )
        pages.append(Page(lines, 792))
    flow = lay_out(pages)
    assert not re.search(r"\b5[456]\b", flow.text)
    assert "Army in Russia" not in flow.text
    assert flow.text.startswith("Soldiers are paid about 2,000 dollars a month.")
    assert flow.text[flow.page_starts[2] :] == "Officers are paid more than the soldiers are."


@pytest.mark.parametrize("line", ["12", "Page 3 of 12", "- 4 -", "iv", "3/12", "Page 7"])
def test_page_number_shapes(line: str) -> None:
    assert is_page_number(line)


@pytest.mark.parametrize("line", ["54 soldiers", "Table 2", "Chapter 3", "12 percent"])
def test_numbers_with_words_are_not_page_numbers(line: str) -> None:
    assert not is_page_number(line)


def test_running_header_and_footer_are_out_of_the_text() -> None:
    doc = extract(REGISTER)
    # every page carries "Federal Register / Vol. 85, No. 152 / …" with its page number
    # (before or after it) at the top, and a typesetter's "VerDate …" line at the foot
    assert "Vol. 85, No. 152" not in doc.text
    assert "VerDate" not in doc.text and "jbell on" not in doc.text
    assert "published in the Federal Register as an amendment to 14 CFR 39.13." in doc.text
    # a number set close to a dash at a line end stays one number
    assert "AD 2018–23–51, Amendment 39–19512" in doc.text


def test_page_numbers_are_out_and_a_sentence_runs_on_across_the_page() -> None:
    doc, layout = _layout(COLUMNS)
    lines = [line.strip() for line in doc.text.split("\n")]
    assert not any(re.fullmatch(r"\d{1,2}", line) for line in lines)  # the "1", "2", "3"
    # page 1 ends "…Nam feugiat", page 2 goes on "lacus vel est."
    para = _paragraph_of(doc, layout, "Nam feugiat lacus vel est.")
    assert para.startswith("Fusce mauris.")
    assert doc.text[doc.page_starts[1] :].startswith("lacus vel est.")


def test_page_starts_stay_exact() -> None:
    doc = extract(REGISTER)
    assert len(doc.page_starts) == 3 and doc.page_starts[0] == 0
    assert list(doc.page_starts) == sorted(doc.page_starts)
    page_two = doc.text[doc.page_starts[1] : doc.page_starts[2]]
    assert "10A flight control law generates commands" in page_two
    assert "The Runaway Stabilizer checklist of the AFM" in doc.text[doc.page_starts[2] :]


# --- paragraphs and headings -------------------------------------------------------------


def test_wrapped_lines_are_one_paragraph_and_never_a_heading() -> None:
    doc, layout = _layout(REGISTER)
    para = _paragraph_of(doc, layout, "To ensure that MCAS will not command repeated movements")
    # printed line by line in a narrow column: one paragraph, no line break inside
    assert para.endswith("below the threshold that would cause MCAS activation.")
    assert len(para) > 300 and "\n" not in para
    headings = [doc.text[p.start : p.end] for p in layout.paragraphs if p.is_heading]
    assert headings == [
        "Proposed Design Changes",
        "Proposed Maintenance-Related Actions",
        "Emergency Order of Prohibition",
        "Related Service Information Under 1 CFR Part 51",
    ]


def test_paper_title_and_sections_are_the_headings_and_prose_is_not() -> None:
    doc, layout = _layout(PAPER)
    headings = [doc.text[p.start : p.end] for p in layout.paragraphs if p.is_heading]
    # the title is set large; the sections in numbered capitals at the body's size
    assert headings == [
        "Creativity in Machine Learning",
        "I. INTRODUCTION",
        "II. BASICS OF MACHINE LEARNING",
    ]
    para = _paragraph_of(doc, layout, "The traditional approach of solving problems")
    assert para.endswith("The idea of machine learning is to make use of this data.")


# --- chart debris ------------------------------------------------------------------------


@pytest.mark.parametrize("path", [CHART, COLUMNS, PAPER, REGISTER])
def test_no_sentence_is_a_pile_of_short_lines(path: Path) -> None:
    doc, layout = _layout(path)
    for sentence in _sentences(doc, layout):
        assert "\n" not in sentence
        assert len(sentence) < 1200


def test_chart_numbers_stay_out_of_sentences() -> None:
    doc, layout = _layout(CHART)
    sentences = _sentences(doc, layout)
    # the bar values (60%, 25%, 5%, 7%, 3%) and the axis (0% … 70%) under the chart
    assert not [s for s in sentences if re.search(r"\d+ ?%", s) and "%" in s and len(s) < 40]
    assert not any("25%" in s or "0% 10%" in s for s in sentences)
    # the chart's category labels are lines of their own, not glued to prose
    label = _paragraph_of(doc, layout, "DEUX À TROIS FOIS PAR SEMAINE")
    assert label == "DEUX À TROIS FOIS PAR SEMAINE"
    # the survey's figure in prose is kept
    assert any("92 % des votes" in s for s in sentences)
