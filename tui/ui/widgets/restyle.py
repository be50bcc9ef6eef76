"""Line API widgets keep rendered strips; when the theme (or any CSS) changes their colours,
those strips are stale. `Restyling` tells such a widget once the new styles are in place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style

if TYPE_CHECKING:
    from textual.widget import Widget

    _WidgetMixin = Widget
else:  # a plain mixin: as a Widget subclass it would hide the widget's own CSS type names
    _WidgetMixin = object


class Restyling(_WidgetMixin):
    """Calls `restyled()` after a style update that changed the widget's or its components'
    colours (a theme switch), not after updates that leave them as they were."""

    _style_signature: tuple[Style, ...] | None = None
    _restyle_pending = False

    def notify_style_update(self) -> None:
        super().notify_style_update()
        # The component styles are updated in the same pass, after this node: compare later.
        if not self._restyle_pending and self.is_attached:
            self._restyle_pending = True
            self.call_later(self._check_restyle)

    def _check_restyle(self) -> None:
        self._restyle_pending = False
        if self._style_signature is None:
            # The first update (at start): nothing was rendered with older styles. Reading the
            # components' styles now would cost the first frame a few ms; the next update
            # reads them and takes them as changed (one repaint).
            self._style_signature = ()
            return
        components = sorted(self.COMPONENT_CLASSES)
        signature = (
            self.rich_style,
            *(self.get_component_styles(name).rich_style for name in components),
        )
        if self._style_signature is not None and signature != self._style_signature:
            self.restyled()
        self._style_signature = signature

    def restyled(self) -> None:
        """Drop whatever was rendered with the old styles."""
