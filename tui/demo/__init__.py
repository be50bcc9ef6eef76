"""The embedded Inbox API: the default backend with no API key, and every test's server."""

from __future__ import annotations

from typing import Any

import httpx

from ..api.service import InboxApi
from ..api.versions import DEFAULT_API_VERSION, ApiVersion, connect
from ..backend import Backend, demo_crm_client, demo_stage_map
from .app import DEMO_API_KEY, DemoApi
from .faults import Fault, FaultPlan, FaultRates, FaultyTransport
from .seed import SeedConfig
from .store import DemoStore

DEMO_ROOT = "http://demo.inbox.invalid/api"

__all__ = [
    "DEMO_API_KEY",
    "DEMO_ROOT",
    "DemoApi",
    "DemoStore",
    "Fault",
    "FaultPlan",
    "FaultRates",
    "SeedConfig",
    "demo_backend",
    "demo_client",
    "demo_transport",
]


def demo_transport(api: DemoApi) -> httpx.AsyncBaseTransport:
    """The in-process transport to a demo API, with its connection-level faults."""
    return FaultyTransport(httpx.ASGITransport(app=api.asgi), api.faults)


def demo_backend(
    api: DemoApi, version: ApiVersion = DEFAULT_API_VERSION, **kwargs: Any
) -> Backend:
    """The app's backend over a given demo API, with the demo CRM (tests, screenshots,
    benchmarks)."""
    return Backend(
        demo_client(api, version, **kwargs),
        is_demo=True,
        campaign_names=dict(api.store.campaign_names),
        crm_factory=demo_crm_client,
        stage_map=demo_stage_map(),
    )


def demo_client(
    api: DemoApi, version: ApiVersion = DEFAULT_API_VERSION, **kwargs: Any
) -> InboxApi:
    """A client of `version` talking to `api` in-process, exactly as it would talk to the
    service."""
    kwargs.setdefault("base_url", f"{DEMO_ROOT}/{version}")
    return connect(version, DEMO_API_KEY, transport=demo_transport(api), **kwargs)
