"""The service's webhook signature (docs 04, as its SDK checks it): the header
`X-Inbox-Signature: t=<unix seconds>,v1=<hex>`, where v1 is HMAC-SHA256 with the endpoint's
secret over `"<t>.<raw body>"`, and a timestamp more than `tolerance` seconds away is refused.

The demo signs with it; the relay checks with it. Plain standard library: no HTTP here.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Inbox-Signature"
TOLERANCE = 300.0  # seconds, the SDK's default


class BadSignature(ValueError):
    """Why a delivery is refused (said to the sender; never holds the secret)."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The header's value for `body` sent at `timestamp`."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str, header: str | None, body: bytes, now: float, tolerance: float = TOLERANCE
) -> int:
    """The delivery's timestamp, if `header` signs `body` with `secret` within `tolerance` of
    `now`; else BadSignature. Several v1 values may be given (a secret being rotated): one
    matching is enough. Compared in constant time."""
    if not header:
        raise BadSignature(f"no {HEADER} header")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise BadSignature("the timestamp is not a whole number") from None
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        raise BadSignature("the header needs t= and v1=")
    if abs(now - timestamp) > tolerance:
        raise BadSignature(f"the timestamp is more than {tolerance:.0f} s away")
    expected = signature(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, c) for c in candidates):
        raise BadSignature("the signature does not match")
    return timestamp
