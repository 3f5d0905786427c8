"""Quotations and their speakers: the sample article, the hard cases, `qa quotes`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli.main import main
from qa.embedding.encoder import Embedder
from qa.index.builder import build_index
from qa.index.reader import Index
from qa.quotes import Quote, extract_quotes
from qa.quotes.names import name_matches

from helpers.corpus import ROOT, SampleIndex

# Every quotation of the sample article with its speaker, labelled by hand.
SAMPLE_QUOTES = [
    ("strongest in the world", "Kim Jong-un"),
    ("untested enemy.", "Volodymyr Zelenskyy"),
    ("watching passively", "Volodymyr Zelenskyy"),  # "He warned against …"
    (
        "This deployment is historic for North Korea",
        "Center for Strategic and International Studies",
    ),
    (
        "They have previously sent advisors and specialists, but never large ground forces.",
        "Center for Strategic and International Studies",
    ),
    ("Strongest Army", None),  # in a heading: a scare quote
    ("Most of them are unlikely to come back home alive", "Lee Woong-gil"),
    (
        "They’ll consider it an honor, but they don’t understand what they’re up against.",
        "Lee Woong-gil",
    ),
    ("third-party soldiers", None),
    (
        "If many of Kim’s soldiers die in Ukraine, it could have major repercussions in North "
        "Korea.",
        "Choi Jung-hoon",
    ),
    ("They don’t realize they’re being used as cannon fodder.", "one former North Korean soldier"),
]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def quoted(text: str) -> list[tuple[str, str | None]]:
    return [(text[q.start : q.end], q.speaker) for q in extract_quotes(text)]


def test_every_quotation_of_the_sample_with_its_speaker(sample_text: str) -> None:
    assert quoted(sample_text) == SAMPLE_QUOTES


def test_a_pronoun_names_the_one_person_just_mentioned() -> None:
    text = (
        "Mayor Jane Okafor defended the plan on Monday.\n"
        "She said the cuts were “painful but necessary.”\n"
    )
    [quote] = extract_quotes(text)
    assert quote.speaker == "Jane Okafor"
    assert quote.how == "pronoun"
    assert quote.mention is not None and text[quote.mention[0] : quote.mention[1]] == "She"


def test_a_pronoun_after_two_people_is_not_guessed() -> None:
    text = (
        "Tom Reyes and Maria Lopez both opposed the plan.\n"
        "“We lost,” said Reyes.\n"
        "Reyes and Lopez spoke after the vote. He said “we will be back.”\n"
    )
    assert quoted(text) == [("We lost", "Tom Reyes"), ("we will be back.", None)]


def test_a_quote_continued_after_its_attribution_keeps_the_speaker() -> None:
    text = "“We have no choice,” Okafor said. “The money is simply not there.”\n"
    assert quoted(text) == [
        ("We have no choice", "Okafor"),
        ("The money is simply not there.", "Okafor"),
    ]


def test_a_quote_across_paragraphs_is_one_quotation() -> None:
    text = (
        "“The first part runs here,” said the treasurer, Paul Hicks.\n"
        "“It goes on in a second paragraph without closing.\n"
        "“And ends in the third.”\n"
        "The meeting then closed.\n"
    )
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["Paul Hicks", "Paul Hicks"]
    second = text[quotes[1].start : quotes[1].end]
    assert second.startswith("It goes on") and second.endswith("in the third.")


def test_two_speakers_in_one_paragraph() -> None:
    text = (
        "“I have lived here for forty years,” said Tom Reyes, a retired teacher. "
        "Across the room, Maria Lopez disagreed: “This budget protects the libraries.”\n"
    )
    assert quoted(text) == [
        ("I have lived here for forty years", "Tom Reyes"),
        ("This budget protects the libraries.", "Maria Lopez"),
    ]


def test_scare_quotes_and_titles_have_no_speaker() -> None:
    text = "The so-called “peace dividend” never arrived, and the film “Jaws” played all week.\n"
    assert quoted(text) == [("peace dividend", None), ("Jaws", None)]


def test_inch_marks_and_apostrophes_are_not_quotations() -> None:
    text = (
        "The 6'2\" forward bought a 55\" screen; the players' union didn't comment.\n"
        '"We will appeal," said a spokesperson for the Ministry of Justice.\n'
    )
    assert quoted(text) == [("We will appeal", "a spokesperson for the Ministry of Justice")]


def test_nested_and_british_single_quotes() -> None:
    text = (
        "“He told me ‘never again,’ and meant it,” said Ann Lee.\n"
        "‘We will win,’ said Sam Smith. ‘Ask anyone.’\n"
    )
    assert quoted(text) == [
        ("He told me ‘never again,’ and meant it", "Ann Lee"),
        ("We will win", "Sam Smith"),
        ("Ask anyone.", "Sam Smith"),
    ]


def test_two_single_marks_typed_for_a_double_one() -> None:
    """The Federal Register and other government typesetting quote with ‘‘…’’: each
    pair is one mark, so the words come without a stray mark and a quote inside one
    is still a quotation ('‘‘PROPIN.’’' came out as '‘PROPIN.')."""
    text = (
        "Mark the part of your submission containing CBI as ‘‘PROPIN.’’ The FAA will"
        " treat such marked submissions as confidential.\n"
        "‘‘Pitch trim’’ commands move the horizontal stabilizer, the agency’s report said.\n"
        "‘‘We will review every comment,’’ said Steve Dickson.\n"
    )
    assert quoted(text) == [
        ("PROPIN.", None),
        ("Pitch trim", None),
        ("We will review every comment", "Steve Dickson"),
    ]


def test_organisations_according_to_and_descriptions() -> None:
    text = (
        "According to the Environmental Protection Agency, “levels were safe.”\n"
        "As one resident put it, “Nobody listens to us.”\n"
    )
    assert quoted(text) == [
        ("levels were safe.", "Environmental Protection Agency"),
        ("Nobody listens to us.", "one resident"),
    ]


def test_a_quote_broken_by_a_line_wrap_and_a_hyphen() -> None:
    text = (
        "Council votes on the budget\n\n"
        "“A quote broken by a line wrap and by a hyph-\n"
        "enated word is still one quote,” said Dana\n"
        "Jones, the council clerk.\n\n"
        "The vote is on Friday.\n"
    )
    [quote] = extract_quotes(text)
    assert text[quote.start : quote.end] == (
        "A quote broken by a line wrap and by a hyph-\nenated word is still one quote"
    )
    assert quote.speaker == "Dana\nJones" or name_matches("Dana Jones", quote.speaker or "")


@pytest.mark.parametrize(
    "typed", ["Zelenskyy", "Volodymyr Zelenskyy", "Zelensky", "President Zelenskyy"]
)
def test_speaker_names_match_the_forms_a_reader_types(typed: str) -> None:
    assert name_matches(typed, "Volodymyr Zelenskyy")


def test_speaker_names_do_not_match_other_people() -> None:
    assert not name_matches("Lea", "Lee Woong-gil")
    assert not name_matches("Ministry of Health", "Ministry of Justice")
    assert not name_matches("Kim Jong-un", "Choi Jung-hoon")


def test_qa_quotes_json_is_the_documents_text(
    sample_index: SampleIndex, open_index: Callable[[Path], Index]
) -> None:
    code, out, _ = run("quotes", "--json", "--index", str(sample_index.index_dir))
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["quote"], r["speaker"]) for r in rows] == SAMPLE_QUOTES
    doc = open_index(sample_index.index_dir).document_by_source(str(sample_index.source))
    assert doc is not None
    for row in rows:
        assert set(row) == {"quote", "speaker", "source", "start", "end", "citation"}
        assert doc.text[row["start"] : row["end"]] == row["quote"]
        assert row["source"] == str(sample_index.source)
        assert row["citation"].endswith(f"chars {row['start']}–{row['end']}")


@pytest.mark.parametrize(
    "typed", ["Zelenskyy", "Volodymyr Zelenskyy", "Zelensky", "President Zelenskyy"]
)
def test_qa_quotes_by_speaker(sample_index: SampleIndex, typed: str) -> None:
    code, out, _ = run(
        "quotes", "--speaker", typed, "--json", "--index", str(sample_index.index_dir)
    )
    assert code == 0
    assert [json.loads(line)["quote"] for line in out.splitlines()] == [
        "untested enemy.",
        "watching passively",
    ]


def test_qa_quotes_human_output_names_speaker_and_citation(sample_index: SampleIndex) -> None:
    code, out, _ = run(
        "quotes", "--speaker", "Lee Woong-gil", "--index", str(sample_index.index_dir)
    )
    assert code == 0
    assert "“Most of them are unlikely to come back home alive”  — Lee Woong-gil" in out
    assert "¶7, line 9, chars 2491–2540" in out


def test_qa_quotes_for_someone_never_quoted_says_so(sample_index: SampleIndex) -> None:
    code, out, err = run("quotes", "--speaker", "Blinken", "--index", str(sample_index.index_dir))
    assert code == 1
    assert out == ""
    assert err.startswith("qa: no quotations by Blinken") and len(err.splitlines()) == 1
    assert "Lee Woong-gil" in err  # the speakers there are, to try instead


def test_quotes_follow_edits_and_deletions(tmp_path: Path, embedder: Embedder) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    doc = folder / "council.txt"
    doc.write_text("“We have no choice,” said Jane Okafor, the mayor.\n", encoding="utf-8")
    other = folder / "other.txt"
    other.write_text("“Nobody asked us,” said Tom Reyes.\n", encoding="utf-8")
    index_dir = tmp_path / "index"
    build_index([folder], index_dir, embedder=embedder)
    doc.write_text("“We will find the money,” said Jane Okafor, the mayor.\n", encoding="utf-8")
    other.unlink()
    build_index([folder], index_dir, embedder=embedder)
    code, out, _ = run("quotes", "--json", "--index", str(index_dir))
    assert code == 0
    assert [(r["quote"], r["speaker"]) for r in map(json.loads, out.splitlines())] == [
        ("We will find the money", "Jane Okafor")
    ]


def test_a_document_without_quotation_marks_needs_no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    import qa.quotes.attribution as attribution

    def no_model() -> None:
        raise AssertionError("the parser was loaded for a text with no quotations")

    monkeypatch.setattr(attribution, "pipeline", no_model)
    assert extract_quotes("Plain text. It's the players' union's 6'2\" forward.\n") == []


def test_quote_offsets_exclude_marks_and_the_attribution_comma() -> None:
    text = "“It is historic,” stated the Center.\n"
    [quote] = extract_quotes(text)
    assert quote == Quote(start=1, end=15, speaker="Center", mention=quote.mention, how="named")
    assert text[quote.start - 1] == "“" and text[quote.end] == ","


def test_attribution_on_the_labelled_news_set_holds_its_recorded_level() -> None:
    """bench/quotes: 182 hand-labelled quotations in 10 news-style articles. Fails when a
    change loses quotations or names speakers less well than recorded in the README."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "bench_quotes", ROOT / "bench" / "bench_quotes.py"
    )
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_quotes"] = bench  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    texts, golds = bench.load_set()
    figures = bench.summarise(bench.run(extract_quotes, texts, golds), golds)
    assert figures["detection"]["recall"] >= 0.99
    assert figures["detection"]["precision"] >= 0.99
    assert figures["speaker"]["precision"] >= 0.94
    assert figures["speaker"]["recall"] >= 0.90
    assert figures["speaker"]["guesses_on_ambiguous"] == 0  # never a guessed "he"


def test_a_quotation_with_no_speech_verb_near_it_is_never_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Titles and terms with no word near them that could be a speech verb have no
    speaker whatever the parse: the parser (most of `qa index`'s time) is not even
    loaded for them."""
    import qa.quotes.attribution as attribution

    def no_model() -> None:
        raise AssertionError("the parser was loaded though no quotation could have a speaker")

    monkeypatch.setattr(attribution, "pipeline", no_model)
    text = "The film “Jaws” played all week.\n\nLater the “peace dividend” never arrived.\n"
    assert quoted(text) == [("Jaws", None), ("peace dividend", None)]


def _sample_layout(sample_text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The sample article's paragraphs and sentences, as the indexer lays them out."""
    from qa.ingest.chunking import chunk_text
    from qa.ingest.extract import extract

    from conftest import SAMPLE_ARTICLE

    extracted = extract(SAMPLE_ARTICLE)
    assert extracted.text == sample_text
    layout = chunk_text(extracted)
    paragraphs = [(p.start, p.end) for p in layout.paragraphs]
    return paragraphs, [s for chunk in layout.chunks for s in chunk.sentences]


def test_the_indexers_sentences_give_the_same_quotations(sample_text: str) -> None:
    """The indexer passes the chunker's sentences rather than have them split again;
    they only choose what is parsed, and must not change a speaker."""
    paragraphs, sentences = _sample_layout(sample_text)
    assert extract_quotes(sample_text, paragraphs, sentences) == extract_quotes(
        sample_text, paragraphs
    )


def test_a_pronoun_finds_its_person_paragraphs_back() -> None:
    """Only the sentences around a quotation are parsed up front; a pronoun's person is
    looked for further back, parsed as the search reaches it."""
    text = (
        "The bridge has been closed since March. Mayor Ruth Abara chaired the hearing. "
        "Repairs were delayed twice. The contractor blamed the weather.\n\n"
        "Traffic has moved to the ring road. Shops on the quay report lost trade. "
        "Buses run every hour.\n\n"
        "Tolls were waived. She said the delays were “simply unacceptable” for the town.\n"
    )
    [quote] = extract_quotes(text)
    assert (quote.speaker, quote.how) == ("Ruth Abara", "pronoun")
    assert quote.mention is not None and text[quote.mention[0] : quote.mention[1]] == "She"


def test_the_quote_worker_answers_as_extract_quotes(sample_text: str) -> None:
    """`qa index` parses quotations in a child process while it loads the model: the
    child's answers are exactly what this process finds."""
    from qa.quotes.worker import QuoteWorker

    paragraphs, sentences = _sample_layout(sample_text)
    worker = QuoteWorker()
    try:
        tickets = [worker.submit(sample_text, paragraphs, sentences) for _ in range(2)]
        tickets.append(worker.submit("No quotation here.\n", [(0, 18)], [(0, 18)]))
        answers = [worker.result(t) for t in tickets]
    finally:
        worker.close()
    expected = extract_quotes(sample_text, paragraphs, sentences)
    assert answers == [expected, expected, []]


def test_a_dead_quote_worker_answers_none() -> None:
    """The indexer parses in-process when the child is gone: it is told, not hung."""
    from qa.quotes.worker import QuoteWorker

    worker = QuoteWorker()
    try:
        worker._proc.kill()
        worker._proc.wait()
        ticket = worker.submit("“Yes,” she said.\n", [(0, 16)], [(0, 16)])
        assert worker.result(ticket) is None
    finally:
        worker.close()


# From Wikipedia's "French and Indian War" (CC BY-SA 4.0), as in the SQuAD eval set.
SAINT_PIERRE = (
    "Jacques Legardeur de Saint-Pierre, who succeeded Marin as commander of the French "
    "forces after the latter died on October 29, invited Washington to dine with him. Over "
    "dinner, Washington presented Saint-Pierre with the letter from Dinwiddie demanding an "
    'immediate French withdrawal from the Ohio Country. Saint-Pierre said, "As to the '
    'Summons you send me to retire, I do not think myself obliged to obey it." He told '
    "Washington that France's claim to the region was superior to that of the British.\n"
)
# From Wikipedia's "Doctor Who" (CC BY-SA 4.0): "he" is the Doctor, whom no entity names.
DOCTOR_WHO = (
    "Peter Capaldi took on the role after Matt Smith's exit in the 2013 Christmas special. "
    "The primary companions of the Ninth and Tenth Doctors were Rose Tyler (Billie Piper), "
    "Martha Jones (Freema Agyeman), and Donna Noble (Catherine Tate).\n\n"
    "The 2005 series reveals that the Ninth Doctor thought he was the last surviving Time "
    'Lord, and that his home planet had been destroyed; in "The Empty Child" (2005), Dr. '
    'Constantine states that, "Before the war even began, I was a father and a '
    'grandfather. Now I am neither." The Doctor remarks in response, "Yeah, I know the '
    'feeling." In "Smith and Jones" (2007), when asked if he had a brother, he replied, '
    '"No, not any more." In both "Fear Her" (2006) and "The Doctor\'s Daughter" (2008), '
    "he states that he had, in the past, been a father.\n"
)


def test_a_short_name_gets_the_full_name_given_sentences_before() -> None:
    """Only a window of sentences around a quotation is parsed, but the speaker's full
    name is taken from the first full mention, wherever it is."""
    [quote] = extract_quotes(SAINT_PIERRE)
    assert quote.speaker == "Jacques Legardeur de Saint-Pierre"


def test_a_pronoun_is_not_given_a_person_named_sentences_earlier() -> None:
    """ "Smith and Jones" names people the text names elsewhere (Matt Smith, Martha
    Jones): "he" after it is not resolved past them to Constantine."""
    speakers = dict(quoted(DOCTOR_WHO))
    assert speakers["No, not any more."] is None
    assert speakers["Fear Her"] is None
