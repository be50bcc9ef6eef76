"""Typing indicators: typing a reply shows the other side we are typing, at most once per
interval per thread, only where the thread allows it, never for text the app put there itself
(a saved draft), and not at all with `typing_indicators = false`. What the other side was sent
is read from the demo's store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_helpers import kept_drafts, make_app, settle
from tests.conftest import make_store
from tests.test_actions import open_thread
from tui.demo import DemoApi

VERSIONS = pytest.mark.parametrize("version", ["v2", "v1"])


def signals(api: DemoApi) -> list[str]:
    return list(api.store.typing_signals)


def typing_posts(api: DemoApi) -> int:
    return sum(1 for m, p in api.request_log if m == "POST" and p.endswith("/typing"))


def encrypted(api: DemoApi) -> str:
    return next(t.id for t in api.store._order[:50] if t.variant == "xChat")


@VERSIONS
async def test_typing_a_reply_signals_once_per_interval(data_dir: Path, version: str) -> None:
    app, api = make_app(data_dir=data_dir, api_version=version, typing_indicators=True)
    chosen = encrypted(api)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: t.id == chosen)
        await pilot.press("r", *"Hello")
        await settle(pilot)
        assert signals(api) == [chosen]  # the other side saw it
        assert typing_posts(api) == 1  # five keys within the interval, one signal
        app.typing.every = 0  # as if the interval had passed
        await pilot.press("!")
        await settle(pilot)
        assert typing_posts(api) == 2  # the service skips this one (its own 2.5 s): fine


async def test_v1_signals_only_on_encrypted_threads(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir, api_version="v1", typing_indicators=True)
    older = next(t.id for t in api.store._order[:50] if t.variant != "xChat")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: t.id == older)
        await pilot.press("r", *"Hello")
        await settle(pilot)
        assert typing_posts(api) == 0


async def test_a_thread_with_indicators_off_is_not_signalled(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir, typing_indicators=True)
    chosen = encrypted(api)
    api.store.threads[chosen].typing_indicators = "disabled"  # as PATCH typingIndicators sets
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: t.id == chosen)
        await pilot.press("r", *"Hello")
        await settle(pilot)
        assert typing_posts(api) == 0


async def test_turned_off_in_the_settings(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir, typing_indicators=False)
    chosen = encrypted(api)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: t.id == chosen)
        await pilot.press("r", *"Hello")
        await settle(pilot)
        assert typing_posts(api) == 0


async def test_a_saved_draft_shown_again_is_not_typing(data_dir: Path) -> None:
    api = DemoApi(make_store())
    chosen = encrypted(api)
    kept_drafts(data_dir).put(chosen, "Written yesterday")  # before the app reads the drafts
    app, _ = make_app(data_dir=data_dir, api=api, typing_indicators=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: t.id == chosen)
        await settle(pilot)
        assert app.composer.input.text == "Written yesterday"
        assert typing_posts(api) == 0


@VERSIONS
async def test_the_demo_seeds_a_thread_with_typing_indicators_off(
    data_dir: Path, version: str
) -> None:
    """So `make run` shows it: the second thread's setting says no, and typing there sends
    nothing (v1 reads it as typingIndicatorsEnabled false, v2 as typingIndicators disabled)."""
    app, api = make_app(data_dir=data_dir, api_version=version, typing_indicators=True)
    off = api.store._order[1]
    assert off.typing_indicators == "disabled"
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: t.id == off.id)
        assert thread.typing_indicators_enabled is False and not thread.sends_typing()
        await pilot.press("r", *"Hello")
        await pilot.pause(0.3)
        await settle(pilot)
        assert typing_posts(api) == 0 and signals(api) == []
