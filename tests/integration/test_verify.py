"""`qa verify`: is a remembered quote in the documents, and how exactly?"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from qa.citations import cite
from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.index.reader import Index
from qa.verify import VerifyResult, verify

from helpers.cli import qa

MATCH_KEYS = {
    "grade", "source", "start", "end", "text", "citation", "diff", "similarity", "speaker"
}  # fmt: skip
CANNON = "they don't know they're being used as cannon fodder"
CANNON_IN_ARTICLE = "They don’t realize they’re being used as cannon fodder"

# Written the way a PDF or an e-mail wraps prose: line breaks mid-sentence and a hyphen
# at a line end, for both a hyphenated word ("ex-hausting") and a real hyphen
# ("well-known"). The dashes and the escape character are there on purpose too.
WRAPPED = (
    "Minutes of the council meeting, kept by the clerk and read out to everyone the next "
    "morning.\n\n"
    "The committee said the decision was “a well-\n"
    "known compromise” reached after a long and ex-\n"
    "hausting night of talks, and the mayor called it “the best we\n"
    "could do under the circumstances.” The budget for 2019–2021 was cut — sharply.\n\n"
    "The clerk’s note ends with a stray escape \x1b[31m in red, and nothing else.\n"
)


@pytest.fixture(scope="module")
def index(sample_index: tuple[Path, Path], open_index: Callable[[Path], Index]) -> Index:
    """The sample article's index, open for reading."""
    return open_index(sample_index.index_dir)


@pytest.fixture(scope="module")
def wrapped_index_dir(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """An index of one small text file with wrapped, hyphenated lines."""
    root = tmp_path_factory.mktemp("wrapped")
    folder = root / "docs"
    folder.mkdir()
    (folder / "minutes.txt").write_text(WRAPPED, encoding="utf-8")
    index_dir = root / "index"
    report = build_index([folder], index_dir, embedder=embedder)
    assert len(report.indexed) == 1
    return index_dir


@pytest.fixture(scope="module")
def wrapped(wrapped_index_dir: Path, open_index: Callable[[Path], Index]) -> Index:
    return open_index(wrapped_index_dir)


def only_match(result: VerifyResult) -> dict:
    """The single match of a result, as JSON, with the stored text it must point at."""
    assert len(result.matches) == 1, result.to_json()
    return result.matches[0].to_json()


# --- exact ------------------------------------------------------------------------------


def test_a_phrase_in_the_article_is_exact_with_its_line(index: Index) -> None:
    match = only_match(verify(index, "watching passively"))
    assert match["grade"] == "exact"
    assert match["text"] == "watching passively"
    assert "line 4" in match["citation"] and match["diff"] == ""


def test_quotation_marks_around_the_quote_are_not_part_of_the_match(index: Index) -> None:
    match = only_match(verify(index, f"“{CANNON_IN_ARTICLE}.”"))
    assert match["grade"] == "exact"
    assert match["text"] == CANNON_IN_ARTICLE + "."
    doc = index.document_by_source(match["source"])
    assert doc is not None and doc.text[match["start"] - 1] == "“"


def test_part_of_a_word_is_not_a_match(index: Index) -> None:
    """The article says "passively"; "watching passive" is not what it says."""
    assert not verify(index, "watching passive").found


def test_a_quote_across_a_chunk_boundary_is_found(index: Index) -> None:
    chunks = sorted(index.chunks(index.chunk_ids()).values(), key=lambda c: c.start)
    a, b = next((a, b) for a, b in itertools.pairwise(chunks) if a.doc_id == b.doc_id)
    text = index.document(a.doc_id).text
    start = text.rindex(" ", 0, a.end - 30) + 1
    end = text.index(" ", b.start + 30)
    quote = text[start:end]
    match = verify(index, quote).matches[0].to_json()
    assert (match["grade"], match["start"], match["end"]) == ("exact", start, end)


# --- normalized ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "WATCHING  passively",  # case and spacing
        'He warned against "watching passively"',  # straight quotes for curly ones
        "he warned against\n“watching passively”",  # a line break
    ],
)
def test_case_quotes_and_spacing_are_normalized(index: Index, quote: str) -> None:
    match = verify(index, quote).matches[0].to_json()
    assert match["grade"] == "normalized"
    assert match["text"].endswith("watching passively")


@pytest.mark.parametrize(
    ("quote", "stored"),
    [
        ("a well-known compromise", "a well-\nknown compromise"),
        ("a long and exhausting night of talks", "a long and ex-\nhausting night of talks"),
        (
            "the best we could do under the circumstances",
            "the best we\ncould do under the circumstances",
        ),
        (
            "The budget for 2019-2021 was cut - sharply.",
            "The budget for 2019–2021 was cut — sharply.",
        ),
    ],
)
def test_line_wraps_hyphens_and_dashes_are_normalized(
    wrapped: Index, quote: str, stored: str
) -> None:
    match = only_match(verify(wrapped, quote))
    assert (match["grade"], match["text"]) == ("normalized", stored)


# --- fuzzy --------------------------------------------------------------------------------


def test_a_misremembered_word_is_fuzzy_with_a_word_diff(index: Index) -> None:
    match = only_match(verify(index, CANNON))
    assert match["grade"] == "fuzzy"
    assert match["text"] == CANNON_IN_ARTICLE
    assert match["diff"] == ("They don’t [-realize-] {+know+} they’re being used as cannon fodder")


@pytest.mark.parametrize(
    ("quote", "diff"),
    [
        (
            "they don't realize they're being used as cannon meat",
            "They don’t realize they’re being used as cannon [-fodder-] {+meat+}",
        ),
        (
            "Honestly, they don't realize they're being used as cannon fodder",
            "{+Honestly+} They don’t realize they’re being used as cannon fodder",
        ),
    ],
)
def test_a_changed_word_at_either_end_stays_inside_the_quote(
    index: Index, quote: str, diff: str
) -> None:
    """The last word changed shows as changed; an extra first word does not pull in the
    word before the article's opening quotation mark."""
    match = only_match(verify(index, quote))
    assert (match["grade"], match["text"], match["diff"]) == ("fuzzy", CANNON_IN_ARTICLE, diff)


@pytest.mark.parametrize(
    ("quote", "diff"),
    [
        (
            "Most of them are unlikely to come home alive",
            "Most of them are unlikely to come [-back-] home alive",
        ),
        (
            "Experts worry they are unready for Ukraine's vast, flat battlefields",
            "Experts worry they are [-unprepared-] {+unready+} for Ukraine’s vast, flat "
            "battlefields",
        ),
        (
            "Reports say that the troops lack combat experience and are poorly trained",
            "Reports [-reveal-] {+say+} that the troops lack combat experience {+and+} are "
            "poorly trained",
        ),
    ],
)
def test_one_or_two_changed_words_are_still_found(index: Index, quote: str, diff: str) -> None:
    match = only_match(verify(index, quote))
    assert (match["grade"], match["diff"]) == ("fuzzy", diff)


@pytest.mark.parametrize(
    "quote",
    [
        "the moon is made of cheese",
        # Sentences sharing several of the article's words, saying something else.
        "they are being used as soldiers in the world",
        "North Korean soldiers are the strongest army in the world",
        "Russian forces have provided cheese and wine to the troops",
    ],
)
def test_unrelated_sentences_are_not_matches(index: Index, quote: str) -> None:
    result = verify(index, quote)
    assert not result.found, result.to_json()
    assert result.to_json() == {"query": quote, "matches": [], "nearest": []}


# --- contract -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quote", ["watching passively", "WATCHING  passively", CANNON, "North Korean troops"]
)
def test_json_offsets_point_at_the_text_and_citation(index: Index, quote: str) -> None:
    data = verify(index, quote).to_json()
    assert data["query"] == quote and data["matches"]
    for match in data["matches"]:
        assert set(match) == MATCH_KEYS
        doc = index.document_by_source(match["source"])
        assert doc is not None
        assert doc.text[match["start"] : match["end"]] == match["text"]
        assert match["citation"] == str(cite(doc, match["start"], match["end"]))
        assert (match["diff"] == "") == (match["grade"] not in ("fuzzy", "paraphrase"))


def test_every_place_a_phrase_occurs_is_listed(index: Index) -> None:
    """The article says "North Korean soldiers" three times, on three lines."""
    matches = verify(index, "North Korean soldiers").matches
    assert [m.grade for m in matches] == ["exact"] * 3
    assert len({m.citation.line_start for m in matches}) == 3


# --- the command --------------------------------------------------------------------------


def test_cli_json_reports_the_fuzzy_match(sample_index: tuple[Path, Path]) -> None:
    result = qa("verify", CANNON, "--json", "--index", str(sample_index.index_dir))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["query"] == CANNON
    assert data["matches"][0]["grade"] == "fuzzy"
    assert "[-realize-] {+know+}" in data["matches"][0]["diff"]


def test_cli_shows_grade_diff_and_citation(sample_index: tuple[Path, Path]) -> None:
    result = qa("verify", CANNON, "--index", str(sample_index.index_dir))
    assert result.exit_code == 0, result.output
    assert "fuzzy" in result.stdout and "1 word differs" in result.stdout
    assert CANNON_IN_ARTICLE in result.stdout
    assert "They don’t [-realize-] {+know+} they’re" in result.stdout
    assert "line 19" in result.stdout


def test_cli_says_plainly_when_nothing_matches(sample_index: tuple[Path, Path]) -> None:
    result = qa("verify", "the moon is made of cheese", "--index", str(sample_index.index_dir))
    assert result.exit_code == 1
    assert "Not found in these documents" in result.stdout
    assert "Traceback" not in result.output


def test_cli_shows_control_characters_of_the_document_escaped(wrapped_index_dir: Path) -> None:
    result = qa("verify", "a stray escape \x1b[31m in red", "--index", str(wrapped_index_dir))
    assert result.exit_code == 0, result.output
    assert "exact" in result.stdout
    assert "\\x1b[31m" in result.stdout and "\x1b" not in result.stdout


def test_verify_loads_no_model_and_is_quick(sample_index: tuple[Path, Path]) -> None:
    script = (
        "import sys, time; from pathlib import Path; "
        "from qa.index.reader import open_index; from qa.verify import verify; "
        "index = open_index(Path(sys.argv[1])); t = time.perf_counter(); "
        f"found = verify(index, {CANNON!r}).found; "
        "took = time.perf_counter() - t; "
        "assert found; assert took < 1.0, took; "
        "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(sample_index.index_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
