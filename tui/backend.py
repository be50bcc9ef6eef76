"""Which API the app talks to: the real service (an API key is set) or the embedded demo."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from tui.api import RequestBudget, connect
from tui.core.api_versions import DEFAULT_API_VERSION, ApiVersion

if TYPE_CHECKING:
    import httpx

    from tui.api import InboxApi
    from tui.api.media import MediaClient
    from tui.core.config import Settings
    from tui.crm.client import CrmClient
    from tui.demo import DemoApi


@dataclass
class Backend:
    client: InboxApi
    is_demo: bool
    campaign_names: dict[str, str] = field(default_factory=dict)
    # Who the key acts as, when the backend knows (the demo does; the API does not say): the
    # snippets' {me} when the config file's `me` is not set.
    user_name: str = ""
    # Makes the CRM prospects are handed to, when there is one: on first use, so that its
    # client (and the demo CRM) cost nothing before the first page is on screen.
    crm_factory: Callable[[], CrmClient] | None = None
    stage_map: dict[str, str] = field(default_factory=dict)  # status name -> CRM stageId
    # Where attachments are fetched through (the demo serves its own media in-process).
    media_transport: httpx.AsyncBaseTransport | None = None
    timeout: float = 30.0
    # Through the team's relay: its pushed changes (each one's seq), read by live updates.
    changes: Callable[[], AsyncIterator[int]] | None = None
    _crm: CrmClient | None = field(default=None, init=False, repr=False)
    _media: MediaClient | None = field(default=None, init=False, repr=False)

    @property
    def media(self) -> MediaClient:
        """Attachment downloads: made on first use (most sessions never open one)."""
        if self._media is None:
            from tui.api.media import MediaClient

            self._media = MediaClient(transport=self.media_transport, timeout=self.timeout)
        return self._media

    @property
    def crm(self) -> CrmClient | None:
        if self._crm is None and self.crm_factory is not None:
            self._crm = self.crm_factory()
        return self._crm

    async def aclose(self) -> None:
        await self.client.aclose()
        if self._crm is not None:
            await self._crm.aclose()
        if self._media is not None:
            await self._media.aclose()


def attach_crm(backend: Backend, settings: Settings) -> Backend:
    """The configured CRM; with the demo (or `base_url = "demo"`), the embedded demo CRM."""
    crm = settings.crm
    if crm.base_url and crm.base_url != "demo":
        key = crm.api_key.get_secret_value() if crm.api_key else None
        backend.crm_factory = partial(crm_client, crm.base_url, key, settings.timeout)
        backend.stage_map = dict(crm.stage_map)
    elif crm.base_url == "demo" or backend.is_demo:
        backend.crm_factory = backend.crm_factory or demo_crm_client
        backend.stage_map = dict(crm.stage_map) or demo_stage_map()
    return backend


def crm_client(base_url: str, key: str | None, timeout: float) -> CrmClient:
    from tui.crm.client import CrmClient

    return CrmClient(base_url, key, timeout=timeout)


def demo_crm_client() -> CrmClient:
    import httpx

    from tui.crm.client import CrmClient
    from tui.demo.crm import DEMO_CRM_BASE_URL, DEMO_CRM_KEY, DemoCrm

    crm = DemoCrm()
    transport = httpx.ASGITransport(app=crm.asgi)
    return CrmClient(DEMO_CRM_BASE_URL, DEMO_CRM_KEY, transport=transport)


def demo_stage_map() -> dict[str, str]:
    from tui.demo.crm import DEMO_STAGE_MAP

    return dict(DEMO_STAGE_MAP)


def make_backend(settings: Settings) -> Backend:
    budget = RequestBudget(settings.requests_per_minute)
    if settings.use_demo:
        from tui.demo import DemoApi, DemoStore, FaultPlan, FaultRates, SeedConfig

        # A running demo visibly receives DMs: one every 40 s or so.
        from tui.demo.seed import TEAMS

        team = TEAMS[settings.demo_team - 1]  # each demo account is a team of its own
        store = DemoStore(
            SeedConfig(threads=settings.demo_threads, inbound_every=40.0, lazy=True, team=team)
        )
        faults = FaultPlan(FaultRates.parse(settings.demo_faults))
        api = DemoApi(store, faults=faults)
        backend = demo_backend(api, settings.api_version, budget=budget, timeout=settings.timeout)
        # The demo's campaigns are named as a user would name theirs in the config file.
        backend.campaign_names.update(settings.campaigns)
        return attach_crm(backend, settings)
    if settings.relay_url:
        return attach_crm(relay_backend(settings, budget), settings)
    assert settings.api_key is not None
    client = connect(
        settings.api_version,
        settings.api_key.get_secret_value(),
        base_url=settings.api_url,
        budget=budget,
        timeout=settings.timeout,
    )
    backend = Backend(
        client,
        is_demo=False,
        campaign_names=dict(settings.campaigns),
        timeout=max(30.0, settings.timeout),
    )
    return attach_crm(backend, settings)


def relay_backend(
    settings: Settings,
    budget: RequestBudget | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Backend:
    """Reads and writes through the team's relay, with this person's relay token: API v2 at
    the relay's /api/v2, and its stream of changes."""
    from tui.api.errors import RELAY
    from tui.api.relay_stream import relay_changes

    assert settings.relay_token is not None
    token = settings.relay_token.get_secret_value()
    client = connect(
        "v2",
        token,
        base_url=f"{settings.relay_url}/api/v2",
        budget=budget,
        timeout=settings.timeout,
        transport=transport,
        service=RELAY,
    )
    return Backend(
        client,
        is_demo=False,
        campaign_names=dict(settings.campaigns),
        timeout=max(30.0, settings.timeout),
        changes=partial(relay_changes, settings.relay_url, token, transport=transport),
    )


def demo_backend(api: DemoApi, version: ApiVersion = DEFAULT_API_VERSION, **kwargs: Any) -> Backend:
    """The app's backend over a given demo API, with the demo CRM (tests, screenshots,
    benchmarks)."""
    from tui.demo import demo_transport

    store = api.store
    return Backend(
        demo_client(api, version, **kwargs),
        is_demo=True,
        media_transport=demo_transport(api),
        campaign_names=dict(store.campaign_names),
        user_name=store.members[store.acting_member_id].name,
        crm_factory=demo_crm_client,
        stage_map=demo_stage_map(),
    )


def demo_client(api: DemoApi, version: ApiVersion = DEFAULT_API_VERSION, **kwargs: Any) -> InboxApi:
    """A client of `version` talking to `api` in-process, exactly as it would talk to the
    service."""
    from tui.demo import DEMO_API_KEY, DEMO_ROOT, demo_transport

    kwargs.setdefault("base_url", f"{DEMO_ROOT}/{version}")
    return connect(version, DEMO_API_KEY, transport=demo_transport(api), **kwargs)
