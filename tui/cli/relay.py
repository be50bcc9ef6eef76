"""`inbox-tui relay`: run the team relay, and say who may use it; `--demo` puts it in front of
the embedded demo service (one process: the demo's webhooks go to it in-process), for trying.

Configured by the environment, as a container is:
- INBOX_API_KEY: the team's API key (the relay's alone);
- INBOX_RELAY_DATABASE_URL (or DATABASE_URL): its PostgreSQL, e.g. postgresql://u:p@host/db;
- INBOX_WEBHOOK_SECRET: the secret of the webhook endpoint registered in the web app for
  <relay>/relay/webhooks (without it the relay reads the event log every LOG_EVERY seconds);
- INBOX_API_URL: the service's v2 address (default, the service's).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.core.api_versions import default_base_url

if TYPE_CHECKING:
    from tui.demo.webhooks import DemoActivity

ENV_KEY = "INBOX_API_KEY"
ENV_DATABASE = ("INBOX_RELAY_DATABASE_URL", "DATABASE_URL")
ENV_SECRET = "INBOX_WEBHOOK_SECRET"
ENV_URL = "INBOX_API_URL"


def add_relay_parser(sub: Any) -> None:
    relay = sub.add_parser(
        "relay",
        help="run the team relay (one sync for the whole team, in PostgreSQL)",
        description="Serve the Inbox API to the team's clients from one copy of the team's "
        "data in PostgreSQL, kept current from the service's webhooks. Environment: "
        f"{ENV_KEY} (the team's key), {ENV_DATABASE[0]} or {ENV_DATABASE[1]}, {ENV_SECRET} "
        f"(the webhook endpoint's secret, optional), {ENV_URL} (optional).",
    )
    relay.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    relay.add_argument("--port", type=int, default=8790, help="port (default 8790)")
    relay.add_argument(
        "--demo",
        action="store_true",
        help="in front of the embedded demo service (its first team, its webhooks), not the "
        f"service: no {ENV_KEY} needed",
    )
    relay.add_argument(
        "--threads", type=int, default=300, help="with --demo: threads to seed (default 300)"
    )
    relay.add_argument(
        "--local-db",
        metavar="FOLDER",
        type=Path,
        help="start a PostgreSQL server of its own in FOLDER (for trying the relay; made "
        "there if new) instead of a database URL",
    )
    relay.add_argument(
        "--add-person",
        metavar="NAME",
        action="append",
        default=[],
        help="give NAME a relay token (printed once; again for a new one) before serving",
    )
    relay.add_argument(
        "--token-file",
        type=Path,
        help="with --add-person: write the first token here (0600) rather than print it",
    )
    relay.add_argument(
        "--remove-person", metavar="NAME", action="append", default=[], help="revoke a token"
    )
    relay.add_argument(
        "--people-only",
        action="store_true",
        help="only add or remove people, then stop (the relay keeps serving elsewhere)",
    )


def _hang_up(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _fail(message: str) -> int:
    print(f"inbox-tui relay: {message}", file=sys.stderr)
    return 2


def run_relay(args: argparse.Namespace) -> int:
    if not 0 <= args.port <= 65535:
        return _fail("--port must be between 0 and 65535")
    if not 1 <= args.threads <= 100_000:
        return _fail("--threads must be between 1 and 100000")
    key = os.environ.get(ENV_KEY, "").strip()
    database = next((os.environ[n] for n in ENV_DATABASE if os.environ.get(n)), "")
    if not key and not args.people_only and not args.demo:
        return _fail(f"set {ENV_KEY} to the team's API key (or try it with --demo)")
    local = None
    if args.local_db is not None:
        from tui.relay.local_pg import LocalPostgres

        local = LocalPostgres(args.local_db.resolve())
        try:
            database = local.start()
        except Exception as error:  # missing programs, a folder it cannot use: said plainly
            return _fail(f"cannot start PostgreSQL in {args.local_db}: {error}")
    elif not database:
        return _fail(f"set {ENV_DATABASE[0]} (or {ENV_DATABASE[1]}), or give --local-db FOLDER")
    # A closed terminal ends the relay as Ctrl-C does: its PostgreSQL is stopped below.
    signal.signal(signal.SIGHUP, _hang_up)
    try:
        return asyncio.run(_serve(args, key, database))
    except KeyboardInterrupt:
        return 0
    finally:
        if local is not None:
            local.stop()


async def _serve(args: argparse.Namespace, key: str, database: str) -> int:
    import psycopg
    import psycopg_pool

    from tui.relay.store import RelayStore

    try:
        store = await RelayStore.open(database)
    except (psycopg.Error, psycopg_pool.PoolTimeout) as error:
        return _fail(f"cannot open the database: {type(error).__name__}")
    try:
        for name in args.remove_person:
            gone = await store.remove_person(name)
            print(f"{name}: {'token revoked' if gone else 'no such person'}", file=sys.stderr)
        for i, name in enumerate(args.add_person):
            token = await store.add_person(name)
            if i == 0 and args.token_file is not None:
                # Readable by its owner only, whether new or there before.
                fd = os.open(args.token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "w") as out:
                    out.write(token + "\n")
                print(f"{name}: token written to {args.token_file}", file=sys.stderr)
            else:
                print(f"{name}: {token}")
        if args.people_only:
            return 0
        if args.demo:
            await store.forget_copy()  # a new demo service, whose log starts again at 1
        return await _run(args, key, store)
    finally:
        await store.close()


async def _run(args: argparse.Namespace, key: str, store: Any) -> int:
    import httpx
    import uvicorn

    from tui.api.connect import raw_v2
    from tui.relay.server import Relay
    from tui.relay.sync import Syncer

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # (a line per request otherwise)
    upstream = os.environ.get(ENV_URL, "").strip().rstrip("/") or default_base_url("v2")
    secret = os.environ.get(ENV_SECRET, "").strip() or None
    transport: httpx.AsyncBaseTransport | None = None
    demo = None
    if args.demo:
        from tui.demo import DEMO_API_KEY, DEMO_ROOT, DemoApi, DemoStore, SeedConfig
        from tui.demo import demo_transport as in_process
        from tui.demo.webhooks import DEMO_SECRET, INBOUND_EVERY

        seeded = SeedConfig(threads=args.threads, lazy=True, inbound_every=INBOUND_EVERY)
        demo = DemoApi(DemoStore(seeded))
        key, upstream, secret = DEMO_API_KEY, f"{DEMO_ROOT}/v2", DEMO_SECRET
        transport = in_process(demo)
    syncer = Syncer(store, raw_v2(key, base_url=upstream, transport=transport))
    relay = Relay(
        store,
        syncer,
        upstream_url=upstream,
        api_key=key,
        webhook_secret=secret,
        transport=transport,
    )
    hooks = "webhooks checked" if secret else f"no {ENV_SECRET}: the event log is polled"
    service = "the demo service (its first team)" if demo else upstream
    print(
        f"relay on http://{args.host}:{args.port} for {service} ({hooks}); "
        f"people: {', '.join(await store.people()) or 'none yet (--add-person NAME)'}",
        file=sys.stderr,
    )
    # Open streams never end on their own: a stop waits 2 s for them, no longer.
    config = uvicorn.Config(
        relay.starlette,
        host=args.host,
        port=args.port,
        log_level="warning",
        timeout_graceful_shutdown=2,
    )
    activity = None
    if demo is not None:
        activity = _demo_service_beside(demo, relay, secret or "")
        activity.startup()
        # The demo's attachments: its media host is this relay's address (the demo serves
        # them in-process; at the service they come from its own media host).
        from starlette.routing import Route

        demo.store.media.origin = f"http://{args.host}:{args.port}"
        relay.starlette.router.routes.append(
            Route("/media/{message_id}/{index:int}", demo.media, methods=["GET"])
        )
    try:
        await uvicorn.Server(config).serve()
    finally:
        if activity is not None:
            await activity.shutdown()
        await syncer.upstream.aclose()
    return 0


def _demo_service_beside(demo: Any, relay: Any, secret: str) -> DemoActivity:
    """The demo service's part, as demo-server runs it: its webhooks, to the relay (in-process),
    and its DMs arriving on their own (a request would bring them; the relay asks nothing while
    idle)."""
    import httpx

    from tui.demo.webhooks import DemoActivity, Endpoint, WebhookSender

    hooks = httpx.ASGITransport(app=relay.starlette)
    endpoint = Endpoint("http://relay/relay/webhooks", secret)
    return DemoActivity([WebhookSender(demo.store, [endpoint], transport=hooks)])
