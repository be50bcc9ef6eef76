"""Which API the app talks to: the real service (an API key is set) or the embedded demo."""

from __future__ import annotations

from dataclasses import dataclass, field

from .api import InboxClient, RequestBudget
from .config import Settings


@dataclass
class Backend:
    client: InboxClient
    is_demo: bool
    campaign_names: dict[str, str] = field(default_factory=dict)


def make_backend(settings: Settings) -> Backend:
    budget = RequestBudget(settings.requests_per_minute)
    if settings.use_demo:
        from .demo import DemoApi, DemoStore, FaultPlan, FaultRates, SeedConfig, demo_backend

        # A running demo visibly receives DMs: one every 40 s or so.
        store = DemoStore(SeedConfig(threads=settings.demo_threads, inbound_every=40.0))
        faults = FaultPlan(FaultRates.parse(settings.demo_faults))
        api = DemoApi(store, faults=faults)
        backend = demo_backend(api, budget=budget, timeout=settings.timeout)
        # The demo's campaigns are named as a user would name theirs in the config file.
        backend.campaign_names.update(settings.campaigns)
        return backend
    assert settings.api_key is not None
    client = InboxClient(
        settings.api_key.get_secret_value(),
        base_url=settings.api_url,
        budget=budget,
        timeout=settings.timeout,
    )
    return Backend(client, is_demo=False, campaign_names=dict(settings.campaigns))
