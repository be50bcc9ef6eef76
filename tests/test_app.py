"""The app, driven from the keyboard with Pilot, against the embedded demo API."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, Label, OptionList, SelectionList, Static

from tests.app_helpers import lines_of, make_app, painted_text, screen_text, settle, until
from tui.core.query import InboxView, SortOrder
from tui.ui.screens.filters import NONE, FilterScreen
from tui.ui.screens.help import HelpScreen
from tui.ui.screens.lookup import LookupScreen
from tui.ui.widgets.sidebar import ProspectSidebar

VERSIONS = pytest.mark.parametrize("version", ["v2", "v1"])
FOLDERS = {
    "default": "inbox",
    "no-reply": "noReply",
    "requests": "requests",
    "archived": "archived",
    "all": "all",
}


def expected_ids(
    api, inbox: str = "default", pred=lambda t: True, version: str = "v2"
) -> list[str]:  # type: ignore[no-untyped-def]
    """Thread IDs of a view in server order, read from the demo's own state (each version's
    views: v2's inbox leaves message requests out, v1's default view has them)."""
    from tui.demo.store import ThreadFilter
    from tui.demo.v2 import FolderFilter

    flt = ThreadFilter(inbox=inbox) if version == "v1" else FolderFilter(folder=FOLDERS[inbox])
    return [t.id for t in api.store._order if flt.matches(t) and pred(t)]


@VERSIONS
async def test_launch_shows_the_first_page_and_says_demo(version: str) -> None:
    app, api = make_app(api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert str(app.backend_badge.render()) == f"demo data · API {version}"
        threads = app.thread_list.threads
        assert [t.id for t in threads] == expected_ids(api, version=version)[: len(threads)]
        text = screen_text(app.thread_list)
        first = threads[0].prospect
        assert first.display_name in text and first.at_handle in text
        assert app.focused is app.thread_list


async def test_rows_show_direction_tags_status_assignee_and_link() -> None:
    app, _api = make_app()
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        text = screen_text(app.thread_list)
        assert "them: " in text and "you: " in text
        assert " ● " in text  # awaiting reply marker
        assert "via acmecorp" in text or "via jordan_acme" in text
        assert any(f" {tag.name} " in text for tag in app.directory.tags.values())
        assert "◆ " in text
        assert any(f"@{m.initials}" in text for m in app.directory.members.values())


@VERSIONS
async def test_view_keys_switch_with_exactly_one_request_each(version: str) -> None:
    app, api = make_app(api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        views = [("2", "no-reply"), ("3", "requests"), ("4", "archived"), ("1", "default")]
        if version == "v2":
            views.insert(3, ("5", "all"))
        for key, inbox in views:
            before = len(api.request_log)
            await pilot.press(key)
            await settle(pilot)
            new = api.request_log[before:]
            assert new == [("GET", "/threads")], new
            assert app.thread_query.inbox is InboxView(inbox)
            shown = [t.id for t in app.thread_list.threads]
            assert shown == expected_ids(api, inbox, version=version)[: len(shown)] and shown
            assert app.view_tabs.active == f"view-{inbox}"


async def test_the_all_view_needs_v2() -> None:
    app, api = make_app(api_version="v1")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert "All" not in painted_text(app.view_tabs)
        before = len(api.request_log)
        await pilot.press("5")
        await settle(pilot)
        assert api.request_log[before:] == []
        assert app.thread_query.inbox is InboxView.DEFAULT
        assert any("needs API v2" in str(n.message) for n in app._notifications)


async def test_clicking_a_tab_switches_view() -> None:
    app, _api = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.click("#view-archived")
        await settle(pilot)
        assert app.thread_query.inbox is InboxView.ARCHIVED
        assert all(t.done for t in app.thread_list.threads)


async def test_superseded_answers_are_never_painted() -> None:
    app, api = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "3", "4")
        await settle(pilot)
        shown = [t.id for t in app.thread_list.threads]
        assert shown == expected_ids(api, "archived")[: len(shown)]


@VERSIONS
async def test_paging_loads_more_before_the_end_without_duplicates(version: str) -> None:
    app, api = make_app(api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert len(app.thread_list.threads) == 50
        for _ in range(6):
            await pilot.press("G")
            await settle(pilot)
        ids = [t.id for t in app.thread_list.threads]
        assert len(ids) == len(set(ids)) == len(expected_ids(api, version=version))
        assert app.threads.next_cursor is None
        assert "more load" not in app.status_text


async def test_a_burst_of_keys_past_the_loaded_rows_loads_on_and_lands_where_sent() -> None:
    """200 j arriving at once (faster than a page): those past the last loaded row were lost
    while the next page loaded, and the list stayed short until G. Now they wait for the
    pages, each asked for as the cursor nears the end, and the cursor lands 200 rows down."""
    app, api = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        rows = app.thread_list
        rows.focus()
        await pilot.pause()
        assert len(rows.threads) == 50
        for _ in range(200):  # queued together, as a terminal delivers a burst
            app.post_message(events.Key("j", "j"))
        assert await until(pilot, lambda: rows.cursor == 200)
        await settle(pilot)
        assert len(rows.threads) == len(expected_ids(api)) > 200
        assert rows.cursor == 200


@VERSIONS
async def test_sort_toggle_and_refresh(version: str) -> None:
    app, api = make_app(api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert app.thread_query.sort_order is SortOrder.ASC
        oldest = list(reversed(expected_ids(api, version=version)))
        assert [t.id for t in app.thread_list.threads] == oldest[:50]
        assert "oldest first" in str(app.filter_chips.render())
        before = len(api.request_log)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert api.request_log[before:] == [("GET", "/threads")]


async def apply_filter(pilot, list_id: str, values: list[str]) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, FilterScreen)
    selection = screen.query_one(f"#{list_id}", SelectionList)
    for value in values:
        selection.select(value)
    await pilot.press("ctrl+s")
    await settle(pilot)


@VERSIONS
async def test_each_filter_kind(version: str) -> None:
    app, api = make_app(api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        store = api.store
        tag = next(iter(store.tags.values()))
        member = next(iter(store.members.values()))
        status = next(iter(store.statuses.values()))
        campaign = store.seeded.campaign_ids[0]
        link = next(iter(store.account_links.values()))
        cases = [
            ("f-tags", [tag.id], lambda t: tag.id in t.prospect.tags, tag.name),
            ("f-tags", [NONE], lambda t: not t.prospect.tags, "no tags"),
            ("f-statuses", [status.id], lambda t: t.prospect.status_id == status.id, status.name),
            ("f-statuses", [NONE], lambda t: t.prospect.status_id is None, "no status"),
            ("f-assignees", [member.id], lambda t: t.assignee_id == member.id, member.name),
            ("f-assignees", [NONE], lambda t: t.assignee_id is None, "unassigned"),
            (
                "f-campaigns",
                [campaign],
                lambda t: t.campaign_id == campaign,
                store.campaign_names[campaign],
            ),
            ("f-campaigns", [NONE], lambda t: t.campaign_id is None, "no campaign"),
            ("f-links", [link.id], lambda t: t.account_link_id == link.id, link.name),
        ]
        if version == "v2":  # v2 has no "no tags / no status / no campaign" filter
            cases = [c for c in cases if c[1] != [NONE] or c[0] == "f-assignees"]
            await pilot.press("f")
            await pilot.pause()
            for list_id in ("f-tags", "f-statuses", "f-campaigns"):
                options = app.screen.query_one(f"#{list_id}", SelectionList)
                assert NONE not in [
                    options.get_option_at_index(i).value for i in range(options.option_count)
                ]
            await pilot.press("escape")
            await settle(pilot)
        for list_id, values, pred, chip in cases:
            await apply_filter(pilot, list_id, values)
            shown = [t.id for t in app.thread_list.threads]
            expected = expected_ids(api, pred=pred, version=version)
            assert shown and shown == expected[: len(shown)], list_id
            assert chip in str(app.filter_chips.render()), chip
            await pilot.press("F")
            await settle(pilot)
            assert not app.thread_query.has_filters
            assert app.filter_chips.has_class("-empty")


@VERSIONS
async def test_filters_combine_with_and(version: str) -> None:
    app, api = make_app(api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        tag = next(iter(api.store.tags.values()))
        await apply_filter(pilot, "f-tags", [tag.id])
        await apply_filter(pilot, "f-assignees", [NONE])
        shown = [t.id for t in app.thread_list.threads]
        expected = expected_ids(
            api, pred=lambda t: tag.id in t.prospect.tags and t.assignee_id is None, version=version
        )
        assert shown == expected[: len(shown)] and shown
        assert app.thread_query.tags.selected == (tag.id,)


async def test_filter_panel_cancel_changes_nothing() -> None:
    app, api = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        before = len(api.request_log)
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert len(api.request_log) == before
        assert not app.thread_query.has_filters


async def test_open_thread_direction_and_literal_text() -> None:
    app, api = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        # The seeded thread with Rich markup and escape sequences in its last message.
        index = next(
            i
            for i, t in enumerate(app.thread_list.threads)
            if t.last_message and "[bold red]" in t.last_message.content
        )
        app.thread_list.cursor = index
        await pilot.press("enter")
        await settle(pilot)
        view = app.message_view
        assert app.focused is view
        text = screen_text(view)
        assert "[bold red]URGENT[/]" in text
        assert "\x1b" not in text
        # Direction: a thread with both sides.
        thread = next(
            t for t in app.thread_list.threads if api.store.threads[t.id].message_count >= 6
        )
        app.thread_list.cursor = app.thread_list.threads.index(thread)
        await pilot.press("escape", "enter")
        await settle(pilot)
        width = view.scrollable_content_region.width
        messages = view.messages
        links = app.directory.account_link_ids
        assert any(m.is_outbound(links) for m in messages)
        assert any(not m.is_outbound(links) for m in messages)
        # The selected message's marker takes the first column: alignment is about the rest.
        lines = [" " + line[1:] if line.startswith("▌") else line for line in lines_of(view)]
        link_names = [a.name for a in app.directory.account_links.values()]
        ours = [line for line in lines if any(f"via {n}" in line for n in link_names)]
        theirs = [line for line in lines if line.lstrip().startswith(thread.prospect.display_name)]
        assert ours and theirs
        for line in ours:  # ours sit at the right: indented well past the left margin
            assert line.startswith("   ")
        assert any(len(line.rstrip()) == width - 1 for line in lines)
        for line in theirs:  # left-aligned
            assert line.startswith(" ") and not line.startswith("   ")


async def test_messages_name_the_sending_member() -> None:
    app, api = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        thread = next(
            t
            for t in app.thread_list.threads
            if any(
                m.user_id and m.author_id == t.account_link_id
                for m in api.store.messages_of(api.store.threads[t.id])[-8:]
            )
        )
        app.thread_list.cursor = app.thread_list.threads.index(thread)
        await pilot.press("enter")
        await settle(pilot)
        members = {m.name for m in api.store.members.values()}
        assert any(name in screen_text(app.message_view) for name in members)


async def test_older_messages_load_as_you_scroll_up() -> None:
    app, api = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        long_thread = max(api.store.threads.values(), key=lambda t: t.message_count)
        index = next(i for i, t in enumerate(app.thread_list.threads) if t.id == long_thread.id)
        app.thread_list.cursor = index
        await pilot.press("enter")
        await settle(pilot)
        view = app.message_view
        assert len(view.messages) == 50 and view.has_older
        assert await until(pilot, lambda: view.scroll_y == view.max_scroll_y)  # newest in view
        newest = view.messages[-1].id
        for _ in range(12):
            await pilot.press("g")
            await settle(pilot)
        assert len(view.messages) == long_thread.message_count
        assert len({m.id for m in view.messages}) == len(view.messages)
        assert view.messages[-1].id == newest
        assert "start of the conversation" in screen_text(view)


async def test_sidebar_shows_prospect_and_context() -> None:
    app, _api = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        thread = next(
            t
            for t in app.thread_list.threads
            if t.prospect.context.valuation
            and t.prospect.context.status_id
            # An X user (a LinkedIn member's link: tests/test_linkedin.py), by a plain name (a
            # hostile one is shown inert: tests/test_hostile.py).
            and t.platform == "twitter"
            and t.prospect.display_name.isprintable()
        )
        app.thread_list.cursor = app.thread_list.threads.index(thread)
        await until(pilot, lambda: app.sidebar.thread is thread)  # it follows after a frame
        sidebar = app.query_one(ProspectSidebar)
        texts = "\n".join(str(w.render()) for w in sidebar.query(Static))
        p = thread.prospect
        assert p.display_name in texts and p.at_handle in texts
        assert f"https://x.com/i/user/{p.platform_id}" in texts.replace("\n", "")
        assert app.directory.statuses[p.context.status_id].name in texts
        assert f"{p.context.valuation:,.0f}" in texts
        assert "Score" in texts and "Followers" in texts


async def test_sidebar_lists_other_threads_on_other_account_links() -> None:
    app, _api = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        thread = next(
            t for t in app.thread_list.threads if len(t.prospect.context.threads or []) > 1
        )
        app.thread_list.cursor = app.thread_list.threads.index(thread)
        await pilot.pause()
        others = str(app.sidebar.query_one("#sb-others", Static).render())
        assert "via " in others and others != "None"


@VERSIONS
async def test_lookup_finds_every_thread_or_says_none(version: str) -> None:
    app, api = make_app(api_version=version)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        shared = next(p for p, ts in api.store.threads_by_prospect.items() if len(ts) > 1)
        username = api.store.prospects[shared].username
        if version == "v1":  # `/` is the lookup
            await pilot.press("slash")
            await pilot.pause()
            assert isinstance(app.screen, LookupScreen)
            app.screen.query_one(Input).value = "@" + username.upper()
            await pilot.press("enter")
        else:  # `/` is the search, where an @name is looked up
            await pilot.press("slash", "@", *username.upper(), "enter")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        results = app.screen.query_one(OptionList)
        assert results.option_count == 2
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, LookupScreen)
        assert app.message_view.thread is not None
        assert app.message_view.thread.prospect.external_id == shared
        await pilot.press("escape", "slash")
        if version == "v2":
            await pilot.press("@", "enter")
        await pilot.pause()
        app.screen.query_one(Input).value = "nobody_here"
        await pilot.press("enter")
        await settle(pilot)
        assert "No conversation with @nobody_here" in str(
            app.screen.query_one("#lookup-message").render()
        )
        app.screen.query_one(Input).value = "bad name!"
        await pilot.press("enter")
        await settle(pilot)
        assert "letters, digits and underscores" in str(
            app.screen.query_one("#lookup-message").render()
        )


async def test_help_lists_every_binding() -> None:
    from tui.ui.keymap import KEYMAP

    # (Two accounts: with one, switching has nothing to do and help leaves its key out.)
    app, _ = make_app(account="Acme", accounts=("Acme", "Beta"))
    async with app.run_test(size=(130, 50)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = painted_text(app.screen.query_one("#help-body Static", Static))
        for key in KEYMAP:
            assert key.description in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_help_keeps_its_descriptions_at_60_columns() -> None:
    """At 60 columns the descriptions had no room left (the section titles, in the keys'
    column, made it 30 wide, and the ids kept theirs): the ids now go under them."""
    from tui.ui.keymap import KEYMAP

    app, _ = make_app(account="Acme", accounts=("Acme", "Beta"))  # (every key applies)
    async with app.run_test(size=(60, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = painted_text(app.screen.query_one("#help-body Static", Static))
        flowed = " ".join(text.split())  # a description wraps onto lines of its own
        for key in KEYMAP:
            assert key.description in flowed, key.description
            assert key.id in text


async def test_the_filter_panel_shows_every_section_at_60_columns() -> None:
    """Narrow, the groups are stacked and the panel scrolls: side by side at 60 columns, the
    third row's titles and names were cut ("Platforms (non", "Jorda…")."""
    app, _ = make_app()
    async with app.run_test(size=(60, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FilterScreen)
        body = screen.query_one("#filter-body")
        titles = [str(label.render()) for label in screen.query(".filter-group > Label")]
        assert "Platforms (none selected: all)" in titles and "Sort order" in titles
        for group in screen.query(".filter-group"):
            group.children[-1].focus()  # as tab reaches it: the body scrolls to it
            await settle(pilot)
            label = group.query_one(Label)
            painted = painted_text(label).strip()
            assert painted == str(label.render()), painted  # whole, not cut
            assert body.region.contains_region(group.children[-1].region)
        links = painted_text(screen.query_one("#f-links", SelectionList))
        assert "Jordan at Acme @jordan_acme" in links


async def test_palette_offers_every_action() -> None:
    from tui.ui.keymap import KEYMAP

    app, _ = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for key in KEYMAP:
            if key.palette:
                assert key.description in titles


async def test_narrow_terminal_collapses_the_sidebar_and_ctrl_b_toggles() -> None:
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.sidebar_visible
        assert app.thread_list.threads
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert app.sidebar_visible
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not app.sidebar_visible


async def test_wide_terminal_shows_the_sidebar() -> None:
    app, _ = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert app.sidebar_visible
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert not app.sidebar_visible


async def test_tab_cycles_panes_and_escape_returns() -> None:
    app, _ = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert app.focused is app.thread_list
        await pilot.press("tab")
        assert app.focused is app.message_view
        await pilot.press("tab")
        assert app.focused is app.sidebar
        await pilot.press("escape")
        assert app.focused is app.thread_list


async def test_j_k_g_move_the_cursor() -> None:
    app, _ = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "down", "k")
        assert app.thread_list.cursor == 2
        await pilot.press("G")
        await pilot.pause()
        assert app.thread_list.cursor >= 49
        await pilot.press("g")
        assert app.thread_list.cursor == 0


async def test_api_failure_is_shown_not_raised() -> None:
    from tui.demo import Fault

    app, api = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        api.faults.add(Fault(status=401, path_prefix="/threads"))
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "API key was refused" in app.status_text
        assert "INBOX_API_KEY" in app.status_text
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.thread_list.threads


async def test_the_list_scrolls_to_keep_the_cursor_row_on_screen() -> None:
    app, _ = make_app()
    async with app.run_test(size=(130, 36)) as pilot:
        await settle(pilot)
        rows = app.thread_list
        visible = rows.scrollable_content_region.height // 3
        await pilot.press(*["j"] * (visible + 5))
        await settle(pilot)
        current = rows.current
        assert current is not None and rows.cursor == visible + 5
        assert rows.scroll_y > 0
        name = current.prospect.display_name
        assert name and any(name in line for line in lines_of(rows))
        await pilot.press("g")
        await settle(pilot)
        assert rows.cursor == 0 and rows.scroll_y == 0


def record_shown_threads(sidebar: ProspectSidebar) -> list[str | None]:
    """The ids of the threads the sidebar is asked to show from now on, in order."""
    shown: list[str | None] = []
    show = sidebar.show

    def recorded_show(thread: object, *args: object) -> None:
        shown.append(getattr(thread, "id", None))
        show(thread, *args)  # type: ignore[arg-type]

    sidebar.show = recorded_show  # type: ignore[method-assign]
    return shown


async def test_a_held_key_moves_the_list_and_the_sidebar_follows_once_it_rests() -> None:
    app, _api = make_app()
    app.targeting.sidebar_follow_delay = 1.0  # longer than any gap between the presses below
    app.targeting.key_repeat_gap = (
        60.0  # every move below comes within it of the one before: a hold
    )
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        sidebar = app.query_one(ProspectSidebar)
        shown = record_shown_threads(sidebar)
        await pilot.press("j", "j", "j", "j")
        assert app.thread_list.cursor == 4
        assert shown == []  # no relayout of the screen while the key is down
        await pilot.pause(1.3)
        current = app.thread_list.current
        assert current is not None and shown == [current.id]
        name = str(sidebar.query_one("#sb-name", Static).render())
        assert current.prospect.display_name in name


async def test_a_move_on_its_own_shows_its_prospect_without_waiting_for_the_rest() -> None:
    app, _api = make_app()
    app.targeting.sidebar_follow_delay = 5.0  # the rest a held key waits for: far longer than below
    app.targeting.key_repeat_gap = 0.05
    async with app.run_test(size=(140, 50)) as pilot:
        await settle(pilot)
        sidebar = app.query_one(ProspectSidebar)
        shown = record_shown_threads(sidebar)
        await pilot.pause(0.2)  # longer than a key repeat: the next move is on its own
        await pilot.press("j")
        await pilot.pause(0.3)
        current = app.thread_list.current
        assert current is not None and shown == [current.id]


def test_every_key_names_an_action_that_exists() -> None:
    """A feature's keys are "<feature>.<action>": each resolves to a feature of the app and one
    of its actions, and the app's own keys to the app's (a typo would be a dead key)."""
    from tui.ui.features.shared import Feature
    from tui.ui.keymap import KEYMAP

    app, _ = make_app()
    for key in KEYMAP:
        if key.scope not in ("app", "messages") or "." not in key.action.split("(")[0]:
            if key.scope == "app":
                assert hasattr(app, f"action_{key.action.split('(')[0]}"), key.id
            continue
        namespace, action = key.action.split("(")[0].split(".")
        feature = getattr(app, namespace)
        assert isinstance(feature, Feature), key.id
        assert hasattr(feature, f"action_{action}"), key.id


async def test_ctrl_c_says_in_plain_words_which_keys_quit() -> None:
    """#34: ctrl+c does not quit; Textual's own toast said so in markup this app never renders
    (a literal `[b]ctrl+q[/b]`)."""
    app, _ = make_app()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.thread_list.focus()
        await pilot.press("ctrl+c")
        await pilot.pause()
        (toast,) = app._notifications
        assert toast.title == "Do you want to quit?"
        assert toast.message == "Press q to quit (ctrl+q while typing)."
        assert app.is_running
