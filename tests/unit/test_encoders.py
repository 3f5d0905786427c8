"""Encoding without the model: the tests' fake encoder, and the real encoder's choice of
thread count."""

from __future__ import annotations

import numpy as np

from qa.embedding.encoder import Encoder

from helpers.fake_encoder import FakeEncoder


def test_the_fake_encoder_is_an_encoder_with_the_models_identity(encoder: FakeEncoder) -> None:
    from qa.embedding.model import DIMENSIONS, MODEL_NAME, MODEL_SHA256

    as_protocol: Encoder = encoder  # mypy-checked shape; the values below at run time
    assert (as_protocol.name, as_protocol.sha256, as_protocol.dimensions) == (
        MODEL_NAME,
        MODEL_SHA256,
        DIMENSIONS,
    )
    assert encoder.loaded
    unloaded = FakeEncoder(loaded=False)
    assert not unloaded.loaded
    unloaded.load()
    assert unloaded.loaded


def test_the_fake_encoder_is_deterministic(encoder: FakeEncoder) -> None:
    texts = ["Tomatoes need six hours of sun.", "Basil likes warm nights.", "", "?!"]
    first = encoder.encode(texts)
    again = FakeEncoder().encode(list(reversed(texts)))[::-1]
    assert first.dtype == np.float32 and first.shape == (4, 384)
    assert np.array_equal(first, again)
    seen: list[int] = []
    assert np.array_equal(encoder.encode_many(texts, seen.append), first)
    assert seen == [4] and encoder.calls == 1
    assert encoder.encode([]).shape == (0, 384)


def test_the_fake_encoder_gives_unit_vectors(encoder: FakeEncoder) -> None:
    texts = ["One.", "", "   ", "Ünïcödé wörds ☃", "word " * 500, "x"]
    norms = np.linalg.norm(encoder.encode(texts), axis=1)
    assert np.allclose(norms, 1.0, atol=1e-6)


def test_the_fake_encoder_puts_similar_texts_closer_than_unrelated_ones(
    encoder: FakeEncoder,
) -> None:
    q, near, far = encoder.encode(
        [
            "How many hours of sun do tomatoes need?",
            "Tomatoes need six hours of sun.",
            "The harbour office counted ships at dawn.",
        ]
    )
    assert float(q @ near) > 0.4 > 0.2 > abs(float(q @ far))
    # Case and punctuation do not matter; the words do.
    same = encoder.encode(["Tomatoes NEED sun!", "tomatoes need sun"])
    assert float(same[0] @ same[1]) > 0.9999


def test_the_thread_count_follows_the_measured_speed() -> None:
    """Both thread counts are timed as batches go; the faster one is used, and the other
    tried again now and then, ever more rarely while it stays slower."""
    from qa.embedding.encoder import ThreadChooser

    chooser = ThreadChooser(2)
    picks: list[int] = []

    def run(batches: int, seconds_per_token: dict[int, float]) -> list[int]:
        out = []
        for _ in range(batches):
            threads = chooser.next()
            chooser.record(threads, 1000, 1000 * seconds_per_token[threads])
            out.append(threads)
        picks.extend(out)
        return out

    busy = run(40, {2: 3.0, 1: 1.0})  # other jobs hold the cores: one thread is faster
    assert busy[:2] == [2, 1] and busy.count(2) == 4  # the first try and three probes
    idle = run(40, {2: 1.0, 1: 5.0})  # the machine is free again
    assert idle.count(1) <= 6 and idle[-10:] == [2] * 10
    assert ThreadChooser(1).next() == 1

    # On one thread after a long busy spell, a core seen idle brings a try of two soon.
    chooser = ThreadChooser(2)
    run(60, {2: 3.0, 1: 1.0})
    assert chooser.interval == ThreadChooser.PROBE_MOST
    picks.clear()
    for _ in range(10):
        threads = chooser.next()
        chooser.record(threads, 1000, 1000 * {2: 0.5, 1: 1.0}[threads], idle_cores=1.0)
        picks.append(threads)
    assert picks[-3:] == [2, 2, 2]
