"""The relay's tests' parts: a demo service, a relay over PostgreSQL before it, and clients of
either, all in-process over ASGI (tests/test_relay.py; a real socket where a stream needs it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from tui.api.connect import raw_v2
from tui.api.pacing import RequestBudget
from tui.demo import DEMO_API_KEY, DemoApi, DemoStore, SeedConfig, demo_transport
from tui.relay.server import Relay
from tui.relay.store import RelayStore
from tui.relay.sync import Syncer

SERVICE = "http://demo/api/v2"
RELAY = "http://relay"
SECRET = "whsec_test"


async def no_wait(seconds: float) -> None:
    await asyncio.sleep(0)  # (hands the loop on: the in-process transport never waits)


@dataclass
class Parts:
    api: DemoApi
    store: RelayStore
    syncer: Syncer
    relay: Relay
    token: str

    def service(self) -> httpx.AsyncClient:
        """Straight to the demo service, with the team's key (what the relay sees)."""
        return httpx.AsyncClient(
            transport=demo_transport(self.api),
            base_url=SERVICE,
            headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
        )

    def client(self, token: str | None = None) -> httpx.AsyncClient:
        """A person's client of the relay."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.relay.starlette),
            base_url=RELAY,
            headers={"Authorization": f"Bearer {token or self.token}"},
        )

    def service_requests(self) -> int:
        return len(self.api.request_log)


@asynccontextmanager
async def relay_parts(
    dsn: str,
    *,
    threads: int = 40,
    secret: str | None = SECRET,
    walk: bool = True,
    rate_limit: int | None = None,
) -> AsyncIterator[Parts]:
    api = DemoApi(DemoStore(SeedConfig(threads=threads)), rate_limit=rate_limit)
    store = await RelayStore.open(dsn, size=4)
    transport = demo_transport(api)
    upstream = raw_v2(
        DEMO_API_KEY, base_url=SERVICE, transport=transport, budget=RequestBudget(10**6)
    )
    # Ten times the team's windows: the tests' walks never wait (a wait with no_wait spins).
    syncer = Syncer(store, upstream, share=10.0, sleep=no_wait)
    relay = Relay(
        store,
        syncer,
        upstream_url=SERVICE,
        api_key=DEMO_API_KEY,
        webhook_secret=secret,
        transport=transport,
        sync=False,
    )
    token = await store.add_person("ana")
    try:
        if walk:
            await syncer.walk()
        yield Parts(api, store, syncer, relay, token)
    finally:
        await relay.stop()
        await upstream.aclose()
        await store.close()
