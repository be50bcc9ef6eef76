"""A theme switch repaints the Line API widgets in the new colours (they keep rendered strips),
and a style update that changes no colour (focus moving) keeps what they rendered."""

from __future__ import annotations

import pytest
from rich.color import Color
from rich.style import Style

from tests.app_helpers import make_app, settle
from tests.conftest import ANCHOR
from tui.core.row_summary import summarize
from tui.core.text import one_line
from tui.core.timefmt import stamp


def styles_of(strip: object) -> list[Style | None]:
    return [segment.style for segment in strip]  # type: ignore[attr-defined]


async def test_switching_theme_repaints_rows_and_messages_in_its_colours() -> None:
    app, _ = make_app()
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        rows, messages = app.thread_list, app.message_view
        row_before = styles_of(rows.render_line(4))
        message_before = styles_of(messages.render_line(0))

        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)

        width = rows.scrollable_content_region.width
        summary = summarize(rows.threads[1], rows.directory, rows.score_of)
        fresh_row = rows._render_row_line(summary, 1, width, selected=False)
        assert styles_of(rows.render_line(4)) == styles_of(fresh_row) != row_before
        messages._blocks.clear()
        fresh_message = messages._layout(messages.scrollable_content_region.width)[
            int(messages.scroll_y)
        ]
        assert styles_of(messages.render_line(0)) != message_before
        assert styles_of(fresh_message) == styles_of(messages._lines[int(messages.scroll_y)])


async def test_moving_focus_keeps_the_rendered_messages() -> None:
    app, _ = make_app()
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        blocks = dict(app.message_view._blocks)
        assert blocks
        app.thread_list.focus()
        await settle(pilot)
        app.message_view.focus()
        await settle(pilot)
        assert all(app.message_view._blocks.get(key) is block for key, block in blocks.items())


def _between(color: Color, one: Color, other: Color) -> bool:
    """`color` is strictly a mix of `one` and `other` (each channel between theirs, not one)."""
    channels = zip(color.get_truecolor(), one.get_truecolor(), other.get_truecolor(), strict=True)
    return color != one and all(min(a, b) <= c <= max(a, b) for c, a, b in channels)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_muted_parts_are_drawn_between_the_text_and_the_background(theme: str) -> None:
    """`$text-muted` (`auto 60%`) and `$foreground 85%` lose their alpha in a part's own style
    (drawn pure white, on a light theme too): the rows and the messages draw them blended over
    the widget's background, greyer than the text."""
    app, _ = make_app(theme=theme)
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == theme
        rows, messages = app.thread_list, app.message_view
        text, background = rows.rich_style.color, rows.rich_style.bgcolor
        assert text is not None and background is not None

        def drawn(strip: object, words: str) -> Color:
            segment = next(s for s in strip if words in s.text)  # type: ignore[attr-defined]
            assert segment.style is not None and segment.style.color is not None
            return segment.style.color  # type: ignore[no-any-return]

        summary = summarize(rows.threads[1], rows.directory, rows.score_of)
        first, second = rows.render_line(3), rows.render_line(4)  # the second row's lines
        assert summary.handle and summary.preview
        when = [s.text for s in first if s.text.strip()][-1].strip()  # the time, at the right
        assert _between(drawn(first, when), text, background)
        assert _between(drawn(first, one_line(summary.handle, 40)), text, background)
        assert _between(drawn(second, one_line(summary.preview, 300)[:20]), text, background)

        header = messages._blocks[messages.messages[-1].id][0]
        created = messages.messages[-1].created_at
        assert _between(drawn(header, stamp(created, ANCHOR)), text, background)
