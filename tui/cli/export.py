"""`inbox-tui export`: every matching thread's prospect to CSV or JSON Lines, with a progress
line on stderr (the total is unknown until the last page, so it counts threads and pages)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tui.api.errors import InboxError
from tui.core.directory import fetch_directory
from tui.core.export import FORMATS, ExportWriter, export_threads
from tui.core.query import InboxView
from tui.core.saved_views import ViewSpec, to_query
from tui.ui.describe import describe_error

if TYPE_CHECKING:
    from tui.core.config import Settings


def add_export_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser(
        "export",
        help="export threads' prospects to CSV or JSON Lines",
        description="Page through every thread matching the view and filters and write one "
        "row per thread: externalId, platformId, username, displayName, bio, followerCount, "
        "verified, tags, status, valuation, notes, assignee, threadId, accountLink. Filters "
        "take names (or IDs) and combine with AND; repeat a flag for any of several.",
    )
    export.add_argument("--format", choices=FORMATS, default="csv", help="default csv")
    export.add_argument(
        "--view",
        choices=[v.value for v in InboxView if v.served is v],
        default="default",
        help="inbox view",
    )
    export.add_argument("--tag", action="append", default=[], metavar="NAME")
    export.add_argument("--no-tags", action="store_true", help="threads without tags (too)")
    export.add_argument("--status", action="append", default=[], metavar="NAME")
    export.add_argument("--no-status", action="store_true")
    export.add_argument("--assignee", action="append", default=[], metavar="NAME")
    export.add_argument("--unassigned", action="store_true")
    export.add_argument("--campaign", action="append", default=[], metavar="ID")
    export.add_argument("--account-link", action="append", default=[], metavar="NAME")
    export.add_argument("--sort", choices=("newest", "oldest"), default="newest")
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="default: stdout")


def spec_from_args(args: argparse.Namespace) -> ViewSpec:
    return ViewSpec(
        view=args.view,
        tags=args.tag,
        no_tags=args.no_tags,
        statuses=args.status,
        no_status=args.no_status,
        assignees=args.assignee,
        unassigned=args.unassigned,
        campaigns=args.campaign,
        account_links=args.account_link,
        sort=args.sort,
    )


class Progress:
    """A line on stderr, rewritten in place when stderr is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.live = stream.isatty()

    def __call__(self, written: int) -> None:
        pages = -(-written // 100)
        bar = "█" * min(30, pages % 31) + "░" * (30 - min(30, pages % 31))
        line = f"exporting {bar} {written:,} threads ({pages:,} pages)"
        if self.live:
            self.stream.write("\r" + line)
        elif written % 1000 == 0:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self, written: int, where: str) -> None:
        if self.live:
            self.stream.write("\r\x1b[2K")
        self.stream.write(f"exported {written:,} threads to {where}\n")


async def _export(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    from tui.backend import make_backend  # httpx: not on the path of `inbox-tui` opening the app

    backend = make_backend(settings)
    async with backend.client as client:
        directory = await fetch_directory(client, backend.campaign_names)
        query, unknown = to_query(spec_from_args(args), directory, limit=100)
        if unknown:
            raise ValueError("not found: " + ", ".join(unknown))
        progress = Progress(sys.stderr)
        writer = ExportWriter(out, args.format, on_terminal=out.isatty())
        written = await export_threads(client, query, directory, writer, progress)
        progress.done(written, str(args.output) if args.output else "stdout")
        return written


def run_export(settings: Settings, args: argparse.Namespace) -> int:
    try:
        with contextlib.ExitStack() as stack:
            out: TextIO = sys.stdout
            if args.output is not None:
                out = stack.enter_context(args.output.open("w", encoding="utf-8", newline=""))
            asyncio.run(_export(settings, args, out))
    except BrokenPipeError:
        raise  # the reader went away (`| head`): the command line ends quietly (tui/cli)
    except OSError as exc:
        where = args.output or "stdout"
        print(f"inbox-tui: cannot write {where}: {exc.strerror}", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"inbox-tui: {exc}", file=sys.stderr)
        return 2
    except InboxError as exc:
        print(f"inbox-tui: export failed: {describe_error(exc)}", file=sys.stderr)
        return 1
    return 0
