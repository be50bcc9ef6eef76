"""The app through a team relay (#39): it reads the relay's copy, costs the team nothing while
it reads, is pushed each change over a real socket, and its replies reach the service through
the relay; with the relay gone, it stays on what it has."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
import uvicorn

from tests.app_helpers import until
from tests.relay_parts import SECRET, Parts, relay_parts
from tui.backend import relay_backend
from tui.core.config import Settings
from tui.core.secrets import Secret
from tui.core.webhook_signature import HEADER, sign
from tui.ui.app import InboxApp

if TYPE_CHECKING:
    from textual.pilot import Pilot

pytestmark = pytest.mark.xdist_group("postgres")


@asynccontextmanager
async def served(parts: Parts, port: int = 0) -> AsyncIterator[str]:
    """The relay on a real socket (its stream is pushed, not answered whole), following."""
    server = uvicorn.Server(
        uvicorn.Config(
            parts.relay.starlette,
            host="127.0.0.1",
            port=port,
            log_level="error",
            timeout_graceful_shutdown=1,
        )
    )
    serving = asyncio.create_task(server.serve())
    following = asyncio.create_task(parts.syncer.follow())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        following.cancel()
        server.should_exit = True
        await serving


def relay_app(url: str, token: str, data_dir: Path) -> InboxApp:
    settings = Settings(
        relay_url=url,
        relay_token=Secret(token),
        mirror="off",
        typing_indicators=False,
        send_delay=0,
        data_dir=data_dir,
    )
    return InboxApp(settings, backend=relay_backend(settings))


async def listed(pilot: Pilot[None], app: InboxApp) -> None:
    """The first page on screen (`settle` would wait for the stream's worker, which lasts)."""
    assert await until(pilot, lambda: bool(app.thread_list.threads), 10)
    await pilot.pause(0.1)


async def test_the_app_reads_the_relay_and_is_pushed_each_change(
    postgres_dsn: str, tmp_path: Path
) -> None:
    async with relay_parts(postgres_dsn, threads=30) as parts, served(parts) as url:
        app = relay_app(url, parts.token, tmp_path)
        before = parts.service_requests()
        async with app.run_test(size=(140, 40)) as pilot:
            await listed(pilot, app)
            rows = app.thread_list.threads
            assert rows, "the list is the relay's"
            assert parts.service_requests() == before  # reading cost the team nothing
            assert await until(pilot, lambda: parts.relay.streams == 1, 5)
            # A DM reaches the service, whose webhook reaches the relay: the app shows it
            # without a key pressed or its interval come round.
            thread = parts.api.store.threads[rows[-1].id]
            parts.api.store.receive_message(thread, "Pushed to every screen")
            async with parts.service() as service:
                last = await parts.store.last_seq()
                events = (await service.get("/events", params={"afterSeq": str(last)})).json()
            raw = json.dumps(events["data"][-1]).encode()
            signed = {HEADER: sign(SECRET, int(time.time()), raw)}
            async with httpx.AsyncClient() as http:
                hooked = await http.post(f"{url}/relay/webhooks", content=raw, headers=signed)
            assert hooked.status_code == 200
            assert await until(pilot, lambda: app.thread_list.threads[0].id == thread.id, 8), (
                "the pushed change reached the list"
            )
            # The app's reads after the push were the relay's: the service saw only the
            # test's log read and the relay's refresh of what the event named.
            asked = [p for _, p in parts.api.request_log[before:]]
            assert asked.count("/events") == 1
            assert all(not p.startswith("/threads?") for p in asked)


async def test_a_reply_through_the_relay_reaches_the_service(
    postgres_dsn: str, tmp_path: Path
) -> None:
    async with relay_parts(postgres_dsn, threads=20) as parts, served(parts) as url:
        app = relay_app(url, parts.token, tmp_path)
        async with app.run_test(size=(140, 40)) as pilot:
            await listed(pilot, app)
            person = app.thread_list.threads[0]
            await pilot.press("enter")
            await listed(pilot, app)
            assert app.message_view.thread is not None
            assert app.message_view.thread.id == person.id
            await pilot.press("r")
            await pilot.press(*"via the relay")
            await pilot.press("ctrl+s")
            sent = await until(
                pilot,
                lambda: any(
                    m.content == "via the relay"
                    for m in parts.api.store.messages_of(parts.api.store.threads[person.id])
                ),
                8,
            )
            assert sent, "the reply reached the service"
            posts = [p for m, p in parts.api.request_log if m == "POST"]
            assert posts.count("/messages") == 1


async def test_with_the_relay_gone_the_app_stays_on_what_it_has_and_comes_back(
    postgres_dsn: str, tmp_path: Path
) -> None:
    async with relay_parts(postgres_dsn, threads=20) as parts:
        async with served(parts) as url:
            app = relay_app(url, parts.token, tmp_path)
            async with app.run_test(size=(140, 40)) as pilot:
                await listed(pilot, app)
                shown = [t.id for t in app.thread_list.threads]
                assert await until(pilot, lambda: parts.relay.streams == 1, 5)
        # The relay is gone: the same person starts again, on the cache, said offline.
        port = int(url.rsplit(":", 1)[1])
        app = relay_app(url, parts.token, tmp_path)
        async with app.run_test(size=(140, 40)) as pilot:
            await listed(pilot, app)
            assert [t.id for t in app.thread_list.threads] == shown
            assert await until(pilot, lambda: "Offline" in app.status_text, 5), app.status_text
            assert "Inbox API" not in app.status_text  # (it is the relay that is away)
            # The relay comes back where it was: the app's stream opens again on its own.
            async with served(parts, port):
                assert await until(pilot, lambda: parts.relay.streams == 1, 10)
                thread = parts.api.store.threads[shown[-1]]
                parts.api.store.receive_message(thread, "After the relay came back")
                parts.syncer.poke()
                assert await until(pilot, lambda: app.thread_list.threads[0].id == thread.id, 10), (
                    "a change reached the list over the reopened stream"
                )


async def test_a_refused_relay_token_is_said_as_the_relays(
    postgres_dsn: str, tmp_path: Path
) -> None:
    async with relay_parts(postgres_dsn, threads=5) as parts, served(parts) as url:
        app = relay_app(url, "irt_not_a_token_of_this_relay", tmp_path)
        async with app.run_test(size=(140, 40)) as pilot:
            said = await until(
                pilot, lambda: "relay refused your relay token" in app.status_text, 8
            )
            assert said, app.status_text
            assert "irt_not_a_token" not in app.status_text
            assert "set-key" not in app.status_text  # not the service's key
