"""Platforms (#20): the team's platforms are read once with the directory; with more than one,
rows and the sidebar name each thread's, the filter panel offers them, and the composer counts
against the platform's limit. Message keys show only where the conversation allows them (the
account link's capabilities less the thread's restrictions, and the platform's time window),
and say why when pressed elsewhere."""

from __future__ import annotations

import contextlib
import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from rich.color import Color as RichColor
from rich.color import ColorSystem
from rich.console import Console
from textual.binding import Binding
from textual.widgets import SelectionList

from tests.app_helpers import kept_drafts, make_app, painted_text, settle
from tests.conftest import ANCHOR
from tests.test_actions import notifications, open_thread
from tui.api.errors import InboxError
from tui.backend import demo_backend
from tui.core.config_file import view_table
from tui.core.directory import Directory
from tui.core.model import Message, Platform, Thread
from tui.core.permissions import refusal, span
from tui.core.query import ThreadQuery
from tui.core.saved_views import from_query, to_query
from tui.demo import DemoApi, DemoStore, SeedConfig
from tui.ui.app import InboxApp
from tui.ui.key_overrides import key_overrides
from tui.ui.keymap import bindings, why_not_id
from tui.ui.screens.filters import FilterScreen
from tui.ui.screens.help import HelpScreen, keymap_table

VERSIONS = pytest.mark.parametrize("version", ["v2", "v1"])


def on_instagram(thread: Thread) -> bool:
    return thread.platform == "instagram"


@VERSIONS
async def test_the_platforms_come_with_the_directory(version: str) -> None:
    api = DemoApi(DemoStore(SeedConfig(threads=120)))
    backend = demo_backend(api, version)  # type: ignore[arg-type]
    client = backend.client
    try:
        platforms = {p.id: p for p in await client.list_platforms()}
        if version == "v1":  # v1 speaks of X alone
            assert list(platforms) == ["twitter"] and platforms["twitter"].max_characters == 10_000
            with pytest.raises(ValueError, match="needs API v2"):
                await client.list_threads(ThreadQuery(platforms=("instagram",)))
            return
        assert [(p.label, p.badge, p.max_characters) for p in platforms.values()] == [
            ("X", "X", 10_000),
            ("LinkedIn", "in", 8_000),
            ("Instagram", "IG", 1_000),
        ]
        assert platforms["twitter"].mutation_windows["message:edit"] == 900
        links = {a.id: a for a in await client.list_account_links()}
        assert [a.name for a in links.values() if a.platform == "instagram"] == ["Acme Studio"]
        page = await client.list_threads(ThreadQuery(platforms=("instagram",), limit=50))
        assert page.threads and all(t.platform == "instagram" for t in page.threads)
        assert all(links[t.account_link_id].platform == "instagram" for t in page.threads)
        assert all(
            t.prospect.profile_by_id_url.startswith("https://www.instagram.com/")
            for t in page.threads
        )
        assert all(t.conversation_url == "" for t in page.threads)  # no link to give
        thread = page.threads[0]
        assert not thread.allows("message:edit") and thread.allows("message:unsend")
        # The service holds the line too: past the limit, and editing where it cannot.
        with pytest.raises(InboxError) as too_long:
            await client.send_message(thread.id, "x" * 1_001)
        assert too_long.value.code == "contentRejected"
        mine = await client.send_message(thread.id, "Short and sweet")
        with pytest.raises(InboxError) as no_edit:
            await client.edit_message(thread.id, mine.id, "Edited")
        assert no_edit.value.code == "capabilityNotSupported"
        x_only = await client.list_threads(ThreadQuery(platforms=("twitter",), limit=50))
        assert all(t.platform == "twitter" for t in x_only.threads)
    finally:
        await backend.aclose()


def test_a_time_window_and_a_restriction_read_as_reasons() -> None:
    now = ANCHOR
    x = Platform(id="twitter", name="X", mutation_windows={"message:edit": 900})
    thread = Thread(id="t", capabilities=["message:edit", "message:react"])
    fresh = Message(id="m", created_at=now - timedelta(minutes=14))
    stale = Message(id="m", created_at=now - timedelta(minutes=16))
    assert refusal("message:edit", thread, fresh, x, now) is None
    assert refusal("message:edit", thread, stale, x, now) == (
        "X allows it only for 15 minutes after a message is sent"
    )
    assert refusal("message:react", thread, stale, x, now) is None  # no window for it
    assert refusal("message:unsend", thread, fresh, x, now) == (
        "this conversation does not allow it (message:unsend)"
    )
    v1_older_dm = Thread(id="t", variant="unencrypted")
    assert "only on encrypted X Chat threads" in str(
        refusal("message:edit", v1_older_dm, None, None, now)
    )
    assert [span(s) for s in (900, 3_600, 86_400, 172_800, 90)] == [
        "15 minutes",
        "1 hour",
        "1 day",
        "2 days",
        "90 seconds",
    ]


async def test_rows_sidebar_and_the_filter_name_the_platform(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        assert app.directory.multiple_platforms
        rows = painted_text(app.thread_list)
        assert " X " in rows  # every row says its platform
        await pilot.press("f")
        assert isinstance(app.screen, FilterScreen)
        app.screen.query_one("#f-platforms", SelectionList).select("instagram")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.thread_query.platforms == ("instagram",)
        threads = app.thread_list.threads
        assert threads and all(on_instagram(t) for t in threads)
        rows = painted_text(app.thread_list)
        assert rows.count(" IG ") == len(threads) and " X " not in rows
        assert "platform: Instagram" in str(app.filter_chips.render())
        await open_thread(pilot, on_instagram)
        assert "Platform  Instagram" in str(app.sidebar.query_one("#sb-account").render())


async def test_the_composer_counts_against_the_platforms_limit(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        app.threads.show_query(ThreadQuery(platforms=("instagram",)))
        await settle(pilot)
        thread = await open_thread(pilot, on_instagram)
        count = app.composer.query_one("#composer-count")
        assert str(count.render()) == "0 / 1,000"
        await pilot.press("r")
        text = "y" * 1_001
        app.composer.input.insert(text)
        await pilot.pause(0.4)
        assert str(count.render()) == "1,001 / 1,000" and count.has_class("-over")
        posts = sum(1 for method, _ in api.request_log if method == "POST")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sum(1 for method, _ in api.request_log if method == "POST") == posts
        assert any(
            n.startswith("Too long for Instagram: 1,001 of 1,000 characters.")
            for n in notifications(app)
        )
        assert app.composer.input.text == text and kept_drafts(data_dir).get(thread.id) == text
        # An X thread counts against X's limit again.
        await pilot.press("escape")
        app.threads.show_query(ThreadQuery())
        await settle(pilot)
        await open_thread(pilot, lambda t: t.platform == "twitter")
        assert str(count.render()).endswith("/ 10,000")


def footer_keys(app: InboxApp) -> set[str]:
    """The keys the footer offers now (what the screen's active bindings show)."""
    return {key for key, active in app.screen.active_bindings.items() if active.binding.show}


async def test_message_keys_show_only_where_the_conversation_allows_them(
    data_dir: Path,
) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        # Instagram: no editing (the account link's capabilities), reactions and quoting yes.
        app.threads.show_query(ThreadQuery(platforms=("instagram",)))
        await settle(pilot)
        await open_thread(pilot, on_instagram)
        assert app.focused is app.message_view
        keys = footer_keys(app)
        assert "plus" in keys and "r" in keys and "E" not in keys
        before = len(api.request_log)
        await pilot.press("E")
        await settle(pilot)
        assert len(app.screen_stack) == 1 and len(api.request_log) == before
        assert "Editing: this conversation does not allow it (message:edit)." in notifications(app)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.refused == {"messages.edit", "messages.history"}
        console = Console(width=140, record=True, file=io.StringIO())
        console.print(keymap_table({}, app.screen.refused))
        listed = console.export_text()
        assert "E, h" in listed and "Not in this conversation" in listed
        assert "Edit your message" not in listed and "Add or remove reactions" in listed
        await pilot.press("escape")
        # An X thread that restricts quoting and reactions: r replies plainly, + says why.
        app.threads.show_query(ThreadQuery())
        await settle(pilot)
        restricted = ["message:reply", "message:react"]
        await open_thread(pilot, lambda t: getattr(t, "restrictions", None) == restricted)
        keys = footer_keys(app)
        assert "plus" not in keys and "E" not in keys  # nothing ours in the last 15 minutes
        await pilot.press("plus")
        await settle(pilot)
        assert "Reacting: this conversation does not allow it (message:react)." in notifications(
            app
        )
        await pilot.press("Q")  # quoting is refused here, and says why
        await settle(pilot)
        assert any(
            n.startswith("Replying to a message: this conversation does not allow it")
            for n in notifications(app)
        )
        assert app.focused is not app.composer.input
        await pilot.press("r")
        assert app.focused is app.composer.input
        assert not app.composer.query_one("#composer-quote").display  # a plain reply
        await pilot.press("escape")
        # An X Chat thread: E shows on our message while X's 15 minutes last, not after.
        await open_thread(pilot, lambda t: t.allows("message:edit") and not t.is_syncing)
        view = app.message_view
        ours = next(
            (m for m in reversed(view.messages) if m.is_outbound(app.directory.account_link_ids)),
            None,
        )
        assert ours is not None and ours.created_at is not None
        view.focus()
        view._select(view.messages.index(ours))
        await pilot.pause()
        assert "E" not in footer_keys(app)  # the seed's messages are hours old
        await pilot.press("E")
        await settle(pilot)
        assert "Editing: X allows it only for 15 minutes after a message is sent." in (
            notifications(app)
        )
        view.replace_message(ours.model_copy(update={"created_at": app.clock()}))
        view._select(view.messages.index(view.message_by_id(ours.id)))  # type: ignore[arg-type]
        await pilot.pause()
        assert "E" in footer_keys(app)


def test_a_refused_keys_explanation_follows_its_override() -> None:
    """The second binding (it says why) is on the same key as the action, overrides too."""
    keymap, problems = key_overrides({"messages.edit": "ctrl+e"})
    assert problems == []
    assert keymap == {"messages.edit": "ctrl+e", why_not_id("messages.edit"): "ctrl+e"}
    messages_keys = [b for b in bindings("messages") if isinstance(b, Binding)]
    twins = [b for b in messages_keys if b.id == why_not_id("messages.edit")]
    assert [(b.key, b.action, b.show) for b in twins] == [
        ("E", "message_actions.why_not('edit_message')", False)
    ]


def test_a_saved_view_keeps_its_platform_filter() -> None:
    """Saving the current view writes the platform by name; reading it back finds it."""
    directory = Directory.build(
        [],
        [],
        [],
        [],
        platforms=[Platform(id="twitter", name="X"), Platform(id="instagram", name="Instagram")],
    )
    spec = from_query("Insta", ThreadQuery(platforms=("instagram",)), directory)
    assert spec.platforms == ["Instagram"]
    assert 'platforms = ["Instagram"]' in view_table(spec)
    query, unknown = to_query(spec, directory, 50)
    assert query.platforms == ("instagram",) and unknown == []
    _, unknown = to_query(replace(spec, platforms=["Myspace"]), directory, 50)
    assert unknown == ["platform 'Myspace'"]


def contrast(one: RichColor, other: RichColor) -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""

    def luminance(color: RichColor) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        red, green, blue = color.get_truecolor()
        return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def test_platform_badges_stay_readable_in_256_colours(data_dir: Path) -> None:
    """#34: the X / IG badges were white on white (a translucent background drawn opaque):
    in every theme with colours of its own, their text and background stay apart once
    downgraded to the nearest of 256 colours (tmux-256color)."""
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(120, 16)) as pilot:
        await settle(pilot)
        rows = app.thread_list
        for theme in sorted(app.available_themes):
            if theme.startswith("ansi"):  # the terminal's own colours: nothing to downgrade
                continue
            app.theme = theme
            await pilot.pause()
            badge = next(s for s in rows.render_line(0) if s.text.strip() in ("X", "IG"))
            assert badge.style is not None
            text, background = badge.style.color, badge.style.bgcolor
            assert text is not None and background is not None, theme
            ratio = contrast(
                text.downgrade(ColorSystem.EIGHT_BIT), background.downgrade(ColorSystem.EIGHT_BIT)
            )
            assert ratio >= 4.5, f"{theme}: {badge.style} ({ratio:.1f}:1 in 256 colours)"


async def test_a_v2_first_message_from_an_instagram_link_names_instagram(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A person reached from an Instagram account link is an Instagram user: the profile
    target (and the contact lookup) say so, not X."""
    from tui.backend import demo_client

    api = DemoApi(DemoStore())
    client = demo_client(api, "v2")
    link = next(a for a in await client.list_account_links() if a.platform == "instagram")
    targets: list[dict[str, object]] = []
    wire_send = client.wire.send_message  # type: ignore[attr-defined]

    async def recorded(target: dict[str, object], *args: object, **kwargs: object) -> object:
        targets.append(dict(target))
        return await wire_send(target, *args, **kwargs)

    monkeypatch.setattr(client.wire, "send_message", recorded)  # type: ignore[attr-defined]
    prospect = next(
        t.prospect
        for t in (await client.list_threads(ThreadQuery(limit=100))).threads
        if t.platform == "instagram" and t.prospect.platform_id
    )
    with contextlib.suppress(InboxError):  # (the demo's answer is not what is tested here)
        await client.quick_send(link.id, "Hi", external_platform_id=prospect.platform_id)
    assert targets and targets[0]["platform"] == "instagram"
    await client.aclose()
