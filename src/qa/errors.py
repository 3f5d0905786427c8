"""The errors a user sees, one type per thing that went wrong, shared by every layer.

Each carries a one-line message a user can act on; the CLI prints it as
``qa: error: …`` and the chat shows it in its status line. Anything else that escapes
is a bug, and is shown as one (with a traceback under ``QA_DEBUG=1``).
"""

from __future__ import annotations


class QaError(Exception):
    """An expected failure with a one-line message for the user."""


class MissingLibrary(QaError):
    """A library a format's extractor needs does not import: the installation is
    incomplete (not any file's fault). `qa` exits with status 2."""


class IndexUnusable(QaError):
    """The index folder is damaged, or was built by another model or chunker."""


class IndexBusy(QaError):
    """Another process is updating this index."""


class ModelError(QaError):
    """The embedding model is missing or is not the one we expect."""


class ExtractionError(QaError):
    """A document that cannot be read; the message is one line a user can act on."""


class SessionError(QaError):
    """A problem the user can fix (no index, nothing to index), met by a session."""


class LabelError(QaError):
    """A labelled test set that cannot be scored: a malformed label file, no labels."""


class InterruptedPartway(KeyboardInterrupt):
    """Ctrl-C stopped a job that commits as it goes (``qa index --ray``) after it had
    committed ``saved`` of its ``total`` files: those stay indexed, and the same command
    goes on from there."""

    def __init__(self, saved: int, total: int) -> None:
        super().__init__(saved, total)
        self.saved = saved
        self.total = total


class InterruptedAfterUpdate(KeyboardInterrupt):
    """Ctrl-C came after the new manifest was in place: the update is saved, and only
    the tidying after it was cut short. Still a KeyboardInterrupt, so it stops what
    any other interrupt stops; it only lets the message say what really happened."""
