"""SVG snapshots of every screen, grouped per feature: the main screen (each view, with
filters, with a thread open, narrow, a search), help, the sidebar, triage's pickers and notes,
labels, the board, lookup, saved views, a new conversation, a confirmation, the composer with
a draft, and a message's history."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tests.app_helpers import make_app, settle
from tests.test_actions import open_thread, reader
from tests.test_message_keys import both_sides, select_newest, with_id
from tui.ui.screens.filters import FilterScreen

SnapCompare = Callable[..., bool]


def run(*keys: str, after: Callable[[Pilot[Any]], Awaitable[None]] | None = None):  # type: ignore[no-untyped-def]
    async def before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if after is not None:
            await after(pilot)
            await settle(pilot)

    return before


# --- the main screen -------------------------------------------------------------------------


def test_default_view(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run())


def test_no_reply_view(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("2"))


def test_requests_view(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("3"))


def test_archived_view(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("4"))


async def _filter_hot_leads_unassigned(pilot: Pilot[Any]) -> None:
    await pilot.press("f")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, FilterScreen)
    from textual.widgets import SelectionList

    tags = screen.query_one("#f-tags", SelectionList)
    tags.select(next(iter(screen.directory.tags)))
    screen.query_one("#f-assignees", SelectionList).select("__none__")
    await pilot.press("ctrl+s")


def test_with_filters(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(
        app, terminal_size=(130, 36), run_before=run(after=_filter_hot_leads_unassigned)
    )


def test_filter_panel(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 40), run_before=run("f"))


def test_filter_panel_at_60_columns(snap_compare: SnapCompare) -> None:
    """Narrow: the groups stacked, the panel scrolling to the rest."""
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(60, 30), run_before=run("f"))


def test_thread_open(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("j", "enter"))


def test_hostile_thread_open(snap_compare: SnapCompare) -> None:
    """Markup and escape sequences from strangers are shown as text."""
    app, _ = make_app()

    async def open_hostile(pilot: Pilot[Any]) -> None:
        thread_list = pilot.app.thread_list  # type: ignore[attr-defined]
        thread_list.cursor = next(
            i
            for i, t in enumerate(thread_list.threads)
            if t.last_message and "\x1b" in t.last_message.content
        )
        await pilot.press("enter")

    assert snap_compare(app, terminal_size=(130, 36), run_before=run(after=open_hostile))


def test_narrow_terminal(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(80, 24), run_before=run("enter"))


async def _search_for_nad(pilot: Pilot[Any]) -> None:
    await pilot.press("slash", *"nad")
    pilot.app.query_one("#search-input", Input).cursor_blink = False  # a steady picture
    await pilot.pause(0.5)  # past the typing pause: the search is asked for


def test_search_results(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run(after=_search_for_nad))


# --- help and the sidebar --------------------------------------------------------------------


def test_help_screen(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(100, 45), run_before=run("question_mark"))


def test_help_screen_at_60_columns(snap_compare: SnapCompare) -> None:
    """Narrow: each binding id under its description, not beside it."""
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(60, 30), run_before=run("question_mark"))


async def _edit_valuation_in_the_sidebar(pilot: Pilot[Any]) -> None:
    pilot.app.sidebar.focus()  # type: ignore[attr-defined]
    await pilot.pause()
    await pilot.press("j", "j", "enter")
    await pilot.pause()
    await pilot.press(*"75k")


def test_sidebar_in_edit_mode(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(
        app, terminal_size=(130, 40), run_before=run(after=_edit_valuation_in_the_sidebar)
    )


# --- triage: the pickers and notes ------------------------------------------------------------


def test_status_picker(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("s"))


def test_tags_picker(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("t"))


def test_assignee_picker(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("a"))


def test_notes_dialog(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("n"))


# --- labels, the board, lookup, saved views -------------------------------------------------


def test_labels_screen(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("L"))


def test_pipeline_board(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(150, 40), run_before=run("P"))


def test_lookup_dialog(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(
        app, terminal_size=(130, 36), run_before=run("slash", "@", *"nadia_cobalt", "enter")
    )


def test_saved_views_dialog(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("V"))


def test_new_conversation_dialog(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("N"))


def test_delete_thread_confirmation(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("D"))


# --- reply ------------------------------------------------------------------------------------


async def _type_a_draft(pilot: Pilot[Any]) -> None:
    await pilot.press("Q")  # a reply quoting the selected message
    await pilot.pause()
    composer_input = pilot.app.composer.input  # type: ignore[attr-defined]
    composer_input.cursor_blink = False  # a blinking cursor would make the picture flaky
    await pilot.press(*"Thanks! Thursday at 3pm works, I will send an invite.")
    await pilot.pause(0.5)  # past the draft's save delay: the list marks the draft


def test_composer_with_a_draft(snap_compare: SnapCompare) -> None:
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("enter", after=_type_a_draft))


def test_snippet_picker(snap_compare: SnapCompare) -> None:
    """The demo's example snippets, filtered, with the text as it will be inserted (filled
    from the conversation; {me} with the demo's user, Alex Chen)."""
    app, _ = make_app()
    assert snap_compare(
        app, terminal_size=(130, 36), run_before=run("enter", "r", "ctrl+t", *"intro")
    )


def test_follow_up_view(snap_compare: SnapCompare) -> None:
    """Who went quiet after our last message, oldest first, each row saying for how long."""
    app, _ = make_app()
    assert snap_compare(app, terminal_size=(130, 36), run_before=run("6"))


def test_reminders_list(snap_compare: SnapCompare) -> None:
    """Two reminders (one only if they have not answered), soonest first."""
    app, _ = make_app()
    keys = ("z", "down", "down", "enter", "z", "ctrl+n", "down", "down", "down", "enter", "7")
    assert snap_compare(app, terminal_size=(130, 36), run_before=run(*keys))


# --- attachments ------------------------------------------------------------------------------


async def _open_the_pictures(pilot: Pilot[Any]) -> None:
    """The top conversation (every kind of attachment), at the message with two pictures."""
    app = pilot.app
    await open_thread(pilot, lambda t: True)
    await settle(pilot)
    view = app.message_view  # type: ignore[attr-defined]
    view.focus()
    at = next(
        i
        for i, m in enumerate(view.messages)
        if any(a.filename == "whiteboard.png" for a in m.attachments)
    )
    await settle(pilot)
    view._select(at)


def test_attachments_and_an_inline_picture(snap_compare: SnapCompare) -> None:
    """The attachment lines, and pictures drawn in half-block cells (as in a terminal without
    an image protocol)."""
    app, _ = make_app(40)
    app.picture_protocol = "halfcell"
    assert snap_compare(app, terminal_size=(130, 44), run_before=run(after=_open_the_pictures))


# --- message actions --------------------------------------------------------------------------


def test_message_history(snap_compare: SnapCompare) -> None:
    """An edited message of ours, and the history dialog listing its versions (the demo's clock
    and the app's are fixed, so the times shown are too)."""
    app, api = make_app()

    async def edit_twice_then_show_history(pilot: Pilot[Any]) -> None:
        thread = await open_thread(pilot, with_id(await both_sides(api)))
        ours = select_newest(app, thread, ours=True)
        client = reader(api)
        await client.edit_message(thread.id, ours.id, "Thursday works for me: 3pm?")
        await client.edit_message(thread.id, ours.id, "Thursday works: 3pm, I'll send an invite.")
        await pilot.press("h")

    assert snap_compare(
        app, terminal_size=(130, 36), run_before=run(after=edit_twice_then_show_history)
    )
