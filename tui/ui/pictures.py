"""How pictures are drawn in this terminal, and the pictures themselves (decoded, cached).

Half-block cells work in every colour terminal and cost nothing to choose. Kitty's graphics
protocol draws real pixels, but only terminals that say they are Kitty-like speak it, and
confirming it means asking the terminal (textual-image does, when its renderables are first
imported: up to 0.1 s per question, and only before Textual reads the keyboard). So the
command line asks only where the environment names such a terminal, before the app starts.
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path
from typing import Any

MAX_PIXELS = 40_000_000  # beyond this a "picture" is a decompression bomb, not a photo
CACHE_BYTES = 100 * 1024 * 1024  # the on-disk cache of fetched pictures, at most


def detect_protocol() -> str | None:
    """ "tgp" (Kitty graphics) or "halfcell"; None when there is no terminal to draw on."""
    if not (sys.__stdout__ and sys.__stdout__.isatty() and sys.__stdin__ is not None):
        return None
    try:
        import textual_image.renderable as renderables
        import textual_image.widget  # noqa: F401  (its import asks the cell size, once)
    except Exception:  # a terminal that answers oddly must not stop the app
        return "halfcell"
    return "tgp" if renderables.Image is renderables.TGPImage else "halfcell"


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
