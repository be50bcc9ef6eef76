"""LinkedIn (#35): the service links LinkedIn accounts since 14 October 2026, and the demo's
second platform is LinkedIn, with limits and capabilities of its own in `GET /platforms`. An
account link reaches people on its own platform only; the length of a send is that platform's;
and where the platform is known nothing speaks of X: the new-conversation dialog asks for a
LinkedIn profile URL or member ID, the profile link opens linkedin.com."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from textual.widgets import Input, RadioButton, Static

from tests.app_helpers import make_app, painted_text, settle, until
from tests.test_actions import notifications, open_thread
from tests.test_message_keys import new_conversation
from tests.test_v2_client import raw
from tui.core.model import Thread
from tui.core.people_refs import PersonRef, naming, read_person
from tui.demo import DEMO_ROOT, DemoApi, demo_transport
from tui.demo.records import ProspectRec
from tui.demo.store import DemoStore

LINKEDIN_LINK = "Priya Natarajan"


def on_linkedin(thread: Thread) -> bool:
    return thread.platform == "linkedin"


def linkedin_link(store: DemoStore) -> str:
    return next(a.id for a in store.account_links.values() if a.platform == "linkedin")


def a_stranger(store: DemoStore, platform: str) -> ProspectRec:
    """Someone on `platform` nobody has written to yet."""
    store.ensure_all()
    return next(
        p
        for p in store.prospects.values()
        if p.platform == platform and not store.threads_by_prospect.get(p.external_id)
    )


async def test_get_platforms_gives_linkedins_own_figures(demo_api: DemoApi) -> None:
    answer = await raw(demo_api, "GET", "/platforms")
    platforms = {p["platform"]: p for p in answer.json()}
    assert list(platforms) == ["twitter", "linkedin", "instagram"]
    linkedin = platforms["linkedin"]
    assert (linkedin["name"], linkedin["usernamePrefix"]) == ("LinkedIn", "")
    assert linkedin["limits"]["characters"] == 8_000
    assert platforms["twitter"]["limits"]["characters"] == 10_000
    assert linkedin["limits"]["mediaTypes"]["file"] == [".pdf", ".docx", ".pptx", ".xlsx"]
    capabilities = set(linkedin["capabilities"])
    assert {"message:send", "message:edit", "message:unsend", "media:file"} <= capabilities
    # No reactions, quoting or typing there (the demo's choice), unlike X.
    for capability in ("message:react", "message:reply", "thread:typing:send"):
        assert capability not in capabilities and capability in platforms["twitter"]["capabilities"]
    assert linkedin["mutationWindows"] == {"message:edit": 3_600, "message:unsend": 3_600}
    # The account link on it: a person's profile, without a username prefix.
    links = (await raw(demo_api, "GET", "/account-links", params={"platform": "linkedin"})).json()
    [link] = links["data"]
    assert (link["displayName"], link["username"]) == (LINKEDIN_LINK, "priya-natarajan-acme")
    assert link["platformId"].startswith("ACoAA")
    assert link["capabilities"] == linkedin["capabilities"]


async def test_linkedin_people_are_linkedin_shaped(demo_api: DemoApi) -> None:
    params = {"platform": "linkedin", "expand": ["profile"], "limit": "100", "folder": "all"}
    threads = (await raw(demo_api, "GET", "/threads", params=params)).json()["data"]
    assert len(threads) == 15  # every 20th of the 300 from the 8th
    for thread in threads:
        profile = thread["profile"]
        assert thread["platform"] == profile["platform"] == "linkedin"
        assert thread["platformId"].startswith("2-")  # LinkedIn's conversation IDs
        assert profile["platformId"].startswith("ACoAA") and len(profile["platformId"]) == 39
        assert profile["handle"] == profile["username"]  # LinkedIn shows no @
        assert profile["profileUrl"] == f"https://www.linkedin.com/in/{profile['username']}"
        assert profile["platformData"] == {"_tag": "linkedin"}
    headlines = [t["profile"]["bio"] for t in threads if t["profile"]["bio"]]
    assert headlines and all(" at " in h and " | " in h for h in headlines)
    # And found as contacts on LinkedIn, not on X.
    username = threads[0]["profile"]["username"]
    for platform, found in (("linkedin", 1), ("twitter", 0)):
        query = {"platform": platform, "username": username}
        contacts = (await raw(demo_api, "GET", "/contacts", params=query)).json()["data"]
        assert len(contacts) == found


async def test_a_send_is_as_long_as_the_account_links_platform_allows(demo_api: DemoApi) -> None:
    store = demo_api.store
    link = linkedin_link(store)
    person = a_stranger(store, "linkedin")
    target = {"type": "profile", "accountLinkId": link, "platform": "linkedin"}
    target["platformId"] = person.platform_id
    threads = len(store.threads)
    too_long = await raw(
        demo_api, "POST", "/messages", json={"target": target, "content": "y" * 8_001}
    )
    assert too_long.status_code == 422 and too_long.json()["code"] == "contentRejected"
    assert len(store.threads) == threads  # refused before any thread was made
    sent = await raw(demo_api, "POST", "/messages", json={"target": target, "content": "y" * 8_000})
    assert sent.status_code == 201 and sent.json()["thread"]["platform"] == "linkedin"
    # On X the same length is fine: 10,000 there.
    x_thread = next(t for t in store.threads.values() if t.platform == "twitter")
    on_x = {"type": "thread", "threadId": x_thread.id}
    assert (
        await raw(demo_api, "POST", "/messages", json={"target": on_x, "content": "y" * 8_001})
    ).status_code == 201


async def test_an_account_link_reaches_people_on_its_own_platform_only(demo_api: DemoApi) -> None:
    store = demo_api.store
    link = linkedin_link(store)
    x_person = a_stranger(store, "twitter")

    async def send(target: dict[str, str]) -> httpx.Response:
        return await raw(demo_api, "POST", "/messages", json={"target": target, "content": "Hi"})

    by_contact = await send(
        {"type": "contact", "accountLinkId": link, "contactId": x_person.external_id}
    )
    assert by_contact.status_code == 422
    assert by_contact.json()["code"] == "recipientUnavailable"
    as_x = {"type": "profile", "accountLinkId": link, "platform": "twitter"}
    wrong_platform = await send({**as_x, "platformId": x_person.platform_id})
    assert wrong_platform.status_code == 400  # "must be the account link's platform"
    as_linkedin = {**as_x, "platform": "linkedin", "platformId": x_person.platform_id}
    not_there = await send(as_linkedin)
    assert not_there.json()["details"] == {"reason": "notFound"}
    # A thread whose person is not on its link's platform carries nothing either.
    thread = next(t for t in store.threads.values() if t.platform == "linkedin")
    thread.prospect = x_person
    in_thread = await send({"type": "thread", "threadId": thread.id})
    assert in_thread.json()["code"] == "recipientUnavailable"
    # v1 (which knows X alone) is refused the same: a thread, or a quick send.
    v1 = httpx.AsyncClient(
        transport=demo_transport(demo_api),
        base_url=f"{DEMO_ROOT}/v1",
        headers={"Authorization": "Bearer demo"},
    )
    async with v1:
        person = {"accountLinkId": link, "externalPlatformId": x_person.platform_id}
        created = await v1.post("/threads", json=person)
        quick = await v1.post("/threads/messages", json={**person, "content": "Hi"})
    for answer in (created, quick):
        assert answer.status_code == 422 and "is on X" in answer.json()["error"]["message"]
    assert not store.threads_by_prospect.get(x_person.external_id)


@pytest.mark.parametrize(
    ("platform", "typed", "person"),
    [
        (
            "linkedin",
            "https://www.linkedin.com/in/Jane-Doe-1a2b3c/",
            PersonRef(username="jane-doe-1a2b3c"),
        ),
        ("linkedin", "linkedin.com/in/jane-doe", PersonRef(username="jane-doe")),
        (
            "linkedin",
            "ACoAABcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
            PersonRef("ACoAABcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
        ),
        ("linkedin", "urn:li:fsd_profile:ACoAABcDeFgHiJk", PersonRef("ACoAABcDeFgHiJk")),
        ("linkedin", "jane-doe", PersonRef(username="jane-doe")),
        ("linkedin", "https://x.com/jane", None),
        ("linkedin", "jane doe", None),
        ("twitter", "@Jane_Doe", PersonRef(username="jane_doe")),
        ("twitter", "https://x.com/i/user/1876543210", PersonRef("1876543210")),
        ("twitter", "twitter.com/jane", PersonRef(username="jane")),
        ("twitter", "https://www.linkedin.com/in/jane", None),
        ("twitter", "jane-doe", None),
        ("instagram", "instagram.com/acme.studio", PersonRef(username="acme.studio")),
        ("instagram", "17841400000000007", PersonRef("17841400000000007")),
    ],
)
def test_what_names_a_person_on_each_platform(
    platform: str, typed: str, person: PersonRef | None
) -> None:
    assert read_person(platform, typed) == person


async def test_the_n_dialog_speaks_of_the_chosen_links_platform(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        links = {a.platform: a.id for a in app.directory.account_links.values()}
        existing = next(t for t in app.thread_list.threads if on_linkedin(t))
        url = existing.prospect.profile_url or ""
        screen = await new_conversation(pilot, url, "")
        who, count = screen.query_one("#new-who", Input), screen.query_one("#new-count", Static)
        assert who.placeholder == "username (without @) or X user ID"
        hints = {}
        for platform, link in links.items():
            screen.query_one(f"#link-{link}", RadioButton).value = True
            await pilot.pause()
            hints[platform] = (who.placeholder, str(count.render()))
        assert hints == {
            "twitter": ("username (without @) or X user ID", "0 / 10,000"),
            "linkedin": ("LinkedIn profile URL or member ID", "0 / 8,000"),
            "instagram": ("username (without @) or Instagram user ID", "0 / 1,000"),
        }
        button = screen.query_one(f"#link-{links['linkedin']}", RadioButton)
        assert str(button.label) == f"{LINKEDIN_LINK} (priya-natarajan-acme)"  # no @
        button.value = True
        await pilot.pause()
        # Their profile's link opens your conversation with them there.
        await pilot.press("enter")
        await settle(pilot)
        note = f"Opened your conversation with {existing.prospect.username}."
        assert await until(pilot, lambda: note in notifications(app))
        assert app.message_view.thread is not None and app.message_view.thread.id == existing.id
        # A member ID, with a first message: sent from the LinkedIn link, a new conversation.
        person = a_stranger(api.store, "linkedin")
        screen = await new_conversation(pilot, person.platform_id, "Hello from LinkedIn")
        screen.query_one(f"#link-{links['linkedin']}", RadioButton).value = True
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert await until(pilot, lambda: "Sent: the conversation is open." in notifications(app))
        opened = app.message_view.thread
        assert opened is not None and opened.platform == "linkedin"
        assert opened.prospect.platform_id == person.platform_id
        # Someone unknown there: what to give instead is LinkedIn's.
        await new_conversation(pilot, "nobody-by-this-name", "")
        screen = app.screen
        screen.query_one(f"#link-{links['linkedin']}", RadioButton).value = True
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        unknown = (
            "nobody-by-this-name has no conversation with your team yet: start it with their "
            "LinkedIn member ID (ACoAA…)."
        )
        assert await until(pilot, lambda: unknown in notifications(app))
    assert naming("linkedin", "LinkedIn").ask.startswith("Paste their LinkedIn profile URL")


async def test_a_linkedin_person_has_a_linkedin_badge_handle_and_profile_link(
    data_dir: Path,
) -> None:
    app, _ = make_app(data_dir=data_dir)
    opened: list[str] = []
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
        thread = await open_thread(pilot, on_linkedin)
        name = thread.prospect.display_name
        [row] = [line for line in painted_text(app.thread_list).splitlines() if name in line]
        # " ● Omar Schmidt omar-schmidt-9f34fb      in  1d": LinkedIn's badge, its handle
        assert row.split()[-2] == "in" and f" {thread.prospect.username} " in row
        sidebar = app.sidebar
        handle = str(sidebar.query_one("#sb-handle", Static).render())
        assert handle == thread.prospect.username and not handle.startswith("@")
        profile = f"https://www.linkedin.com/in/{thread.prospect.username}"
        assert f"Profile   {profile}" in str(sidebar.query_one("#sb-facts", Static).render())
        assert "Platform  LinkedIn" in str(sidebar.query_one("#sb-account", Static).render())
        app.thread_list.focus()
        await pilot.press("o", "O")
        assert opened == [profile]  # no link to a LinkedIn conversation to give
        assert "The service gives no link to this conversation." in notifications(app)
