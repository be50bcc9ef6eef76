"""Attachment bytes: fetched from the media URLs the API hands out.

Those URLs are signed and expire, and they live on another host than the API: the requests
carry no API key (it must never reach a third party), follow redirects, and stop at a size
limit. Errors say what went wrong in words a user can act on, never with the URL's signature.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tui.api.errors import MediaError

MAX_MEDIA_BYTES = 200 * 1024 * 1024  # the platforms' own limits are far lower
CHUNK = 64 * 1024

__all__ = ["MediaClient", "MediaError"]

Progress = Callable[[int, int | None], None]  # bytes so far, total (None: not said)


def _where(url: str) -> str:
    """The host only: a signed URL's query is a credential of sorts."""
    return urlsplit(url).netloc or "the media host"


class MediaClient:
    """Downloads attachments. One per app; `transport` lets the demo serve its own media."""

    def __init__(
        self,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        max_bytes: int = MAX_MEDIA_BYTES,
    ) -> None:
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": "inbox-tui"},
        )
        self.max_bytes = max_bytes

    async def aclose(self) -> None:
        await self._http.aclose()

    async def fetch(self, url: str, *, max_bytes: int | None = None) -> bytes:
        """The whole attachment in memory (images drawn inline: small)."""
        chunks: list[bytes] = []
        await self._stream(url, chunks.append, None, max_bytes or self.max_bytes)
        return b"".join(chunks)

    async def save(self, url: str, destination: Path, progress: Progress | None = None) -> int:
        """Writes the attachment to `destination` (via a partial file, so a failed download
        never leaves half a file under the real name); returns its size."""
        partial = destination.with_name(destination.name + ".part")
        try:
            with partial.open("wb") as out:
                size = await self._stream(url, out.write, progress, self.max_bytes)
            partial.replace(destination)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise MediaError(f"cannot write {destination}: {error.strerror or error}") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return size

    async def _stream(
        self,
        url: str,
        sink: Callable[[bytes], object],
        progress: Progress | None,
        max_bytes: int,
    ) -> int:
        if urlsplit(url).scheme not in ("http", "https"):
            raise MediaError("the attachment's link is not a web address")
        try:
            async with self._http.stream("GET", url) as response:
                if response.status_code in (401, 403, 404, 410):
                    raise MediaError(
                        f"{_where(url)} refused the link ({response.status_code}): it may have "
                        "expired",
                        expired=True,
                    )
                if response.status_code >= 400:
                    raise MediaError(f"{_where(url)} answered {response.status_code}")
                total = _length(response)
                if total is not None and total > max_bytes:
                    raise MediaError(f"the attachment is too large ({total:,} bytes)")
                done = 0
                async for chunk in response.aiter_bytes(CHUNK):
                    done += len(chunk)
                    if done > max_bytes:
                        raise MediaError(f"the attachment is larger than {max_bytes:,} bytes")
                    sink(chunk)
                    if progress is not None:
                        progress(done, total)
                return done
        except httpx.TimeoutException:
            raise MediaError(f"{_where(url)} timed out") from None
        except httpx.HTTPError as error:
            raise MediaError(f"cannot reach {_where(url)} ({type(error).__name__})") from None


def _length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None
