"""One question in, one answer out: the path `qa ask` and the chat share.

Questions about quotations ("Who said 'cannon fodder'?", "What did Blinken say?") are
answered from the quote index first, by speaker and word for word; a quoted phrase the
documents do not hold word for word gets its nearest real wording as a note. Every other
question, and a quote question the quote index cannot answer, goes to retrieval.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from typing import TYPE_CHECKING

from qa.answers import Answer, AnswerSpan, Passage, Span, answer_question
from qa.citations import cite
from qa.quotes.listing import QuoteHit, matching_speakers, quote_around, quote_hit, quotes_holding
from qa.quotes.names import name_matches, name_words, person_name
from qa.quotes.questions import QuoteQuestion, parse_quote_question
from qa.store import Store
from qa.verify import verify, wdiff

if TYPE_CHECKING:
    from qa.embedding import Embedder
    from qa.index import OpenIndex

# A passage shown around a quotation: its paragraph, cut to this many characters.
MAX_CONTEXT_CHARS = 1500
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def ask(index: OpenIndex, embedder: Embedder, question: str, k: int = 5) -> Answer:
    """The answer to ``question``: from the quote index when it asks about quotations,
    else from retrieval; ``k`` passages at most."""
    # A lone surrogate (what Python makes of invalid UTF-8 in argv) cannot be encoded:
    # the tokenizer rejects it and it cannot be printed. It stands for bytes that were
    # no text, so it becomes U+FFFD, as any decoder would show them.
    question = _LONE_SURROGATE.sub("\ufffd", question)
    notes: tuple[str, ...] = ()
    routed = parse_quote_question(question)
    if routed is not None:
        from_quotes = answer_from_quotes(index, question.strip(), routed, k)
        if from_quotes.answer is not None:
            return from_quotes
        notes = from_quotes.notes
    answer = answer_question(index, embedder, question, k=k)
    near = tuple(n for phrase in answer.missing_phrases for n in _nearest_wording(index, phrase))
    notes += near
    return replace(answer, notes=notes) if notes else answer


def _nearest_wording(index: OpenIndex, phrase: str) -> list[str]:
    """A note giving the closest real wording of a phrase asked for word for word."""
    result = verify(index, phrase, limit=1)
    if not result.matches:
        return []
    m = result.matches[0]
    return [f"Nearest wording in the documents: “{m.text}” ({wdiff(m.diff)}) — {m.citation}"]


def _context(store: Store, hit: QuoteHit, doc_id: int) -> tuple[int, int]:
    """The paragraph(s) holding a quotation, cut around it when very long."""
    doc = store.document_text(doc_id)
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


def _doc_id(store: Store, source: str) -> int:
    doc = store.document_by_source(source)
    assert doc is not None
    return doc.id


def _quote_answer(
    store: Store,
    question: str,
    hits: list[QuoteHit],
    notes: list[str],
    k: int,
    match: str = "quote",
) -> Answer:
    passages = []
    for rank, hit in enumerate(hits[:k], 1):
        doc_id = _doc_id(store, hit.source)
        lo, hi = _context(store, hit, doc_id)
        doc = store.document_text(doc_id)
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
_REPORTING = re.compile(
    r"[^.;:“”\"]{0,60}?\b(?:said|says|noted|notes|stated|states|told|tells|warned|warns|"
    r"added|adds|argued|argues|claimed|claims|urged|urges|explained|explains|announced|"
    r"announces|insisted|insists|confirmed|confirms|acknowledged|acknowledges|suggested|"
    r"suggests|wrote|writes|testified|testifies|admitted|admits|predicted|predicts)\b"
)
_CAPITALISED = re.compile(r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*")
_REPORTED_CHUNKS = 50


def reported_speech(store: Store, name: str) -> list[QuoteHit]:
    """Sentences that report what ``name`` said without quoting it, in document order."""
    words = name_words(name)
    if not words:
        return []
    match = " OR ".join(f'"{w}"' for w in words)
    ids = [i for i, _ in store.lexical_search(match, _REPORTED_CHUNKS)]
    hits: list[QuoteHit] = []
    for chunk in sorted(store.chunks(ids).values(), key=lambda c: (c.doc_id, c.start)):
        doc = store.document_text(chunk.doc_id)
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


def answer_from_quotes(index: OpenIndex, question: str, asked: QuoteQuestion, k: int) -> Answer:
    """Answer a quote question from the quote index; no answer (with a note saying why)
    when the quote index does not hold what was asked."""
    store = index.store
    if asked.speaker is not None:
        names = matching_speakers(store, asked.speaker)
        hits = [quote_hit(store, q) for q in store.quotes_by(names, limit=k)]
        if not hits:
            if not any(c.isupper() for c in asked.speaker):
                return Answer(question, None, [])
            note = f"No direct quotation by {asked.speaker} in these documents."
            reported = reported_speech(store, asked.speaker)
            if reported:
                note += " What the text reports them saying:"
                return _quote_answer(store, question, reported, [note], k, match="reported")
            return Answer(question, None, [], notes=(note,))
        total = store.count_quotes_by(names)
        count = f"{total} quotation{'s' * (total != 1)}"
        return _quote_answer(store, question, hits, [f"{' / '.join(names)}: {count}."], k)

    phrase = asked.phrase or ""
    hits = quotes_holding(store, phrase)
    if hits:
        speakers = sorted({h.speaker or "no named speaker" for h in hits})
        note = f"“{phrase}” is quoted {_said_by(hits[0])}."
        if len(speakers) > 1:
            note = f"“{phrase}” is in {len(hits)} quotations: " + "; ".join(speakers) + "."
        return _quote_answer(store, question, hits, [note], k)
    # Not word for word: the wording a reporter half-remembers may still be a quotation.
    for match in verify(index, phrase, limit=3).matches:
        hit = quote_around(store, _doc_id(store, match.source), match.start, match.end)
        if hit is not None:
            note = (
                f"No quotation holds “{phrase}” word for word; the nearest is quoted "
                f"{_said_by(hit)}: “{match.text}” ({wdiff(match.diff) or match.grade})."
            )
            return _quote_answer(store, question, [hit], [note], k)
        if match.grade != "fuzzy":
            note = f"“{match.text}” is in the documents, but not in a quotation: {match.citation}."
            return Answer(question, None, [], notes=(note,))
    return Answer(question, None, [], notes=(f"No quotation holds “{phrase}”.",))
