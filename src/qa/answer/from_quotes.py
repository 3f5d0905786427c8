"""Answers from the quote index: who said a phrase, what a person said.

A reporter asking who said something wants the person and the exact words, or to hear
that nobody in the documents said them: these questions are answered by speaker and
word for word, not by meaning. A speaker with no direct quotation may still be
reported ("Blinken noted that …"): those sentences are shown, marked as reported speech.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from qa.answer.model import Answer, AnswerSpan, Match, Passage, Span
from qa.answer.question import Question
from qa.answer.quotations import (
    QuoteHit,
    list_quotes,
    matching_speakers,
    quote_around,
    quote_hit,
    quotes_holding,
)
from qa.answer.support import asked_topic
from qa.citations import cite
from qa.embedding.encoder import Encoder
from qa.index.reader import Index
from qa.quotes.names import name_matches, name_words, person_name
from qa.quotes.verbs import REPORTING_VERBS
from qa.verify import only_contractions, verify, wdiff

# A passage shown around a quotation: its paragraph, cut to this many characters.
MAX_CONTEXT_CHARS = 1500


def _paragraphs_around(index: Index, hit: QuoteHit, doc_id: int) -> tuple[int, int]:
    """The paragraph(s) holding a quotation, cut around it when very long."""
    doc = index.document(doc_id)
    starts = [p.start for p in doc.paragraphs]
    first = max(0, bisect_right(starts, hit.start) - 1)
    last = max(0, bisect_right(starts, max(hit.start, hit.end - 1)) - 1)
    lo = doc.paragraphs[first].start if doc.paragraphs else 0
    hi = doc.paragraphs[last].end if doc.paragraphs else len(doc.text)
    lo, hi = min(lo, hit.start), max(hi, hit.end)
    if hi - lo > MAX_CONTEXT_CHARS:
        spare = max(0, MAX_CONTEXT_CHARS - (hit.end - hit.start)) // 2
        lo, hi = max(lo, hit.start - spare), min(hi, hit.end + spare)
    return lo, hi


def _doc_id(index: Index, source: str) -> int:
    doc = index.document_by_source(source)
    assert doc is not None
    return doc.id


def _quote_answer(
    index: Index,
    question: str,
    hits: list[QuoteHit],
    notes: list[str],
    k: int,
    match: Match = Match.QUOTE,
) -> Answer:
    passages = []
    for rank, hit in enumerate(hits[:k], 1):
        doc_id = _doc_id(index, hit.source)
        lo, hi = _paragraphs_around(index, hit, doc_id)
        doc = index.document(doc_id)
        passages.append(
            Passage(
                rank=rank,
                source=hit.source,
                start=lo,
                end=hi,
                text=doc.text[lo:hi],
                score=1.0,
                highlight=Span(hit.start, hit.end),
                citation=hit.citation,
                match=match,
                weak=False,
                speaker=hit.speaker,
            )
        )
    first = hits[0]
    answer = AnswerSpan(
        first.quote, first.source, first.start, first.end, 1.0, first.citation, first.speaker
    )
    return Answer(question, answer, passages, notes=tuple(notes))


# Reported speech: a name, then a speech verb within a few words ("Antony Blinken noted
# that …", "Smith, the mayor, said").
_REPORTING = re.compile(r"[^.;:“”\"]{0,60}?\b(?:" + "|".join(sorted(REPORTING_VERBS)) + r")\b")
_CAPITALISED = re.compile(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")
_REPORTED_CHUNKS = 50


def mentions(text: str, name: str) -> bool:
    """Whether ``text`` holds a capitalised word of ``name`` ("Merkel" for "Angela
    Merkel", "Schurf" for "Schurf's letter")."""
    wanted = {w.casefold() for w in re.findall(r"[A-Z][\w-]+", name) if len(w) > 1}
    wanted -= {w.casefold() for w in ("The", "What", "Who")}
    return any(w.casefold() in wanted for w in re.findall(r"[\w-]+", text))


def reported_speech(index: Index, name: str) -> list[QuoteHit]:
    """Sentences that report what ``name`` said without quoting it, in document order."""
    words = name_words(name)
    if not words:
        return []
    ids = [i for i, _ in index.lexical(words, _REPORTED_CHUNKS)]
    hits: list[QuoteHit] = []
    for chunk in sorted(index.chunks(ids).values(), key=lambda c: (c.doc_id, c.start)):
        doc = index.document(chunk.doc_id)
        for start, end in chunk.sentences:
            sentence = doc.text[start:end]
            for found in _CAPITALISED.finditer(sentence):
                if name_matches(name, found.group(0)) and _REPORTING.match(sentence, found.end()):
                    hits.append(
                        QuoteHit(
                            quote=sentence,
                            speaker=person_name(found.group(0)),
                            source=doc.source,
                            start=start,
                            end=end,
                            citation=cite(doc, start, end),
                            how="reported",
                            attribution=found.group(0),
                            sentence=sentence,
                        )
                    )
                    break
    return hits


def _said_by(hit: QuoteHit) -> str:
    return f"by {hit.speaker}" if hit.speaker else "with no speaker named in the text"


def answer_from_quotes(
    index: Index, question: Question, k: int, encoder: Encoder | None = None
) -> Answer:
    """Answer a quote question from the quote index; no answer (with a note saying why)
    when the quote index does not hold what was asked. With an ``encoder``, a phrase no
    quotation holds word for word is looked for by meaning too."""
    asked = question.quote_ask
    text = question.text
    if asked is None:
        return Answer(text, None, [])
    if asked.speaker is not None and asked.phrase is not None:
        return _did_they_say(index, text, asked.phrase, asked.speaker, encoder, k)
    if asked.speaker is not None:
        names = matching_speakers(index, asked.speaker)
        topic = asked_topic(text)
        if topic is not None and encoder is not None:
            # "What did Okafor say about the reserve fund?": hers on it first.
            hits = list_quotes(index, asked.speaker, k, about=topic, encoder=encoder)
        else:
            hits = [quote_hit(index, q) for q in index.quotes_by(names, limit=k)]
        if not hits:
            if not any(c.isupper() for c in asked.speaker):
                return Answer(text, None, [])
            note = f"No direct quotation by {asked.speaker} in these documents."
            reported = reported_speech(index, asked.speaker)
            if reported:
                note += " What the text reports them saying:"
                return _quote_answer(index, text, reported, [note], k, match=Match.REPORTED)
            return Answer(text, None, [], notes=(note,))
        total = index.count_quotes_by(names)
        count = f"{total} quotation{'s' * (total != 1)}"
        if topic is not None and encoder is not None and total > 1:
            count += f", those on “{topic}” first"
        return _quote_answer(index, text, hits, [f"{' / '.join(names)}: {count}."], k)

    phrase = asked.phrase or ""
    hits = quotes_holding(index, phrase)
    if hits:
        speakers = sorted({h.speaker or "no named speaker" for h in hits})
        note = f"“{phrase}” is quoted {_said_by(hits[0])}."
        if len(speakers) > 1:
            note = f"“{phrase}” is in {len(hits)} quotations: " + "; ".join(speakers) + "."
        return _quote_answer(index, text, hits, [note], k)
    return _said_something_like(index, text, phrase, encoder, k)


def _did_they_say(
    index: Index, text: str, phrase: str, speaker: str, encoder: Encoder | None, k: int
) -> Answer:
    """Whether ``speaker`` said ``phrase``: the quotation that holds it, word for word or
    nearly, if it is theirs; if it is someone else's, whose; if none is close, their
    quotation nearest in meaning, named as not a match."""
    names = set(matching_speakers(index, speaker))
    result = verify(index, phrase, limit=5, encoder=encoder)
    others: list[tuple[QuoteHit, str]] = []
    for match in result.matches:
        hit = quote_around(index, _doc_id(index, match.source), match.start, match.end)
        if hit is None:
            continue
        how = match.grade if not match.diff else f"{match.grade}: {wdiff(match.diff)}"
        if hit.speaker in names:
            note = f"{hit.speaker} is quoted saying it ({how})."
            return _quote_answer(index, text, [hit], [note], k)
        others.append((hit, how))
    if others:
        hit, how = others[0]
        note = f"Not {speaker}: these words are quoted {_said_by(hit)} ({how})."
        return _quote_answer(index, text, [hit], [note], k)
    note = f"No quotation by {speaker} is close to “{phrase}”."
    if names and encoder is not None:
        theirs = list_quotes(index, speaker, about=phrase, encoder=encoder)
        if theirs:
            nearest = theirs[0]
            note += (
                f" Their quotation nearest in meaning, not a match: “{nearest.quote}” — "
                f"{nearest.citation}"
            )
    elif not names:
        note = f"No direct quotation by {speaker} in these documents."
    return Answer(text, None, [], notes=(note,))


def _said_something_like(
    index: Index, text: str, phrase: str, encoder: Encoder | None, k: int
) -> Answer:
    """Who said ``phrase`` when no quotation holds its words as given: the quotation
    closest to it, in a word or two (fuzzy) or in other words (paraphrase), with the
    real wording in a note. Words of the writer's own are said to be so: nobody is
    quoted saying them."""
    result = verify(index, phrase, limit=3, encoder=encoder)
    for match in result.matches:
        hit = quote_around(index, _doc_id(index, match.source), match.start, match.end)
        if hit is not None:
            how = wdiff(match.diff) or match.grade
            if match.grade == "paraphrase" and only_contractions(match.diff):
                how = f"contractions written out: {how}"
            elif match.grade == "paraphrase":
                how = f"in other words, similarity {match.similarity:.2f}: {how}"
            note = (
                f"No quotation holds “{phrase}” word for word; the nearest is quoted "
                f"{_said_by(hit)}: “{match.text}” ({how})."
            )
            return _quote_answer(index, text, [hit], [note], k)
        if match.grade in ("exact", "normalized"):
            note = f"“{match.text}” is in the documents, but not in a quotation: {match.citation}."
            return Answer(text, None, [], notes=(note,))
        if match.grade == "paraphrase":
            note = (
                f"Nobody is quoted saying “{phrase}”; the writer's own words come closest: "
                f"“{match.text}” ({match.citation})."
            )
            return Answer(text, None, [], notes=(note,))
    return Answer(text, None, [], notes=(f"No quotation holds “{phrase}”.",))
