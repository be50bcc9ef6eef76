"""Hostile content renders inert and legible: markup stays text, escape sequences and control
characters never reach the terminal, long and wide text does not break the layout."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Static

from tests.app_helpers import lines_of, make_app, painted_text, settle
from tui.core.text import inert, one_line

# (case id, text planted, what must be seen on screen)
CORPUS = [
    ("rich-markup", "[bold red]x[/]", "[bold red]x[/]"),
    ("rich-link", "[link=https://evil.example]click[/link]", "[link=https://evil.example]click"),
    ("textual-markup", "[$accent]hi[/] [@click=app.quit]q[/]", "[$accent]hi[/] [@click=app.quit]q"),
    ("ansi-colour", "\x1b[31mred\x1b[0m", "␛[31mred␛[0m"),
    ("ansi-clear-home", "\x1b[2J\x1b[Hgone", "␛[2J␛[Hgone"),
    ("osc52-clipboard", "\x1b]52;c;ZXZpbA==\x07", "␛]52;c;ZXZpbA==␇"),
    ("osc8-link", "\x1b]8;;https://e.x\x07ln\x1b]8;;\x07", "␛]8;;https://e.x␇ln␛]8;;␇"),
    ("osc0-title", "\x1b]0;pwned\x07title", "␛]0;pwned␇title"),
    ("c0-controls", "a\x00b\x08c\x0bd\x0ce", "a␀b␈c␋d␌e"),
    ("c1-controls", "x\x9b31my\x85z", "x\ufffd31my\ufffdz"),
    ("bidi-override", "invoice\u202egpj.exe", "invoice\ufffdgpj.exe"),
    ("bidi-isolate", "a\u2066b\u2069c", "a\ufffdb\ufffdc"),
    ("zero-width", "pay\u200bpal\ufeff", "paypal"),
    ("cjk-wide", "我们团队在上海", "我们团队在上海"),
    ("emoji", "deal 🚀🔥👍🏽", "deal 🚀🔥👍🏽"),
]

FORBIDDEN = {
    *range(0x00, 0x20),
    *range(0x7F, 0xA0),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0x200B,
    0x200E,
    0x200F,
    0xFEFF,
}


def assert_inert(text: str) -> None:
    bad = sorted({hex(ord(c)) for c in text if ord(c) in FORBIDDEN and c != "\n"})
    assert not bad, f"control characters reached the screen: {bad}"


def plant(api, text: str) -> str:  # type: ignore[no-untyped-def]
    """Put `text` everywhere a stranger or a teammate can write, on the newest thread."""
    store = api.store
    thread = store._order[0]
    prospect = thread.prospect
    tag = next(iter(store.tags.values()))
    status = next(iter(store.statuses.values()))
    tag.name = status.name = text
    prospect.display_name = prospect.bio = prospect.notes = text
    prospect.tags, prospect.status_id = [tag.id], status.id
    assert thread.last_message is not None
    thread.last_message.content = text
    return thread.id


@pytest.mark.parametrize(("case", "text", "seen"), CORPUS, ids=[c[0] for c in CORPUS])
async def test_corpus_case_renders_inert(case: str, text: str, seen: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    app, api = make_app(data_dir=tmp_path)
    thread_id = plant(api, text)
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        assert app.thread_list.threads[0].id == thread_id
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.1)
        screens = {
            "list": "\n".join(lines_of(app.thread_list)),
            "messages": "\n".join(lines_of(app.message_view)),
            "sidebar": "\n".join(painted_text(w) for w in app.sidebar.query(Static)),
            "chips": painted_text(app.filter_chips),
        }
        for text_on_screen in screens.values():
            assert_inert(text_on_screen)
        assert seen in screens["list"], "display name / preview / chips"
        assert seen in screens["messages"], "message body"
        unwrapped = "".join(screens["sidebar"].split())  # the sidebar wraps words
        assert "".join(seen.split()) in unwrapped, "name, bio, tags, status, notes"
        # The whole frame as the terminal gets it: nothing but our own styling sequences.
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "&#27;" not in svg


async def test_50k_character_message_and_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app, api = make_app(data_dir=tmp_path)
    words = ("lorem ipsum " * 4200)[:50_000]
    plant(api, "x" * 50_000)
    thread = api.store._order[1]
    assert thread.last_message is not None
    thread.last_message.content = words
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = lines_of(app.thread_list)[1]
        assert row.rstrip().endswith("x") and len(row) <= app.thread_list.size.width
        await pilot.press("enter")
        await settle(pilot)
        view = app.message_view
        assert view.virtual_size.height > 500  # wrapped, all of it
        assert all(len(line) <= view.size.width for line in lines_of(view))
        await pilot.press("escape", "j", "enter")
        await settle(pilot)
        assert "lorem ipsum" in "\n".join(lines_of(view))


@given(st.text(max_size=200))
def test_inert_text_never_holds_a_control_character(text: str) -> None:
    for rendered in (inert(text), one_line(text)):
        assert_inert(rendered)
    assert "\n" not in one_line(text)


# --- every output channel -------------------------------------------------------------------

HOSTILE = "[link=https://e.x]x[/link] [/] [@click=app.quit]q[/] \x1b]0;pwned\x07 \x1b[2J \u202e"


def frame_text(app) -> str:  # type: ignore[no-untyped-def]
    """The whole frame the terminal would get (the screen on top, its toasts included)."""
    update = app.screen._compositor.render_full_update(simplify=True)
    return "\n".join("".join(strip.text for strip in line) for line in update.strips)


async def test_hostile_text_is_inert_in_every_channel(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A stranger's DM arriving live (the toast that crashed the app), names in the status
    line, the conversation header, dialogs, the board, the CRM's answer; errors reach the
    screen through the same two doors (toasts and the status line)."""
    app, api = make_app(data_dir=tmp_path)
    thread_id = plant(api, HOSTILE)
    seen: dict[str, str] = {}
    async with app.run_test(size=(150, 45)) as pilot:
        await settle(pilot)
        # A new DM with markup in its text, by live update: a toast.
        far = api.store.threads[app.thread_list.threads[30].id]
        far.prospect.display_name = HOSTILE
        api.store.receive_message(far, HOSTILE)
        app.live.poll_now()
        await settle(pilot)
        assert app.is_running
        seen["live toast"] = frame_text(app)
        assert any("[link=https://e.x]" in n.message for n in app._notifications)
        app.clear_notifications()
        # The planted thread: its status chosen again (the status name goes to a toast and
        # to the status line), its conversation (the header), then the delete dialog.
        app.thread_list.focus()
        app.thread_list.select_id(thread_id)
        await settle(pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        seen["status line"] = frame_text(app)
        await pilot.press("enter")
        await settle(pilot)
        seen["conversation header"] = frame_text(app)
        await pilot.press("escape", "D")
        await pilot.pause()
        seen["dialog"] = frame_text(app)
        await pilot.press("escape")
        await pilot.press("C")  # the CRM's answer names the prospect
        await settle(pilot)
        seen["crm"] = frame_text(app)
        await pilot.press("P")
        await settle(pilot)
        seen["board"] = frame_text(app)
        await pilot.press("escape")
        await settle(pilot)
        # Errors: a server's message goes through these two, whatever it says.
        app.notify(HOSTILE, title=HOSTILE, severity="error")
        app.set_status(f"Failed: {HOSTILE}", error=True)
        await pilot.pause()
        seen["error"] = frame_text(app)
        assert app.is_running
    for channel, text in seen.items():
        assert_inert(text)
        assert "[link=https://e.x]" in text, f"{channel}: the hostile text is shown, literally"
