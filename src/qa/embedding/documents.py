"""What a batch of documents is embedded as: every sentence once, and each chunk's
vector the mean of its sentences' and of its section's context (title and heading).

One function for every writer that embeds documents: the local build
(``qa.index.builder``) and the workers of a distributed one, so that a chunk's vector is
the same whichever made it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from qa.embedding.encoder import Encoder, chunk_means, embedding_text
from qa.ingest.chunking import Layout


def embed_documents(
    encoder: Encoder,
    documents: Sequence[tuple[str, str | None, Layout]],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(sentence vectors, chunk vectors) of ``documents``, each (text, title, layout),
    in order: the sentences of every chunk of every document, one chunk vector each.

    Every word is encoded once, sentence by sentence. A chunk's vector is the mean of its
    sentences' (and of its title and heading, when it has them, encoded once per
    section), which also sees the whole chunk where MiniLM would cut a chunk at 256
    tokens. ``progress(done, total)`` counts texts encoded.
    """
    texts: list[str] = []
    shapes: list[tuple[int, int | None]] = []  # per chunk: sentences, context row
    contexts: dict[str, int] = {}  # "title. heading" -> row
    for text, title, layout in documents:
        for chunk in layout.chunks:
            heading = layout.heading(chunk, text)
            texts.extend(embedding_text(None, None, text[s:e]) for s, e in chunk.sentences)
            context = embedding_text(None, None, ". ".join(c for c in (title, heading) if c))
            context_row = contexts.setdefault(context, len(contexts)) if context else None
            shapes.append((len(chunk.sentences), context_row))
    context_rows = len(texts)
    texts.extend(contexts)
    encoded = encoder.encode_many(
        texts, None if progress is None else (lambda n: progress(n, len(texts)))
    )
    sentence_vectors = encoded[:context_rows]
    return sentence_vectors, chunk_means(sentence_vectors, encoded[context_rows:], shapes)
