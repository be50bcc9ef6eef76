"""A lazily seeded demo (threads generated as requests reach them) answers exactly as an
eager one: every view and filter paged to the end, lookups, and changes."""

from __future__ import annotations

import time

import pytest

from tests.conftest import ANCHOR
from tui.api import V1Client
from tui.backend import demo_client
from tui.core.query import IdFilter, InboxView, SortOrder, ThreadQuery
from tui.demo import DemoApi, DemoStore, SeedConfig


def stores(threads: int = 600) -> tuple[DemoStore, DemoStore]:
    def make(lazy: bool) -> DemoStore:
        config = SeedConfig(threads=threads, anchor=ANCHOR, lazy=lazy)
        return DemoStore(config, clock=lambda: ANCHOR)

    return make(False), make(True)


async def every_page(client: V1Client, query: ThreadQuery) -> list[dict[str, object]]:
    return [t.model_dump(by_alias=True) async for t in client.iter_threads(query)]


def test_a_lazy_store_starts_with_almost_nothing() -> None:
    _eager, lazy = stores()
    assert len(lazy.threads) == 0
    page, _ = lazy.list_threads(_default_filter(lazy), 50, None)
    assert len(page) == 50 and len(lazy.threads) <= 101  # one batch of 100, and one more


def _default_filter(store: DemoStore):  # type: ignore[no-untyped-def]
    from tui.demo.store import ThreadFilter

    return ThreadFilter()


@pytest.mark.parametrize(
    "query",
    [
        ThreadQuery(limit=37),
        ThreadQuery(inbox=InboxView.NO_REPLY, limit=50),
        ThreadQuery(inbox=InboxView.ARCHIVED, limit=20),
        ThreadQuery(inbox=InboxView.REQUESTS, limit=10),
        ThreadQuery(sort_order=SortOrder.ASC, limit=45),
    ],
)
async def test_every_view_pages_the_same(query: ThreadQuery) -> None:
    eager, lazy = stores()
    assert await every_page(demo_client(DemoApi(lazy), "v1"), query) == await every_page(
        demo_client(DemoApi(eager), "v1"), query
    )


async def test_filters_lookups_and_changes_answer_the_same() -> None:
    eager, lazy = stores()
    e, z = demo_client(DemoApi(eager), "v1"), demo_client(DemoApi(lazy), "v1")
    tag = next(iter(eager.tags))
    filtered = ThreadQuery(tags=IdFilter((tag,)), limit=25)
    assert await every_page(z, filtered) == await every_page(e, filtered)
    # A thread deep in the seed, by ID and by username, before the scan reached it.
    deep = list(eager.threads.values())[-5]
    assert (await z.get_thread(deep.id)).model_dump() == (await e.get_thread(deep.id)).model_dump()
    stranger = eager.seeded.prospects[-1]  # someone with no thread yet
    assert (await z.lookup_prospect(stranger.platform_id)) == (
        await e.lookup_prospect(stranger.platform_id)
    )
    for client in (e, z):
        first = (await client.list_threads(ThreadQuery(limit=5))).threads[2]
        await client.send_message(first.id, "same everywhere")
        await client.update_thread(first.id, assignee_id=next(iter(eager.members)))
    assert await every_page(z, ThreadQuery(limit=50)) == await every_page(e, ThreadQuery(limit=50))


def test_a_large_lazy_demo_answers_its_first_page_quickly() -> None:
    started = time.perf_counter()
    lazy = DemoStore(SeedConfig(threads=100_000, anchor=ANCHOR, lazy=True), clock=lambda: ANCHOR)
    page, _ = lazy.list_threads(_default_filter(lazy), 50, None)
    assert len(page) == 50 and len(lazy.threads) <= 101
    assert time.perf_counter() - started < 5  # an eager 100,000-thread seed takes seconds more
