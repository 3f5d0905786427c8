"""A deterministic stand-in for the embedding model, for tests where the model is not
what is tested: building, updating, locking and refusing indexes.

It loads nothing and costs microseconds, so a test on it needs no model and stays in
the fast tier (unless it starts a process).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable

import numpy as np

from qa.embedding.model import DIMENSIONS, MODEL_NAME, MODEL_SHA256

_WORD = re.compile(r"\w+")


class FakeEncoder:
    """An ``qa.embedding.encoder.Encoder``: unit vectors from a bag of hashed words.

    Each lower-cased word adds a fixed pseudo-random unit vector (seeded by the word's
    sha256), and the sum is normalized: the same text always gives the same vector,
    texts sharing words lie close together and texts sharing none are near orthogonal.
    A text without words gets a fixed vector of its own.

    Its identity is the real model's (name, sha256, 384 dimensions), not a fake one:
    ``qa.index.reader.compatibility_problem`` refuses any index whose manifest names
    another model sha256 or another number of dimensions, and the builder rebuilds
    such an index from scratch. With a fake identity nothing it builds could be opened
    by ``open_index``, a `qa` command or ``Session``, nor updated incrementally. The
    price: an index built with it must stay inside the test that built it — a real
    `qa` (which loads the real model) would take it as its own and search vectors from
    another space. Nothing here gives such an index to a `qa` process to answer from.

    ``loaded`` starts True, as the session's model is: the builder then parses
    quotations in this process, as it does when the model is already loaded.
    """

    name = MODEL_NAME
    sha256 = MODEL_SHA256
    dimensions = DIMENSIONS

    def __init__(self, loaded: bool = True) -> None:
        self._loaded = loaded
        self.calls = 0  # encode_many calls: batches of passages the indexer sent
        self._words: dict[str, np.ndarray] = {}

    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        self._loaded = True

    def _word(self, word: str) -> np.ndarray:
        if word not in self._words:
            seed = int.from_bytes(hashlib.sha256(word.encode("utf-8")).digest()[:8], "little")
            v = np.random.default_rng(seed).standard_normal(self.dimensions)
            self._words[word] = v / np.linalg.norm(v)
        return self._words[word]

    def _vector(self, text: str) -> np.ndarray:
        words = _WORD.findall(text.lower())
        total = np.zeros(self.dimensions)
        for word in words or ["\x00 no words"]:
            total += self._word(word)
        norm = float(np.linalg.norm(total))
        return total / norm if norm > 0 else self._word("\x00 no words")

    def encode(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._vector(text)
        return out

    def encode_many(
        self, texts: list[str], progress: Callable[[int], None] | None = None
    ) -> np.ndarray:
        """The same vectors for a large list, in input order; ``progress`` is told the
        count once."""
        self.calls += 1
        out = self.encode(texts)
        if progress:
            progress(len(texts))
        return out
