"""One turn of a conversation: resolve the follow-up, answer it with the conversation's
focus, remember what the answer names.

The focus is what makes a follow-up's retrieval a conversation's: the documents the
conversation is about (what all its questions' own keywords point to, with each turn's
scores for its question alone, later turns weighing more) and the place of the last
answer, and what was shown (for "what else"). It is kept for
every turn, a standalone one too ("Who founded the company?" in a conversation about a
document is about that document), but dropped when the question names something the
conversation's documents never mention and another document does: a new name moves on.
"""

from __future__ import annotations

import re
from dataclasses import replace

from qa.answer.ask import answer_question, ask, withheld
from qa.answer.focus import MAIN_WEIGHT, Focus, Place
from qa.answer.model import Answer, AnswerSpan
from qa.answer.question import parse_quote_ask
from qa.answer.support import reports_words_of
from qa.citations import cite
from qa.conversation.mentions import turn_mentions
from qa.conversation.resolve import Reading, resolve
from qa.conversation.turns import Conversation, Turn
from qa.embedding.encoder import Encoder
from qa.index.reader import Index
from qa.text.fold import fold
from qa.text.terms import keywords

# Each turn back weighs this much less in which documents the conversation is about.
TURN_DECAY = 0.6
# How many passages the conversation's words are looked up in, and how much they weigh
# beside the answers' documents (measured on CoQA's development half: the questions'
# own words tell the document best; the joint meaning of the questions, one more
# encoding a turn, added nothing).
CONSENSUS_DEPTH = 50
LEXICAL_MIX = 3.0
# How many passages holding a new name are looked at for the conversation's documents.
MOVE_ON_DEPTH = 200
_ELSE = re.compile(r"\s+else\b", re.I)
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'’-]+")


def _places(answer: Answer) -> list[Place]:
    """Where an answer stood: its span, else its first passage's highlight."""
    if answer.answer is not None:
        a = answer.answer
        return [Place(a.source, a.start, a.end)]
    if answer.passages:
        p = answer.passages[0]
        return [Place(p.source, p.highlight.start, p.highlight.end)]
    return []


def _evidence(answer: Answer) -> dict[str, float]:
    """How much one turn says the conversation is about each document: the best score
    of its passages for the question alone, before the conversation's preference
    (summed over the turns, the questions' consensus picks the document; an answer's
    own document would feed the preference back and lock a wrong one in). A quotation
    answer, found by speaker, counts its documents whole."""
    if answer.is_quotation and answer.answer is not None:
        return {p.source: 1.0 for p in answer.passages}
    return dict(answer.document_scores)


def _words_asked(index: Index, conversation: Conversation, reading: Reading) -> dict[str, float]:
    """Which documents the conversation's own words point to: BM25 of every question
    asked so far, as typed (never the words resolved from an answer, which would follow
    a wrong first document), each document its best passage, the best 1."""
    asked = " ".join([t.question for t in conversation.turns] + [reading.question])
    hits = index.lexical(keywords(asked), CONSENSUS_DEPTH)
    if not hits:
        return {}
    chunks = index.chunks(cid for cid, _ in hits)
    best: dict[int, float] = {}
    for cid, score in hits:
        chunk = chunks.get(cid)
        if chunk is not None:
            best[chunk.doc_id] = max(best.get(chunk.doc_id, 0.0), score)
    top = max(best.values())
    return {index.source(d): score / top for d, score in best.items()}


def _moves_on(index: Index, text: str, sources: tuple[str, ...]) -> bool:
    """Whether ``text`` names something (a capitalised word past its first) that none
    of ``sources`` holds and some other document does (by the keyword index: no
    document's text is read)."""
    names = {fold(m.group()) for m in _NAME.finditer(text.strip())}
    held = {index.document_id(s) for s in sources}
    for name in names:
        hits = index.lexical((name,), MOVE_ON_DEPTH)
        if not hits:
            continue  # no document has it: nothing to move on to
        chunks = index.chunks(cid for cid, _ in hits)
        if not any(c.doc_id in held for c in chunks.values()):
            return True
    return False


def _overlaps(source: str, start: int, end: int, places: tuple[Place, ...]) -> bool:
    return any(p.source == source and p.start < end and start < p.end for p in places)


def _without_shown(index: Index, answer: Answer, shown: tuple[Place, ...], k: int) -> Answer:
    """A quotation answer less the quotations already shown: the first one left is the
    answer. (Passage answers leave shown sentences out in retrieval, ``refocus``.)"""
    if not answer.is_quotation:
        return replace(answer, passages=answer.passages[:k])
    kept = [
        p
        for p in answer.passages
        if not _overlaps(p.source, p.highlight.start, p.highlight.end, shown)
    ][:k]
    if not kept:
        return replace(
            answer,
            answer=None,
            passages=[],
            notes=(*answer.notes, "Nothing more than what was shown above."),
        )
    first = kept[0]
    doc = index.document_by_source(first.source)
    assert doc is not None
    h = first.highlight
    span = AnswerSpan(
        doc.text[h.start : h.end],
        first.source,
        h.start,
        h.end,
        first.score,
        cite(doc, h.start, h.end),
        speaker=first.speaker,
    )
    return replace(
        answer,
        answer=span,
        passages=[replace(p, rank=i) for i, p in enumerate(kept, 1)],
    )


def conversation_focus(index: Index, conversation: Conversation, reading: Reading) -> Focus | None:
    """The focus ``reading`` is asked with, or None when there is nothing before it or
    it moves on to something the conversation's documents do not hold."""
    if not conversation.turns:
        return None
    weights: dict[str, float] = {}
    for age, turn in enumerate(reversed(conversation.turns)):
        for source, evidence in _evidence(turn.answer).items():
            weights[source] = weights.get(source, 0.0) + TURN_DECAY**age * evidence
    if weights:
        top = max(weights.values())
        weights = {s: w / top for s, w in weights.items()}
    for source, evidence in _words_asked(index, conversation, reading).items():
        weights[source] = weights.get(source, 0.0) + LEXICAL_MIX * evidence
    if not weights:
        return None
    top = max(weights.values())
    documents = tuple(
        (source, w / top) for source, w in sorted(weights.items(), key=lambda sw: -sw[1])
    )
    main = tuple(s for s, w in documents if w >= MAIN_WEIGHT)
    if _moves_on(index, reading.understood_as, main):
        return None
    shown = tuple(p for turn in conversation.turns for p in _places(turn.answer))
    return Focus(
        documents=documents,
        near=tuple(_places(conversation.turns[-1].answer)),
        shown=shown,
        leave_out_shown=reading.what_else,
        context_words=reading.context_words,
    )


def converse(
    index: Index,
    encoder: Encoder,
    conversation: Conversation,
    question: str,
    k: int = 5,
    reading: Reading | None = None,
) -> Answer:
    """Answer ``question`` as the next turn of ``conversation`` and add the turn.

    ``reading`` asks it as given instead of resolving it (the chat's "ask it as the
    other person" key, after ``conversation.forget_last()``)."""
    reading = reading or resolve(question, conversation)
    focus = conversation_focus(index, conversation, reading)
    asked = reading.understood_as
    if reading.what_else and focus is not None:
        # "What else did Choi Jung-hoon say?" is "What did Choi Jung-hoon say?" less what
        # was shown: asked for as many more as were shown, then those left out.
        asked = _ELSE.sub("", asked, count=1)
        answer = ask(index, encoder, asked, k=k + len(focus.shown), focus=focus)
        answer = _without_shown(index, answer, focus.shown, k)
        ask_of = parse_quote_ask(asked)
        if answer.answer is None and ask_of is not None and ask_of.speaker:
            # No other quotation by that name: the passages, less what was shown, may
            # still hold more of their words (a quotation the index gives nobody), but
            # only a passage reporting that person's words is an answer.
            passages = answer_question(index, encoder, asked, k=k, focus=focus)
            new = passages.answer
            if (
                new is not None
                and reports_words_of(new.text, ask_of.speaker)
                and not _overlaps(new.source, new.start, new.end, focus.shown)
            ):
                answer = passages
            else:
                answer = replace(withheld(passages), notes=answer.notes)
    else:
        answer = ask(index, encoder, asked, k=k, focus=focus)
    answer = replace(
        answer,
        question=reading.question,
        understood_as=reading.understood_as,
        alternatives=reading.alternatives,
        ambiguity=reading.ambiguity,
    )
    # The question as typed names the turn's topic; the words an understood-as took from
    # an answer ("Who said “After weeks…”?") are the answer's, not the question's.
    mentions = turn_mentions(index, reading.question, answer, reading.referents)
    conversation.add(Turn(reading.question, reading.understood_as, answer, mentions))
    return answer
