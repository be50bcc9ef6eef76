"""Account links that cannot send (#20): a paused or offline link shows in the header with its
reasons, and a reply or a new conversation from it is refused before any request leaves (the
draft kept); the v2 codes a user meets on message actions read as sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import kept_drafts, make_app, settle
from tests.test_actions import notifications, open_thread
from tui.api.errors import InboxError
from tui.backend import demo_backend
from tui.core.directory import Directory, link_state
from tui.core.model import AccountLink
from tui.core.query import ThreadQuery
from tui.ui.describe import describe_error

VERSIONS = pytest.mark.parametrize("version", ["v2", "v1"])


@VERSIONS
async def test_the_demo_has_a_paused_link_that_refuses_to_send(version: str) -> None:
    from tui.demo import DemoApi, DemoStore, SeedConfig

    api = DemoApi(DemoStore(SeedConfig(threads=60)))
    backend = demo_backend(api, version)  # type: ignore[arg-type]
    try:
        links = await backend.client.list_account_links()
        paused = [a for a in links if a.status == "paused"]
        assert [a.name for a in paused] == ["Acme Support"]
        if version == "v2":
            assert paused[0].pause_reasons == ["billing"]
        page = await backend.client.list_threads(ThreadQuery(limit=50))
        thread = next(t for t in page.threads if t.account_link_id == paused[0].id)
        with pytest.raises(InboxError) as refused:
            await backend.client.send_message(thread.id, "hello")
        assert refused.value.status == 409
        if version == "v2":
            assert refused.value.code == "accountLinkDisconnected"
            assert refused.value.details == {"accountLinkId": paused[0].id, "status": "paused"}
            assert describe_error(refused.value).startswith(
                "The account link is paused: reconnect or resume it in Inboxapp."
            )
    finally:
        await backend.aclose()


def test_link_states_read_as_one_line_each() -> None:
    hostile = AccountLink(
        id="a1", name="Evil\x1b]0;x\x07\nname", status="paused", pause_reasons=["bill\ning"]
    )
    text = link_state(hostile)
    assert "\x1b" not in text and "\n" not in text
    assert text.endswith("is paused (bill ing)")
    offline = AccountLink(id="a2", name="Ops", status="offline")
    assert link_state(offline) == "Ops is offline: reconnect it in Inboxapp"
    directory = Directory.build([hostile, offline, AccountLink(id="a3", name="Ok")], [], [], [])
    assert [a.id for a in directory.unavailable_links()] == ["a1", "a2"]
    assert directory.why_cannot_send("a3") is None
    assert directory.why_cannot_send("unknown") is None  # the service then says


@VERSIONS
async def test_header_names_the_paused_link_and_a_reply_from_it_never_leaves(
    data_dir: Path, version: str
) -> None:
    app, api = make_app(60, data_dir=data_dir, api_version=version)
    async with app.run_test(size=(150, 44)) as pilot:
        await settle(pilot)
        # v1 says a link is paused, not why.
        why = "Acme Support is paused" + (" (billing)" if version == "v2" else "")
        assert str(app.link_alerts.render()) == "⚠ Acme Support paused"
        assert app.link_alerts.has_class("-shown") and app.link_alerts.region.width > 0
        paused = next(
            a.id for a in app.directory.account_links.values() if a.name == "Acme Support"
        )
        thread = await open_thread(pilot, lambda t: t.account_link_id == paused)
        await pilot.press("r")
        app.composer.input.insert("Hello from support")
        posts = sum(1 for method, _ in api.request_log if method == "POST")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert f"Not sent: {why}." in notifications(app)
        assert sum(1 for method, _ in api.request_log if method == "POST") == posts
        assert app.composer.input.text == "Hello from support"  # still there to send later
        assert kept_drafts(data_dir).get(thread.id) == "Hello from support"


def test_v2_codes_on_message_actions_read_as_sentences() -> None:
    closed = InboxError(
        "Mutation window closed",
        status=422,
        code="mutationWindowClosed",
        details={"capability": "message:edit", "closedAt": "2026-11-01T12:15:00.000Z"},
        request_id="req_1",
    )
    assert describe_error(closed) == (
        "Too late: the platform allows editing a message only for a while after a message is "
        "sent (it closed 2026-11-01 12:15 UTC). (request req_1)"
    )
    restricted = InboxError(
        "x", status=422, code="threadRestricted", details={"capability": "message:react"}
    )
    assert describe_error(restricted) == "This conversation does not allow reacting."
    odd = InboxError("x", status=422, code="mutationWindowClosed", details={"closedAt": 5})
    assert describe_error(odd).startswith("Too late: the platform allows this only")
