"""The app under network faults: it never crashes, says what is happening, retries reads,
rolls back or keeps edits safely, never sends twice, never loses a draft, and recovers."""

from __future__ import annotations

import random
from pathlib import Path

from tests.app_helpers import kept_drafts, make_app, painted_text, settle
from tests.conftest import make_store
from tui.api.errors import AuthError
from tui.backend import demo_client
from tui.demo import DemoApi, Fault, FaultPlan, FaultRates


async def test_offline_start_opens_on_the_cache_then_refreshes(tmp_path: Path) -> None:
    first, _ = make_app(data_dir=tmp_path)
    async with first.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        cached_ids = [t.id for t in first.thread_list.threads]
    offline_api = DemoApi(make_store(), faults=FaultPlan(FaultRates(drop=1.0)))
    app, api = make_app(api=offline_api, data_dir=tmp_path, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert [t.id for t in app.thread_list.threads] == cached_ids
        assert app.threads.showing_cache
        assert "threads cached" in app.status_text and "(stale)" in app.status_text
        assert "stale" in app.status_text
        assert app.directory.loaded  # names and colours from the cached directory
        api.faults.set_rates(FaultRates())  # the network is back
        app.threads.retry_offline()
        await settle(pilot)
        assert not app.threads.showing_cache
        assert "Offline" not in app.status_text
        assert any("Back online" in n.message for n in app._notifications)


async def test_offline_start_without_a_cache_says_so(tmp_path: Path) -> None:
    api = DemoApi(make_store(), faults=FaultPlan(FaultRates(drop=1.0)))
    app, _ = make_app(api=api, data_dir=tmp_path, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert "Offline: cannot reach the Inbox API" in app.status_text
        assert app.is_running


async def test_rate_limited_says_when_and_recovers(tmp_path: Path) -> None:
    app, api = make_app(data_dir=tmp_path, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        # Refused until cleared: whether a retry came before `settle` returned does not matter.
        api.faults.add(Fault(status=429, retry_after=0.02, path_prefix="/threads"), times=10_000)
        await pilot.press("2")
        await settle(pilot)
        assert "Rate-limited" in app.status_text
        api.faults.clear()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.thread_list.threads and "Rate-limited" not in app.status_text


async def test_server_errors_and_bad_json_are_retried_for_reads(tmp_path: Path) -> None:
    app, api = make_app(data_dir=tmp_path, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        api.faults.add(Fault(status=502, path_prefix="/threads"))
        api.faults.add(Fault(malformed=True, path_prefix="/threads"))
        await pilot.press("3")
        await settle(pilot)
        assert app.thread_list.threads and all(t.is_request for t in app.thread_list.threads)
        assert "Failed" not in app.status_text


async def test_session_expiry_explains_how_to_fix_it(tmp_path: Path) -> None:
    app, api = make_app(data_dir=tmp_path, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        api.faults.set_rates(FaultRates(unauthorized_after=0))
        app.live.poll_now()
        await settle(pilot)
        assert "API key was refused" in app.status_text and "set-key" in app.status_text
        assert app.live._polling_stopped
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "API key was refused" in app.status_text


async def test_a_refused_key_is_named_where_the_threads_would_be(tmp_path: Path) -> None:
    """#34: a 401 is the key, not the connection: the empty list says so, and how to set a
    new one."""
    app, api = make_app(data_dir=tmp_path)
    api.faults.set_rates(FaultRates(unauthorized_after=0))  # every request: 401
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert not app.thread_list.threads
        shown = " ".join(painted_text(app.thread_list).split())
        assert "API key was refused" in shown and "inbox-tui set-key" in shown
        assert "connection" not in shown


async def test_slow_answers_and_quick_switches(tmp_path: Path) -> None:
    app, api = make_app(data_dir=tmp_path, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        api.faults.set_rates(FaultRates(slow=1.0, slow_seconds=0.2))
        await pilot.press("2", "3", "4")
        await settle(pilot)
        assert app.thread_list.threads and all(t.done for t in app.thread_list.threads)


async def test_chaos_never_sends_twice_or_loses_a_draft(tmp_path: Path) -> None:
    rates = FaultRates(
        rate_limited=0.08, server_error=0.12, drop=0.1, malformed=0.05, retry_after=0.02, seed=11
    )
    api = DemoApi(make_store(), faults=FaultPlan(rates))
    app, _ = make_app(api=api, data_dir=tmp_path, fast_retry=True)
    rng = random.Random(5)
    sent_texts: list[str] = []
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        for step in range(14):
            if not app.thread_list.threads:
                await pilot.press("ctrl+r")
                await settle(pilot)
                continue
            app.thread_list.focus()
            app.thread_list.cursor = rng.randrange(min(10, len(app.thread_list.threads)))
            await pilot.press("enter")
            await settle(pilot)
            if app.message_view.thread is None:
                continue
            text = f"<chaos {step}>"
            await pilot.press("r")
            app.composer.input.insert(text)
            await pilot.press("ctrl+s")
            sent_texts.append(text)
            await settle(pilot)
            await pilot.press("escape", rng.choice(["e", "u", "2", "1", "ctrl+r", "j"]))
            await settle(pilot)
            app.live.poll_now()
            await settle(pilot)
        assert app.is_running
        # Faults clear: the app recovers without a restart.
        api.faults.set_rates(FaultRates())
        await pilot.press("1", "ctrl+r")
        await settle(pilot)
        assert app.thread_list.threads
        failed = {p.text for p in app.message_view.pending if p.state == "failed"}
    reader = demo_client(DemoApi(api.store))
    on_server: list[str] = []
    for thread in api.store.threads.values():
        if thread.messages:
            on_server += [m.content for m in thread.messages if "<chaos" in m.content]
    server_text = "\n".join(on_server)
    # A failed send's text goes back to the composer, so later typing joins it: markers count.
    for text in sent_texts:
        assert server_text.count(text) <= 1, f"{text!r} was sent twice"
    drafts = kept_drafts(tmp_path)
    kept = "\n".join([drafts.get(tid) for tid in drafts.thread_ids()] + sorted(failed))
    for text in sent_texts:
        # Every message either reached the server once, or is still the user's to send.
        assert text in server_text or text in kept, f"{text!r} was lost"
    assert any(t in server_text for t in sent_texts)
    await reader.aclose()


async def test_demo_server_fault_spec_is_checked() -> None:
    assert FaultRates.parse("429=0.5,401after=3").unauthorized_after == 3
    for bad in ("429=2", "nope=1", "5xx=lots"):
        try:
            FaultRates.parse(bad)
        except ValueError as exc:
            assert str(exc)
        else:
            raise AssertionError(bad)


async def test_expired_key_is_an_auth_error_for_the_client() -> None:
    api = DemoApi(make_store(), faults=FaultPlan(FaultRates(unauthorized_after=2)))
    client = demo_client(api)
    await client.get_team()
    await client.list_tags()
    try:
        await client.list_tags()
    except AuthError as error:
        assert error.status == 401
    else:
        raise AssertionError("expected the session to expire")
    await client.aclose()


async def test_low_rate_limit_budget_is_shown_and_polling_waits(tmp_path: Path) -> None:
    api = DemoApi(make_store(), rate_limit=14)
    app, _ = make_app(api=api, data_dir=tmp_path, fast_retry=True)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)  # the directory (5) and the first page (1)
        for key in ("2", "3", "1"):
            await pilot.press(key)
            await settle(pilot)
        assert app.client.rate_limit.remaining is not None
        assert app.client.rate_limit.low
        assert "API budget low" in app.status_text
        before = len(api.request_log)
        app.live.poll_now()
        await settle(pilot)
        assert len(api.request_log) == before  # background work waits; the user's does not
        await pilot.press("2")
        await settle(pilot)
        assert len(api.request_log) == before + 1
