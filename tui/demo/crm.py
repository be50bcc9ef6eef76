"""The embedded demo CRM: the Prospects API of 05-crm-prospects-api, in memory.

List Prospects filters by email, phone, name, title, company and stage (all given must match),
and by up to 10 labels (any of them; repeated or comma-separated). Create or Update Prospect
requires firstName and lastName, keeps an invalid phone out with a `message` warning, updates
the matching prospect when `update` is true and otherwise returns the match as it is.
Timestamps are unix milliseconds. Paths and auth are assumptions: the page names neither (see
the README): GET/POST /prospects and GET /prospects/{prospectId}, Bearer key.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

DEMO_CRM_KEY = "demo-crm"
DEMO_CRM_BASE_URL = "http://demo-crm.invalid/api"
MAX_LABELS = 10
DEFAULT_LIMIT = 1  # as the page documents ("limit … Default: 1")
PIPELINE_ID = "pl_sales"
STAGES = {
    "st_new": "New lead",
    "st_qualified": "Qualified",
    "st_proposal": "Proposal sent",
    "st_won": "Closed won",
    "st_lost": "Closed lost",
}
DEFAULT_STAGE = "st_new"
# The demo's status-to-stage map (what a user writes under [crm] stage_map).
DEMO_STAGE_MAP = {
    "New": "st_new",
    "Qualified": "st_qualified",
    "Proposal": "st_proposal",
    "Won": "st_won",
    "Lost": "st_lost",
}
TEXT_FIELDS = ("email", "notes", "title", "company", "streetAddress", "city", "state")


@dataclass
class CrmRecord:
    id: str
    first_name: str
    last_name: str
    created_at: int
    updated_at: int
    email: str | None = None
    phone: str | None = None
    stage_id: str | None = None
    pipeline_id: str | None = None
    labels: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def wire(self, message: str | None = None) -> dict[str, Any]:
        return {
            "id": self.id,
            "message": message,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "email": self.email,
            "phone": self.phone,
            "currentStage": STAGES.get(self.stage_id or ""),
            "currentStageId": self.stage_id,
            "pipelineId": self.pipeline_id,
            "labels": list(self.labels),
            "title": self.extra.get("title"),
            "company": self.extra.get("company"),
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


class BadRequest(Exception):
    pass


def valid_phone(raw: str) -> str | None:
    """A NANP number as +1XXXXXXXXXX, or None when it cannot be one (an area code or exchange
    starting with 0 or 1, or not ten digits)."""
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    return "+1" + digits


def _labels(values: list[str]) -> list[str]:
    labels = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if len(labels) > MAX_LABELS:
        raise BadRequest(f"at most {MAX_LABELS} labels")
    return labels


class DemoCrm:
    def __init__(self, api_key: str = DEMO_CRM_KEY, clock: Callable[[], float] = time.time) -> None:
        self.api_key = api_key
        self.records: dict[str, CrmRecord] = {}
        self.request_log: list[tuple[str, str]] = []
        self._clock = clock
        self._ids = itertools.count(1)
        self.asgi = Starlette(
            routes=[
                Route("/api/prospects", self._endpoint(self.list_prospects), methods=["GET"]),
                Route("/api/prospects", self._endpoint(self.upsert), methods=["POST"]),
                Route("/api/prospects/{prospect_id}", self._endpoint(self.get), methods=["GET"]),
            ]
        )
        self._seed()

    def _now(self) -> int:
        return int(self._clock() * 1000)

    def _seed(self) -> None:
        """A few prospects already in the CRM, so matches show before any hand-off."""
        for first, last, labels, stage, company in (
            ("Jonas", "Ward", ["Hot Lead"], "st_qualified", "Granite"),
            ("Viktor", "Duarte", ["Hot Lead", "Enterprise"], "st_new", "Granite"),
            ("Nadia", "Yilmaz", ["Partner"], "st_proposal", "Cobalt"),
        ):
            now = self._now()
            record = CrmRecord(
                f"crm_{next(self._ids):05d}", first, last, now, now, None, None, stage, PIPELINE_ID
            )
            record.labels = labels
            record.extra["company"] = company
            self.records[record.id] = record

    def _endpoint(self, handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
        async def endpoint(request: Request) -> JSONResponse:
            self.request_log.append((request.method, request.url.path))
            if request.headers.get("authorization") != f"Bearer {self.api_key}":
                return _error(401, "UNAUTHORIZED", "Missing or invalid API key")
            try:
                result = await handler(request)
            except BadRequest as exc:
                return _error(400, "BAD_REQUEST", str(exc))
            if result is None:
                return _error(404, "PROSPECT_NOT_FOUND", "No prospect with that ID")
            return JSONResponse(result)

        return endpoint

    # --- List Prospects ---------------------------------------------------------------------

    def matches(self, params: dict[str, str], labels: list[str]) -> list[CrmRecord]:
        def has(record: CrmRecord, key: str, wanted: str) -> bool:
            wanted = wanted.lower()
            if key == "name":
                return wanted in f"{record.first_name} {record.last_name}".lower()
            if key == "stage":
                return wanted in (
                    (record.stage_id or "").lower(),
                    STAGES.get(record.stage_id or "", "").lower(),
                )
            if key == "phone":
                return (record.phone or "") == (valid_phone(wanted) or wanted)
            value = record.email if key == "email" else record.extra.get(key)
            return isinstance(value, str) and wanted in value.lower()

        wanted_labels = {label.lower() for label in labels}
        return [
            r
            for r in self.records.values()
            if all(has(r, k, v) for k, v in params.items())
            and (not wanted_labels or wanted_labels & {label.lower() for label in r.labels})
        ]

    async def list_prospects(self, request: Request) -> Any:
        query = request.query_params
        raw_limit = query.get("limit", str(DEFAULT_LIMIT))
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= 100:
            raise BadRequest("limit must be a number from 1 to 100")
        filters = {
            k: query[k]
            for k in ("email", "phone", "name", "title", "company", "stage")
            if query.get(k)
        }
        found = self.matches(filters, _labels(query.getlist("label")))
        return {
            "prospects": [r.wire() for r in found[: int(raw_limit)]],
            "totalCount": len(found),
        }

    async def get(self, request: Request) -> Any:
        record = self.records.get(request.path_params["prospect_id"])
        return None if record is None else record.wire()

    # --- Create or Update Prospect ----------------------------------------------------------

    async def upsert(self, request: Request) -> Any:
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            raise BadRequest("the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise BadRequest("the body must be a JSON object")
        for key in ("firstName", "lastName"):
            if not isinstance(body.get(key), str):
                raise BadRequest(f"{key} is required")
        raw_labels = body.get("labels", [])
        if isinstance(raw_labels, str):
            raw_labels = [raw_labels]
        if not isinstance(raw_labels, list) or not all(isinstance(x, str) for x in raw_labels):
            raise BadRequest("labels must be a string or an array of strings")
        labels = _labels(raw_labels)
        stage_id = body.get("stageId")
        if stage_id is not None and stage_id not in STAGES:
            raise BadRequest(f"unknown stageId {stage_id}")
        message = None
        phone = body.get("phone")
        if isinstance(phone, str) and phone:
            normalised = valid_phone(phone)
            if normalised is None:
                message = (
                    "Prospect saved, but the phone number is invalid (area code and exchange "
                    "cannot start with 0 or 1) and was not stored"
                )
            phone = normalised
        match = self._match(body)
        if match is not None and not body.get("update"):
            return match.wire("A matching prospect exists: returned as it is (update was false)")
        now = self._now()
        record = match or CrmRecord(
            f"crm_{next(self._ids):05d}", body["firstName"], body["lastName"], now, now
        )
        record.first_name, record.last_name, record.updated_at = (
            body["firstName"],
            body["lastName"],
            now,
        )
        if phone is not None or "phone" in body:
            record.phone = phone
        record.labels = labels or record.labels
        if stage_id:
            record.stage_id, record.pipeline_id = stage_id, PIPELINE_ID
        elif body.get("pipelineId"):
            record.pipeline_id = str(body["pipelineId"])
            record.stage_id = record.stage_id or DEFAULT_STAGE
        for key in TEXT_FIELDS:
            if isinstance(body.get(key), str):
                if key == "email":
                    record.email = body[key]
                else:
                    record.extra[key] = body[key]
        self.records[record.id] = record
        return record.wire(message)

    def _match(self, body: dict[str, Any]) -> CrmRecord | None:
        email = body.get("email")
        for record in self.records.values():
            if isinstance(email, str) and email and record.email == email:
                return record
            if (record.first_name.lower(), record.last_name.lower()) == (
                body["firstName"].lower(),
                body["lastName"].lower(),
            ):
                return record
        return None


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message, "status": status}}, status)
