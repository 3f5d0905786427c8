"""The chat's footer: Textual's, drawn with its keys in its first frame (see KeysFooter)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer


class KeysFooter(Footer):
    """The footer, with its keys in the frame it first appears in, redrawn only when
    they change.

    Textual's Footer composes empty and fills in its keys a refresh after the screen
    announces its bindings, so the keys would come a frame (0.2-0.4 s at start-up) after
    the rest of the chat. Mounted once the question box has focus, the keys it is to
    show are already known, so it composes them at once. Every focus change announces
    the bindings again; rebuilding the same keys (two or three times at start-up, while
    the model loads) is skipped. Built on Footer's ``_bindings_ready`` flag (Textual 8):
    the footer tests fail if a Textual release drops it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.set_reactive(Footer._bindings_ready, True)
        self._shown: tuple[object, ...] | None = None

    def _keys(self) -> tuple[object, ...]:
        """What the footer shows: the active bindings and the palette key."""
        active = self.screen.active_bindings.items()
        keys = tuple(
            (key, b.action, b.description, b.show, on, tip) for key, (_, b, on, tip) in active
        )
        return (self.show_command_palette, self.compact, keys)

    def compose(self) -> ComposeResult:
        self._shown = self._keys()
        yield from super().compose()

    async def recompose(self) -> None:
        if self.is_attached and self._keys() == self._shown:
            return
        await super().recompose()
