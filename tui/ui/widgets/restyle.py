"""Line API widgets keep rendered strips; when the theme (or any CSS) changes their colours,
those strips are stale. `Restyling` tells such a widget once the new styles are in place, and
gives it its parts' styles (`part_style`), drawn as the theme means them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.style import Style

if TYPE_CHECKING:
    from textual.widget import Widget

    _WidgetMixin = Widget
else:  # a plain mixin: as a Widget subclass it would hide the widget's own CSS type names
    _WidgetMixin = object


class Restyling(_WidgetMixin):
    """Calls `restyled()` after a style update that changed the widget's or its components'
    colours (a theme switch), not after updates that leave them as they were. Every part of a
    line is drawn in `part_style(...)`."""

    _style_signature: tuple[Style, ...] | None = None
    _restyle_pending = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._part_styles: dict[str, Style] = {}  # before any style update can clear it
        super().__init__(*args, **kwargs)

    def part_style(self, name: str) -> Style:
        """The style of the component class `name` for a part of a line: its own style, without
        the widget's background (so a row's background, the cursor, shows through under it),
        with its colours as drawn on the widget.

        Textual's partial style drops a colour's alpha: `$text-muted` (`auto 60%`) came out
        pure white, on a light theme too, and `$foreground 85%` as the text. So a colour the
        component sets is taken resolved (alpha, `auto` and text-opacity blended over the
        widget's background, as in its full style). Made once per style update (a theme
        switch, focus), not per line."""
        style = self._part_styles.get(name)
        if style is None:
            own = self.get_component_rich_style(name, partial=True)
            drawn = self.get_component_rich_style(name)
            style = own + Style.from_color(
                drawn.color if own.color is not None else None,
                drawn.bgcolor if own.bgcolor is not None else None,
            )
            self._part_styles[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._part_styles.clear()  # as Textual drops its component styles' cache
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
