"""The one place that picks a client by API version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.core.api_versions import ApiVersion, default_base_url

if TYPE_CHECKING:
    from tui.api.http import HttpCore
    from tui.api.service import InboxApi


def connect(
    version: ApiVersion, api_key: str, *, base_url: str | None = None, **options: Any
) -> InboxApi:
    """The client of `version` (default URL: the service's, for that version). `options` are
    the clients' own (transport, timeout, budget, retry, sleep, rng). The clients (and httpx)
    load here, when the first one is made."""
    url = base_url or default_base_url(version)
    if version == "v1":
        from tui.api.v1.client import V1Client

        return V1Client(api_key, base_url=url, **options)
    from tui.api.v2.api import V2Api

    return V2Api(api_key, base_url=url, **options)


def raw_v2(api_key: str, *, base_url: str, **options: Any) -> HttpCore:
    """Version 2's request core alone: JSON in, JSON out, v2's errors raised as the app's
    (the relay stores and serves what the service sent, so it never reads it into models)."""
    from tui.api.http import HttpCore
    from tui.api.v2.client import read_error

    return HttpCore(api_key, base_url=base_url, read_error=read_error, **options)
