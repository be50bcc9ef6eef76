"""A small typed client of the CRM's Prospects API: list (with its filters), create or update,
get. Errors are raised as the Inbox client's typed errors, so the app treats both alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

from tui.api.errors import InboxError, TransportError, error_from_body
from tui.api.http import encode_segment

MAX_LABELS = 10


class CrmModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="allow")


class CrmProspect(CrmModel):
    id: str
    message: str | None = None  # a warning, e.g. an invalid phone that was dropped
    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    phone: str | None = None
    current_stage: str | None = None
    current_stage_id: str | None = None
    pipeline_id: str | None = None
    labels: list[str] = Field(default_factory=list)
    title: str | None = None
    company: str | None = None
    created_at: int | None = None  # unix milliseconds
    updated_at: int | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CrmPage(CrmModel):
    prospects: list[CrmProspect] = Field(default_factory=list)
    total_count: int = 0


class CrmClient:
    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 15.0,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), headers=headers, transport=transport, timeout=timeout
        )

    def __repr__(self) -> str:  # never show the key
        return f"CrmClient({str(self._http.base_url)!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise TransportError(f"cannot reach the CRM ({type(exc).__name__})") from None
        try:
            payload = response.json() if response.content else None
        except ValueError:
            payload = None
        if not response.is_success:
            raise error_from_body(response.status_code, payload)
        return payload

    async def list_prospects(
        self,
        *,
        name: str | None = None,
        email: str | None = None,
        phone: str | None = None,
        title: str | None = None,
        company: str | None = None,
        stage: str | None = None,
        labels: Sequence[str] = (),
        limit: int = 10,
    ) -> CrmPage:
        """Prospects matching every given filter; with labels, those carrying any of them."""
        if len(labels) > MAX_LABELS:
            raise ValueError(f"at most {MAX_LABELS} labels")
        params: list[tuple[str, str]] = [("limit", str(limit))]
        for key, value in (
            ("name", name),
            ("email", email),
            ("phone", phone),
            ("title", title),
            ("company", company),
            ("stage", stage),
        ):
            if value:
                params.append((key, value))
        params += [("label", label) for label in labels]
        return _parse(CrmPage, await self._request("GET", "/prospects", params=params))

    async def upsert_prospect(self, body: dict[str, Any]) -> CrmProspect:
        """Create or Update Prospect (`update: true` updates the matching one)."""
        return _parse(CrmProspect, await self._request("POST", "/prospects", json=body))

    async def get_prospect(self, prospect_id: str) -> CrmProspect:
        path = f"/prospects/{encode_segment(prospect_id)}"
        return _parse(CrmProspect, await self._request("GET", path))


ModelT = TypeVar("ModelT", bound=BaseModel)


def _parse(model: type[ModelT], data: Any) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError:
        raise InboxError("the CRM sent an answer of an unexpected shape") from None
