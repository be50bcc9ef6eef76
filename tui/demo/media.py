"""The demo's media host: signed links that expire, and the bytes behind them.

The service hands out media URLs on another host, valid for a while (v2 `expiresAt`); the
demo does the same, so that renewing an expired link, a download and an inline image are all
exercised as they are against the service. The bytes are drawn from each attachment's seed
when first asked for: pictures made with Pillow (images, a GIF), and small stand-ins for the
other kinds. One image is broken on purpose: bytes that claim to be a PNG and are not.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import math
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from tui.demo.records import AttachmentRec

DEMO_MEDIA_ORIGIN = "http://media.demo.inbox.invalid"
LINK_LIFETIME = timedelta(minutes=10)

# Some pleasant colours for the pictures: (background, accents...).
PALETTES = (
    ((24, 36, 58), (244, 162, 97), (42, 157, 143), (233, 196, 106)),
    ((245, 240, 230), (231, 111, 81), (38, 70, 83), (42, 157, 143)),
    ((30, 30, 46), (137, 180, 250), (243, 139, 168), (166, 227, 161)),
)


class DemoMedia:
    """Signs media links for a time and serves what they point at."""

    def __init__(self, now: Callable[[], datetime], secret: bytes) -> None:
        self._now = now
        self._secret = secret
        self.origin = DEMO_MEDIA_ORIGIN  # demo-server sets its own address
        self._bytes: dict[tuple[str, int], bytes] = {}
        self.served = 0

    def signed_url(self, message_id: str, index: int) -> tuple[str, datetime]:
        expires = self._now() + LINK_LIFETIME
        stamp = str(int(expires.timestamp()))
        query = urlencode({"expires": stamp, "sig": self._sign(message_id, index, stamp)})
        return f"{self.origin}/media/{message_id}/{index}?{query}", expires

    def permanent_url(self, message_id: str, index: int) -> str:
        """v1's links: it has no way to renew one, so they do not expire."""
        return f"{self.origin}/media/{message_id}/{index}"

    def admits(self, message_id: str, index: int, expires: str | None, sig: str | None) -> bool:
        """A permanent link, or a signed one not yet expired and not tampered with."""
        if expires is None and sig is None:
            return True
        if expires is None or sig is None or not expires.isdigit():
            return False
        if not hmac.compare_digest(sig, self._sign(message_id, index, expires)):
            return False
        return datetime.fromtimestamp(int(expires), UTC) > self._now()

    def _sign(self, message_id: str, index: int, expires: str) -> str:
        text = f"{message_id}/{index}/{expires}".encode()
        return hmac.new(self._secret, text, hashlib.sha256).hexdigest()[:32]

    def content(self, message_id: str, index: int, a: AttachmentRec) -> bytes:
        key = (message_id, index)
        if key not in self._bytes:
            self._bytes[key] = draw(a)
        return self._bytes[key]


def draw(a: AttachmentRec) -> bytes:
    """The attachment's bytes, drawn from the fields below only: the same fields draw the same
    bytes, so they are drawn once a process, whichever store asks (a test's demo is a new
    store with the same seeded attachments, and drawing one takes 5 to 40 ms)."""
    return _drawn(a.kind, a.filename, a.width, a.height, a.seed, a.broken)


@lru_cache(maxsize=256)  # (the largest, a video's stand-in, is 48 kB)
def _drawn(
    kind: str, filename: str | None, width: int | None, height: int | None, seed: int, broken: bool
) -> bytes:
    a = AttachmentRec(
        kind=kind, filename=filename, width=width, height=height, seed=seed, broken=broken
    )
    if a.broken:
        noise = random.Random(a.seed)
        return b"\x89PNG\r\n\x1a\n" + bytes(noise.randrange(256) for _ in range(600))
    if a.kind in ("image", "gif"):
        return _picture(a)
    if a.kind == "file":
        return _pdf(a.filename or "document")
    # Video and audio: stand-ins of a plausible size (the demo has no codec to offer).
    rng = random.Random(a.seed)
    return bytes(rng.randrange(256) for _ in range(48_000 if a.kind == "video" else 24_000))


def _picture(a: AttachmentRec) -> bytes:
    from PIL import Image, ImageDraw

    width, height = a.width or 480, a.height or 320
    background, *accents = PALETTES[a.seed % len(PALETTES)]
    frames = []
    for frame in range(6 if a.kind == "gif" else 1):
        picture = Image.new("RGB", (width, height), background)
        pen = ImageDraw.Draw(picture)
        for row in range(0, height, 4):  # a soft vertical gradient
            shade = tuple(min(255, c + row * 40 // height) for c in background)
            pen.rectangle((0, row, width, row + 3), fill=shade)
        shapes = random.Random(a.seed)
        for n in range(7):
            x, y = shapes.randrange(width), shapes.randrange(height)
            r = shapes.randrange(height // 10, height // 3)
            dx = int(math.cos(frame + n) * 12) if a.kind == "gif" else 0
            colour = accents[n % len(accents)]
            if n % 2:
                pen.ellipse((x - r + dx, y - r, x + r + dx, y + r), fill=colour)
            else:
                pen.rectangle((x + dx, y, x + dx + r * 2, y + r), fill=colour)
        frames.append(picture)
    out = io.BytesIO()
    if a.kind == "gif":
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=120, loop=0)
    else:
        frames[0].save(out, "PNG")
    return out.getvalue()


def _pdf(title: str) -> bytes:
    """A one-page PDF that any viewer opens."""
    text = f"(Demo attachment: {title})".replace("\\", "").encode("latin-1", "replace")
    stream = b"BT /F1 18 Tf 72 720 Td " + text + b" Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    out.write(trailer.encode())
    return out.getvalue()
