"""Which indexed document a path typed on the command line names.

The index keeps each document under the path it was indexed by (``docs/a.txt``, as
typed then), but a user asking for its text later types whatever reaches the file from
where they are: ``./docs/a.txt``, an absolute path, a symlink, or just ``a.txt``. Each
of these names the same document when it reaches the same file or, for a name without
a folder, when exactly one indexed document has that name.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePath

from qa.errors import QaError


class AmbiguousSource(QaError):
    """A name that several indexed documents share."""


def _real(path: str, cwd: Path) -> str:
    """The file ``path`` reaches from ``cwd``, links resolved (it need not exist)."""
    return os.path.realpath(cwd / path)


def find_source(sources: Iterable[str], given: str, cwd: Path | None = None) -> str | None:
    """The indexed source ``given`` names, or None when it names none.

    In order: the path as indexed (``a/./b`` and ``a/b`` alike); the same file reached
    another way (relative, absolute, through a symlink; relative paths of the index are
    taken from ``cwd``, the current folder by default); then, for a relative path, the
    documents whose path ends with it (``a.txt``, ``docs/a.txt``): one is the answer,
    several raise AmbiguousSource naming them.
    """
    cwd = cwd or Path.cwd()
    known = list(sources)
    wanted = os.path.normpath(given)
    if wanted in known:
        return wanted
    real = _real(given, cwd)
    same = [s for s in known if _real(s, cwd) == real]
    if len(same) == 1:
        return same[0]
    if same:  # the same file indexed under two names: the one typed as indexed wins above
        return sorted(same)[0]
    tail = PurePath(wanted).parts
    if PurePath(wanted).is_absolute() or not tail or ".." in tail:
        return None
    ending = sorted(s for s in known if PurePath(os.path.normpath(s)).parts[-len(tail) :] == tail)
    if len(ending) > 1:
        shown = ", ".join(ending[:5]) + (f" and {len(ending) - 5} more" if len(ending) > 5 else "")
        raise AmbiguousSource(f"{given} names {len(ending)} indexed documents: {shown}")
    return ending[0] if ending else None
