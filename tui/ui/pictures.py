"""How pictures are drawn in this terminal, and the pictures themselves (decoded, cached).

Half-block cells work in every colour terminal and cost nothing to choose. Kitty's graphics
protocol draws real pixels, placed with Unicode placeholders, which only some terminals draw
(kitty from 0.28, Ghostty). Confirming it means asking the terminal, which costs a round trip
at start; so the command line asks only where the environment names such a terminal, and
remembers the answer per terminal (its TERM, TERM_PROGRAM and version) in the preferences, so
that it is asked once a week, not at every start.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from tui.core.preferences import Preferences
from tui.ui.terminal import TerminalAnswers, ask_terminal, window_cell_pixels

MAX_PIXELS = 40_000_000  # beyond this a "picture" is a decompression bomb, not a photo
CACHE_BYTES = 100 * 1024 * 1024  # the on-disk cache of fetched pictures, at most
# What the environment says of a terminal that speaks Kitty's graphics protocol.
GRAPHICS_TERMS = ("xterm-kitty", "xterm-ghostty", "wezterm")
GRAPHICS_PROGRAMS = ("kitty", "ghostty", "wezterm")
GRAPHICS_VARIABLES = ("KITTY_WINDOW_ID", "GHOSTTY_RESOURCES_DIR", "WEZTERM_PANE")
KITTY_PLACEHOLDERS_FROM = (0, 28)  # kitty draws Unicode placeholders from 0.28.0
# A kept answer is asked again after a week: kitty names no version in the environment, so an
# upgrade (0.26 to 0.35) is noticed within one.
KEEP_ANSWER_FOR = 7 * 24 * 3600.0


class PictureSupport(NamedTuple):
    protocol: str | None  # "tgp" (Kitty graphics), "halfcell", None (no terminal to draw on)
    typed: str = ""  # keys typed while the terminal was asked, for the app to handle
    cell: tuple[int, int] | None = None  # a cell's (width, height) in pixels, where known


def names_graphics_terminal(environ: Mapping[str, str]) -> bool:
    return (
        environ.get("TERM", "") in GRAPHICS_TERMS
        or environ.get("TERM_PROGRAM", "").lower() in GRAPHICS_PROGRAMS
        or any(environ.get(name) for name in GRAPHICS_VARIABLES)
    )


def terminal_identity(environ: Mapping[str, str]) -> str:
    """What a kept answer is kept under: another terminal, or another version, asks again."""
    names = ("TERM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION")
    return "|".join(environ.get(name, "") for name in names)


def draws_placeholders(answers: TerminalAnswers) -> bool:
    """Whether the terminal draws Kitty graphics placed by Unicode placeholders: kitty from
    0.28 and Ghostty. Others that speak the protocol (WezTerm, Konsole, older kitty) do not."""
    if not (answers.answered and answers.kitty_graphics and answers.version):
        return False
    found = re.match(r"\s*([A-Za-z][\w-]*)[\s(]+v?([\d.]+)", answers.version)
    if found is None:
        return False
    name = found.group(1).lower()
    if name == "ghostty":
        return True
    version = tuple(int(part) for part in found.group(2).split(".") if part.isdigit())
    return name == "kitty" and version >= KITTY_PLACEHOLDERS_FROM


def detect_protocol(
    preferences: Preferences, environ: Mapping[str, str] = os.environ
) -> PictureSupport:
    """How pictures are drawn here. The terminal is asked only when the environment names a
    graphics terminal and no answer for it was kept (see the module's docstring)."""
    stdin, stdout = sys.__stdin__, sys.__stdout__
    if not (stdout and stdout.isatty() and stdin is not None and stdin.isatty()):
        return PictureSupport(None)
    identity = terminal_identity(environ)
    kept = preferences.terminal(identity)
    at = kept.get("at") if kept is not None else None
    if not isinstance(at, int | float) or not 0 <= time.time() - at < KEEP_ANSWER_FOR:
        kept = None
    if kept is None and not names_graphics_terminal(environ):
        return PictureSupport("halfcell")  # nothing asked: half-block cells work everywhere
    typed = ""
    cell = window_cell_pixels(stdout.fileno())
    if kept is None:
        try:
            answers = ask_terminal(stdin.fileno(), stdout.fileno(), ask_cell=cell is None)
        except (OSError, ValueError):  # an odd terminal must not stop the app
            return PictureSupport("halfcell")
        typed = answers.typed
        protocol = "tgp" if draws_placeholders(answers) else "halfcell"
        kept = {"protocol": protocol, "at": round(time.time())}
        if answers.cell_pixels:
            kept["cell"] = list(answers.cell_pixels)
        if answers.answered:  # a terminal that did not answer is asked again next time
            preferences.remember_terminal(identity, kept)
    protocol = "tgp" if kept.get("protocol") == "tgp" else "halfcell"
    saved_cell = kept.get("cell")
    if cell is None and isinstance(saved_cell, list) and len(saved_cell) == 2:
        cell = (int(saved_cell[0]), int(saved_cell[1]))
    return PictureSupport(protocol, typed, cell)


def decode(data: bytes) -> Any:
    """A PIL image ready to draw (RGB, the first frame of an animation, at most 800 pixels a
    side). Raises ValueError when the bytes are not a picture Pillow can read."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.seek(0)
            picture = opened.convert("RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValueError(f"not a picture that can be shown ({type(error).__name__})") from None
    picture.thumbnail((800, 800))
    return picture


class PictureCache:
    """Fetched pictures on disk, by message and position (their links expire; they do not),
    oldest dropped past CACHE_BYTES."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, message_id: str, index: int) -> Path:
        name = hashlib.sha256(f"{message_id}/{index}".encode()).hexdigest()[:32]
        return self.folder / name

    def get(self, message_id: str, index: int) -> bytes | None:
        try:
            return self._path(message_id, index).read_bytes()
        except OSError:
            return None

    def put(self, message_id: str, index: int, data: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._path(message_id, index)
            partial = path.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(path)
            self._trim()
        except OSError:
            pass  # a cache: without it the picture is fetched again next time

    def _trim(self) -> None:
        files = sorted(
            (p for p in self.folder.iterdir() if p.is_file()), key=lambda p: p.stat().st_mtime
        )
        total = sum(p.stat().st_size for p in files)
        for path in files:
            if total <= CACHE_BYTES:
                break
            total -= path.stat().st_size
            path.unlink(missing_ok=True)
