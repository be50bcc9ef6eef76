"""ThreadQuery: the documented wire spelling, checked exactly and by property."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.api.v1.query import thread_params
from tui.core.model import Cursor
from tui.core.query import IdFilter, InboxView, SortOrder, ThreadQuery, format_timestamp
from tui.demo.openapi import spec_for
from tui.demo.params import cursor_from, thread_filter_from
from tui.demo.store import IdSelection

IDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=24)


def test_documented_spelling() -> None:
    query = ThreadQuery(
        inbox=InboxView.NO_REPLY,
        account_link_ids=("df6jbw4h36qm5d9iu2sgn7kx",),
        tags=IdFilter(("t8rvk2m5j0xn4wq7ybftcael", "u9swl3n6k1yo5xr8zcgudbfm")),
        statuses=IdFilter(none_=True),
        assignees=IdFilter(none_=True),
        campaigns=IdFilter(none_=True),
        sort_order=SortOrder.ASC,
        limit=50,
        cursor=Cursor(id="abc", timestamp=datetime(2025, 11, 10, 18, 3, 16, tzinfo=UTC)),
    )
    assert thread_params(query) == [
        ("inbox", "no-reply"),
        ("limit", "50"),
        ("accountLinkIds[0]", "df6jbw4h36qm5d9iu2sgn7kx"),
        ("filters[tags][selectedIds][0]", "t8rvk2m5j0xn4wq7ybftcael"),
        ("filters[tags][selectedIds][1]", "u9swl3n6k1yo5xr8zcgudbfm"),
        ("filters[statuses][noStatus]", "true"),
        ("filters[assignees][noAssignee]", "true"),
        ("filters[campaigns][noCampaign]", "true"),
        ("filters[sortOrder]", "asc"),
        ("cursorId", "abc"),
        ("cursorTimestamp", "2025-11-10T18:03:16.000Z"),
    ]


def test_tags_none_flag_spelling() -> None:
    params = thread_params(ThreadQuery(tags=IdFilter(none_=True)))
    assert ("filters[tags][noTags]", "true") in params


@pytest.mark.parametrize("limit", [0, -1, 101, 1000])
def test_limit_is_bounded(limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        ThreadQuery(limit=limit)


def test_timestamp_format_is_utc_with_millis() -> None:
    from datetime import timedelta, timezone

    local = datetime(2025, 1, 15, 17, 30, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    assert format_timestamp(local) == "2025-01-15T15:30:00.123Z"


id_filters = st.builds(IdFilter, st.lists(IDS, max_size=4, unique=True).map(tuple), st.booleans())
queries = st.builds(
    ThreadQuery,
    inbox=st.sampled_from([v for v in InboxView if v is not InboxView.ALL]),  # v1 views
    account_link_ids=st.lists(IDS, max_size=3, unique=True).map(tuple),
    tags=id_filters,
    statuses=id_filters,
    assignees=id_filters,
    campaigns=id_filters,
    sort_order=st.sampled_from(list(SortOrder)),
    limit=st.integers(1, 100),
    cursor=st.one_of(
        st.none(),
        st.builds(
            Cursor,
            id=IDS,
            timestamp=st.datetimes(
                min_value=datetime(2000, 1, 1),
                max_value=datetime(2100, 1, 1),
                timezones=st.just(UTC),
            ).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)),
        ),
    ),
)


@given(queries)
def test_round_trip_through_the_server_parser(query: ThreadQuery) -> None:
    """What the client writes, the demo server (the service's stand-in) reads back the same."""
    params = thread_params(query)
    found = spec_for("v1").find("GET", "/threads")
    assert found is not None
    checked = found[0].check({}, params, {}, b"")  # refused if the spec does not allow them
    flt = thread_filter_from(checked.query)
    assert flt.inbox == query.inbox.served.value  # the follow-up view is read from the default
    assert flt.account_link_ids == frozenset(query.account_link_ids)
    assert flt.ascending == (query.sort_order is SortOrder.ASC)
    for kind, id_filter in query.filters().items():
        assert getattr(flt, kind) == IdSelection(frozenset(id_filter.selected), id_filter.none_)
    cursor = cursor_from(checked.query)
    if query.cursor is None:
        assert cursor is None
    else:
        assert cursor == (query.cursor.timestamp, query.cursor.id)


@given(queries)
def test_never_the_deprecated_cursor_or_a_tag_ids_param(query: ThreadQuery) -> None:
    keys = [key for key, _ in thread_params(query)]
    assert not any(key.startswith("cursor[") for key in keys)
    assert "tagIds" not in keys
    assert len(keys) == len(set(keys))


@given(queries)
def test_clearing_keeps_view_and_order_only(query: ThreadQuery) -> None:
    cleared = query.cleared()
    assert not cleared.has_filters
    assert cleared.inbox == query.inbox
    assert cleared.sort_order == query.sort_order
    assert cleared.cursor is None


def test_a_done_change_keeps_a_thread_in_the_views_that_hold_it() -> None:
    assert InboxView.ARCHIVED.holds(done=True) and not InboxView.ARCHIVED.holds(done=False)
    assert InboxView.DEFAULT.holds(done=False) and not InboxView.DEFAULT.holds(done=True)
    assert InboxView.ALL.holds(done=True) and InboxView.ALL.holds(done=False)
