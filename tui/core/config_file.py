"""Writing to the config file without losing what the user wrote there: saved views are
appended as `[[views]]` tables (one of the same name is replaced); everything else is kept."""

from __future__ import annotations

import json
from dataclasses import asdict

from tui.core.saved_views import ViewSpec


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


def _blocks(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) line ranges of the file's `[[views]]` tables."""
    blocks = []
    start: int | None = None
    for i, line in enumerate(lines):
        if line.strip().startswith("["):
            if start is not None:
                blocks.append((start, i))
                start = None
            if line.strip() == "[[views]]":
                start = i
    if start is not None:
        blocks.append((start, len(lines)))
    return blocks


def with_view(config_text: str, spec: ViewSpec) -> str:
    """The config text with `spec` saved (replacing a saved view of the same name)."""
    import tomllib  # when a view is saved, not at start

    lines = config_text.splitlines()
    for start, end in reversed(_blocks(lines)):
        block = "\n".join(lines[start:end])
        try:
            name = tomllib.loads(block)["views"][0].get("name")
        except (tomllib.TOMLDecodeError, KeyError, IndexError):
            continue
        if name == spec.name:
            del lines[start:end]
    text = "\n".join(lines).rstrip("\n")
    separator = "\n\n" if text else ""
    result = text + separator + view_table(spec)
    tomllib.loads(result)  # never write a file that no longer parses
    return result
