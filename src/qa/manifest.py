"""The index manifest: what built the index, and which generation is current.

``manifest.json`` is the index's single commit point. A build writes a complete new
generation folder (store and vectors), then replaces the manifest atomically; until
that rename, readers see the previous generation whole. A build killed at any point
leaves at worst an unreferenced folder, removed by the next build.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 2  # 2: the store keeps quotations with speakers


class IndexError_(Exception):
    """The index folder is missing, damaged, or was built differently."""


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
    vector_index: str = "flat-ip"
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=True, ensure_ascii=False)


def sha256_file(path: Path) -> str:
    """A file's content hash, read in blocks (documents and model weights alike)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file so readers see either the old content or the new, never a part."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def read_manifest(index_dir: Path) -> Manifest | None:
    """The current manifest, or None when the folder holds no index yet."""
    path = index_dir / MANIFEST_NAME
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format_version") != FORMAT_VERSION:
            raise IndexError_(
                f"index at {index_dir} has format {data.get('format_version')}, this qa reads "
                f"{FORMAT_VERSION}; run `qa index --rebuild`"
            )
        return Manifest(**data)
    except (ValueError, TypeError) as exc:
        raise IndexError_(
            f"index manifest at {path} is damaged ({exc.__class__.__name__}); "
            "run `qa index --rebuild`"
        ) from None


def write_manifest(index_dir: Path, manifest: Manifest) -> None:
    write_atomic(index_dir / MANIFEST_NAME, manifest.to_json().encode("utf-8"))
