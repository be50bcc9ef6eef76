"""The demo's request checks are the service's OpenAPI documents (tui/demo/openapi): the copies
it reads are the docs', its schema checks agree with the jsonschema package, and a request with
anything the spec does not define for its operation is refused in the documented error shape."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from starlette.routing import Match, Mount, Route

from tests.conftest import API_DOCS, make_store
from tui.demo import DemoApi
from tui.demo.openapi import HERE, Refused, spec_for

DOCS = {"v1": "06-inbox-v1-openapi.json", "v2": "07-inbox-v2-openapi.json"}
AUTH = {"Authorization": "Bearer demo"}


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_demo_reads_the_docs_own_openapi_documents(version: str) -> None:
    assert (HERE / f"{version}.json").read_bytes() == (API_DOCS / DOCS[version]).read_bytes()


# --- our schema checks against the jsonschema package's ----------------------------------


def _closed(schema: Any) -> Any:
    """The schema as the demo reads it: an object schema that does not say
    additionalProperties is closed; formats are left to the handlers (jsonschema ignores
    them too)."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    found = {k: _closed(v) for k, v in schema.items() if k not in ("format", "examples")}
    if (found.get("type") == "object" or "properties" in found) and (
        "additionalProperties" not in found
    ):
        found["additionalProperties"] = False
    return found


def _inlined(schema: Any, schemas: Any) -> Any:
    """The schema with its `$ref`s written out and no `format` (jsonschema ignores formats
    unless asked; the handlers read timestamps)."""
    if isinstance(schema, list):
        return [_inlined(item, schemas) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target = _inlined(schemas.target(schema["$ref"]), schemas)
        rest = {k: _inlined(v, schemas) for k, v in schema.items() if k != "$ref"}
        return {"allOf": [target, rest]} if rest else target
    return {k: _inlined(v, schemas) for k, v in schema.items() if k != "format"}


def _schemas() -> Iterator[tuple[str, dict[str, Any]]]:
    """Every parameter and request body schema of both documents, inlined (but the emoji
    pattern's, which the re module jsonschema uses cannot read)."""
    for version in ("v1", "v2"):
        spec = spec_for(version)
        for operation in spec.operations:
            where = f"{version} {operation.method} {operation.template}"
            schemas = [p.schema for p in operation.parameters]
            if operation.body_schema is not None:
                schemas.append(operation.body_schema)
            for schema in schemas:
                inlined = _inlined(schema, spec.schemas)
                if "\\p{" not in json.dumps(inlined):
                    yield where, inlined


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for child in node.values():
            yield from _walk(child)
    elif isinstance(node, list):
        for child in node:
            yield from _walk(child)


SCHEMAS = list(_schemas())
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 300),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["", "abc", "ABC", "x1y2", "a\n", "blue", "#3b82f6", "2026-11-01T12:00:00Z"]),
    st.text(max_size=6),
)


def _values(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """JSON values that reach into the schema: its property names and enum values."""
    names = sorted({name for node in _walk(schema) for name in node.get("properties", {})})
    enums = [value for node in _walk(schema) for value in node.get("enum", [])]
    leaves = SCALARS | st.sampled_from(enums) if enums else SCALARS
    keys = st.sampled_from(names) | st.text(max_size=3) if names else st.text(max_size=3)
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=4),
        max_leaves=8,
    )


@settings(
    max_examples=400,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    deadline=None,
)
@given(st.data())
def test_our_schema_checks_agree_with_jsonschema(data: st.DataObject) -> None:
    where, schema = data.draw(st.sampled_from(SCHEMAS))
    value = data.draw(_values(schema))
    # (A pattern's `$` is ECMA-262's, as JSON Schema says: it does not match before a final
    # newline. jsonschema uses Python's re, whose `$` does: "a\n" would pass there alone.)
    assume(not (isinstance(value, str) and value.endswith("\n") and "pattern" in str(schema)))
    ours = not spec_for("v2").schemas.issues(schema, value, ())
    theirs = Draft202012Validator(_closed(schema)).is_valid(value)
    assert ours == theirs, f"{where}: {value!r}: ours {ours}, jsonschema {theirs}"


# --- what the demo refuses ----------------------------------------------------------------


@pytest.fixture
async def http() -> Any:
    api = DemoApi(make_store(threads=30))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api.asgi), base_url="http://demo", headers=AUTH
    ) as client:
        yield client


def _thread_id(api_http: httpx.AsyncClient) -> Any:
    return api_http.get("/api/v2/threads", params={"limit": "1"})


async def test_patch_thread_with_expand_is_refused_as_the_spec_gives_it_none(
    http: httpx.AsyncClient,
) -> None:
    thread_id = (await _thread_id(http)).json()["data"][0]["id"]
    answer = await http.patch(
        f"/api/v2/threads/{thread_id}", params={"expand": "profile"}, json={"unread": True}
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["code"] == "invalidRequest"
    assert body["details"]["issues"] == [{"path": ["expand"], "message": "unknown parameter"}]
    assert (await http.patch(f"/api/v2/threads/{thread_id}", json={"unread": True})).is_success


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v2/account-links", {"status": "bogus"}, "status"),
        ("/api/v2/events", {"type": "bogus.event"}, "type"),
        ("/api/v2/events", {"type": ""}, "type"),
        ("/api/v2/contacts", {"platform": "twitter", "username": ""}, "username"),
        ("/api/v2/threads", {"limit": "0"}, "limit"),
        ("/api/v2/threads", {"folder[0]": "inbox"}, "folder[0]"),
        ("/api/v2/threads", {"unassigned": "yes"}, "unassigned"),
        ("/api/v1/threads", {"filters[tags][bogus]": "x"}, "filters"),
        ("/api/v1/threads", {"inbox": "spam"}, "inbox"),
        ("/api/v1/threads", {"accountLinkIds": "ABC"}, "accountLinkIds"),
        ("/api/v1/threads", {"filters": "x"}, "filters"),
        ("/api/v1/threads/lookup", {}, "accountLinkId"),
    ],
)
async def test_values_the_spec_does_not_allow_are_refused(
    http: httpx.AsyncClient, path: str, params: dict[str, str], field: str
) -> None:
    answer = await http.get(path, params=params)
    assert answer.status_code == 400, answer.text
    text = answer.text
    assert field in text


async def test_v1_bracket_notation_is_read_as_the_docs_write_it(http: httpx.AsyncClient) -> None:
    tags = (await http.get("/api/v1/tags")).json()
    params = {
        "filters[tags][selectedIds][0]": tags[0]["id"],
        "filters[tags][selectedIds][1]": tags[1]["id"],
        "filters[statuses][noStatus]": "true",
        "filters[sortOrder]": "asc",
        "limit": "100",
    }
    answer = await http.get("/api/v1/threads", params=params)
    assert answer.status_code == 200, answer.text
    wanted = {tags[0]["id"], tags[1]["id"]}
    for thread in answer.json()["threads"]:
        context = thread["prospect"]["context"]
        assert wanted & set(context["tags"]) and context["statusId"] is None
    # An index given twice, and a value that is also an object, are refused.
    twice: list[tuple[str, str | int | float | bool | None]] = [
        ("filters[tags][selectedIds][0]", "a"),
        ("filters[tags][selectedIds][0]", "b"),
    ]
    assert (await http.get("/api/v1/threads", params=twice)).status_code == 400
    both: list[tuple[str, str | int | float | bool | None]] = [
        ("filters[tags]", "a"),
        ("filters[tags][noTags]", "true"),
    ]
    assert (await http.get("/api/v1/threads", params=both)).status_code == 400


async def test_a_body_field_the_spec_does_not_name_is_refused(http: httpx.AsyncClient) -> None:
    thread_id = (await _thread_id(http)).json()["data"][0]["id"]
    v2 = await http.patch(f"/api/v2/threads/{thread_id}", json={"done": True})
    assert v2.status_code == 400 and v2.json()["details"]["issues"][0]["path"] == ["done"]
    v1 = await http.patch(f"/api/v1/threads/{thread_id}", json={"archived": True})
    assert v1.status_code == 400 and v1.json()["error"]["code"] == "INVALID_FIELD"
    tag_ids = await http.patch(f"/api/v1/prospects/{'a' * 24}/context", json={"tagIds": ["abc"]})
    assert "addTags and removeTags" in tag_ids.json()["error"]["message"]
    not_json = await http.post(
        "/api/v2/tags", content=b"name=x", headers={"Content-Type": "text/plain"}
    )
    assert not_json.status_code == 400
    no_body_expected = await http.request("DELETE", f"/api/v2/threads/{thread_id}", json={})
    assert no_body_expected.status_code == 400


async def test_a_header_the_spec_types_is_checked(http: httpx.AsyncClient) -> None:
    thread_id = (await _thread_id(http)).json()["data"][0]["id"]
    send = {"target": {"type": "thread", "threadId": thread_id}, "content": "hi"}
    bad = await http.post("/api/v2/messages", json=send, headers={"Idempotency-Key": "k" * 256})
    assert bad.status_code == 400 and "idempotency-key" in bad.text
    good = await http.post("/api/v2/messages", json=send, headers={"Idempotency-Key": "k-1"})
    assert good.status_code == 201


def _example(template: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: "0" if "index" in m.group() else "abc123", template)


def test_the_demo_routes_exactly_the_operations_of_its_specs() -> None:
    api = DemoApi(make_store(threads=5))
    mounts = {r.path: r for r in api.starlette.routes if isinstance(r, Mount)}
    for version in ("v1", "v2"):
        routes = [r for r in mounts[f"/api/{version}"].routes if isinstance(r, Route)]
        spec = spec_for(version)
        for operation in spec.operations:
            scope = {"type": "http", "path": _example(operation.template)}
            scope["method"] = operation.method
            assert any(r.matches(scope)[0] is Match.FULL for r in routes), operation.operation_id
        for route in routes:
            for method in route.methods or ():
                if method != "HEAD":
                    found = spec.find(method, _example(route.path))
                    assert found is not None, f"{version} {method} {route.path}"


def test_a_refusal_lists_every_issue() -> None:
    found = spec_for("v2").find("GET", "/threads")
    assert found is not None
    with pytest.raises(Refused) as refused:
        found[0].check({}, [("limit", "0"), ("folder", "x"), ("bogus", "1")], {}, b"")
    assert [i.path for i in refused.value.issues] == [("bogus",), ("folder",), ("limit",)]


def test_the_checked_values_are_typed_as_the_spec_types_them() -> None:
    found = spec_for("v1").find("GET", "/threads")
    assert found is not None
    checked = found[0].check(
        {},
        [
            ("limit", "5"),
            ("filters[assignees][noAssignee]", "true"),
            ("accountLinkIds[1]", "b"),
            ("accountLinkIds[0]", "a"),
            ("cursor[id]", "abc"),
            ("cursor[timestamp]", "2026-11-01T12:00:00.000Z"),
        ],
        {},
        b"",
    )
    assert checked.query == {
        "limit": 5,
        "filters": {"assignees": {"noAssignee": True}},
        "accountLinkIds": ["a", "b"],
        "cursor": {"id": "abc", "timestamp": "2026-11-01T12:00:00.000Z"},
    }
    copy.deepcopy(checked)


async def test_a_v2_event_sequence_has_no_upper_bound(http: httpx.AsyncClient) -> None:
    """The spec gives `afterSeq` a minimum only (found by schemathesis: the demo had capped it
    at JavaScript's largest safe integer)."""
    answer = await http.get("/api/v2/events", params={"afterSeq": str(2**60)})
    assert answer.status_code == 200 and answer.json()["data"] == []
