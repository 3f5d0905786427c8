"""One question in, one answer out: the path `qa ask`, the chat and `qa eval` share.

Questions about quotations ("Who said 'cannon fodder'?", "What did Blinken say?") are
answered from the quote index first, by speaker and word for word; a quoted phrase the
documents do not hold word for word gets its nearest real wording as a note. Every other
question, and a quote question the quote index cannot answer, is answered from
passages: candidates from both channels (``qa.answer.retrieve``), reranked
(``qa.answer.rerank``), the best sentence of the best passage as the answer
(``qa.answer.span``) with its short answer (``qa.answer.short``), or "not found" when
even the best passage scores under a threshold calibrated on the evaluation sets, when
a "how many" question's best passage gives no figure (or figures of another year than
the one asked) or says nothing, in any words, of what is counted
(``qa.answer.support``), or when "What did X say?" finds no word by X and the best
passage does not report X's words, or "What did X say about TOPIC?" finds only X's
quotations on other matters: the passages are still listed, marked weak, since an
honest "not found" beats a padded one.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import lru_cache

from qa.answer.focus import Focus, answer_support, focus_candidates, refocus
from qa.answer.from_quotes import answer_from_quotes
from qa.answer.model import Answer, AnswerSpan, Passage, Span
from qa.answer.question import Question
from qa.answer.rerank import (
    RERANK_DEPTH,
    ScoredPassage,
    Weights,
    default_weights,
    score_candidates,
)
from qa.answer.retrieve import gather_candidates, lexical_hits
from qa.answer.short import has_figure, short_answer
from qa.answer.support import (
    asked_topic,
    off_topic_word,
    reports_words_of,
    unsupported_word,
)
from qa.citations import cite
from qa.embedding.encoder import Encoder
from qa.index.reader import Index
from qa.text.terms import content_terms
from qa.verify import verify, wdiff

_YEAR = re.compile(r"\b(?:1[0-9]|20)\d\d\b")
# Questions whose answer is a figure and nothing else ("how long" may be "since 1979",
# "how fast" "quickly").
_COUNTS = re.compile(
    r"\bhow\s+(?:many|much)\b|\b(?:what|which)\s+(?:percentage|percent|number|amount)\b", re.I
)


def ask(
    index: Index,
    encoder: Encoder,
    question: str | Question,
    k: int = 5,
    focus: Focus | None = None,
) -> Answer:
    """The answer to ``question``: from the quote index when it asks about quotations,
    else from passages; ``k`` passages at most. ``focus`` (a follow-up's conversation)
    prefers the documents and places of the answers before."""
    if not isinstance(question, Question):
        question = Question.parse(question)
    notes: tuple[str, ...] = ()
    off_topic: Answer | None = None
    if question.quote_ask is not None:
        from_quotes = answer_from_quotes(index, question, k, encoder)
        word = _off_topic(encoder, question, from_quotes)
        if from_quotes.answer is not None and word is None:
            return from_quotes
        notes = from_quotes.notes
        if word is not None:
            # "What did Luther tell the legate about the papacy?": none of his
            # quotations shown is on it; a passage reporting his words may be.
            off_topic = from_quotes
            notes += (f"No quotation shown here says anything of “{word}”.",)
    answer = answer_question(index, encoder, question, k=k, focus=focus)
    speaker = question.quote_ask.speaker if question.quote_ask else None
    did_say = speaker is not None and question.quote_ask is not None and question.quote_ask.phrase
    if (
        notes
        and speaker
        and answer.answer
        and (did_say or not reports_words_of(answer.answer.text, speaker))
    ):
        # "What did Angela Merkel say?" of documents that never quote her: the best
        # passage is someone else's words, or only names her ("a bot created by Joseph
        # Weizenbaum"), which must not read as her answer. "Did Okafor say …?" with no
        # quotation close: a passage of hers must not read as a yes.
        answer = withheld(off_topic or answer)
    near = tuple(
        n for phrase in answer.missing_phrases for n in _nearest_wording(index, encoder, phrase)
    )
    notes += answer.notes + near
    return replace(answer, notes=notes) if notes else answer


def withheld(answer: Answer) -> Answer:
    """``answer`` as "not found": no answer, its passages kept but marked weak."""
    return replace(answer, answer=None, passages=[replace(p, weak=True) for p in answer.passages])


def _nearest_wording(index: Index, encoder: Encoder, phrase: str) -> list[str]:
    """A note giving the closest real wording of a phrase asked for word for word: a
    word or two off, or the same in other words."""
    result = verify(index, phrase, limit=1, encoder=encoder)
    if not result.matches:
        return []
    m = result.matches[0]
    said = f", said by {m.speaker}" if m.speaker else ""
    return [f"Nearest wording in the documents: “{m.text}” ({wdiff(m.diff)}){said} — {m.citation}"]


@lru_cache(maxsize=1)
def _encoder_thread() -> ThreadPoolExecutor:
    """One thread that embeds questions while the calling thread searches keywords."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="qa-embed")


def answer_question(
    index: Index,
    encoder: Encoder,
    question: str | Question,
    k: int = 5,
    weights: Weights | None = None,
    focus: Focus | None = None,
) -> Answer:
    """Answer one question from passages: top ``k`` passages and the best span; with a
    ``focus``, the conversation's documents and places are preferred."""
    weights = weights or default_weights()
    query = question if isinstance(question, Question) else Question.parse(question)
    if not query.searchable:
        return Answer(query.text, None, [])
    # The question's embedding (onnxruntime) and the keyword search (SQLite) both let
    # go of the GIL, so side by side they take the longer of the two, not the sum.
    pending = _encoder_thread().submit(encoder.encode, [query.text])
    lexical = lexical_hits(index, query, focus.context_words if focus else ())
    index.term_frequencies(query.terms)  # kept for the reranker's IDF
    qvec = pending.result()[0]
    candidates = gather_candidates(index, query, qvec, max(RERANK_DEPTH, k), lexical=lexical)
    if focus:
        candidates += focus_candidates(index, focus, {c.chunk_id for c in candidates})
    scored = score_candidates(index, query, qvec, candidates, weights)
    document_scores: dict[int, float] = {}
    for s in scored:
        document_scores[s.doc_id] = max(document_scores.get(s.doc_id, 0.0), s.unfocused)
    if focus:
        scored = refocus(index, focus, scored)
    top = scored[:k]
    if not top:
        return Answer(query.text, None, [])
    missing = () if any(c.exact for c in candidates) else query.phrases
    # A phrase asked for word for word that the documents do not hold means the
    # question is not answered here, however close the meaning of a passage.
    # Judged on the score for the question alone, raised a little by a conversation's
    # focus: the focus ranks its document's passages first, but does not make a weak
    # one an answer.
    found = top[0].candidate.exact or (
        not missing and answer_support(top[0]) >= weights.found_threshold
    )
    notes: tuple[str, ...] = ()
    if found and _COUNTS.search(query.text) and not top[0].candidate.exact:
        # "How many views did the piece get?" of a passage with no figure at all: it is
        # on the subject, but the documents do not give the number asked for.
        best_doc = index.document(top[0].doc_id)
        years = [t for t in top[0].unsupported if _YEAR.fullmatch(t)]
        if not has_figure(query, best_doc.text, top[0].start, top[0].end):
            found = False
            notes += ("The nearest passages give no figure for this.",)
        elif years and _YEAR.search(best_doc.text, top[0].start, top[0].end):
            # "How many died in 2019?" of a passage giving 2009-2018's deaths: its
            # figures are other years'. (A passage naming no year may be on that one.)
            found = False
            notes += (f"The nearest passages give no figure for {', '.join(years)}.",)
    if found and _COUNTS.search(query.text) and top[0].unsupported:
        # "How many goats were killed on Redonda?" of a passage saying they were
        # relocated: a figure is there, but nothing says what it counts is what was
        # asked. (Counts only: other questions paraphrase too freely for this.)
        word = _unsupported(index, encoder, query, top[0])
        if word is not None:
            found = False
            notes += (f"Nothing here says “{word}”; the nearest passages are below.",)
    passages: list[Passage] = []
    for rank, s in enumerate(top, 1):
        doc = index.document(s.doc_id)
        passages.append(
            Passage(
                rank=rank,
                source=doc.source,
                start=s.start,
                end=s.end,
                text=doc.text[s.start : s.end],
                score=answer_support(s),
                highlight=Span(*s.answer_span(doc.text, query, figure=rank == 1)),
                citation=cite(doc, s.start, s.end),
                match=s.candidate.match,
                weak=not found,
            )
        )
    answer: AnswerSpan | None = None
    if found:
        best, first = top[0], passages[0]
        doc = index.document(best.doc_id)
        start, end = first.highlight.start, first.highlight.end  # the best passage's span
        short = short_answer(query, doc.text, start, end)
        answer = AnswerSpan(
            doc.text[start:end],
            doc.source,
            start,
            end,
            answer_support(best),
            cite(doc, start, end),
            short=short,
            short_text=doc.text[short.start : short.end] if short else None,
        )
    by_source = tuple(
        (index.source(doc_id), score)
        for doc_id, score in sorted(document_scores.items(), key=lambda ds: -ds[1])[:10]
    )
    return Answer(query.text, answer, passages, missing, notes=notes, document_scores=by_source)


def _unsupported(
    index: Index, encoder: Encoder, query: Question, best: ScoredPassage
) -> str | None:
    """The question's word that nothing in the best passage (or its title and heading)
    means and its document never uses (``qa.answer.support``), or None."""
    chunk = index.chunks([best.candidate.chunk_id]).get(best.candidate.chunk_id)
    if chunk is None:
        return None
    text = index.chunk_texts([chunk]).get(best.candidate.chunk_id)
    if text is None:
        return None
    context = f"{text.title or ''} {text.heading}"

    def known(word: str) -> bool:
        term = content_terms(word)
        return bool(term) and index.term_frequencies(tuple(term))[0].get(term[0], 0) > 0

    document = index.document(best.doc_id).text
    return unsupported_word(encoder, query.text, text.text, context, document, known)


def _off_topic(encoder: Encoder, question: Question, answer: Answer) -> str | None:
    """The word of the topic a "What did X say about TOPIC?" question asks that none of
    the quotations of ``answer`` (with their paragraphs) is on, or None ("What did
    Ilhan Omar say about the guilty plea?" of her only quotation, on another matter)."""
    topic = asked_topic(question.text)
    if topic is None or answer.answer is None:
        return None
    return off_topic_word(encoder, topic, (p.text for p in answer.passages))
