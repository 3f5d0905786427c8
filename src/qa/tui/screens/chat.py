"""The chat's own screen, the one under the help and the quotes view."""

from __future__ import annotations

from textual.screen import Screen


class ChatScreen(Screen[None]):
    """The chat's screen. The question box takes the focus as the screen mounts (not the
    conversation, the first focusable widget, which would hand it on a moment later),
    so the keys the footer shows are settled before the first frame."""

    AUTO_FOCUS = "#question"
