"""Attachments (#20): listed in the message pane, opened (o) and saved (w) with links renewed
when they expire and a processing attachment waited for, pictures drawn inline in half-blocks,
a broken picture shown as a placeholder; the demo's media host and both API versions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.app_helpers import make_app, settle
from tests.conftest import ANCHOR
from tests.test_actions import notifications
from tui.backend import demo_backend
from tui.core.model import Attachment, Message
from tui.demo import DemoApi, DemoStore, Fault, SeedConfig
from tui.ui.app import InboxApp
from tui.ui.features.attachments import free_path, safe_file_name
from tui.ui.pictures import decode
from tui.ui.screens.pickers import PickerScreen
from tui.ui.widgets.attachment_rows import describe


class Clock:
    """The demo's clock, moved by the test (media links expire on it)."""

    def __init__(self) -> None:
        self.now = ANCHOR

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


def store_with(clock: Clock) -> DemoStore:
    return DemoStore(SeedConfig(threads=40, anchor=ANCHOR), clock=clock)


async def _no_wait(_seconds: float) -> None:
    return None


def without_waits(app: InboxApp) -> InboxApp:
    """The showcase's picture still processing is asked for again at once, not after 1.5 s,
    3 s, ... (settle waits for every worker: those waits were most of a picture test)."""
    app.attachments.sleep = _no_wait
    return app


async def open_showcase(pilot: Pilot[None]) -> InboxApp:
    """The top thread (its conversation has every kind of attachment), read, pane focused."""
    app = pilot.app
    assert isinstance(app, InboxApp)
    app.thread_list.focus()
    app.thread_list.cursor = 0
    await pilot.press("enter")
    await settle(pilot)
    app.message_view.focus()
    await settle(pilot)
    return app


async def select_with(pilot: Pilot[None], app: InboxApp, filename: str) -> Message:
    message = next(
        m for m in app.message_view.messages if any(a.filename == filename for a in m.attachments)
    )
    app.message_view.selected_id = message.id
    await pilot.pause()
    return message


def media_requests(api: DemoApi) -> list[str]:
    return [path for _method, path in api.request_log if "/attachments/" in path]


# --- the model and the wire ---------------------------------------------------------------


@pytest.mark.parametrize("version", ["v2", "v1"])
async def test_both_versions_read_attachments(version: str) -> None:
    api = DemoApi(store_with(Clock()))
    backend = demo_backend(api, version)  # type: ignore[arg-type]
    try:
        page = await backend.client.list_threads()
        top = page.threads[0]
        messages = (await backend.client.list_messages(top.id)).messages
        found = [a for m in messages for a in m.attachments]
        kinds = {a.kind for a in found}
        if version == "v2":  # typed, every kind, sizes and expiring links
            assert kinds == {"image", "gif", "video", "audio", "file", "card"}
            whiteboard = next(a for a in found if a.filename == "whiteboard.png")
            assert (whiteboard.width, whiteboard.height) == (480, 320)
            assert whiteboard.size_bytes and whiteboard.expires_at is not None
            assert next(a for a in found if a.filename == "scan.png").status == "processing"
        else:  # v1: the first attachment of each message, untyped, read into the same model
            assert kinds and kinds <= {"image", "gif", "video", "audio", "file", "card"}
            media = next(a for a in found if a.url and "/media/" in a.url)
            data = await backend.media.fetch(media.url or "")
            assert data  # v1's links do not expire
    finally:
        await backend.aclose()


def test_v1_attachment_in_x_words() -> None:
    message = Message.model_validate(
        {
            "id": "m1",
            "attachment": {"type": "animated_gif", "url": "https://x/1.gif", "width": 10},
        }
    )
    assert [(a.kind, a.url, a.width) for a in message.attachments] == [
        ("gif", "https://x/1.gif", 10.0)
    ]
    assert Message.model_validate({"id": "m2", "attachment": "junk"}).attachments == []


def test_describe_is_one_inert_line() -> None:
    hostile = Attachment(kind="file", filename="evil\x1b]0;pwned\x07\nname.pdf", size_bytes=2048)
    text = describe(hostile)
    assert "\x1b" not in text and "\n" not in text and "\x07" not in text
    assert text.endswith("file · 2.0 KB")
    card = Attachment(kind="card", title="[bold]Pricing[/]", domain="example.com")
    assert describe(card) == "↗ [bold]Pricing[/] — example.com"


def test_file_names_from_others_are_made_safe(tmp_path: Path) -> None:
    bad = Attachment(index=3, filename="../../etc/passwd\x1b[31m")
    name = safe_file_name(bad)
    assert "/" not in name and "\x1b" not in name and not name.startswith(".")
    assert safe_file_name(Attachment(index=2, filename="..")) == "attachment-2"
    (tmp_path / "a.pdf").write_bytes(b"x")
    assert free_path(tmp_path, "a.pdf").name == "a (2).pdf"


def test_a_damaged_picture_is_a_value_error_not_a_crash() -> None:
    with pytest.raises(ValueError):
        decode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    with pytest.raises(ValueError):
        decode(b"")


async def test_media_links_expire_and_cannot_be_forged() -> None:
    clock = Clock()
    api = DemoApi(store_with(clock))
    backend = demo_backend(api, "v2")
    try:
        top = (await backend.client.list_threads()).threads[0]
        messages = (await backend.client.list_messages(top.id)).messages
        media = next(a for m in messages for a in m.attachments if a.filename == "proposal.pdf")
        assert media.url is not None
        assert (await backend.media.fetch(media.url)).startswith(b"%PDF")
        forged = media.url.replace("expires=", "expires=9")
        with pytest.raises(Exception, match="refused") as refused:
            await backend.media.fetch(forged)
        assert getattr(refused.value, "expired", False)
        clock.now += timedelta(minutes=11)
        with pytest.raises(Exception, match="refused"):
            await backend.media.fetch(media.url)
    finally:
        await backend.aclose()


# --- in the app ---------------------------------------------------------------------------


async def test_attachments_are_listed_in_the_conversation(data_dir: Path) -> None:
    app, _api = make_app(40, data_dir=data_dir)
    async with app.run_test(size=(150, 60)) as pilot:
        await settle(pilot)
        app = await open_showcase(pilot)
        text = "\n".join(line.text for line in app.message_view._lines)
        assert "▤ proposal.pdf · file · 604 B" in text
        assert "↗ Pricing · plans for teams — example.com" in text
        assert "♪ voice-note.m4a · audio 0:09" in text
        assert "▶ walkthrough.mp4 · video 640×360 0:42" in text
        assert "scan.png · image 360×480 · processing" in text
        assert "▀" not in text  # pictures inline only where asked (protocol set)


async def test_w_saves_with_progress_and_never_overwrites(data_dir: Path, tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    app, api = make_app(40, data_dir=data_dir, download_dir=downloads)
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(pilot)
        app = await open_showcase(pilot)
        message = await select_with(pilot, app, "proposal.pdf")
        statuses: list[str] = []
        original = app.set_status
        app.account.set_status = lambda text, **kw: (statuses.append(text), original(text, **kw))[1]  # type: ignore[method-assign]
        await pilot.press("w")
        await settle(pilot)
        saved = downloads / "proposal.pdf"
        record = api.store.find_message(message.id)
        assert record is not None
        index = next(a.index for a in message.attachments if a.filename == "proposal.pdf")
        expected = api.store.media.content(message.id, index, record[1].attachments[index])
        assert saved.read_bytes() == expected
        assert any("Downloading proposal.pdf" in s and "100%" in s for s in statuses)
        assert f"Saved proposal.pdf to {saved}" in notifications(app)
        await pilot.press("w")
        await settle(pilot)
        assert (downloads / "proposal (2).pdf").is_file()
        assert not list(downloads.glob("*.part"))


async def test_o_opens_the_file_or_the_link_card_and_else_the_profile(data_dir: Path) -> None:
    app, _api = make_app(40, data_dir=data_dir)
    opened: list[str] = []
    async with app.run_test(size=(150, 50)) as pilot:
        app.open_url = lambda url, new_tab=True: opened.append(url)  # type: ignore[method-assign]
        await settle(pilot)
        app = await open_showcase(pilot)
        await select_with(pilot, app, "proposal.pdf")
        await pilot.press("o")
        await settle(pilot)
        assert opened[-1].startswith("file://") and opened[-1].endswith("proposal.pdf")
        assert Path(opened[-1].removeprefix("file://")).read_bytes().startswith(b"%PDF")
        card_message = next(
            m for m in app.message_view.messages if any(a.is_card for a in m.attachments)
        )
        app.message_view.selected_id = card_message.id
        await pilot.press("o")
        await settle(pilot)
        if len(card_message.attachments) > 1:  # several: a picker names them
            assert isinstance(app.screen, PickerScreen)
            card_at = next(i for i, a in enumerate(card_message.attachments) if a.is_card)
            for _ in range(card_at):
                await pilot.press("down")
            await pilot.press("enter")
            await settle(pilot)
        assert opened[-1] == "https://example.com/pricing"
        plain = next(m for m in app.message_view.messages if not m.attachments)
        app.message_view.selected_id = plain.id
        await pilot.press("o")
        await settle(pilot)
        assert opened[-1].startswith("https://x.com/i/user/")  # the profile, as elsewhere


async def test_an_expired_link_is_renewed_once(data_dir: Path, tmp_path: Path) -> None:
    clock = Clock()
    api = DemoApi(store_with(clock))
    app, api = make_app(api=api, data_dir=data_dir, download_dir=tmp_path)
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(pilot)
        app = await open_showcase(pilot)
        await select_with(pilot, app, "proposal.pdf")
        clock.now += timedelta(minutes=30)  # the media host refuses the link the app holds
        before = len(media_requests(api))
        await pilot.press("w")
        await settle(pilot)
        assert (tmp_path / "proposal.pdf").read_bytes().startswith(b"%PDF")
        assert len(media_requests(api)) == before + 1  # one fresh link, asked once


async def test_a_processing_attachment_is_waited_for(data_dir: Path, tmp_path: Path) -> None:
    app, api = make_app(40, data_dir=data_dir, download_dir=tmp_path)
    async with app.run_test(size=(150, 50)) as pilot:
        waits: list[float] = []

        async def no_wait(seconds: float) -> None:
            waits.append(seconds)

        app.attachments.sleep = no_wait
        await settle(pilot)
        app = await open_showcase(pilot)
        await select_with(pilot, app, "scan.png")
        await pilot.press("w")
        await settle(pilot)
        assert (tmp_path / "scan.png").is_file()
        assert len(waits) == 2  # two "processing" answers (202), then ready
        assert len(media_requests(api)) == 3


async def test_v1_cannot_renew_and_says_so(data_dir: Path, tmp_path: Path) -> None:
    app, _api = make_app(40, data_dir=data_dir, download_dir=tmp_path, api_version="v1")
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(pilot)
        app = await open_showcase(pilot)
        with_media = next(
            m
            for m in app.message_view.messages
            if m.attachments and not m.attachments[0].is_card and m.attachments[0].url
        )
        app.message_view.selected_id = with_media.id
        await pilot.press("w")
        await settle(pilot)
        assert any(n.startswith("Saved ") for n in notifications(app))  # v1 links do not expire


async def test_a_failed_download_says_why_and_leaves_nothing(
    data_dir: Path, tmp_path: Path
) -> None:
    downloads = tmp_path / "downloads"
    app, api = make_app(40, data_dir=data_dir, download_dir=downloads)
    async with app.run_test(size=(150, 50)) as pilot:
        await settle(pilot)
        app = await open_showcase(pilot)
        message = await select_with(pilot, app, "proposal.pdf")
        api.faults.add(Fault(drop=True, method="GET", path_prefix=f"/media/{message.id}/"))
        await pilot.press("w")
        await settle(pilot)
        assert any(
            n.startswith("Not saved: proposal.pdf: cannot reach") for n in notifications(app)
        )
        assert list(downloads.iterdir()) == []


async def test_pictures_are_drawn_inline_and_a_broken_one_is_a_placeholder(
    data_dir: Path,
) -> None:
    app, api = make_app(40, data_dir=data_dir)
    app.picture_protocol = "halfcell"
    without_waits(app)
    async with app.run_test(size=(150, 60)) as pilot:
        await settle(pilot)
        app = await open_showcase(pilot)
        await settle(pilot)
        text = "\n".join(line.text for line in app.message_view._lines)
        assert text.count("▀" * 12) >= 3  # the whiteboard, the team photo and the GIF at least
        assert "[picture damaged or not an image]" in text
        fetched = api.store.media.served
        cached = list((data_dir / "cache" / "pictures").iterdir())
        assert len(cached) >= 3
    # Read again in a new session: from the disk cache, no media request.
    app2, _ = make_app(api=api, data_dir=data_dir)
    app2.picture_protocol = "halfcell"
    without_waits(app2)
    async with app2.run_test(size=(150, 60)) as pilot:
        await settle(pilot)
        await open_showcase(pilot)
        await settle(pilot)
        assert api.store.media.served == fetched
