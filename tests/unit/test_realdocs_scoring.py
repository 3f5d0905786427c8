"""The scoring rules of `qa eval` on a real-document set, each on a hand-made case.

A figure is only as good as the rule behind it: a rule that counts "100" right for
"more than 100", a title as a speaker's surname, or a fragment as the answer sentence
would report a trust the answers do not deserve.
"""

from __future__ import annotations

from qa.answer.model import Answer, AnswerSpan, Match, Passage, Span
from qa.answer.quotations import QuoteHit
from qa.citations import Citation
from qa.evaluation.realdocs import (
    HEADLINE_WITHIN,
    DocLabels,
    ExtractionLabel,
    QuestionLabel,
    QuoteLabel,
    RealDocsResult,
    answer_sentence_right,
    label_problems,
    passage_holds,
    quote_matches,
    score_extraction,
    score_question,
    score_quote,
    sentence_around,
    short_right,
    speaker_right,
)

DOC = (
    "It takes four hours to sail to Redonda. A study from 2012 counted 17 different types "
    "of vegetation growing on Redonda; the latest count, from 2019, showed 88. The first "
    "step was relocating Redonda’s herd of approximately 60 wild goats. Lures of food and "
    "fresh water had no effect, either. In the end, a larger group of workers managed to "
    "round up the goats by hand and transport them off the island via helicopter.\n"
    "Want to know more about the goats? Follow them."
)
EXCERPT = "the latest count, from 2019, showed 88"
SOURCE = "docs/goats.html"


def _span_of(text: str, part: str) -> tuple[int, int]:
    start = DOC.index(part)
    return start, start + len(part)


# -- passages and sentences ------------------------------------------------------------
def test_a_passage_holds_the_excerpt_whatever_its_quotes_case_and_spacing() -> None:
    assert passage_holds("the first step was relocating  Redonda's herd", "Redonda’s HERD")
    assert not passage_holds("the first step was relocating", "relocating Redonda’s herd")


def test_the_excerpt_sentence_runs_from_the_sentence_end_before_to_the_one_after() -> None:
    start, end = _span_of(DOC, EXCERPT)
    lo, hi = sentence_around(DOC, start, end)
    assert DOC[lo:hi] == (
        "A study from 2012 counted 17 different types of vegetation growing on Redonda; "
        "the latest count, from 2019, showed 88."
    )


def test_the_answer_sentence_is_right_when_it_is_the_excerpt_sentence() -> None:
    sentence = _span_of(DOC, "A study from 2012 counted 17")[0], DOC.index("88.") + 3
    assert answer_sentence_right(DOC, sentence, EXCERPT)
    # the excerpt alone is the sentence's answering part: right too
    assert answer_sentence_right(DOC, _span_of(DOC, EXCERPT), EXCERPT)
    # and with the following sentence brought along
    with_next = sentence[0], DOC.index("wild goats.") + len("wild goats.")
    assert answer_sentence_right(DOC, with_next, EXCERPT)


def test_a_fragment_a_neighbour_or_a_run_of_sentences_is_not_the_answer_sentence() -> None:
    assert not answer_sentence_right(DOC, _span_of(DOC, "showed 88"), EXCERPT)  # a fragment
    assert not answer_sentence_right(
        DOC, _span_of(DOC, "It takes four hours to sail to Redonda."), EXCERPT
    )
    everything = (0, len(DOC))  # the whole text holds the excerpt, but mostly other sentences
    assert not answer_sentence_right(DOC, everything, EXCERPT)
    run = DOC.index("A study"), DOC.index("either.") + len("either.")  # two more after it
    assert not answer_sentence_right(DOC, run, EXCERPT)
    before = 0, DOC.index("88.") + 3  # the sentence before and the right one
    assert answer_sentence_right(DOC, before, EXCERPT)
    assert not answer_sentence_right(DOC, None, EXCERPT)


def test_a_stop_after_an_abbreviation_does_not_end_the_excerpt_sentence() -> None:
    # Real sentences of the set: an answer showing one whole, with its neighbour, is
    # right; a time, a month, an initial or "U.S." does not make it two sentences.
    doc = (
        "Rocket Pass 4 will begin at 10:00 a.m. PDT (5 p.m. UTC) on August 28 and ends on "
        "December 4. It will run you 10 keys ($10). Players get a free tier."
    )
    shown = 0, doc.index("($10).") + len("($10).")
    assert answer_sentence_right(doc, shown, "It will run you 10 keys ($10).")
    doc = (
        "Carlineo faces a maximum of 10 years in prison. Sentencing is scheduled for Feb. 14. "
        "He was arrested in April."
    )
    excerpt = "Sentencing is scheduled for Feb. 14."
    start, end = _span_of_in(doc, excerpt)
    assert doc[slice(*sentence_around(doc, start, end))] == excerpt
    assert answer_sentence_right(doc, (start, len(doc)), excerpt)
    assert not answer_sentence_right(doc, (0, len(doc)), excerpt)  # still a run of three
    doc = "Patrick W. Carlineo Jr. pleaded guilty. He was arrested in April."
    start, end = _span_of_in(doc, "pleaded guilty")
    assert (
        doc[slice(*sentence_around(doc, start, end))] == "Patrick W. Carlineo Jr. pleaded guilty."
    )
    # a stop after a unit is still a sentence end
    doc = "It parses at about 2 GB/s. The easier library has a speed of about 0.1 GB/s."
    start, end = _span_of_in(doc, "about 2")
    assert doc[slice(*sentence_around(doc, start, end))] == "It parses at about 2 GB/s."


def _span_of_in(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


# -- short answers -----------------------------------------------------------------------
def test_a_short_answer_is_right_only_as_labelled_or_in_an_accepted_form() -> None:
    assert short_right("88", "88")
    assert short_right("88.", "88")  # punctuation at its ends is not part of the answer
    assert short_right("Approximately 60", "approximately 60")
    assert short_right(
        "approximately 60 wild goats", "approximately 60", ("approximately 60 wild goats",)
    )
    assert not short_right("17", "88")  # the 2012 count for the 2019 one
    assert not short_right("60", "approximately 60")  # the qualifier dropped
    assert not short_right("1 billion", "US$1 billion")  # the currency dropped


# -- speakers and quotations -------------------------------------------------------------
def test_a_speaker_is_right_by_full_name_or_the_labelled_persons_surname_alone() -> None:
    assert speaker_right("Katherine Maher", "Katherine Maher")
    assert speaker_right("katherine  maher", "Katherine Maher")
    assert speaker_right("Maher", "Katherine Maher")
    assert speaker_right("Carlineo", "Patrick W. Carlineo Jr.")  # a suffix is not a surname
    assert speaker_right("House Speaker Brian Bosma", "Brian Bosma")  # a title before the name
    assert speaker_right("NOAA", "National Oceanic and Atmospheric Administration")
    assert speaker_right(None, None)
    assert speaker_right("one user", None, how="description")  # the text names no one


def test_a_title_another_name_or_a_name_for_a_scare_quote_is_wrong() -> None:
    assert not speaker_right("Executive Director", "Katherine Maher")
    assert not speaker_right("Katherine", "Katherine Maher")  # a first name is not a surname
    assert not speaker_right("Jo Grady", "Chi Onwurah")
    assert not speaker_right("Bong Joon Ho", None)  # 'Parasite' is a film title
    assert not speaker_right(None, "Katherine Maher")
    assert not speaker_right("global temperatures", "Satya Nadella", how="description")
    assert not speaker_right("Labour MP", None, how="named")


def test_a_short_label_matches_only_the_same_words_a_long_one_by_holding() -> None:
    assert quote_matches("Parasite", "Parasite,")
    assert not quote_matches("Parasite", "Parasite is the best film of the year")
    label = "We are thrilled to be reunited with the people of Turkey"
    assert quote_matches(label, "We are thrilled to be reunited with the people of Turkey,")
    assert quote_matches(label, "We are thrilled to be reunited")  # the index split it
    assert not quote_matches(label, "We are thrilled")  # less than half of it


def _citation() -> Citation:
    return Citation(SOURCE, None, None, None, None, None, None, 0, 1)


def _hit(quote: str, speaker: str | None, how: str | None = "named") -> QuoteHit:
    return QuoteHit(quote, speaker, SOURCE, 0, len(quote), _citation(), how, None, quote)


def _labels(**kw: object) -> DocLabels:
    fields: dict = {
        "file": "goats.html",
        "source": "hand-made",
        "extraction": ExtractionLabel("Goats ruled this island", "x " * 6, "y " * 6),
        "questions": (),
        "quotes": (),
    }
    fields.update(kw)
    return DocLabels(**fields)


def test_speakers_are_tallied_right_wrong_named_or_missing() -> None:
    result = RealDocsResult("t")
    label = _labels()
    hits = [
        _hit("Those goats were so smart", "Shanna Challenger"),
        _hit("Parasite", "Bong Joon Ho"),
        _hit("nature can recover", None),
    ]
    score_quote(result, label, QuoteLabel("Those goats were so smart", "Shanna Challenger"), hits)
    score_quote(result, label, QuoteLabel("Parasite", None), hits)  # a name for a title
    score_quote(result, label, QuoteLabel("nature can recover", "Shanna Challenger"), hits)
    score_quote(
        result, label, QuoteLabel("By and large, conservation in Antigua", "Natalya Lawrence"), hits
    )
    assert (result.quotes, result.quotes_found, result.speakers_right) == (4, 3, 1)
    assert result.wrong_named == 1  # only the name given for the title; no name is not wrong
    checks = [f.check for f in result.failures]
    assert checks == ["speaker wrong", "speaker missing", "quote missing"]
    summary = result.summary()
    assert summary["speakers_right"] == 0.25 and summary["wrong_named_speaker"] == 0.25


# -- questions ---------------------------------------------------------------------------
def _passage(text: str, start: int, source: str = SOURCE) -> Passage:
    return Passage(
        1,
        source,
        start,
        start + len(text),
        text,
        0.8,
        Span(start, start + len(text)),
        _citation(),
        Match.KEYWORD,
        False,
    )


def _answer(span: tuple[int, int] | None, short: str | None, passages: list[Passage]) -> Answer:
    answer = None
    if span is not None:
        answer = AnswerSpan(
            DOC[span[0] : span[1]], SOURCE, span[0], span[1], 0.8, _citation(), short_text=short
        )
    return Answer("q", answer, passages)


def test_an_answerable_question_is_scored_on_passage_sentence_and_short_answer() -> None:
    result = RealDocsResult("t")
    q = QuestionLabel("How many types of vegetation were counted in 2019?", EXCERPT, "88")
    whole = _passage(DOC, 0)
    sentence = _span_of(DOC, "A study from 2012 counted 17")[0], DOC.index("88.") + 3
    score_question(result, _labels(), q, _answer(sentence, "17", [whole]), SOURCE, DOC)
    assert (result.answerable, result.passage_first, result.answer_sentence) == (1, 1, 1)
    assert (result.short_given, result.short_wrong) == (1, 1)  # the 2012 count, in bold
    assert [f.check for f in result.failures] == ["short wrong"]


def test_not_found_with_the_answer_in_a_shown_passage_is_withheld_and_said_so() -> None:
    result = RealDocsResult("t")
    q = QuestionLabel("How many types of vegetation were counted in 2019?", EXCERPT, "88")
    other = _passage("Want to know more about the goats?", DOC.index("Want"))
    score_question(
        result, _labels(), q, _answer(None, None, [other, _passage(DOC, 0)]), SOURCE, DOC
    )
    assert (result.withheld, result.withheld_shown, result.passage_first) == (1, 1, 0)
    assert result.short_expected == 1 and result.short_given == 0
    assert {f.check for f in result.failures} == {"passage", "withheld"}


def test_any_answer_to_a_question_the_documents_cannot_answer_counts_as_answered() -> None:
    result = RealDocsResult("t")
    q = QuestionLabel("How many goats were killed on Redonda?", None)
    goats = _span_of(
        DOC, "The first step was relocating Redonda’s herd of approximately 60 wild goats."
    )
    score_question(result, _labels(), q, _answer(goats, "60", [_passage(DOC, 0)]), SOURCE, DOC)
    score_question(result, _labels(), q, _answer(None, None, [_passage(DOC, 0)]), SOURCE, DOC)
    assert (result.unanswerable, result.unanswerable_answered, result.answerable) == (2, 1, 0)
    assert result.summary()["unanswerable_answered"] == 0.5


# -- extraction --------------------------------------------------------------------------
def test_extraction_checks_the_headline_near_the_start_the_body_and_boilerplate() -> None:
    label = _labels(
        extraction=ExtractionLabel(
            "Goats ruled this island",
            "It takes four hours to sail to Redonda",
            "Want to know more about the goats?",
            ("Follow them", "Sign up to our newsletter"),
        )
    )
    kept = RealDocsResult("t")
    score_extraction(kept, label, "Goats ruled this island\n\n" + DOC)
    assert (kept.headline, kept.first, kept.last, kept.absent_ok, kept.absent_strings) == (
        1,
        1,
        1,
        1,
        2,
    )
    assert [f.check for f in kept.failures] == ["absent"]
    late = RealDocsResult("t")
    score_extraction(late, label, "x" * (HEADLINE_WITHIN + 1) + " Goats ruled this island")
    assert late.headline == 0 and late.first == 0 and late.last == 0


# -- labels ------------------------------------------------------------------------------
def test_label_problems_name_each_malformed_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.html").write_text("<p>x</p>", encoding="utf-8")
    good = {
        "file": "a.html",
        "source": "hand-made",
        "extraction": {
            "headline": "H",
            "first": "one two three four five six",
            "last": "one two three four five six",
            "absent": [],
        },
        "questions": [{"question": "Q?", "answer": None}],
        "quotes": [{"quote": "fate", "speaker": None}],
    }
    assert label_problems(good, tmp_path, "a.html.json") == []
    bad = {
        **good,
        "file": "missing.html",
        "questions": [
            {"question": "Q?", "answer": "too short", "short": "x"},
            {"question": "Q?", "answer": None, "short": "60"},
        ],
        "quotes": [{"quote": "fate", "speaker": "Tsai Ing-wen"}],
    }
    problems = label_problems(bad, tmp_path, "a.html.json")
    assert any("should be missing.html.json" in p for p in problems)
    assert any("not in" in p for p in problems)
    assert any("question 1" in p and "6 words" in p for p in problems)
    assert any("question 2" in p and "cannot answer" in p for p in problems)
    assert any("quote 1" in p and "4 words" in p for p in problems)
