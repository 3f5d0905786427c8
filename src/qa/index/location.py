"""Where an index lives, as the user named it: a folder, or a prefix on S3-compatible
object storage (``s3://bucket/prefix``). Kept apart from the stores so the CLI can
take an ``--index`` without importing them (``qa --help`` stays instant).
"""

from __future__ import annotations

from pathlib import Path

_REMOTE = ("s3:/",)  # what Path("s3://bucket/prefix") keeps of the scheme


class IndexPath(type(Path())):  # type: ignore[misc]
    """An ``--index`` as given: a folder, or an ``s3://bucket/prefix`` that prints as
    such in every message (a plain Path keeps ``s3:/bucket/prefix``)."""

    def __str__(self) -> str:
        text = super().__str__()
        if text.startswith("s3:/") and not text.startswith("s3://"):
            return "s3://" + text[len("s3:/") :]
        return text


def remote_uri(index_dir: Path) -> str | None:
    """The object-store URI an ``--index s3://bucket/prefix`` names, or None for a
    local folder. (A ``Path`` keeps ``s3:/bucket/prefix``; the scheme is restored.)"""
    text = str(index_dir)
    for scheme in _REMOTE:
        if text.startswith(scheme):
            return scheme + "/" + text[len(scheme) :].lstrip("/")
    return None
