"""Defaults and every ``QA_*`` environment variable, read in one place.

The CLI, the chat and the core all take their defaults from here, so neither front end
has to import the other to know where the bundled documents and the index live.

- ``QA_INDEX``: the index folder used when none is named (default ``index``).
- ``QA_CACHE_DIR``: where the model's ONNX export is cached (default
  ``$XDG_CACHE_HOME/qa``, else ``~/.cache/qa``).
- ``QA_DEBUG``: when set, unexpected errors show their traceback.
- ``QA_TEST_PAUSE_AT`` (tests only): ``qa.index.checkpoints``.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DOCS = Path("docs")
DEFAULT_INDEX = Path(os.environ.get("QA_INDEX", "index"))


def default_documents() -> list[Path]:
    """The bundled documents: the files directly in docs/. Its subfolders hold the
    project's own design notes and figures (docs/design), which are not for the chat."""
    if not DEFAULT_DOCS.is_dir():
        return []
    return sorted(p for p in DEFAULT_DOCS.iterdir() if p.is_file() and not p.name.startswith("."))


def is_default_index(index_dir: Path) -> bool:
    """Whether ``index_dir`` is the bundled documents' index, which qa builds (and
    rebuilds) on its own; any other index is the user's to build."""
    return index_dir == DEFAULT_INDEX and DEFAULT_DOCS.is_dir()


def cache_dir() -> Path:
    """The user's cache folder for qa: ``$QA_CACHE_DIR``, else the XDG cache folder."""
    explicit = os.environ.get("QA_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    # The XDG spec says relative paths are invalid and must be ignored.
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "qa"
    return Path.home() / ".cache" / "qa"


def debug() -> bool:
    """``QA_DEBUG``: show tracebacks instead of one-line errors."""
    return bool(os.environ.get("QA_DEBUG"))
