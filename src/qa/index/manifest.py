"""The index manifest: what built the index, and which generation is current.

``manifest.json`` is the index's single commit point. A build writes a complete new
generation folder (store and vectors), then replaces the manifest atomically; until
that rename, readers see the previous generation whole. A build killed at any point
leaves at worst an unreferenced folder, removed by the next build.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from qa.errors import IndexUnusable
from qa.files import fsync_dir
from qa.index.checkpoints import checkpoint
from qa.ingest.chunking import CHUNKER_VERSION

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 3  # 2: the store keeps quotations; 3: chunk vectors are sentence means
# What a generation folder may be called: a manifest naming anything else (a path with
# slashes, "..") is damaged, never followed out of the index folder.
GENERATION_NAME = re.compile(r"gen-[0-9A-Za-z_-]+")


@dataclass
class Manifest:
    generation: str
    model_name: str
    model_sha256: str
    dimensions: int
    chunker_version: str
    chunk_target_chars: int = 0
    documents: dict[str, str] = field(default_factory=dict)  # source -> content sha256
    chunks: int = 0
    created: float = 0.0
    updated: float = 0.0
    vector_index: str = "flat-ip"  # or "ivf-fp16": qa.index.vectors chooses by size
    format_version: int = FORMAT_VERSION
    # The approximate index's parameters (nlist, nprobe, quantizer, trained_on, the
    # recall@10 nprobe was tuned to); empty for the exact index and in older manifests.
    vector_params: dict[str, Any] = field(default_factory=dict)
    # The generation's files as written (empty in manifests written before these were
    # recorded): SQLite and FAISS files carry no checksums of their own, so without
    # these a flipped byte could give a wrong passage or score silently.
    store_bytes: int = 0
    store_sha256: str = ""
    vectors_bytes: int = 0
    vectors_sha256: str = ""
    # "sqlite" (store.sqlite and vectors.faiss in the generation folder) or "lance"
    # (qa.index.lance_tables): then ``tables`` maps each role (documents, chunks, quotes,
    # terms) to its Lance table's name and committed version, [name, version].
    storage: str = "sqlite"
    tables: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True, ensure_ascii=False)


def new_manifest(
    generation: str,
    *,
    model: tuple[str, str, int],
    chunk_target_chars: int,
    documents: dict[str, str],
    chunks: int,
    vector_kind: str,
    created: float | None,
    **store_fields: Any,
) -> Manifest:
    """The manifest a commit writes, the same for every store: ``model`` is (name,
    weights sha256, dimensions), ``documents`` each source's content hash, ``created``
    the base's creation time on an update (None: now); ``store_fields`` the store's
    own fields (file sizes and hashes, or Lance table versions)."""
    now = time.time()
    name, sha256, dimensions = model
    return Manifest(
        generation=generation,
        model_name=name,
        model_sha256=sha256,
        dimensions=dimensions,
        chunker_version=CHUNKER_VERSION,
        chunk_target_chars=chunk_target_chars,
        documents=dict(sorted(documents.items())),
        chunks=chunks,
        created=now if created is None else created,
        updated=now,
        vector_index=vector_kind,
        **store_fields,
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so readers see either the old content or the new, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        checkpoint("manifest-temp")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def remove_stale_temp_files(index_dir: Path) -> None:
    """Remove manifest temp files a killed writer left (SIGKILL skips the cleanup in
    ``write_atomic``); only call this holding the index lock, when no writer is live."""
    for tmp in index_dir.glob(f".{MANIFEST_NAME}.*.tmp"):
        tmp.unlink(missing_ok=True)


_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "dict[str, str]": (dict,),
    "dict[str, Any]": (dict,),
}


def manifest_from_json(data: Any) -> Manifest:
    """A Manifest from parsed JSON, or ValueError saying what is wrong with it.

    Keys this qa does not know are ignored (a newer build may add optional ones);
    every known key must have its type, and the keys without a default must be there.
    """
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    known = {}
    for f in fields(Manifest):
        if f.name not in data:
            if f.default is MISSING and f.default_factory is MISSING:
                raise ValueError(f"no {f.name!r}")
            continue
        value = data[f.name]
        types = _TYPES.get(str(f.type))
        if types and (not isinstance(value, types) or isinstance(value, bool)):
            raise ValueError(f"{f.name!r} is not a {f.type}")
        known[f.name] = value
    documents = known.get("documents", {})
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in documents.items()):
        raise ValueError("'documents' is not a map of sources to hashes")
    if not GENERATION_NAME.fullmatch(known["generation"]):
        raise ValueError(f"{known['generation'][:40]!r} is not a generation name")
    if known.get("chunks", 0) < 0 or known.get("dimensions", 0) <= 0:
        raise ValueError("negative chunk count or dimensions")
    return Manifest(**known)


def read_manifest(index_dir: Path) -> Manifest | None:
    """The current manifest, or None when the folder holds no index yet."""
    path = index_dir / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        what = "not JSON" if isinstance(exc, ValueError) else (exc.strerror or "unreadable")
        raise IndexUnusable(
            f"index manifest at {path} is damaged ({what}); run `qa index --rebuild`"
        ) from None
    if isinstance(data, dict) and data.get("format_version") != FORMAT_VERSION:
        raise IndexUnusable(
            f"index at {index_dir} has format {str(data.get('format_version'))[:20]}, this qa "
            f"reads {FORMAT_VERSION}; run `qa index --rebuild`"
        )
    try:
        return manifest_from_json(data)
    except (ValueError, TypeError) as exc:
        raise IndexUnusable(
            f"index manifest at {path} is damaged ({exc}); run `qa index --rebuild`"
        ) from None


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    write_atomic(index_dir / MANIFEST_NAME, manifest.to_json().encode("utf-8"))
