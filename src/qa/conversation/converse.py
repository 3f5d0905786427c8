"""One turn of a conversation: resolve the follow-up, answer it with the conversation's
focus, remember what the answer names."""

from __future__ import annotations

from dataclasses import replace

from qa.answer.ask import ask
from qa.answer.model import Answer
from qa.conversation.resolve import Reading, resolve
from qa.conversation.turns import Conversation, Turn
from qa.embedding.encoder import Encoder
from qa.index.reader import Index


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
    answer = ask(index, encoder, reading.understood_as, k=k)
    answer = replace(
        answer,
        question=reading.question,
        understood_as=reading.understood_as,
        alternatives=reading.alternatives,
        ambiguity=reading.ambiguity,
    )
    conversation.add(Turn(reading.question, reading.understood_as, answer))
    return answer
