"""A client's end of the team relay's pushed changes (`GET /relay/stream`, server-sent
events): each `change` event's `lastSeq`, as they come. The caller reads the relay's event log
from there (which costs the team's budget nothing: the relay answers it)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx

from tui.api.errors import RELAY, RELAY_TOKEN_REFUSED, AuthError, TransportError


async def relay_changes(
    relay_url: str,
    token: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    quiet_for: float = 45.0,
) -> AsyncIterator[int]:
    """The seq of each change the relay announces, the first when the stream opens (where
    its log is now). Ends with TransportError when the relay goes away or is silent for
    `quiet_for` seconds (it comments every 15), AuthError when the token is refused."""
    timeout = httpx.Timeout(10.0, read=quiet_for)
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    url = relay_url.rstrip("/") + "/relay/stream"
    try:
        async with (
            httpx.AsyncClient(transport=transport, timeout=timeout) as http,
            http.stream("GET", url, headers=headers) as answer,
        ):
            if answer.status_code == 401:
                raise AuthError(
                    "the relay refused the relay token", status=401, code=RELAY_TOKEN_REFUSED
                )
            if answer.status_code != 200:
                raise TransportError(
                    f"the relay's stream answered {answer.status_code}", service=RELAY
                )
            kind = ""
            async for line in answer.aiter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:") and kind in ("ready", "change"):
                    try:
                        seq = json.loads(line[5:]).get("lastSeq")
                    except (ValueError, AttributeError):
                        continue
                    if isinstance(seq, int):
                        yield seq
                elif not line:
                    kind = ""
    except httpx.HTTPError as error:
        raise TransportError(
            f"the relay's stream broke ({type(error).__name__})", service=RELAY
        ) from None
    raise TransportError("the relay closed its stream", service=RELAY)
