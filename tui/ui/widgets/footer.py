"""The key footer: Textual's, rebuilt only when what it shows changes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class KeyFooter(Footer):
    """Textual's `Footer`, which makes its keys again (each a widget, mounted and styled) at
    every change of focus or screen: most of a focus change's time. Two things it did for
    nothing are left out; what it shows is the same.

    - More than half of those changes leave the keys as they were (the same bindings, in the
      same state): the keys are made again only when what they are made from has changed.
    - A new key bound to the footer's compactness started compact and took the footer's
      value (not compact) once mounted, restyled twice on the way: it is made with that
      value. (The command palette's key is not bound, and stays compact.)"""

    def __init__(self) -> None:
        super().__init__()
        self._made_from: object = None

    def _making(self) -> object:
        """All that `Footer.compose` reads to make the keys."""
        keys = tuple(
            (binding, enabled, tooltip, self.app.get_key_display(binding))
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
        )
        return (
            self._bindings_ready,
            self.compact,
            self.show_command_palette,
            self.combine_groups,
            keys,
        )

    async def recompose(self) -> None:
        if self.is_attached:
            making = self._making()
            if making == self._made_from:
                return
            self._made_from = making
        await super().recompose()

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            bound = widget._reactive_connect
            if isinstance(widget, FooterKey) and bound is not None and "compact" in bound:
                widget.set_reactive(FooterKey.compact, self.compact)
                # Not bound to the footer's `compact`: Textual 8.2.8 keeps a bound key's
                # watcher (and so the key) on the footer after the key is removed, about 4 keys
                # a key press for ever (#36). The app never changes `compact`, and a footer
                # that did would make its keys again (`_making` reads it).
                del bound["compact"]
            yield widget
