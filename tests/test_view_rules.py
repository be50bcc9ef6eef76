"""Which views a thread belongs in, from its own fields (tui/core/offline_view.py): what an
offline view is built from, and where a due reminder brings its thread back to the top. The
service's agreement is checked in tests/test_mirror.py; here, the rules themselves."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tui.core.follow_up import gone_quiet
from tui.core.model import LastMessage, Prospect, ProspectContext, Thread
from tui.core.offline_view import view_holds
from tui.core.query import IdFilter, InboxView, ThreadQuery

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
AFTER = timedelta(days=3)
LINKS = frozenset({"link1"})
IDS = st.sampled_from(["a", "b", "c"])
WORDS = st.sampled_from(["", "ana", "Ward", "jonas", "hello there", "ÉLENA"])
TIMES = st.integers(0, 10 * 86400).map(lambda s: NOW - timedelta(seconds=s))


@st.composite
def threads(draw: st.DrawFn) -> Thread:
    sort_at = draw(TIMES)
    last = draw(
        st.one_of(
            st.none(),
            st.builds(
                LastMessage,
                id=st.just("m1"),
                content=WORDS,
                # v2 says the direction; v1 is known by the author (our link or not).
                author_id=st.sampled_from(["link1", "them"]),
                direction=st.sampled_from([None, "inbound", "outbound"]),
                created_at=st.just(sort_at),
            ),
        )
    )
    status = draw(st.one_of(st.none(), IDS))
    return Thread(
        id="t1",
        done=draw(st.booleans()),
        is_request=draw(st.booleans()),
        status=draw(st.sampled_from(["active", "idle"])),
        assignee_id=draw(st.one_of(st.none(), IDS)),
        account_link_id=draw(st.sampled_from(["link1", "link2"])),
        computed_sort_timestamp=sort_at,
        last_message=last,
        prospect=Prospect(
            display_name=draw(WORDS),
            username=draw(WORDS),
            context=ProspectContext(tags=draw(st.lists(IDS, unique=True)), status_id=status),
        ),
    )


id_filters = st.builds(IdFilter, st.lists(IDS, max_size=2, unique=True).map(tuple), st.booleans())
queries = st.builds(
    ThreadQuery,
    inbox=st.sampled_from(list(InboxView)),
    account_link_ids=st.lists(st.sampled_from(["link1", "link2"]), unique=True).map(tuple),
    tags=id_filters,
    statuses=id_filters,
    assignees=id_filters,
    search=WORDS,
)
VERSIONS = st.sampled_from(["v2", "v1"])


def holds(query: ThreadQuery, thread: Thread, version: str) -> bool:
    return view_holds(query, thread, LINKS, NOW, AFTER, version)


@given(queries, threads(), VERSIONS)
def test_a_thread_is_in_a_view_only_when_it_meets_the_views_rule(
    query: ThreadQuery, thread: Thread, version: str
) -> None:
    if not holds(query, thread, version):
        return
    last = thread.last_message
    inbox = query.inbox
    assert thread.done is (inbox is InboxView.ARCHIVED) or inbox is InboxView.ALL
    if inbox is InboxView.REQUESTS:
        assert thread.is_request
    if inbox is InboxView.NO_REPLY:  # they wrote last
        assert last is not None and not last.is_outbound(LINKS)
    if inbox in (InboxView.DEFAULT, InboxView.NO_REPLY, InboxView.FOLLOW_UP) and version == "v2":
        assert not thread.is_request  # (v2's inbox folder leaves requests to their own)
    if inbox is InboxView.FOLLOW_UP:
        assert gone_quiet(thread, LINKS, NOW - AFTER)
    if query.search:
        fields = (thread.prospect.display_name, thread.prospect.username, last and last.content)
        assert any(query.search.casefold() in (f or "").casefold() for f in fields)
    # Filters and the search only narrow the view.
    assert holds(replace(query.cleared(), search=""), thread, version)


@given(threads(), VERSIONS)
def test_all_holds_every_thread_and_archived_the_done_ones(thread: Thread, version: str) -> None:
    assert holds(ThreadQuery(inbox=InboxView.ALL), thread, version)
    assert holds(ThreadQuery(inbox=InboxView.ARCHIVED), thread, version) is thread.done
