"""Untrusted text (message bodies, names, bios) made inert for the terminal.

Rendering through rich.text.Text avoids markup parsing, but control characters would still
reach the terminal: ESC starts ANSI/OSC sequences (colours, cursor moves, clipboard writes,
links, title changes), C1 controls do the same on some terminals, and bidi overrides reorder what
the user sees. Every such character becomes a visible stand-in; nothing is interpreted.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

# C0 controls (except newline and tab, handled per use) -> Unicode "control pictures" (␛ for ESC).
_C0 = {code: chr(0x2400 + code) for code in range(0x20) if code not in (0x09, 0x0A)}
_TABLE: dict[int, str | int | None] = {
    **_C0,
    0x7F: "␡",
    **{code: "\ufffd" for code in range(0x80, 0xA0)},  # C1 controls
    # Bidi embeddings, overrides and isolates: shown, not obeyed.
    **{code: "\ufffd" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))},
    0x200E: None,  # LRM / RLM marks: dropped
    0x200F: None,
    # Zero-width characters that hide text or break matching; ZWJ is kept for emoji.
    0x200B: None,
    0x200C: None,
    0x2060: None,
    0xFEFF: None,
    0x2028: " ",  # line / paragraph separators
    0x2029: " ",
}
_TABLE_ONE_LINE = {**_TABLE, 0x0A: " ", 0x09: " ", 0x0D: " "}
_TABLE_MULTI_LINE = {**_TABLE, 0x09: "    ", 0x0D: None}
_TABLE_PASTED = {**_TABLE, 0x0D: "\n"}  # newlines and tabs kept: the field shows them
_SPACES = re.compile(r" {2,}")


def fold(text: str) -> str:
    """Case and accents ignored, as the service matches names (tags', statuses', people's):
    the demo answers by it, and the relay's copy searches by it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def inert(text: str | None) -> str:
    """Multi-line text, safe to show: newlines kept, every control character neutralised."""
    if not text:
        return ""
    return text.translate(_TABLE_MULTI_LINE)


def one_line(text: str | None, limit: int | None = None) -> str:
    """A single safe line (for previews and names), runs of spaces folded, optionally cut."""
    if not text:
        return ""
    line = _SPACES.sub(" ", text.translate(_TABLE_ONE_LINE)).strip()
    if limit is not None and len(line) > limit:
        line = line[: max(0, limit - 1)] + "…"
    return line


# A terminal's control sequences (CSI: colours, cursor moves; OSC: titles, links) in pasted
# terminal output: what was copied is the text they decorate.
_TERMINAL_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def pasted(text: str) -> str:
    """Text pasted into the app, as the field it lands in takes it: a paste of coloured
    terminal output loses its colour codes (`AAA ␛[31mBBB␛[0m` is `AAA BBB`); newlines and
    tabs kept (a terminal's CR and CR LF become newlines), every other control character its
    stand-in, so no ESC or other C0/C1 control reaches the terminal (TextArea and Input render
    them raw)."""
    text = _TERMINAL_SEQUENCE.sub("", text)
    return text.replace("\r\n", "\n").translate(_TABLE_PASTED)


# A surrogate code point: half of a UTF-16 pair, never a character of its own (a Python string
# holds a decoded pair as one character, so every surrogate in one stands alone). A broken
# paste, a bad file or a JSON "\ud800" leaves one; it has no UTF-8 form, so it can be neither
# sent nor stored as text.
_SURROGATE = re.compile("[\ud800-\udfff]")


def broken_at(text: str) -> int | None:
    """Where `text` stops being Unicode text (its first lone surrogate), or None."""
    found = _SURROGATE.search(text)
    return None if found is None else found.start()


def broken_strings(
    value: Any, where: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string of a JSON value (an object's keys too) that is not Unicode text, with
    where it is: (("target", "threadId"), "a\ud800")."""
    if isinstance(value, str):
        if broken_at(value) is not None:
            yield where, value
    elif isinstance(value, dict):
        for key, child in value.items():
            inner = (*where, str(key))
            yield from broken_strings(str(key), inner)
            yield from broken_strings(child, inner)
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value):
            yield from broken_strings(child, (*where, index))


def unsendable(text: str, what: str) -> str | None:
    """Why `text` cannot be sent, in a sentence naming it as `what`; None when it can."""
    at = broken_at(text)
    if at is None:
        return None
    return (
        f"{what} holds a broken character (U+{ord(text[at]):04X}, half of a UTF-16 pair, which a "
        f"bad paste or file can leave) at character {at + 1}: it is not text and cannot be "
        "sent; delete it and try again"
    )
