"""The follow-up view (6): threads where we wrote last and they have been quiet for
`follow_up_after`, oldest first, read from pages of the default view."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.app_helpers import make_app, screen_text, settle
from tests.conftest import ANCHOR
from tests.test_actions import VERSIONS
from tests.test_app import expected_ids
from tui.core.follow_up import parse_span, quiet_for
from tui.core.query import InboxView
from tui.demo import DemoApi


def quiet_ids(api: DemoApi, version: str, after: timedelta = timedelta(days=3)) -> list[str]:
    """From the demo's own state: the default view's threads whose last message is ours and
    nothing has happened since the cut-off, oldest first."""
    store, cutoff = api.store, ANCHOR - after
    in_view = set(expected_ids(api, "default", version=version))
    return [
        t.id
        for t in reversed(store._order)
        if t.id in in_view
        and t.last_message is not None
        and t.last_message.author_id in store.account_links
        and t.sort_at <= cutoff
    ]


@VERSIONS
async def test_the_view_lists_who_went_quiet_oldest_first(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version, page_size=20)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        before = len(api.request_log)
        await pilot.press("6")
        await settle(pilot)
        assert app.thread_query.inbox is InboxView.FOLLOW_UP
        expected = quiet_ids(api, version)
        shown = [t.id for t in app.thread_list.threads]
        assert len(expected) > 20 and shown == expected[: len(shown)] and len(shown) >= 20
        requests = api.request_log[before:]
        assert requests and set(requests) == {("GET", "/threads")}
        # Each row says how long they have been quiet, in place of the time.
        first = app.thread_list.threads[0]
        assert first.last_message is not None and first.last_message.created_at is not None
        words = f"silent {quiet_for(first.last_message.created_at, ANCHOR)}"
        assert app.thread_list.notes[first.id] == words
        assert words in screen_text(app.thread_list)
        status = screen_text(app.status_line)
        assert f"{len(shown)} gone quiet for 3 days or more" in status
        assert f"in {len(requests)} request" in status
        # Scrolling to the end reads on from where the reading stopped.
        app.thread_list.focus()
        await pilot.press("G")
        await settle(pilot)
        more = [t.id for t in app.thread_list.threads]
        assert len(more) > len(shown) and more == expected[: len(more)]
        # The view's tab says which view it is.
        active = app.view_tabs.active_tab
        assert active is not None and active.label.plain == "6 Follow up"


async def test_the_cut_off_is_a_setting_and_an_answer_takes_a_row_out(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir, follow_up_after=parse_span("2w"), page_size=100)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        expected = quiet_ids(api, "v2", timedelta(weeks=2))
        shown = [t.id for t in app.thread_list.threads]
        assert shown == expected  # a short list: the whole view was read
        assert "gone quiet for 2 weeks or more" in screen_text(app.status_line)
        # They answer: the row leaves the view on the next poll, and it is announced.
        answered = api.store.thread(shown[1])
        api.store.receive_message(answered, "Sorry for the silence! Still interested.")
        app.live.poll_now()
        await settle(pilot)
        assert answered.id not in [t.id for t in app.thread_list.threads]
        assert shown[0] in [t.id for t in app.thread_list.threads]
        names = [n.message for n in app._notifications]
        assert any("Still interested" in n for n in names), names


def test_spans_are_read_and_refused_plainly() -> None:
    assert parse_span("3d") == timedelta(days=3)
    assert parse_span(" 36h ") == timedelta(hours=36)
    assert parse_span("2W") == timedelta(weeks=2)
    for bad in ("3", "three days", "-1d", "0d", ""):
        try:
            parse_span(bad)
        except ValueError as error:
            assert "90m" in str(error) or "longer" in str(error)
        else:
            raise AssertionError(bad)
    assert quiet_for(ANCHOR - timedelta(days=1, hours=3), ANCHOR) == "1 day"
    assert quiet_for(ANCHOR - timedelta(days=20), ANCHOR) == "2 weeks"
    assert quiet_for(ANCHOR - timedelta(days=95), ANCHOR) == "3 months"
