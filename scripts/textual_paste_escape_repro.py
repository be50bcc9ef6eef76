"""Textual's input parser splits a bracketed paste at an ESC inside it, and sends the rest as keys.

A minimal reproduction for Textual upstream (standalone: only Textual is imported). Run it with
`python scripts/textual_paste_escape_repro.py`; it exits 1 while the bug is there.

Terminals send a paste as `ESC[200~` + text + `ESC[201~`. The text may hold ESCs of its own:
tmux passes them through, so pasting coloured terminal output (`ls --color`, a log, a diff)
gives `␛[200~AAA ␛[31mBBB␛[0m CCC␛[201~` (␛: ESC). XTermParser (textual/_xterm_parser.py)
puts the paste's characters in its paste buffer only in its outer loop. An ESC there starts
the escape-sequence loop, which reads on *without* adding to the buffer; when the sequence is
not understood (the next ESC, the escape delay, or 32 characters later) it is reissued with
`reissue_sequence_as_keys`, i.e. as Key events (ESC as `^`). The paste event then carries only
the text before the first ESC, and comes after those keys.

So an app's key bindings run from pasted text (`ok ESC[0me` presses `e`), and a TextArea gets
`^[31mBBB^[0m CCCAAA ` instead of the text pasted. Expected: one Paste event with everything
between the brackets, in order, and no Key events. (Also: a pasted `ESC[I` / `ESC[O` becomes
AppFocus / AppBlur, and an in-band resize report is taken for one.)

A fix: while in a bracketed paste, `parse` reads every character into the paste buffer until
the buffer ends with BRACKETED_PASTE_END, never entering the escape-sequence loop (nothing
inside a paste is a key, a mouse or focus report, or a resize).

Seen with Textual 8.2.8 (Python 3.11), pasting in tmux.
"""

from __future__ import annotations

import sys

import textual
from textual import events
from textual._xterm_parser import XTermParser
from textual.message import Message

PASTES = [
    "ok \x1b[0me",
    "AAA \x1b[31mBBB\x1b[0m CCC",
    "see log: \x1b[0mP",
    "focus \x1b[Ireport",  # ESC[I inside a paste becomes AppFocus
]


def parse(data: str) -> list[Message]:
    parser = XTermParser()
    return [*parser.feed(data), *parser.feed("")]


def describe(message: Message) -> str:
    if isinstance(message, events.Key):
        return f"Key({message.key!r})"
    if isinstance(message, events.Paste):
        return f"Paste({message.text!r})"
    return repr(message)


def main() -> int:
    print(f"textual {textual.__version__}")
    broken = False
    for text in PASTES:
        data = f"\x1b[200~{text}\x1b[201~"
        got = [describe(message) for message in parse(data)]
        expected = [describe(events.Paste(text))]
        print(f"\ninput:    {data!r}")
        print(f"expected: {', '.join(expected)}")
        print(f"got:      {', '.join(got)}")
        broken |= got != expected
    print("\nBUG: the paste is split and its text sent as keys" if broken else "\nOK")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
