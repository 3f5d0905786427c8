"""Questions encoded without torch: the MiniLM model exported to ONNX, run by onnxruntime.

A cold ``qa ask`` spent nearly all of its 8-13 s importing sentence-transformers,
transformers and torch, to encode one short question. onnxruntime imports in a
fraction of a second, and the exported graph gives the same vectors as
sentence-transformers to within about 3e-7 (max abs difference).

The export is made once from the verified ``model.safetensors`` (torch is needed for
that step only) and kept in the user's cache, named by the weights' sha256. A JSON
sidecar records which weights it came from and its own sha256; the encoder refuses an
export whose bytes or source do not match, raising :class:`OnnxEncoderError` so the
caller can fall back to the torch :class:`~qa.embedding.encoder.Embedder`.

Importing this module imports neither torch, transformers, sentence-transformers,
onnxruntime nor tokenizers: each is imported where it is first needed.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from qa.config import cache_dir
from qa.embedding.model import (
    DIMENSIONS,
    MODEL_NAME,
    MODEL_SHA256,
    model_dir,
    quiet_offline_transformers,
    verify_weights,
)
from qa.errors import ModelError
from qa.files import fsync_dir, sha256_file
from qa.interrupts import interrupt_held

# Opset 17 is well inside what both torch's TorchScript exporter and onnxruntime 1.x
# support, and has every operator BERT needs.
OPSET = 17
SIDECAR_FORMAT = 1
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT_NAME = "last_hidden_state"
# Largest difference in token embeddings tolerated between torch and the export when
# the export checks itself (measured differences are below 1e-5).
EXPORT_TOLERANCE = 1e-4
# Texts per inference call; texts are sorted by token count first so that each call
# pads little.
BATCH = 32


class OnnxEncoderError(ModelError):
    """The ONNX export is missing, damaged, or not made from the model we expect.

    The caller should fall back to the torch :class:`~qa.embedding.encoder.Embedder`.
    """


def cached_onnx_path() -> Path:
    """Where the export of our model lives, named by its weights' sha256.

    A different model (other weights) gets another name, so it never reuses this file.
    """
    return cache_dir() / f"all-minilm-l6-v2-{MODEL_SHA256[:16]}.onnx"


def sidecar_path(onnx_path: Path) -> Path:
    """The JSON file next to an export that says what it is."""
    return onnx_path.with_suffix(".json")


def _package_version(name: str) -> str | None:
    """An installed distribution's version, read without importing it."""
    from importlib import metadata  # 40 ms to import: only the export needs it

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _write_atomic(path: Path, write: Any) -> None:
    """Write ``path`` through a temporary file in its folder, then rename it into place.

    ``write`` is called with the temporary file's path. A reader sees the old file or
    the complete new one, never a partial write.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def export_onnx(model_path: Path, out_path: Path) -> None:
    """Export the model at ``model_path`` to ``out_path`` (ONNX) with its JSON sidecar.

    The weights must be the ones we ship with (their sha256 is checked first). The graph
    takes ``input_ids``, ``attention_mask`` and ``token_type_ids`` (int64, dynamic batch
    and sequence axes) and returns the token embeddings (``last_hidden_state``); pooling
    and normalization stay in numpy, as sentence-transformers does them outside the
    transformer too.

    Needs torch, transformers and the ``onnx`` package (torch's TorchScript exporter
    uses it to assemble the file), plus onnxruntime: the export runs once through
    onnxruntime and is refused if its output differs from torch's.
    """
    try:
        verify_weights(model_path)
    except ModelError as e:
        raise OnnxEncoderError(f"refusing to export: {e}") from None
    source_sha = MODEL_SHA256
    quiet_offline_transformers()
    import torch
    from transformers import AutoModel

    # Eager attention traces to plain MatMul/Softmax operators; the attention mask is an
    # input of the graph, not a constant of the trace.
    model = AutoModel.from_pretrained(
        str(model_path), local_files_only=True, attn_implementation="eager"
    )
    model.eval()

    class _TokenEmbeddings(torch.nn.Module):
        """The transformer with a plain tensor output, as the exporter wants."""

        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            ).last_hidden_state

    # Traced on a padded batch, so the masking of padding is part of the graph.
    input_ids = torch.tensor(
        [[101, 2054, 2003, 1996, 3007, 1997, 2605, 1029, 102], [101, 7592, 102, 0, 0, 0, 0, 0, 0]],
        dtype=torch.long,
    )
    attention_mask = (input_ids != 0).long()
    token_type_ids = torch.zeros_like(input_ids)
    sample = (input_ids, attention_mask, token_type_ids)
    dynamic_axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUT_NAMES, OUTPUT_NAME)}
    # A new Module starts in training mode, and the exporter restores that mode after
    # tracing (recursively, turning dropout back on in the model): keep it in eval mode.
    wrapper = _TokenEmbeddings(model).eval()

    def write(tmp: Path) -> None:
        with torch.no_grad(), warnings.catch_warnings():
            # The legacy exporter's deprecation notice and tracer warnings about
            # shape checks in transformers that are constant for this model.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper,
                sample,
                str(tmp),
                input_names=list(INPUT_NAMES),
                output_names=[OUTPUT_NAME],
                dynamic_axes=dynamic_axes,
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
        with torch.no_grad():
            expected = wrapper(*sample).numpy()
        _check_export(tmp.read_bytes(), sample, expected)

    _write_atomic(out_path, write)
    sidecar = {
        "format": SIDECAR_FORMAT,
        "model": MODEL_NAME,
        "source_sha256": source_sha,
        "onnx_sha256": sha256_file(out_path),
        "tokenizer_sha256": sha256_file(model_path / "tokenizer.json"),
        "opset": OPSET,
        "inputs": list(INPUT_NAMES),
        "output": OUTPUT_NAME,
        "torch": torch.__version__,
        "transformers": _package_version("transformers"),
        "onnx": _package_version("onnx"),
        "onnxruntime": _package_version("onnxruntime"),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    text = json.dumps(sidecar, indent=2) + "\n"
    _write_atomic(sidecar_path(out_path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _check_export(onnx_bytes: bytes, sample: tuple[Any, ...], expected: np.ndarray) -> None:
    """Run the fresh export on the trace's inputs and compare with torch's output."""
    session = _session(onnx_bytes)
    feeds = {name: t.numpy() for name, t in zip(INPUT_NAMES, sample, strict=True)}
    got = session.run([OUTPUT_NAME], feeds)[0]
    mask = feeds["attention_mask"].astype(bool)
    diff = float(np.abs(got[mask] - expected[mask]).max())
    if not diff <= EXPORT_TOLERANCE:
        raise OnnxEncoderError(f"the ONNX export differs from torch by {diff:.2e}")


def _session(onnx_bytes: bytes, threads: int = 1) -> Any:
    """An onnxruntime session on the CPU, on ``threads`` threads (one by default).

    A question is a dozen tokens: splitting so little work across threads costs more in
    hand-offs than it saves, and on a busy machine waiting threads slow everything down
    (the torch path measured 30 ms on one thread against 500 ms on two, p50). One thread
    also leaves the other cores to whatever else the chat is doing. Batches of passages
    use every core: two threads encode them 1.9 times as fast as one here.
    """
    try:
        with interrupt_held():  # a Ctrl-C here must not read as "not installed"
            import onnxruntime as ort
    except ImportError as e:
        raise OnnxEncoderError("onnxruntime is not installed") from e
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3  # errors only
    try:
        return ort.InferenceSession(
            onnx_bytes, sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as e:  # onnxruntime raises its own exception types
        raise OnnxEncoderError(f"onnxruntime cannot load the export: {e}") from e


class OnnxQueryEncoder:
    """Encodes questions like :meth:`Embedder.encode`, through the ONNX export.

    Nothing is read until the first :meth:`load` or :meth:`encode`; both raise
    :class:`OnnxEncoderError` if the export is missing, damaged or made from other
    weights. Thread-safe.
    """

    name = MODEL_NAME
    sha256 = MODEL_SHA256
    dimensions = DIMENSIONS

    def __init__(self, onnx_path: Path | None = None, model_path: Path | None = None) -> None:
        self.onnx_path = onnx_path if onnx_path is not None else cached_onnx_path()
        self._model_path = model_path
        self._lock = threading.Lock()
        self._session: Any = None
        self._sessions: dict[int, Any] = {}  # by thread count; 1 is ``_session``
        self._onnx_sha256 = ""
        self._counted: dict[str, Any] = {}  # the last token_counts call's encodings
        self._tokenizer: Any = None
        self._pad_id = 0
        self._inputs: frozenset[str] = frozenset()
        self._lower_case = False
        self.max_tokens = 0

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def load(self) -> None:
        """Verify the export and load it with the tokenizer (once)."""
        with self._lock:
            if self._session is None:
                self._load()

    def _load(self) -> None:
        sidecar = self._read_sidecar()
        if sidecar.get("source_sha256") != MODEL_SHA256:
            found = str(sidecar.get("source_sha256"))
            raise OnnxEncoderError(
                f"the ONNX export at {self.onnx_path} was made from weights {found[:12]}…, "
                f"expected {MODEL_SHA256[:12]}…"
            )
        try:
            # Read once: the bytes hashed are the bytes onnxruntime loads.
            onnx_bytes = self.onnx_path.read_bytes()
        except OSError as e:
            raise OnnxEncoderError(f"cannot read the ONNX export: {e}") from e
        if hashlib.sha256(onnx_bytes).hexdigest() != sidecar.get("onnx_sha256"):
            raise OnnxEncoderError(
                f"the ONNX export at {self.onnx_path} does not match its sidecar's sha256 "
                "(damaged or replaced)"
            )
        try:
            path = self._model_path if self._model_path is not None else model_dir()
        except ModelError as e:
            raise OnnxEncoderError(str(e)) from e
        expected_tokenizer = sidecar.get("tokenizer_sha256")
        if expected_tokenizer and sha256_file(path / "tokenizer.json") != expected_tokenizer:
            raise OnnxEncoderError(
                f"the tokenizer at {path} is not the one the export was made with"
            )
        tokenizer = self._tokenizer_for(path)
        session = _session(onnx_bytes)
        names = {i.name for i in session.get_inputs()}
        if not names <= set(INPUT_NAMES):
            raise OnnxEncoderError(f"the ONNX export has unexpected inputs {sorted(names)}")
        self._inputs = frozenset(names)
        self._tokenizer = tokenizer
        self._onnx_sha256 = str(sidecar.get("onnx_sha256"))
        self._session = self._sessions[1] = session

    def _session_for(self, threads: int) -> Any:
        """The session on ``threads`` threads, made on first use from the file, checked
        against the sha256 verified at load (the bytes are not kept in memory)."""
        found = self._sessions.get(threads)
        if found is None:
            onnx_bytes = self.onnx_path.read_bytes()
            if hashlib.sha256(onnx_bytes).hexdigest() != self._onnx_sha256:
                raise OnnxEncoderError(f"the ONNX export at {self.onnx_path} changed on disk")
            found = self._sessions[threads] = _session(onnx_bytes, threads)
        return found

    def token_counts(self, texts: list[str]) -> list[int]:
        """How many tokens the model sees of each text (cut at ``max_tokens``).

        The indexer counts every text's tokens to batch them by length, then encodes
        them: the encodings are kept until the next count, so ``encode`` does not
        tokenize the same texts again (0.56 s of SQuAD's 5,300 sentences).
        """
        self.load()
        with self._lock:
            encodings = self._tokenizer.encode_batch(self._cased(texts))
            self._counted = dict(zip(texts, encodings, strict=True))
            return [len(e.ids) for e in encodings]

    def _encodings(self, texts: list[str]) -> list[Any]:
        """The texts' encodings: those the last count made, the others made now."""
        known = [self._counted.get(t) for t in texts]
        missing = [t for t, e in zip(texts, known, strict=True) if e is None]
        made = iter(self._tokenizer.encode_batch(self._cased(missing)) if missing else [])
        return [e if e is not None else next(made) for e in known]

    def _cased(self, texts: list[str]) -> list[str]:
        return [t.lower() for t in texts] if self._lower_case else texts

    def _read_sidecar(self) -> dict[str, Any]:
        side = sidecar_path(self.onnx_path)
        if not self.onnx_path.is_file() or not side.is_file():
            raise OnnxEncoderError(f"no ONNX export at {self.onnx_path}")
        try:
            data = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise OnnxEncoderError(f"unreadable ONNX sidecar {side}: {e}") from e
        if not isinstance(data, dict) or data.get("format") != SIDECAR_FORMAT:
            raise OnnxEncoderError(f"unknown ONNX sidecar format in {side}")
        return data

    def _tokenizer_for(self, path: Path) -> Any:
        """The model's fast tokenizer, set up as sentence-transformers calls it.

        ``tokenizer.json`` itself pads every text to 128 tokens and cuts at 128;
        sentence-transformers overrides both: it cuts at ``max_seq_length`` from
        ``sentence_bert_config.json`` (256 for this model) and pads only to the
        longest text of a batch. Lower-casing of the text, if that config asks for it,
        is done by sentence-transformers before tokenizing, so it is done here too.
        """
        try:
            with interrupt_held():
                from tokenizers import Tokenizer
        except ImportError as e:
            raise OnnxEncoderError("the tokenizers package is not installed") from e
        try:
            config = json.loads((path / "sentence_bert_config.json").read_text(encoding="utf-8"))
            tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        except Exception as e:  # OSError, JSON errors, the tokenizers library's own
            raise OnnxEncoderError(f"cannot read the tokenizer under {path}: {e}") from e
        self.max_tokens = int(config["max_seq_length"])
        self._lower_case = bool(config.get("do_lower_case", False))
        padding = tokenizer.padding or {}
        self._pad_id = int(padding.get("pad_id", tokenizer.token_to_id("[PAD]") or 0))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=self.max_tokens)
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        return tokenizer

    def encode(self, texts: list[str], threads: int = 1) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, as ``Embedder.encode`` gives.

        Mean of the token embeddings over the attention mask, then L2 normalization:
        sentence-transformers' Pooling and Normalize modules for this model.
        """
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.load()
        with self._lock:
            session = self._session_for(threads)
            encodings = self._encodings(texts)
            order = np.argsort([len(e.ids) for e in encodings], kind="stable")
            out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
            for start in range(0, len(texts), BATCH):
                rows = order[start : start + BATCH]
                out[rows] = self._run(session, [encodings[i] for i in rows])
        return out

    def _run(self, session: Any, encodings: list[Any]) -> np.ndarray:
        """Pooled, normalized vectors of one batch, padded to its longest text."""
        width = max(len(e.ids) for e in encodings)
        shape = (len(encodings), width)
        ids = np.full(shape, self._pad_id, dtype=np.int64)
        mask = np.zeros(shape, dtype=np.int64)
        types = np.zeros(shape, dtype=np.int64)
        for row, e in enumerate(encodings):
            n = len(e.ids)
            ids[row, :n] = e.ids
            mask[row, :n] = e.attention_mask
            types[row, :n] = e.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        # The exporter may drop an input the graph does not use; feed only those it has.
        hidden = session.run([OUTPUT_NAME], {k: v for k, v in feeds.items() if k in self._inputs})
        tokens = hidden[0].astype(np.float32, copy=False)
        weights = mask[:, :, None].astype(np.float32)
        summed = (tokens * weights).sum(axis=1)
        counts = np.clip(weights.sum(axis=1), 1e-9, None)
        pooled = summed / counts
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)


def export_ready(onnx_path: Path | None = None) -> bool:
    """Whether an export of our weights is in place: a cheap look at its sidecar (the
    full check, the file's sha256, is made when the encoder loads it)."""
    path = onnx_path if onnx_path is not None else cached_onnx_path()
    try:
        data = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(data, dict)
        and data.get("format") == SIDECAR_FORMAT
        and data.get("source_sha256") == MODEL_SHA256
        and path.is_file()
    )


def ensure_export() -> str | None:
    """Make the export when there is none; None when one is ready, else why not.

    Once per machine (about 15 s, torch needed): `qa index` calls this after embedding,
    when torch is loaded anyway, and ``./dev setup`` ahead of the first question.
    Without an export, questions are encoded by torch as before.
    """
    if export_ready():
        return None
    try:
        export_onnx(model_dir(), cached_onnx_path())
    except Exception as exc:  # a failed export costs speed, never an answer
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


def main() -> int:
    """``python -m qa.embedding.onnx``: make the export now (set-up scripts call this)."""
    why = ensure_export()
    if why is not None:
        print(f"qa: text will be encoded with torch (no ONNX export: {why})")
        return 1
    print(f"qa: ONNX encoder ready at {cached_onnx_path()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
