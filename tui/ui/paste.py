"""Bracketed pastes read whole (#34): everything between `ESC[200~` and `ESC[201~` is one paste,
its text in order, and nothing in it runs as a key.

Textual's input parser (8.2, `textual._xterm_parser.XTermParser`) keeps a paste's characters
only until an ESC inside it: it then reads what follows as the start of an escape sequence,
outside the paste, and when that sequence is not understood (the next ESC, a timeout, 32
characters) hands it on as keys. A paste of coloured terminal output (tmux passes its ESCs
through) thus typed its letters as keys: in the thread list, `ok ␛[0me` archived threads (␛:
ESC); in the composer, `AAA ␛[31mBBB␛[0m CCC` became `^[31mBBB^[0m CCCAAA ` (the keys first,
the paste cut at its first ESC last). scripts/textual_paste_escape_repro.py shows it without
the app, for Textual upstream.

`PasteParser` puts a layer in front of Textual's parser: it watches for the paste's start
itself, reads the paste up to its end as text, and gives Textual's parser only what is outside
pastes (so its keys, mouse, focus and resize handling are Textual's own). `paste_safe` makes the
driver read its input with it.
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import suppress
from typing import TYPE_CHECKING

from textual import constants, events
from textual._parser import ParseEOF, ParseTimeout, Peek1, Read1, TokenCallback
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START, XTermParser
from textual.message import Message

if TYPE_CHECKING:
    from textual.driver import Driver

_END_LAST = BRACKETED_PASTE_END[-1]
_END_LENGTH = len(BRACKETED_PASTE_END)


class PasteParser(XTermParser):
    """Textual's parser, with bracketed pastes read whole (see the module's docstring)."""

    def parse(self, token_callback: TokenCallback[Message]) -> Generator[Read1 | Peek1, str, None]:
        keys = super().parse(token_callback)  # Textual's parser: all that is not a paste
        wanted = next(keys)  # what it waits for: a character, with a timeout mid-sequence
        held = ""  # may be a paste's start (a prefix of ESC[200~): kept from `keys` until known
        paste: list[str] | None = None  # the paste's characters while in one

        def give(text: str) -> None:
            nonlocal wanted
            for character in text:
                wanted = keys.send(character)

        def flush_keys() -> None:
            """An escape sequence `keys` has begun ends here (as at its timeout): its keys come
            before the paste that follows."""
            nonlocal wanted
            if wanted.timeout is not None:
                wanted = keys.throw(ParseTimeout())

        while True:
            try:
                if paste is not None:
                    character = yield self.read1()  # no timeout: a paste ends at its end
                elif held:
                    character = yield self.read1(constants.ESCAPE_DELAY)
                else:
                    character = yield wanted
            except ParseTimeout:
                # A lone ESC (the escape key), or a sequence cut short: Textual's keys for it.
                give(held)
                held = ""
                flush_keys()
                continue
            except ParseEOF:
                if paste is not None:  # the input ended inside a paste: what came is kept
                    token_callback(events.Paste("".join(paste).replace("\x00", "")))
                else:
                    give(held)
                with suppress(StopIteration):  # Textual's parser ends at the end
                    keys.throw(ParseEOF())
                return
            if paste is not None:
                paste.append(character)
                if character == _END_LAST and "".join(paste[-_END_LENGTH:]) == BRACKETED_PASTE_END:
                    text = "".join(paste[:-_END_LENGTH])
                    paste = None
                    # NUL removed as Textual does (textual#1661).
                    token_callback(events.Paste(text.replace("\x00", "")))
                continue
            candidate = held + character
            if candidate == BRACKETED_PASTE_START:
                held = ""
                flush_keys()
                paste = []
                continue
            # Characters that cannot begin the paste's start go to Textual's parser, in order;
            # a possible start (an ESC and what follows it so far) is held.
            while candidate and not BRACKETED_PASTE_START.startswith(candidate):
                give(candidate[0])
                candidate = candidate[1:]
            held = candidate


def paste_safe(driver: type[Driver]) -> type[Driver]:
    """`driver`, reading its input with PasteParser when it is the Linux/macOS driver (or made
    from it, as tui/ui/hangup.py's is); any other driver as it is.

    Textual's `LinuxDriver.run_input_thread` builds its parser from the name `XTermParser` in
    its module, with no hook to give it another: that name is pointed at PasteParser (this
    process runs one app; tests/test_paste.py fails if Textual stops reading it there)."""
    if not any(
        base.__module__ == "textual.drivers.linux_driver" and base.__name__ == "LinuxDriver"
        for base in driver.__mro__
    ):
        return driver
    from textual.drivers import linux_driver

    setattr(linux_driver, "XTermParser", PasteParser)  # noqa: B010 (not exported)
    return driver
