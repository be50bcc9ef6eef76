"""The v2 spec (07-inbox-v2-openapi.json) as a checker: every answer the demo gives under
/api/v2 is validated against the response schema the spec declares for its operation and
status code."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import httpx
from jsonschema import Draft202012Validator

from tests.conftest import API_DOCS

SPEC_PATH = API_DOCS / "07-inbox-v2-openapi.json"


@cache
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@cache
def _operations() -> list[tuple[str, re.Pattern[str], str, dict[str, Any]]]:
    found = []
    for template, operations in spec()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^/]+\}", "[^/]+", template) + "$")
        for method, operation in operations.items():
            if method != "parameters":
                found.append((method.upper(), pattern, template, operation))
    # Literal paths before templated ones (`/threads/lookup`-like clashes).
    found.sort(key=lambda item: item[2].count("{"))
    return found


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    for op_method, pattern, template, operation in _operations():
        if op_method == method and pattern.match(path):
            return template, operation
    return None


def response_schema(operation: dict[str, Any], status: int) -> dict[str, Any] | None:
    answer = operation["responses"].get(str(status))
    if answer is None:
        return None
    return answer.get("content", {}).get("application/json", {}).get("schema")


def check(method: str, path: str, status: int, body: Any) -> None:
    """Raise AssertionError when the answer is not what the spec declares."""
    found = operation_for(method, path)
    assert found is not None, f"{method} {path} is not an operation of the v2 spec"
    template, operation = found
    assert str(status) in operation["responses"], (
        f"{method} {template} answered {status}, which the spec does not declare"
    )
    schema = response_schema(operation, status)
    if schema is None:
        assert body is None, f"{method} {template} {status} should have no body"
        return
    root = {**schema, "components": spec()["components"]}
    errors = sorted(Draft202012Validator(root).iter_errors(body), key=lambda e: list(e.path))
    assert not errors, f"{method} {template} {status}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors[:5]
    )


class SpecCheckingTransport(httpx.AsyncBaseTransport):
    """Wraps a transport: each /api/v2 answer is checked against the spec as it passes."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.checked: list[tuple[str, str, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        content = await response.aread()
        path = request.url.path
        if path.startswith("/api/v2/"):
            api_path = path.removeprefix("/api/v2")
            body = json.loads(content) if content else None
            check(request.method, api_path, response.status_code, body)
            self.checked.append((request.method, api_path, response.status_code))
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )

    async def aclose(self) -> None:
        await self.inner.aclose()
