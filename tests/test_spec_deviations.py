"""Where the demo answered otherwise than the specs say (issue #35), and what the client makes of
the spec's answer: each case as a client or any HTTP client meets it, v2 answers checked
against 07-inbox-v2-openapi.json as they pass (tests/v2_spec.py)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from jsonschema import Draft202012Validator
from textual.widgets import TextArea

from tests.app_helpers import settle
from tests.conftest import API_DOCS
from tests.test_actions import notifications, reader
from tests.test_message_keys import open_conversation, select_newest
from tests.v2_spec import SpecCheckingTransport
from tui.api import ApiError, RetryPolicy
from tui.api.v2.client import V2Client
from tui.demo import DEMO_API_KEY, DEMO_ROOT, DemoApi, demo_transport
from tui.demo.records import ThreadRec
from tui.ui.describe import describe_error
from tui.ui.screens.pickers import NotesScreen


@pytest.fixture
async def wire(demo_api: DemoApi) -> AsyncIterator[V2Client]:
    client = V2Client(
        DEMO_API_KEY,
        base_url=f"{DEMO_ROOT}/v2",
        transport=SpecCheckingTransport(demo_transport(demo_api)),
        retry=RetryPolicy(max_attempts=1),
    )
    yield client
    await client.aclose()


async def request(
    api: DemoApi, method: str, path: str, *, checked: bool = True, **kwargs: object
) -> httpx.Response:
    """One request as any HTTP client sends it; `path` from the demo's root (/api/v1/...,
    /api/v2/...). `checked`: a v2 answer must be one the spec declares."""
    transport = demo_transport(api)
    if checked:
        transport = SpecCheckingTransport(transport)
    async with httpx.AsyncClient(
        transport=transport,
        base_url=DEMO_ROOT.removesuffix("/api"),
        headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
    ) as http:
        return await http.request(method, path, **kwargs)  # type: ignore[arg-type]


def xchat_thread(api: DemoApi) -> ThreadRec:
    return next(t for t in api.store.threads.values() if t.variant == "xChat")


# --- 1. messageNotModifiable is a 422 -----------------------------------------------------------


async def test_changing_their_message_is_422_message_not_modifiable(
    demo_api: DemoApi, wire: V2Client
) -> None:
    thread = xchat_thread(demo_api)
    theirs = demo_api.store.receive_message(thread, "Mine to change, not yours")
    with pytest.raises(ApiError) as info:
        await wire.edit_message(theirs.id, "Rewritten")
    assert (info.value.status, info.value.code) == (422, "messageNotModifiable")
    assert isinstance(info.value.details, dict) and info.value.details["reason"]
    said = describe_error(info.value)
    assert said.startswith("The platform no longer lets you change this message"), said
    with pytest.raises(ApiError) as info:
        await wire.unsend_message(theirs.id, scope="all")
    assert (info.value.status, info.value.code) == (422, "messageNotModifiable")


async def test_editing_a_message_deleted_meanwhile_says_why(data_dir: Path) -> None:
    async with open_conversation(data_dir) as (app, api, pilot, thread):
        ours = select_newest(app, thread, ours=True)
        await reader(api).delete_message(thread.id, ours.id)  # from another device
        await pilot.press("E")
        assert isinstance(app.screen, NotesScreen)
        app.screen.query_one(TextArea).text = "Too late for this"
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = [n for n in notifications(app) if n.startswith("Not edited")]
        assert said, notifications(app)
        assert "the platform no longer lets you change this message" in said[0].lower()


# --- 2. colours: names in any case, stored and answered as lowercase hex ------------------------


@pytest.mark.parametrize("kind", ["tags", "statuses"])
async def test_colours_are_names_in_any_case_or_hex_and_come_back_lowercase_hex(
    demo_api: DemoApi, kind: str
) -> None:
    made = await request(demo_api, "POST", f"/api/v2/{kind}", json={"name": "A", "color": "Blue"})
    assert made.status_code == 201, made.text
    assert made.json()["color"] == "#3b82f6"
    label_id = made.json()["id"]
    changed = await request(
        demo_api, "PATCH", f"/api/v2/{kind}/{label_id}", json={"color": "#14B8A6"}
    )
    assert changed.json()["color"] == "#14b8a6"
    listed = (await request(demo_api, "GET", f"/api/v2/{kind}")).json()["data"]
    assert {x["id"]: x["color"] for x in listed}[label_id] == "#14b8a6"
    v1 = await request(demo_api, "POST", f"/api/v1/{kind}", json={"name": "B", "color": "amber"})
    assert v1.json()["color"] == "#f59e0b"  # v1 answers the stored hex too
    for refused in ("#abc", "#12345g", "navy", ""):
        answer = await request(
            demo_api, "PATCH", f"/api/v2/{kind}/{label_id}", json={"color": refused}
        )
        assert answer.status_code == 400, refused
        assert answer.json()["details"]["issues"][0]["path"] == ["color"]


async def test_a_tag_always_has_a_colour(demo_api: DemoApi) -> None:
    for method, path in (("POST", "/api/v2/tags"), ("PATCH", "/api/v2/tags/Partner")):
        answer = await request(demo_api, method, path, json={"name": "Nameless", "color": None})
        assert answer.status_code == 400, (path, answer.text)
        assert answer.json()["details"]["issues"][0]["path"] == ["color"]
    assert "Nameless" not in {t.name for t in demo_api.store.tags.values()}
    made = await request(demo_api, "POST", "/api/v2/tags", json={"name": "Uncoloured"})
    palette = {c["hex"] for c in (await request(demo_api, "GET", "/api/v2/colors")).json()}
    assert made.json()["color"] in palette  # the spec's default: a colour of the palette


async def test_a_status_colour_can_be_none(demo_api: DemoApi) -> None:
    made = await request(
        demo_api, "POST", "/api/v2/statuses", json={"name": "Paused", "color": None}
    )
    assert made.status_code == 201 and made.json()["color"] is None
    bare = await request(demo_api, "POST", "/api/v2/statuses", json={"name": "Parked"})
    assert bare.json()["color"] is None
    won = await request(demo_api, "PATCH", "/api/v2/statuses/Won", json={"color": None})
    assert won.status_code == 200 and won.json()["color"] is None
    got = await request(demo_api, "GET", "/api/v2/statuses/Won")
    assert got.json()["color"] is None
    v1 = await request(demo_api, "GET", f"/api/v1/statuses/{won.json()['id']}")
    assert v1.json()["color"] is None


# --- 3. the 400 and 404 each operation declares ------------------------------------------------


async def test_an_unknown_status_or_member_in_a_body_is_a_bad_field_not_a_404(
    demo_api: DemoApi,
) -> None:
    contact = next(iter(demo_api.store.prospects.values()))
    thread = next(iter(demo_api.store.threads.values()))
    cases = [
        (f"/api/v2/contacts/{contact.external_id}", {"status": "No such stage"}, "status"),
        (f"/api/v2/contacts/{contact.external_id}", {"assigneeId": "nobody0"}, "assigneeId"),
        (f"/api/v2/threads/{thread.id}", {"assigneeId": "nobody0"}, "assigneeId"),
    ]
    for path, body, field in cases:
        answer = await request(demo_api, "PATCH", path, json=body)
        assert answer.status_code == 400, (path, answer.text)
        assert answer.json()["details"]["issues"][0]["path"] == [field]
    assert contact.status_id is None or contact.status_id in demo_api.store.statuses
    send = {
        "target": {"type": "thread", "threadId": thread.id},
        "content": "About that",
        "replyToMessageId": "nosuchmessage0",
    }
    answer = await request(demo_api, "POST", "/api/v2/messages", json=send)
    assert answer.status_code == 400, answer.text
    assert answer.json()["details"]["issues"][0]["path"] == ["replyToMessageId"]


@pytest.mark.parametrize(
    ("path", "field", "unknown_code"),
    [
        ("/threads/{}", "threadId", "threadNotFound"),
        ("/threads/{}/messages", "threadId", "threadNotFound"),
        ("/messages/{}", "messageId", "messageNotFound"),
        ("/messages/{}/history", "messageId", "messageNotFound"),
        ("/contacts/{}", "contactId", "contactNotFound"),
        ("/members/{}", "memberId", "memberNotFound"),
        ("/account-links/{}", "accountLinkId", "accountLinkNotFound"),
    ],
)
async def test_a_malformed_id_in_the_path_is_400_a_well_formed_unknown_one_404(
    demo_api: DemoApi, path: str, field: str, unknown_code: str
) -> None:
    for root in ("/api/v2", ""):
        for malformed in ("NOT-AN-ID", "abc%0A", "a%0Ab"):
            answer = await request(demo_api, "GET", root + path.format(malformed))
            assert answer.status_code == 400, (root, path, malformed, answer.text)
            assert answer.json()["code"] == "invalidRequest"
        answer = await request(demo_api, "GET", root + path.format("nosuchid0"))
        assert (answer.status_code, answer.json()["code"]) == (404, unknown_code)


async def test_v1_also_refuses_a_malformed_id_with_400(demo_api: DemoApi) -> None:
    thread = xchat_thread(demo_api)
    for path in (
        "/api/v1/threads/NOT-AN-ID",
        "/api/v1/threads/a%0Ab/messages",
        "/api/v1/prospects/Not_An_Id",
        "/api/v1/tags/Not An Id",
        f"/api/v1/threads/{thread.id}/messages/NOT-AN-ID/history",
    ):
        answer = await request(demo_api, "GET", path)
        assert answer.status_code == 400, (path, answer.text)
        assert answer.json()["error"]["code"] == "BAD_REQUEST"
    answer = await request(demo_api, "GET", "/api/v1/threads/nosuchid0")
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "THREAD_NOT_FOUND")


# --- 4. a 405 says which methods the path has --------------------------------------------------

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def spec_paths(name: str) -> list[tuple[str, set[str]]]:
    """Each path of a spec with its methods, IDs filled in with a well-formed one. A literal
    path is its own (OpenAPI matches `/threads/lookup` before `/threads/{threadId}`)."""
    paths = json.loads((API_DOCS / name).read_text(encoding="utf-8"))["paths"]
    return [
        (re.sub(r"\{[^/]+\}", "abc0", template), {m.upper() for m in ops} & set(METHODS))
        for template, ops in paths.items()
    ]


@pytest.mark.parametrize(
    ("root", "spec_file"),
    [("/api/v2", "07-inbox-v2-openapi.json"), ("/api/v1", "06-inbox-v1-openapi.json")],
)
async def test_a_405_lists_the_methods_of_the_path(
    demo_api: DemoApi, root: str, spec_file: str
) -> None:
    for path, methods in spec_paths(spec_file):
        for method in sorted(set(METHODS) - methods):
            answer = await request(demo_api, method, root + path, checked=False)
            assert answer.status_code == 405, (method, path, answer.status_code)
            allowed = set(answer.headers.get("allow", "").split(", "))
            assert allowed - {"HEAD"} == methods, (method, path, allowed)


# --- 5. v1's edit history has every field its spec requires ------------------------------------


def any_for_not(schema: object) -> object:
    """v1's spec writes an untyped field (entities, attachment...) as `{"not": {}}`, which no
    value satisfies, though the field is required: read it as any value."""
    if isinstance(schema, dict):
        if schema == {"not": {}}:
            return {}
        return {key: any_for_not(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [any_for_not(item) for item in schema]
    return schema


async def test_v1_history_versions_are_what_the_v1_spec_declares(demo_api: DemoApi) -> None:
    v1 = json.loads((API_DOCS / "06-inbox-v1-openapi.json").read_text(encoding="utf-8"))
    operation = v1["paths"]["/threads/{threadId}/messages/{messageId}/history"]["get"]
    schema = any_for_not(operation["responses"]["200"]["content"]["application/json"]["schema"])
    thread = xchat_thread(demo_api)
    ours = demo_api.store.send_message(thread, "First take", None, None)
    base = f"/api/v1/threads/{thread.id}/messages/{ours.id}"
    assert (await request(demo_api, "PATCH", base, json={"content": "Second take"})).is_success
    history = (await request(demo_api, "GET", base + "/history")).json()
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(history)]
    assert not errors, errors
    assert [v["content"] for v in history["versions"]] == ["First take", "Second take"]
    assert all(v["campaignStepId"] is None and "expandedData" in v for v in history["versions"])


# --- 6. v1's thread settings -------------------------------------------------------------------


async def test_v1_thread_settings_set_the_typing_indicators_v2_reads(demo_api: DemoApi) -> None:
    thread = xchat_thread(demo_api)
    settings = f"/api/v1/threads/{thread.id}/settings"
    for value, v2_value in ((False, "disabled"), (True, "enabled"), (None, "teamDefault")):
        answer = await request(demo_api, "PATCH", settings, json={"typingIndicatorsEnabled": value})
        assert answer.json() == {"threadId": thread.id, "typingIndicatorsEnabled": value}
        v1 = (await request(demo_api, "GET", f"/api/v1/threads/{thread.id}")).json()
        assert v1["typingIndicatorsEnabled"] is value
        v2 = (await request(demo_api, "GET", f"/api/v2/threads/{thread.id}")).json()
        assert v2["typingIndicators"] == v2_value
    await request(demo_api, "PATCH", settings, json={"typingIndicatorsEnabled": False})
    typing = await request(demo_api, "POST", f"/api/v1/threads/{thread.id}/typing")
    assert typing.json() == {"status": "skipped", "reason": "typingDisabled"}
    unchanged = await request(demo_api, "PATCH", settings)  # the body is optional
    assert unchanged.json()["typingIndicatorsEnabled"] is False
    for body in ({"typingIndicatorsEnabled": "no"}, {"typing": False}):
        assert (await request(demo_api, "PATCH", settings, json=body)).status_code == 400
    missing = await request(demo_api, "PATCH", "/api/v1/threads/nosuchid0/settings", json={})
    assert missing.status_code == 404
