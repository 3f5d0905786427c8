"""The session's model behind a cache: the same texts give the same vectors.

Tests that rebuild or query one small corpus dozens of times (after each kill, for each
kind of damage) would spend most of their time re-encoding identical texts; the
indexer and the answer path still run in full, on the model's own vectors.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qa.embedding.encoder import Embedder


class CachedEmbedder(Embedder):
    """Wraps a loaded Embedder; each distinct batch of texts is encoded once."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__()
        self.inner = inner
        self.cache: dict[tuple[str, ...], np.ndarray] = {}
        inner.load()
        # Loaded as the inner model is (the indexer skips load()): its ONNX encoder, or
        # its torch model.
        self._onnx, self._onnx_tried = inner._onnx, True
        if inner._onnx is None:
            self.__dict__["_model"] = inner._model

    def encode(self, texts: list[str]) -> np.ndarray:
        """The inner model's vectors for ``texts`` (questions), from the cache when seen
        before."""
        return self._cached(("question", *texts), self.inner.encode, texts)

    def encode_passages(self, texts: list[str], threads: int | None = None) -> np.ndarray:
        """Likewise for the batches of passages the indexer encodes."""
        return self._cached(("passages", *texts), self.inner.encode_passages, texts)

    def _cached(
        self, key: tuple[str, ...], encode: Callable[[list[str]], np.ndarray], texts: list[str]
    ) -> np.ndarray:
        if key not in self.cache:
            self.cache[key] = encode(texts)
        return self.cache[key].copy()
