"""`inbox-tui search TEXT` (every message the local mirror holds, offline) and `inbox-tui
mirror status|forget` (how far it is filled; delete an account's mirror)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from tui.core.mirror import Mirror, SearchError, mirror_path, parse_search
from tui.core.sqlite_files import SIDE_FILES
from tui.core.text import one_line

if TYPE_CHECKING:
    from tui.core.config import Settings

NO_MIRROR = (
    "inbox-tui: no local mirror for this account yet: run the app with mirror on "
    '(mirror = "on"; on by default with API v2) to fill it.'
)


def inert_line(text: str) -> str:
    """A piece of a snippet (stored inert) on one line, its spaces kept."""
    return text.replace("\n", " ")


def add_mirror_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    search = sub.add_parser(
        "search",
        help="search every message of the local mirror (offline)",
        description="Full-text search over the message bodies, names, handles, bios, notes and "
        'tag names the local mirror holds. FTS5 syntax: words, "a phrase", prefix*, NOT, OR; '
        "filters: from:me, from:them, tag:NAME, status:NAME, before:DATE, after:DATE (a date "
        "2026-11-30 or an age 7d, 2w, 3m; a name with spaces in quotes).",
    )
    search.add_argument("text", nargs="+", help="what to look for")
    search.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")
    mirror = sub.add_parser(
        "mirror",
        help="the local mirror: how far it is filled, or forget it",
        description="The local mirror is a SQLite database per account in the data folder, "
        "filled by the app. `status` says how much it holds; `forget` deletes it.",
    )
    mirror.add_argument("action", choices=("status", "forget"))
    mirror.add_argument("--yes", action="store_true", help="forget without asking")


def _open(settings: Settings) -> Mirror | None:
    path = mirror_path(settings.resolved_data_dir(), settings.cache_scope)
    if not path.is_file():
        return None
    mirror = Mirror(path)
    if mirror.notice:
        print(f"inbox-tui: {mirror.notice}", file=sys.stderr)
        mirror.notice = None
    return mirror


def run_search(settings: Settings, args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    mirror = _open(settings)
    if mirror is None:
        print(NO_MIRROR, file=sys.stderr)
        return 1
    now = datetime.now(UTC).astimezone()
    try:
        hits = mirror.search(parse_search(" ".join(args.text), now), max(1, args.limit))
    except SearchError as error:
        print(f"inbox-tui: {error}", file=sys.stderr)
        return 2
    finally:
        mirror.close()
    if mirror.off:  # (damaged past its header: found only when read)
        print(f"inbox-tui: {mirror.notice}", file=sys.stderr)
        return 1
    if not hits:
        print("No match in the local mirror.", file=sys.stderr)
        return 1
    marks = ("\x1b[1;4m", "\x1b[0m") if out.isatty() else ("[", "]")
    for hit in hits:
        when = "" if hit.at is None else hit.at.astimezone().strftime("%Y-%m-%d %H:%M")
        who = "profile" if hit.message_id is None else "you" if hit.outbound else "them"
        name = one_line(hit.name, 40)
        print(f"{name} {one_line(hit.handle, 30)} · {when} · {who}", file=out)
        # (The stored text is inert: the only escape sequences printed are the marks.)
        words = "".join(
            f"{marks[0]}{text}{marks[1]}" if hit_word else text
            for text, hit_word in ((inert_line(t), m) for t, m in hit.parts())
        )
        print(f"    {words}", file=out)
        print(
            f"    thread {hit.thread_id}"
            + (f" · message {hit.message_id}" if hit.message_id else ""),
            file=out,
        )
    return 0


def run_mirror(settings: Settings, args: argparse.Namespace, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    path = mirror_path(settings.resolved_data_dir(), settings.cache_scope)
    if args.action == "forget":
        return _forget(path, args.yes, out)
    mirror = _open(settings)
    if mirror is None:
        print(NO_MIRROR, file=sys.stderr)
        return 1
    counts = mirror.counts()
    listed = mirror.get_state("listed_views")
    seq, read_at = mirror.get_state("event_seq"), mirror.get_state("events_read_at")
    problems = mirror.quick_check()
    mirror.close()
    print(f"mirror:        {path}", file=out)
    if problems:
        print(f"check:         damaged: {one_line('; '.join(problems[:3]), 200)}", file=out)
        print(
            "               `inbox-tui mirror forget` deletes it; the app fills a new one.",
            file=out,
        )
        return 1
    print("check:         ok (SQLite quick check)", file=out)
    print(f"size:          {counts.size_bytes / 1e6:,.1f} MB", file=out)
    print(
        f"conversations: {counts.threads:,} stored, {counts.complete:,} with every message",
        file=out,
    )
    print(f"messages:      {counts.messages:,}", file=out)
    walk = "every thread listed" if listed else "still listing threads"
    print(f"walk:          {walk}; the app fills the rest while it runs", file=out)
    if seq is not None and read_at is not None:
        when = datetime.fromtimestamp(float(read_at), UTC).astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"kept current:  from the event log, read up to #{seq} at {when}", file=out)
    return 0


def _forget(path: Path, yes: bool, out: TextIO) -> int:
    files = [Path(f"{path}{suffix}") for suffix in SIDE_FILES]
    present = [f for f in files if f.exists()]
    if not present:
        print("inbox-tui: no local mirror for this account: nothing to forget.", file=out)
        return 0
    if not yes:
        if not sys.stdin.isatty():
            print(
                "inbox-tui: mirror forget asks first: add --yes to forget without asking.",
                file=sys.stderr,
            )
            return 2
        answer = input(f"Delete the local mirror {path}? [y/N] ").strip().lower()
        if answer not in ("y", "yes"):
            print("Kept.", file=out)
            return 1
    for file in present:
        file.unlink()
    print(f"Forgotten: {path} (the app fills it again while it runs, if mirror is on).", file=out)
    return 0
