"""Snippets (canned replies): written in the config file (`[[snippets]]`: name, body, optional
key) or one file each in a `snippets/` folder beside it, and filled from the open conversation
when inserted: `{first_name}`, `{name}`, `{handle}`, `{account}`, `{me}`, `{company}`.

A variable the conversation cannot fill is left as written (never dropped), and named, so
the picker can warn before it is inserted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tui.core.checks import Table, optional, short_text, text

if TYPE_CHECKING:
    from tui.core.directory import Directory
    from tui.core.model import Thread

SNIPPET_FIELDS = {"name", "body", "key"}
SNIPPET_SUFFIXES = (".txt", ".md")
MAX_SNIPPET_FILE = 64 * 1024  # a canned reply, not a document: larger files are skipped
VARIABLE = re.compile(r"\{([a-z_]+)\}")
VARIABLES = ("first_name", "name", "handle", "account", "me", "company")
# "Head of growth at Granite.", "CTO @ Helix Labs": a company the bio names plainly (a word or
# a few, each capitalised, after "at" or "@").
COMPANY_IN_BIO = re.compile(r"(?:\bat|@)\s+([A-Z][\w&'-]*(?: [A-Z][\w&'-]*){0,3})")


@dataclass(frozen=True)
class Snippet:
    name: str
    body: str
    key: str | None = None  # a key that inserts it straight from the composer
    source: str = "config"  # "config", or the file it was read from


# Offered on the demo until the user has snippets of their own: what they look like.
EXAMPLE_SNIPPETS = (
    Snippet(
        "Intro call",
        "Hi {first_name}, thanks for the reply! Would a 20-minute call this week work? "
        "I can show how teams like {company} triage DMs.\n\n{me}",
        source="example",
    ),
    Snippet(
        "Pricing",
        "Our plans start at $49 per seat a month, and annual plans come with two months free. "
        "Happy to put together a quote for {company}.",
        source="example",
    ),
    Snippet(
        "Book a time",
        "Here is my calendar, {first_name}: {calendar_link}",
        source="example",
    ),
    Snippet(
        "Check back later",
        "Totally understand, {first_name}. I'll check back next quarter. Reach out to "
        "{account} any time before then.",
        source="example",
    ),
)


def read_snippet(table: Table) -> Snippet:
    """A `[[snippets]]` table, checked (problems go to the table)."""
    table.reject_unknown(SNIPPET_FIELDS)
    return Snippet(
        name=table.take("name", short_text(60), ""),
        body=table.take("body", text, ""),
        key=table.take("key", optional(text), None),
    )


def folder_snippets(folder: Path) -> list[Snippet]:
    """One snippet per text file (`.txt`, `.md`) in `folder`, named by the file; a file that
    cannot be read as UTF-8 text is skipped."""
    found = []
    try:
        files = sorted(p for p in folder.iterdir() if p.suffix in SNIPPET_SUFFIXES)
    except OSError:
        return []
    for file in files:
        try:
            if file.stat().st_size > MAX_SNIPPET_FILE:
                continue
            body = file.read_text(encoding="utf-8").rstrip("\n")
        except (OSError, UnicodeDecodeError):
            continue
        if body.strip():
            found.append(Snippet(name=file.stem, body=body, source=file.name))
    return found


def every_snippet(configured: list[Snippet], folder: Path) -> list[Snippet]:
    """The config file's snippets, then the folder's (a folder one named like a config one
    is left out: the config file wins)."""
    names = {s.name for s in configured}
    return [s for s in configured if s.name and s.body] + [
        s for s in folder_snippets(folder) if s.name not in names
    ]


def company_from_bio(bio: str | None) -> str | None:
    match = COMPANY_IN_BIO.search(bio or "")
    return match.group(1) if match else None


def values_for(thread: Thread, directory: Directory, me: str) -> dict[str, str]:
    """What each variable means in this conversation (those it cannot fill are absent)."""
    person = thread.prospect
    values: dict[str, str] = {}
    if person.display_name.strip():
        values["name"] = person.display_name.strip()
        values["first_name"] = person.display_name.split()[0]
    if person.username:
        values["handle"] = person.at_handle
    link = directory.account_links.get(thread.account_link_id)
    if link is not None and (link.name or link.username):
        values["account"] = link.name or link.username
    if me.strip():
        values["me"] = me.strip()
    company = company_from_bio(person.bio)
    if company:
        values["company"] = company
    return values


def expand(body: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """The body with each known variable filled, and the variables left as written (in the
    order they appear, once each)."""
    unknown: dict[str, None] = {}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in values:
            return values[name]
        unknown.setdefault(name, None)
        return match.group(0)

    return VARIABLE.sub(fill, body), list(unknown)
