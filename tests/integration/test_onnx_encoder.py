"""The ONNX question encoder gives sentence-transformers' vectors, and refuses bad exports.

The real model is exported once for the module (about 15 s) into a tmp cache folder;
every check then runs on small inputs against the session's torch ``Embedder``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from qa.embedding.encoder import Embedder
from qa.embedding.model import DIMENSIONS, MODEL_SHA256, model_dir
from qa.embedding.onnx import (
    OnnxEncoderError,
    OnnxQueryEncoder,
    cached_onnx_path,
    export_onnx,
    sidecar_path,
)

from helpers.corpus import SAMPLE_ARTICLE, SampleIndex

HEAVY_MODULES = ("torch", "transformers", "sentence_transformers", "onnxruntime", "tokenizers")

# Long enough to pass the 256-token cut (checked below), so truncation is compared too.
LONG_TEXT = SAMPLE_ARTICLE.read_text(encoding="utf-8")[:4000]

TEXTS = [
    "When did the 1973 oil crisis begin?",
    "How many North Korean troops arrived in Russia?",
    "Qui a écrit « Les Misérables » et où Victor Hugo est-il né ?",
    "Crème brûlée, naïve café, Ångström, Zürich — São Paulo",
    "COVID-19 mRNA vaccines' efficacy (95%) vs. placebo?",
    "日本語のテキストも少し",
    "🙂 ok 👍",
    LONG_TEXT,
    "?!...",
    "—",
    "",
]


@pytest.fixture(scope="module")
def exported(question_export: Path) -> Path:
    """The session's export, in its tmp cache folder (``QA_CACHE_DIR``, see conftest)."""
    return question_export


@pytest.fixture(scope="module")
def encoder(exported: Path) -> OnnxQueryEncoder:
    model = OnnxQueryEncoder()  # finds the export through QA_CACHE_DIR
    model.load()
    return model


def test_export_is_in_the_cache_with_its_sidecar(exported: Path, tmp_path: Path) -> None:
    assert exported.parent == Path(os.environ["QA_CACHE_DIR"])
    assert MODEL_SHA256[:16] in exported.name
    assert exported.is_file()
    sidecar = json.loads(sidecar_path(exported).read_text(encoding="utf-8"))
    assert sidecar["source_sha256"] == MODEL_SHA256
    assert len(sidecar["onnx_sha256"]) == 64
    assert sidecar["opset"] >= 14
    assert sidecar["torch"] and sidecar["onnxruntime"]
    # Only the two finished files: no temporary file left behind.
    assert sorted(p.name for p in exported.parent.iterdir()) == sorted(
        [exported.name, sidecar_path(exported).name]
    )


def test_cache_location_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("QA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cached_onnx_path().parent == tmp_path / "xdg" / "qa"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cached_onnx_path().parent == tmp_path / "home" / ".cache" / "qa"
    monkeypatch.setenv("QA_CACHE_DIR", str(tmp_path / "mine"))
    assert cached_onnx_path().parent == tmp_path / "mine"


def test_long_text_is_cut_like_sentence_transformers(
    encoder: OnnxQueryEncoder, torch_embedder: Embedder
) -> None:
    from tokenizers import Tokenizer

    whole = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    whole.no_truncation()
    assert len(whole.encode(LONG_TEXT).ids) > 600
    assert encoder.max_tokens == torch_embedder.max_tokens == 256


def test_vectors_match_sentence_transformers(
    encoder: OnnxQueryEncoder, torch_embedder: Embedder
) -> None:
    expected = torch_embedder.encode_many(TEXTS)  # the reference: torch
    batched = encoder.encode(TEXTS)
    assert batched.dtype == expected.dtype == np.float32
    assert batched.shape == expected.shape == (len(TEXTS), DIMENSIONS)
    assert batched.flags["C_CONTIGUOUS"]
    np.testing.assert_allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    assert float(np.abs(batched - expected).max()) < 1e-5
    # One at a time (no padding at all), as a question is encoded.
    for text, row in zip(TEXTS, expected, strict=True):
        single = encoder.encode([text])
        assert single.shape == (1, DIMENSIONS)
        assert float(np.abs(single[0] - row).max()) < 1e-5
        assert float(np.abs(single[0] - torch_embedder.encode_many([text])[0]).max()) < 1e-5


def test_nearest_neighbours_are_the_same(
    encoder: OnnxQueryEncoder, torch_embedder: Embedder
) -> None:
    lines = [line.strip() for line in SAMPLE_ARTICLE.read_text(encoding="utf-8").splitlines()]
    passages = torch_embedder.encode_many([line for line in lines if line])
    questions = TEXTS[:7]
    ours = encoder.encode(questions) @ passages.T
    theirs = torch_embedder.encode_many(questions) @ passages.T
    for a, b in zip(ours, theirs, strict=True):
        assert list(np.argsort(-a, kind="stable")[:5]) == list(np.argsort(-b, kind="stable")[:5])


def test_no_texts(encoder: OnnxQueryEncoder) -> None:
    out = encoder.encode([])
    assert out.shape == (0, DIMENSIONS)
    assert out.dtype == np.float32


def test_a_changed_byte_is_refused(exported: Path, tmp_path: Path) -> None:
    copy = tmp_path / exported.name
    shutil.copyfile(exported, copy)
    shutil.copyfile(sidecar_path(exported), sidecar_path(copy))
    with open(copy, "r+b") as f:
        f.seek(copy.stat().st_size // 2)
        byte = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(OnnxEncoderError, match="sha256"):
        OnnxQueryEncoder(copy).load()
    with pytest.raises(OnnxEncoderError):
        OnnxQueryEncoder(copy).encode(["a question"])


def test_an_export_of_other_weights_is_refused(exported: Path, tmp_path: Path) -> None:
    copy = tmp_path / exported.name
    try:
        os.link(exported, copy)
    except OSError:
        shutil.copyfile(exported, copy)
    sidecar = json.loads(sidecar_path(exported).read_text(encoding="utf-8"))
    sidecar["source_sha256"] = "0" * 64
    sidecar_path(copy).write_text(json.dumps(sidecar), encoding="utf-8")
    with pytest.raises(OnnxEncoderError, match="made from weights"):
        OnnxQueryEncoder(copy).load()


def test_a_missing_export_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OnnxEncoderError, match="no ONNX export"):
        OnnxQueryEncoder(tmp_path / "absent.onnx").load()


def test_other_weights_are_not_exported(tmp_path: Path) -> None:
    (tmp_path / "model.safetensors").write_bytes(b"not the model")
    with pytest.raises(OnnxEncoderError, match="refusing to export"):
        export_onnx(tmp_path, tmp_path / "out.onnx")
    assert not (tmp_path / "out.onnx").exists()


def test_importing_the_module_loads_no_heavy_library() -> None:
    heavy = f"print([m for m in {HEAVY_MODULES!r} if m in sys.modules])\n"
    code = "import sys, qa.embedding.onnx\n" + heavy
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"


def test_a_question_is_answered_without_importing_torch(sample_index: SampleIndex) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from qa.answer.ask import ask\n"
        "from qa.embedding.encoder import Embedder\n"
        "from qa.index.reader import open_index\n"
        f"index = open_index(Path({str(sample_index.index_dir)!r}))\n"
        "answer = ask(index, Embedder(), 'How many North Korean troops arrived in Russia?')\n"
        "print(answer.answer is not None, [m for m in ('torch', 'sentence_transformers') "
        "if m in sys.modules])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "True []"


def test_without_an_export_text_goes_through_torch(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, embedder: Embedder
) -> None:
    monkeypatch.setenv("QA_CACHE_DIR", str(tmp_path))
    model = Embedder()
    vector = model.encode(["How many North Korean troops arrived in Russia?"])
    assert model.questions_note is not None and "no ONNX export" in model.questions_note
    assert "_model" in model.__dict__  # the torch model did the work
    expected = embedder.encode(["How many North Korean troops arrived in Russia?"])
    assert float(np.abs(vector - expected).max()) < 1e-5


def test_passages_batched_on_every_core_match_torch(
    embedder: Embedder, torch_embedder: Embedder
) -> None:
    lines = [line for line in SAMPLE_ARTICLE.read_text(encoding="utf-8").splitlines() if line]
    ours = embedder.encode_many(lines)
    theirs = torch_embedder.encode_many(lines)
    assert "_model" not in embedder.__dict__  # no torch: the export did the work
    assert ours.shape == theirs.shape
    assert float(np.abs(ours - theirs).max()) < 1e-5
    assert embedder.token_counts(lines) == torch_embedder.token_counts(lines)
