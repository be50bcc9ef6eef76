"""Keeping the API key off screens, logs, exceptions, crash reports and screenshots."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

REDACTED = "«redacted»"
# A secret this long is no one's word or ID: it goes wherever it appears, even run into other
# text. A shorter one (the demo's key is `demo`) only where it stands as a token of its own,
# not inside another word or ID (`req_demo00000001`, `demo-server`).
REDACT_ANYWHERE = 16
_known: dict[str, re.Pattern[str]] = {}  # the secret -> where it is found, longest first


def register_secret(value: str | None) -> None:
    """Remember a secret so that `redact` removes it from any text."""
    if value and len(value) >= 4 and value not in _known:
        found = re.escape(value)
        if len(value) < REDACT_ANYWHERE:
            found = rf"(?<![\w-]){found}(?![\w-])"
        _known[value] = re.compile(found)
        for secret in sorted(_known, key=len, reverse=True):  # a longer one before its parts
            _known[secret] = _known.pop(secret)


def redact(text: str) -> str:
    for pattern in _known.values():
        text = pattern.sub(REDACTED, text)
    return text


class Secret:
    """A secret string (an API key): its value only on request, stars wherever it is shown."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def readable_by_others(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & (stat.S_IRWXG | stat.S_IRWXO))


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read (0600), creating its folder (0700)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def with_api_key(config_text: str, key: str) -> str:
    """The config file's text with `api_key` set (other settings and comments kept)."""
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    line = f'api_key = "{escaped}"'
    lines = config_text.splitlines()
    table_start = next((i for i, x in enumerate(lines) if x.lstrip().startswith("[")), len(lines))
    for i, existing in enumerate(lines[:table_start]):
        if existing.split("=", 1)[0].strip() == "api_key":
            lines[i] = line
            return "\n".join(lines) + "\n"
    lines.insert(0, line)
    return "\n".join(lines) + "\n"
