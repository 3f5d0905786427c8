"""Quotes as reporters remember them: the real words behind a misremembered quote.

The ``paraphrase`` grade of `qa verify` (contractions written out, synonyms, words
reordered or left out), near misses that say why they are not matches (a negation
turned round, another number, words trading places, a clause added), "Who said
something like …?" and a speaker's quotations on a topic, on the bundled article, three
of ``bench/quotes/articles`` and a short text with a split quotation.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.index.reader import Index
from qa.verify import VerifyResult, verify, wdiff

from helpers.cli import qa
from helpers.corpus import TESTS

ARTICLES = TESTS.parent / "bench" / "quotes" / "articles"
SAMPLE = TESTS.parent / "docs" / "north-korean-troops-in-russia.txt"
REWILDING = (
    "Rewilding the hills\n\n"
    "Goats were brought back to the slopes last spring. “With a little bit of help,” "
    "Challenger says, “nature can recover.” The herd now grazes the scrub twice a year.\n"
)
HONOR = "They’ll consider it an honor, but they don’t understand what they’re up against."
CANNON = "They don’t realize they’re being used as cannon fodder."
# The writer's own sentence, "North Korean leader Kim Jong-un has touted his troops as the
# world’s finest, but the reality is far more complicated.", as a reader retells it.
WRITERS_WORDS = (
    "Kim Jong-un has boasted that his troops are the finest in the world, but the reality "
    "is much more complicated"
)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    root = tmp_path_factory.mktemp("misquotes")
    folder = root / "docs"
    folder.mkdir()
    shutil.copyfile(SAMPLE, folder / SAMPLE.name)
    for name in ("harbridge_budget.txt", "microplastics_study.txt", "delgado_profile.txt"):
        shutil.copyfile(ARTICLES / name, folder / name)
    (folder / "rewilding.txt").write_text(REWILDING, encoding="utf-8")
    report = build_index([folder], root / "index", embedder=embedder)
    assert len(report.indexed) == 5
    return root / "index"


@pytest.fixture(scope="module")
def index(index_dir: Path, open_index: Callable[[Path], Index]) -> Index:
    return open_index(index_dir)


def check(index: Index, embedder: Embedder, quote: str) -> VerifyResult:
    result = verify(index, quote, encoder=embedder)
    for match in (*result.matches, *result.nearest):  # every word shown is the document's
        doc = index.document_by_source(match.source)
        assert doc is not None and doc.text[match.start : match.end] == match.text
    return result


# --- the paraphrase grade -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("misquote", "real", "speaker"),
    [
        # contractions written out (the first example)
        (
            "They will consider it an honor but they don't understand what they are up against",
            HONOR,
            "Lee Woong-gil",
        ),
        # a synonym and a contraction
        ("they do not know they are being used as cannon fodder", CANNON, None),
        # words reordered
        ("the world's strongest", "strongest in the world", "Kim Jong-un"),
        # other words, the same claim
        ("Most of them won't come back home alive", None, "Lee Woong-gil"),
        (
            "This is the toughest budget I've brought before this council in eleven years",
            "This is the hardest budget I have put in front of this council in eleven years",
            "Jane Okafor",
        ),
        # a clause left out
        (
            "We are not cutting services because we want to, but because there is no money",
            "We are not cutting services because we want to. We are cutting them because the "
            "money is not there.",
            "Jane Okafor",
        ),
    ],
)
def test_a_misremembered_quote_finds_the_real_words_and_speaker(
    index: Index, embedder: Embedder, misquote: str, real: str | None, speaker: str | None
) -> None:
    result = check(index, embedder, misquote)
    assert result.found, result.to_json()
    top = result.matches[0]
    assert top.grade in ("fuzzy", "paraphrase")
    if real is not None:
        assert top.text == real
    assert top.quoted
    if speaker is not None:
        assert top.speaker == speaker
    assert top.similarity >= 0.75
    assert wdiff(top.diff)  # the user sees what differs


def test_part_of_a_quotation_with_its_contraction_written_out_is_found(
    index: Index, embedder: Embedder
) -> None:
    """The issue's "Who said they are being used as cannon fodder?": the words said,
    "they’re" written out, and the speaker."""
    match = check(index, embedder, "they are being used as cannon fodder").matches[0]
    assert (match.grade, match.text) == ("paraphrase", "they’re being used as cannon fodder")
    assert wdiff(match.diff) == "[-they’re-] {+they are+} being used as cannon fodder"
    assert match.speaker == "one former North Korean soldier"


def test_a_short_phrase_nearly_right_finds_its_few_words(index: Index, embedder: Embedder) -> None:
    match = check(index, embedder, "nature will recover").matches[0]
    assert (match.grade, match.text) == ("paraphrase", "nature can recover.")
    assert wdiff(match.diff) == "nature [-can-] {+will+} recover"


def test_a_sentence_of_the_writer_is_found_and_said_to_be_no_quotation(
    index: Index, embedder: Embedder
) -> None:
    match = check(index, embedder, WRITERS_WORDS).matches[0]
    assert match.grade == "paraphrase"
    assert not match.quoted and match.speaker is None
    assert match.text.startswith("North Korean leader Kim Jong-un has touted his troops")


# --- never a false "they said this" -----------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "why_not", "nearest"),
    [
        (
            "We are cutting services because we want to",
            "it says the opposite",
            "We are not cutting services because we want to",
        ),
        (
            "They understand exactly what they are up against",
            "it says the opposite",
            HONOR,
        ),
        (
            "This is the hardest budget I have put in front of this council in ten years",
            "the numbers differ",
            "This is the hardest budget I have put in front of this council in eleven years",
        ),
        (
            "Several studies have found higher counts in tap water than in bottled water",
            "words trade places",
            "Several studies have found higher counts in bottled water than in tap water",
        ),
    ],
)
def test_a_near_miss_is_no_match_and_says_why(
    index: Index, embedder: Embedder, quote: str, why_not: str, nearest: str
) -> None:
    result = check(index, embedder, quote)
    assert not result.found, result.to_json()
    assert result.nearest[0].why_not == why_not
    assert result.nearest[0].text.startswith(nearest)


# Written to sound like these articles, said by nobody in them.
INVENTED = [
    "Kim Jong-un promised the families that every soldier will come home a hero.",
    "The Russian army has trained these men for more than a year.",
    "North Korean troops are the best-equipped soldiers on the front.",
    "We will hire back every library worker by the spring.",
    "The pension payment is the only reason we are closing the pools.",
    "Tap water in Harbridge is completely free of plastic.",
    "I would switch to bottled water tomorrow if I were you.",
    "My mother never let anyone else into her kitchen.",
    "We are cutting services because the council wants us to.",
    "They know exactly what they are up against.",
    "Most of them will come back home as heroes.",
]


@pytest.mark.parametrize("quote", INVENTED)
def test_a_quote_nobody_said_is_not_found(index: Index, embedder: Embedder, quote: str) -> None:
    result = check(index, embedder, quote)
    assert [m.grade for m in result.matches if m.grade != "fuzzy"] == [], result.to_json()


def test_an_exact_quote_needs_no_model(index: Index) -> None:
    """Only a quote whose words are not there as given is looked for by meaning."""

    class Unused:
        name = "unused"
        sha256 = "0"
        dimensions = 384
        loaded = False

        def load(self) -> None:
            raise AssertionError("the model was loaded")

        def encode(self, texts: list[str]) -> np.ndarray:
            raise AssertionError("the model was used")

        def encode_many(self, texts: list[str], progress: object = None) -> np.ndarray:
            raise AssertionError("the model was used")

    result = verify(index, "watching passively", encoder=Unused())
    assert result.matches[0].grade == "exact"


# --- the command and the questions ---------------------------------------------------------


def test_cli_json_gives_similarity_speaker_and_exit_zero(index_dir: Path) -> None:
    quote = "They will consider it an honor but they don't understand what they are up against"
    result = qa("verify", quote, "--json", "--index", str(index_dir))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    match = data["matches"][0]
    assert match["grade"] == "paraphrase" and match["text"] == HONOR
    assert match["speaker"] == "Lee Woong-gil" and 0.8 <= match["similarity"] <= 1.0
    assert "[-They’ll-] {+They will+}" in match["diff"]


def test_cli_shows_the_nearest_and_why_and_exits_one(index_dir: Path) -> None:
    result = qa("verify", "We are cutting services because we want to", "--index", str(index_dir))
    assert result.exit_code == 1
    assert "Not found in these documents" in result.stdout
    assert "not a match: it says the opposite" in result.stdout
    assert "We are [-not-] cutting services" in result.stdout
    assert "Jane Okafor" in result.stdout


def test_who_said_something_like_names_the_speaker(index_dir: Path) -> None:
    result = qa(
        "ask", "Who said they are being used as cannon fodder?", "--json", "--index", str(index_dir)
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)["answer"]
    assert answer["text"] == CANNON
    assert answer["speaker"] == "one former North Korean soldier"


def test_who_said_a_phrase_nearly_right_gives_the_real_wording(index_dir: Path) -> None:
    result = qa("ask", 'Who said "nature will recover"?', "--json", "--index", str(index_dir))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["answer"]["text"] == "nature can recover."
    assert data["answer"]["speaker"] == "Challenger"
    assert any("nature [-can-] {+will+} recover" in note for note in data["notes"])


def test_who_said_words_of_the_writer_says_nobody_is_quoted(index_dir: Path) -> None:
    result = qa("ask", f"Who said {WRITERS_WORDS}?", "--json", "--index", str(index_dir))
    data = json.loads(result.stdout)
    assert data["answer"] is None or data["answer"].get("speaker") is None
    assert any("Nobody is quoted saying" in note for note in data["notes"])


def test_quotes_about_a_topic_come_first(index_dir: Path) -> None:
    result = qa(
        "quotes", "--speaker", "Okafor", "--about", "the reserve fund", "--json",
        "--index", str(index_dir),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout.splitlines()[0])
    assert first["quote"].startswith("the reserve will fall below the level")
    assert first["speaker"] == "Jane Okafor"


def test_what_did_someone_say_about_a_topic_answers_with_that_quotation(index_dir: Path) -> None:
    question = "What did Okafor say about the reserve fund?"
    result = qa("ask", question, "--json", "--index", str(index_dir))
    data = json.loads(result.stdout)
    assert data["answer"]["text"].startswith("the reserve will fall below the level")
    assert any("those on “the reserve fund” first" in note for note in data["notes"])


def test_did_someone_say_it_confirms_with_their_quotation(index_dir: Path) -> None:
    question = (
        "Did Okafor say the budget was the hardest she had put before the council in eleven years?"
    )
    data = json.loads(qa("ask", question, "--json", "--index", str(index_dir)).stdout)
    assert data["answer"]["speaker"] == "Jane Okafor"
    assert data["answer"]["text"].startswith("This is the hardest budget")
    assert data["notes"][0].startswith("Jane Okafor is quoted saying it (paraphrase")


def test_did_someone_say_words_another_said_names_who_did(index_dir: Path) -> None:
    question = "Did Okafor say they are being used as cannon fodder?"
    data = json.loads(qa("ask", question, "--json", "--index", str(index_dir)).stdout)
    assert data["answer"]["speaker"] == "one former North Korean soldier"
    assert data["notes"][0].startswith("Not Okafor: these words are quoted by one former")


def test_did_someone_say_what_nobody_said_shows_their_nearest_quotation(index_dir: Path) -> None:
    question = "Did Okafor say the reserve will run dry?"
    data = json.loads(qa("ask", question, "--json", "--index", str(index_dir)).stdout)
    assert data["answer"] is None  # no passage of hers reads as a yes
    note = data["notes"][0]
    assert note.startswith("No quotation by Okafor is close to “the reserve will run dry”.")
    assert "not a match: “the reserve will fall below the level" in note


def test_an_empty_topic_is_a_one_line_error(index_dir: Path) -> None:
    result = qa("quotes", "--about", "  ", "--index", str(index_dir))
    assert result.exit_code == 1
    assert "the topic given to --about is empty" in result.output
    assert "Traceback" not in result.output
