"""Text that is not Unicode (#36): a lone surrogate ("a\\ud800b", which a bad paste or file can
leave) is refused by the client before anything is sent, with a sentence naming the field; the
demo refuses it with 400 and stores nothing; in the app, the reply stays in the composer."""

from __future__ import annotations

import pytest

from tests.conftest import make_store
from tui.api.errors import NotText
from tui.backend import demo_client
from tui.demo import DemoApi

BROKEN = "a\ud800b"


def message_count(api: DemoApi) -> int:
    return sum(len(api.store.messages_of(thread)) for thread in api.store._order)


@pytest.mark.parametrize("version", ["v2", "v1"])
async def test_the_client_refuses_it_before_anything_is_sent(version: str) -> None:
    api = DemoApi(make_store(30))
    client = demo_client(api, version)
    thread = api.store._order[0]
    messages, requests = message_count(api), len(api.request_log)
    calls = {
        '"content"': client.send_message(thread.id, BROKEN),
        '"notes"': client.update_prospect_context(thread.prospect.external_id, notes=BROKEN),
        '"username"': client.lookup_threads_by_username(BROKEN),
        "path": client.get_thread(BROKEN),
    }
    for named, call in calls.items():
        with pytest.raises(NotText) as refused:
            await call
        sentence = str(refused.value)
        assert named in sentence and "U+D800" in sentence and "cannot be sent" in sentence
    assert len(api.request_log) == requests and message_count(api) == messages
    assert client.request_count == 0  # not even the team's request budget was spent
    await client.aclose()
