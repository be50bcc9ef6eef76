"""Writing to the config file without losing what the user wrote there: saved views and
snippets are appended as `[[views]]` / `[[snippets]]` tables (one of the same name is
replaced); everything else is kept."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from tui.core.saved_views import ViewSpec
from tui.core.snippets import Snippet


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    # A JSON string is a valid TOML basic string (same escapes, \\uXXXX for controls).
    return json.dumps(str(value), ensure_ascii=False)


def view_table(spec: ViewSpec) -> str:
    """The `[[views]]` table for a view: its name and what differs from the defaults."""
    lines = ["[[views]]", f"name = {_toml_value(spec.name)}"]
    defaults = ViewSpec()
    for field, value in asdict(spec).items():
        if field == "name" or value == getattr(defaults, field):
            continue
        lines.append(f"{field} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def snippet_table(snippet: Snippet) -> str:
    """The `[[snippets]]` table for a snippet (its body one string, newlines escaped)."""
    lines = ["[[snippets]]", f"name = {_toml_value(snippet.name)}"]
    lines.append(f"body = {_toml_value(snippet.body)}")
    if snippet.key:
        lines.append(f"key = {_toml_value(snippet.key)}")
    return "\n".join(lines) + "\n"


def _blocks(lines: list[str], kind: str) -> list[tuple[int, int]]:
    """(start, end) line ranges of the file's `[[kind]]` tables."""
    blocks = []
    start: int | None = None
    for i, line in enumerate(lines):
        if line.strip().startswith("["):
            if start is not None:
                blocks.append((start, i))
                start = None
            if line.strip() == f"[[{kind}]]":
                start = i
    if start is not None:
        blocks.append((start, len(lines)))
    return blocks


def _with_entry(config_text: str, kind: str, name: str, table: str) -> str:
    """The config text with `table` appended as a `[[kind]]` entry, replacing one of the
    same name; everything else kept as written."""
    import tomllib  # when something is saved, not at start

    lines = config_text.splitlines()
    for start, end in reversed(_blocks(lines, kind)):
        block = "\n".join(lines[start:end])
        try:
            entry_name = tomllib.loads(block)[kind][0].get("name")
        except (tomllib.TOMLDecodeError, KeyError, IndexError):
            continue
        if entry_name == name:
            del lines[start:end]
    text = "\n".join(lines).rstrip("\n")
    separator = "\n\n" if text else ""
    result = text + separator + table
    tomllib.loads(result)  # never write a file that no longer parses
    return result


def with_view(config_text: str, spec: ViewSpec) -> str:
    """The config text with `spec` saved (replacing a saved view of the same name)."""
    return _with_entry(config_text, "views", spec.name, view_table(spec))


def with_snippet(config_text: str, snippet: Snippet) -> str:
    """The config text with `snippet` saved (replacing a snippet of the same name)."""
    return _with_entry(config_text, "snippets", snippet.name, snippet_table(snippet))


def update_config_file(path: Path, change: Callable[[str], str]) -> str | None:
    """Write `change(the file's text)` to the config file, privately: None once written, else
    why not (a file that does not parse is never touched)."""
    from tui.core.config import ConfigError, read_toml
    from tui.core.secrets import write_private

    try:
        read_toml(path)  # refuse to touch a file that does not parse
        existing = path.read_text(encoding="utf-8") if path.exists() else ""
        write_private(path, change(existing))
    except (ConfigError, OSError, ValueError) as error:
        return str(error)
    return None
