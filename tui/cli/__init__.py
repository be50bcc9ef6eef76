"""The `inbox-tui` command: the app, and its subcommands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tui.cli.export import add_export_parser
from tui.cli.mirror import add_mirror_parsers
from tui.core.config import (
    ENV_ACCOUNT,
    ENV_API_KEY,
    ENV_API_URL,
    ENV_API_VERSION,
    ENV_CONFIG,
    ENV_DATA_DIR,
    ConfigError,
    Overrides,
    Settings,
    config_warnings,
    default_config_path,
    load_settings,
)
from tui.ui.heap import pause_collection, resume_collection

if TYPE_CHECKING:
    from starlette.types import ASGIApp

EPILOG = f"""\
environment variables:
  {ENV_API_KEY}     API key (Settings -> API in the Inbox web app). Without one, the app
                    runs on the embedded demo.
  {ENV_API_VERSION} API version to speak: v2 (default, the service's current one) or v1
  {ENV_API_URL}     base URL of the API (default https://inboxapp.com/api/<version>)
  {ENV_CONFIG}  path of the config file
  {ENV_DATA_DIR} where drafts and caches are kept
  {ENV_ACCOUNT} the account to open (as --account)

config file: {default_config_path()}
  `inbox-tui set-key` stores the key there without echoing it (file mode 0600), or with
  --keyring in the OS keyring (read when neither the environment nor the file has a key).
  TOML; keys: api_key, api_version, api_url, demo, demo_threads, requests_per_minute, timeout,
  page_size, data_dir, poll_interval, poll_share, mirror, mirror_share, demo_faults, theme,
  export_dir,
  [campaigns] (campaign ID = "name"), [score] (lead-score weights and keywords),
  [[views]] (saved views), [keys] (binding id = "keys"), [crm] (base_url, api_key,
  stage_map, pipeline_id, user_id), [[accounts]] (one a team: name, api_key or api_key_env,
  and any setting but the app's own: data_dir, keys, theme, inline_images, download_dir,
  export_dir, snippets).
  Flags override the environment, which overrides the file.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inbox-tui",
        description="A fast, keyboard-driven terminal client for the Inbox API.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=None,
        help="run on the embedded demo API, even when an API key is set",
    )
    parser.add_argument(
        "--version",
        action="store_true",
        help="print the program's version and the API version it would use, and exit",
    )
    parser.add_argument(
        "--api-version",
        metavar="V",
        help="Inbox API version: v2 (default) or v1",
    )
    parser.add_argument("--api-url", metavar="URL", help="base URL of the Inbox API")
    parser.add_argument("--config", metavar="PATH", type=Path, help="path of the config file")
    parser.add_argument(
        "--demo-faults",
        metavar="SPEC",
        help="with the demo: inject faults (same SPEC as demo-server --faults)",
    )
    parser.add_argument(
        "--demo-threads",
        metavar="N",
        type=int,
        help="how many threads the demo seeds (1 to 100000, default 300)",
    )
    parser.add_argument(
        "--account",
        metavar="NAME",
        help=f"the account to open ([[accounts]] in the config file; ${ENV_ACCOUNT}); default: "
        "the one last used, else the first. The demo's are 'Acme Corp' and 'Northwind Labs'",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    server = sub.add_parser(
        "demo-server",
        help="serve the demo Inbox API over HTTP",
        description="Serve the embedded demo Inbox API over a real socket: the demo's two "
        "teams, Acme Corp under the API key demo and Northwind Labs under demo-2.",
    )
    server.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    server.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any)")
    server.add_argument("--threads", type=int, default=300, help="threads to seed (default 300)")
    server.add_argument("--seed", type=int, default=7, help="random seed of the demo data")
    server.add_argument(
        "--key",
        default="demo",
        help="the first team's API key (default demo); the second team's is KEY-2",
    )
    server.add_argument(
        "--rate-limit",
        type=int,
        default=300,
        help="requests a minute before 429 (0 = no limit; default 300)",
    )
    server.add_argument(
        "--faults",
        metavar="SPEC",
        default="",
        help="inject faults: rates per request, e.g. "
        "429=0.1,5xx=0.1,slow=0.1,drop=0.05,malformed=0.05,401after=500 "
        "(also slow_seconds=, retry_after=, seed=)",
    )
    server.add_argument(
        "--webhook",
        metavar="URL",
        action="append",
        default=[],
        help="POST the first team's events to URL as the service's v2 webhooks, signed "
        "(repeatable); simulated DMs then arrive every 40 s with no request needed",
    )
    server.add_argument(
        "--webhook-secret",
        metavar="SECRET",
        help="the webhooks' signing secret (or $INBOX_DEMO_WEBHOOK_SECRET, which keeps it out "
        "of the process list; default: the demo's own, demo-webhook-secret)",
    )
    from tui.cli.relay import add_relay_parser

    add_relay_parser(sub)
    set_key = sub.add_parser(
        "set-key",
        help="store the API key in the config file (asked without echo)",
        description="Ask for the API key without echoing it, check it against the API, and "
        "store it in the config file, readable only by you (0600).",
    )
    set_key.add_argument(
        "--no-check", action="store_true", help="store without checking the key against the API"
    )
    set_key.add_argument(
        "--account",
        metavar="NAME",
        default=argparse.SUPPRESS,  # (else it would hide one given before `set-key`)
        help="whose key: one of the [[accounts]] (stored in the keyring under its name)",
    )
    set_key.add_argument(
        "--keyring",
        action="store_true",
        help="store it in the OS keyring instead (needs the `keyring` package)",
    )
    add_export_parser(sub)
    add_mirror_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            chosen = _command(argv)
        except SystemExit:
            sys.stdout.flush()  # (--help ends this way: its text meets a closed pipe here)
            raise
        # What is still buffered meets a closed pipe here, inside the guard, not in the flush
        # at exit (which would print "Exception ignored ... BrokenPipeError").
        sys.stdout.flush()
    except BrokenPipeError:
        return reader_gone()
    if isinstance(chosen, int):
        return chosen
    # The app is outside the guard: it draws on the terminal, never on a pipe.
    return run_app(*chosen)


def reader_gone() -> int:
    """Stdout's reader went away (`inbox-tui search x | head -1`): end quietly, as
    `git log | head` does, whichever command was writing."""
    # What is still buffered can go nowhere: stdout points at /dev/null, so the flush at exit
    # does not fail a second time (the Python docs' recipe for SIGPIPE).
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    # 128 + SIGPIPE, what the shell reports of a `git log` that `| head` ended: no failure of
    # ours (1 would say the command failed), and `set -o pipefail` sees it as of any tool.
    return 141


def _command(argv: Sequence[str] | None) -> int | tuple[Settings, list[str]]:
    """A subcommand run, with its exit status; or the settings and warnings to start the app
    with."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None:
        # Paused by the entry point for the app's start (tui/launch.py); a subcommand may run
        # for hours (demo-server).
        resume_collection()
    if args.command == "demo-server":
        return run_demo_server(args)
    if args.command == "relay":
        from tui.cli.relay import run_relay

        return run_relay(args)
    named = args.config or (Path(os.environ[ENV_CONFIG]) if os.environ.get(ENV_CONFIG) else None)
    if named is not None and not named.is_file():
        # A config file asked for by name must be there: silently running without it would
        # leave the user wondering why their settings do nothing.
        print(f"inbox-tui: the config file {named} does not exist", file=sys.stderr)
        return 2
    try:
        settings = load_settings(
            args.config,
            overrides=Overrides(
                demo_faults=args.demo_faults,
                demo=args.demo,
                api_url=args.api_url,
                api_version=args.api_version,
                demo_threads=args.demo_threads,
                account=args.account,
                key_needed=args.command != "set-key",
            ),
        )
    except ConfigError as exc:
        print(f"inbox-tui: {exc}", file=sys.stderr)
        return 2
    if args.version:
        return print_version(settings)
    if args.command == "set-key":
        return run_set_key(args, settings)
    warnings = config_warnings(args.config)
    for warning in warnings:
        print(f"inbox-tui: warning: {warning}", file=sys.stderr)
    if args.command == "export":
        from tui.cli.export import run_export

        return run_export(settings, args)
    if args.command == "search":
        from tui.cli.mirror import run_search

        return run_search(settings, args)
    if args.command == "mirror":
        from tui.cli.mirror import run_mirror

        return run_mirror(settings, args)
    return settings, warnings


def run_app(settings: Settings, warnings: list[str]) -> int:
    from tui.ui.hangup import guard_early_hangup

    guard_early_hangup()  # (the app watches the terminal from its first frame)

    pause_collection()  # until the first frame (see tui/ui/heap.py); the entry point paused it
    from tui.ui.app import InboxApp  # Textual only when the app runs
    from tui.ui.pictures import PictureSupport

    pictures = PictureSupport(None)
    if settings.inline_images:
        from tui.core.preferences import Preferences
        from tui.ui.pictures import detect_protocol

        # Before the app takes the terminal over; asks it only where the environment names a
        # graphics terminal whose answer is not kept yet (see tui/ui/pictures.py).
        pictures = detect_protocol(Preferences(settings.resolved_data_dir()))
    from tui.core.config import RunAccounts

    app = InboxApp(
        settings,
        startup_warnings=warnings,
        freeze_heap=True,
        picture_protocol=pictures.protocol,
        picture_cell=pictures.cell,
        typed_ahead=pictures.typed,
        account_settings=RunAccounts(settings),  # (the other accounts', read once a run)
    )
    app.run()
    return app.return_code or 0


def print_version(settings: Settings) -> int:
    from importlib.metadata import PackageNotFoundError, version

    try:
        program = version("inbox-tui")
    except PackageNotFoundError:
        program = "unknown"
    where = "the embedded demo" if settings.use_demo else settings.api_url
    print(f"inbox-tui {program}")
    print(f"Inbox API {settings.api_version} ({where})")
    return 0


def run_set_key(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio
    import getpass

    from tui.api import AuthError, Forbidden, InboxError, connect
    from tui.core.secrets import register_secret, with_api_key, write_private

    path: Path = args.config or default_config_path()
    try:
        key = getpass.getpass("Inbox API key (not shown): ").strip()
    except (EOFError, KeyboardInterrupt):
        print("\ninbox-tui: no key given; nothing changed", file=sys.stderr)
        return 2
    if not key:
        print("inbox-tui: no key given; nothing changed", file=sys.stderr)
        return 2
    register_secret(key)
    if not args.no_check:

        async def check() -> str:
            client = connect(settings.api_version, key, base_url=settings.api_url)
            try:
                return (await client.get_team()).name
            finally:
                await client.aclose()

        try:
            team = asyncio.run(check())
        except (AuthError, Forbidden):
            print("inbox-tui: the API refused that key; nothing changed", file=sys.stderr)
            return 1
        except InboxError as error:
            print(
                f"inbox-tui: could not check the key ({error}); use --no-check to store it anyway",
                file=sys.stderr,
            )
            return 1
        print(f"Key accepted for the team {team!r} (Inbox API {settings.api_version}).")
    if args.keyring:
        from tui.core.config import store_in_keyring

        if not store_in_keyring(key, settings.account if settings.from_tables else ""):
            print(
                "inbox-tui: no OS keyring is available here (pip install keyring); nothing changed",
                file=sys.stderr,
            )
            return 1
        where = f" for the account {settings.account!r}" if settings.from_tables else ""
        print(f"Stored in the OS keyring{where}.")
        return 0
    if settings.from_tables:  # at the top of the file it would be every account's
        print(
            f"inbox-tui: with [[accounts]], store the key of {settings.account!r} with --keyring, "
            "or name an environment variable with api_key_env; nothing changed",
            file=sys.stderr,
        )
        return 2
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    write_private(path, with_api_key(existing, key))
    print(f"Stored in {path} (readable only by you).")
    return 0


def run_demo_server(args: argparse.Namespace) -> int:
    if not 1 <= args.threads <= 100_000:
        print("inbox-tui: --threads must be between 1 and 100000", file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print("inbox-tui: --port must be between 0 and 65535", file=sys.stderr)
        return 2
    from tui.demo.webhooks import DEMO_SECRET, ENV_SECRET, INBOUND_EVERY, check_url

    for url in args.webhook:
        try:
            check_url(url)
        except ValueError as exc:
            print(f"inbox-tui: --webhook: {exc}", file=sys.stderr)
            return 2
    secret = args.webhook_secret
    if secret is None:
        secret = os.environ.get(ENV_SECRET) or DEMO_SECRET
    if not secret:
        print("inbox-tui: --webhook-secret cannot be empty", file=sys.stderr)
        return 2
    import uvicorn

    from tui.demo import DemoApi, DemoStore, FaultPlan, FaultRates, SeedConfig

    try:
        rates = FaultRates.parse(args.faults)
    except ValueError as exc:
        print(f"inbox-tui: --faults: {exc}", file=sys.stderr)
        return 2

    from tui.demo.app import DemoTeams
    from tui.demo.seed import TEAMS

    # The demo's two teams, each under a key of its own: "demo" (or --key) and "demo-2".
    keys = (args.key, f"{args.key}-2")
    apis = []
    for at, (team, key) in enumerate(zip(TEAMS, keys, strict=True)):
        # With webhooks, the first team's DMs arrive on their own (tui/demo/webhooks.py ticks).
        inbound = INBOUND_EVERY if args.webhook and at == 0 else None
        seeded = SeedConfig(
            threads=args.threads, seed=args.seed, lazy=True, team=team, inbound_every=inbound
        )
        api = DemoApi(
            DemoStore(seeded),
            api_keys=(key,),
            rate_limit=args.rate_limit or None,
            faults=FaultPlan(rates),
        )
        api.serve_drops_over_sockets()
        api.store.media.origin = f"http://{args.host}:{args.port}"  # media links point here
        apis.append(api)
    # A key given is not printed (it may be one in use); the demo's own is.
    first, second = keys if args.key == "demo" else ("as given", "it with -2")
    shown = f"{first} for {TEAMS[0].name}, {second} for {TEAMS[1].name}"
    print(
        f"demo Inbox API on http://{args.host}:{args.port}/api/v2 and /api/v1 (API keys: {shown})",
        file=sys.stderr,
    )
    app: ASGIApp = DemoTeams(apis)
    if args.webhook:
        from tui.demo.webhooks import Endpoint, WebhookSender, WithWebhooks

        sender = WebhookSender(apis[0].store, [Endpoint(url, secret) for url in args.webhook])
        app = WithWebhooks(app, [sender])
        # Like the API key: the demo's own secret is printed, one given is not.
        signed = f"the demo's secret {DEMO_SECRET}" if secret == DEMO_SECRET else "the secret given"
        for endpoint in sender.endpoints:
            print(
                f"webhooks of {TEAMS[0].name} to {endpoint.shown} (signed with {signed})",
                file=sys.stderr,
            )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
