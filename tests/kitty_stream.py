"""Reading a terminal's byte stream as kitty does: the graphics commands in it (`ESC _ G keys ;
payload ESC \\`) and the placeholder cells (U+10EEEE and its row and column diacritics)."""

from __future__ import annotations

import base64
import re

from tui.ui.kitty_pictures import DIACRITICS, PLACEHOLDER

_COMMAND = re.compile(rb"\x1b_G([^;\x1b]*)(?:;([^\x1b]*))?\x1b\\")


def commands(stream: bytes) -> list[dict[str, str]]:
    """Each graphics command's keys, its payload (if any) under ";"."""
    found = []
    for match in _COMMAND.finditer(stream):
        keys = dict(pair.split("=", 1) for pair in match.group(1).decode().split(",") if pair)
        if match.group(2):
            keys[";"] = match.group(2).decode()
        found.append(keys)
    return found


def placeholder_cells(stream: bytes) -> list[tuple[int, int]]:
    """(row, column) of each placeholder cell, in the order written."""
    text = stream.decode("utf-8", errors="replace")
    return [
        (DIACRITICS.index(row), DIACRITICS.index(column))
        for row, column in re.findall(PLACEHOLDER + "([\u0300-\u06ff])([\u0300-\u06ff])", text)
    ]


_SGR_OR_CELL = re.compile(rb"\x1b\[([0-9;]*)m|(\xf4\x8e\xbb\xae)")


def placeholder_ids(stream: bytes) -> set[int]:
    """The image IDs the placeholder cells name: the 24-bit foreground colour they are in."""
    ids: set[int] = set()
    foreground: int | None = None
    for match in _SGR_OR_CELL.finditer(stream):
        if match.group(2):
            if foreground is not None:
                ids.add(foreground)
            continue
        params = match.group(1).decode().split(";") if match.group(1) else ["0"]
        at = 0
        while at < len(params):
            if params[at] in ("0", ""):
                foreground = None
            elif params[at] == "38" and params[at + 1 : at + 2] == ["2"]:
                red, green, blue = (int(p) for p in params[at + 2 : at + 5])
                foreground = red << 16 | green << 8 | blue
                at += 4
            elif params[at] in ("48", "58") and params[at + 1 : at + 2] == ["2"]:
                at += 4
            elif params[at] in ("38", "48", "58") and params[at + 1 : at + 2] == ["5"]:
                at += 2
            at += 1
    return ids


def transmitted(stream: bytes) -> list[tuple[int, bytes]]:
    """Each picture transmitted: its ID and its data (the chunks joined and decoded)."""
    pictures: list[tuple[int, bytes]] = []
    current: tuple[int, list[str]] | None = None
    for command in commands(stream):
        if command.get("a") == "t":
            current = (int(command["i"]), [])
        elif current is None or set(command) - {"m", "q", ";"}:
            continue  # another kind of command
        current[1].append(command.get(";", ""))
        if command.get("m", "0") == "0":
            pictures.append((current[0], base64.standard_b64decode("".join(current[1]))))
            current = None
    return pictures
