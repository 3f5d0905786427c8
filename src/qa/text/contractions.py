"""Contractions written out: "they’ll" as "they will", "don’t" as "do not".

A reporter writes a quote down with or without its contractions, and neither the
model's meaning nor a word-for-word alignment should count that as a difference: the
quote and the document are compared with both written out (what is shown stays the
document's own words). "’s" is left alone: it is as often a possessive as "is".
"""

from __future__ import annotations

import re

_SUFFIXES = {"n't": "not", "'re": "are", "'ll": "will", "'ve": "have", "'m": "am", "'d": "would"}
_IRREGULAR = {"can't": ("can", "not"), "won't": ("will", "not"), "shan't": ("shall", "not")}
_CONTRACTED = re.compile(r"^(\w+?)(n't|'re|'ll|'ve|'m|'d)$", re.IGNORECASE)
_WORD = re.compile(r"\w+['’]\w+")


def write_out_word(word: str) -> tuple[str, ...]:
    """The words a contracted ``word`` stands for ("they’re" → "they", "are"), or the
    word itself."""
    plain = word.replace("’", "'")
    irregular = _IRREGULAR.get(plain.casefold())
    if irregular:
        return irregular
    m = _CONTRACTED.match(plain)
    if m is None:
        return (word,)
    return m.group(1), _SUFFIXES[m.group(2).casefold()]


def written_out(text: str) -> str:
    """``text`` with its contractions written out and its spacing made single."""
    text = _WORD.sub(lambda m: " ".join(write_out_word(m.group())), text)
    return " ".join(text.split())
