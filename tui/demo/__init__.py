"""The embedded Inbox API: the default backend with no API key, and every test's server.
It knows nothing of the clients that talk to it: tui.backend connects them (demo_client)."""

from __future__ import annotations

import httpx

from tui.core.fault_rates import FaultRates
from tui.demo.app import DEMO_API_KEY, DemoApi
from tui.demo.faults import Fault, FaultPlan, FaultyTransport
from tui.demo.seed import SeedConfig
from tui.demo.store import DemoStore

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
    "demo_transport",
]


def demo_transport(api: DemoApi) -> httpx.AsyncBaseTransport:
    """The in-process transport to a demo API, with its connection-level faults."""
    return FaultyTransport(httpx.ASGITransport(app=api.asgi), api.faults)
