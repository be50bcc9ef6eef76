"""The exploring model of #34 (trust): random sequences of what a user does, checked after
every step against what the screen promises.

Hypothesis's stateful testing (`RuleBasedStateMachine`) draws the steps and shrinks a failing
sequence to a short one. Its rules are plain methods, and the app runs headless in
`App.run_test()`, which wants one event loop and one task for its whole life: so each example
has its own event loop, the apps run in one driver task inside it, and each rule hands that
task a coroutine (the step, given the pilot) and runs the loop until it is done (`Session`).
Quitting and relaunching is the driver leaving one `run_test()` and entering the next, on the
same data folder and the same demo service.

The steps: j k g G, enter, escape, tab, the views 1-4, x (mark), F (clear filters), a tag
filter (`app.threads.show_query`), a search (`/ text enter`), a paste with ESCs inside
(through the app's own terminal parser, or a bare `events.Paste`), r, typing a unique token
("t0001") into the composer, ctrl+s, u, the send delay running out (the scheduled send's timer
fires: the delay is long, so that `u` never races the clock), e (archive), the service
unreachable and back (the demo's fault injection), answering a dialog, quit and relaunch,
and a second app on the same data folder.

After every step:

- I1: the threads a key acts on are those the screen names: the status line says "N marked"
  exactly when threads are marked (and N is their number), and the composer, when shown or
  focused, is the sidebar's person's. `e` changes the archived state of exactly those
  threads on the service (the marks, else the sidebar's person), and of none when `e` was
  text (a field had the focus), a dialog was up, or the service could not be reached.
- I2: every typed token is in exactly one place: the composer or a draft on disk (one place:
  a thread's draft), a send waiting out the delay, an edit waiting for the connection, or one
  message on the service. Never two, never none.
- I3: nothing reached the crash handler (the app did not stop on an exception).

Runs: 5 examples of up to 20 steps, derandomized (the same sequences each run, so
`make test` stays reproducible; about 25 s on one worker). `INBOX_TUI_MODEL=long` explores:
200 random examples of up to 60 steps, with Hypothesis's example database (a failure found is
tried first next time):

    INBOX_TUI_MODEL=long .venv/bin/pytest tests/test_trust_model.py -n 0 -q

What it found beyond the issue's list is in #34's closing note; each has a test of its own in
tests/test_trust.py.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import replace
from functools import partial, wraps
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.app_helpers import kept_drafts, kept_writing, make_app, settle, until
from tests.conftest import make_store
from tests.test_paste import bracketed
from tui.core.query import IdFilter
from tui.core.waiting_edits import WaitingEdits
from tui.demo import DemoApi
from tui.demo.faults import Fault
from tui.ui.app import InboxApp
from tui.ui.screens.pickers import ConfirmScreen
from tui.ui.screens.waiting import WaitingScreen
from tui.ui.startup import typed_events

pytestmark = pytest.mark.xdist_group("model")

PROFILES = {
    "default": settings(
        max_examples=5,
        stateful_step_count=20,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    ),
    "long": settings(
        max_examples=200,
        stateful_step_count=60,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    ),
}
PROFILE = PROFILES[os.environ.get("INBOX_TUI_MODEL", "default")]

THREADS = 60  # the demo's size: two pages of 40, so G loads the second one
PAGE_SIZE = 40
SIZE = (150, 45)  # wide enough for the sidebar
SEND_DELAY = 600.0  # sends wait until the model says the delay is over (never by the clock)
STEP_TIMEOUT = 60.0  # seconds: a step that takes longer hangs
UNREACHABLE = 1_000_000  # as many faults: every request fails until the service is back

Step = Callable[[Pilot[None]], Awaitable[Any]]


class Session:
    """An event loop of its own, with the apps running in one driver task: `step` runs a
    coroutine there (with the current app's pilot) and returns its result. Steps are handed
    over through a queue, so every one runs in the task (and the context) Textual started the
    app from. A crash (run_test re-raises the app's exception) fails the step that caused it."""

    def __init__(self, start: Callable[[], InboxApp]) -> None:
        self.start = start
        self.loop = asyncio.new_event_loop()
        self.queue: asyncio.Queue[tuple[Step | str, asyncio.Future[Any]]] = asyncio.Queue()
        self.app: InboxApp | None = None
        self.apps: list[InboxApp] = []
        self.driver = self.loop.create_task(self._drive())
        self._send("start")

    async def _drive(self) -> None:
        command, done = await self.queue.get()
        while command != "stop":  # "start" or "relaunch"
            app = self.start()
            self.app = app
            self.apps.append(app)
            try:
                async with app.run_test(size=SIZE) as pilot:
                    await started(pilot)
                    done.set_result(None)
                    while True:
                        command, done = await self.queue.get()
                        if isinstance(command, str):
                            break
                        try:
                            done.set_result(await command(pilot))
                        except Exception as error:
                            done.set_exception(error)
                    if app.is_running:  # quit as the user does (the app saves what is typed)
                        for _ in range(5):  # (a dialog is answered first: MODEL_FINDINGS 1)
                            if len(app.screen_stack) == 1:
                                break
                            await pilot.press("escape")
                            await settle(pilot)
                        await pilot.press("ctrl+q")
                        if not await until(pilot, partial(stopped, app), 20):
                            raise AssertionError("ctrl+q did not stop the app")
            except Exception as error:
                if not done.done():
                    done.set_exception(error)
                    return
                raise
            if app.return_code not in (0, None):
                done.set_exception(AssertionError(f"the app exited with {app.return_code}"))
                return
        done.set_result(None)

    def _send(self, command: Step | str) -> Any:
        done: asyncio.Future[Any] = self.loop.create_future()
        self.queue.put_nowait((command, done))

        async def wait() -> Any:
            finished, _ = await asyncio.wait(
                {done, self.driver}, timeout=STEP_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
            )
            if done in finished:
                return done.result()
            if self.driver in finished:
                self.driver.result()  # (raises what stopped it)
                raise AssertionError("the driver stopped")
            raise AssertionError(f"a step took more than {STEP_TIMEOUT} s (hung)")

        return self.loop.run_until_complete(wait())

    def step(self, step: Step) -> Any:
        return self._send(step)

    def relaunch(self) -> None:
        self._send("relaunch")

    def close(self) -> None:
        try:
            if not self.driver.done():
                self._send("stop")
        finally:
            self.driver.cancel()
            pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                self.loop.run_until_complete(asyncio.wait(pending, timeout=10))
            self.loop.close()


async def started(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, InboxApp)
    await settle(pilot)
    assert await until(pilot, lambda: app.panes_mounted), "the panes were never mounted"
    await settle(pilot)


def burst(pilot: Pilot[None], keys: tuple[str, ...]) -> None:
    """Send `keys` as the terminal's driver does: each a Key event, in order, without waiting
    for the app in between (the events are those `Pilot.press` makes)."""
    driver = pilot.app._driver
    assert driver is not None
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            character: str | None = unicodedata.lookup(
                _get_unicode_name_from_key(REPLACED_KEYS.get(key, key))
            )
        except KeyError:
            character = key if len(key) == 1 else None
        event = events.Key(key, character)
        event.set_sender(pilot.app)
        driver.send_message(event)


def stopped(app: InboxApp) -> bool:
    return not app.is_running


def app_of(pilot: Pilot[None]) -> InboxApp:
    assert isinstance(pilot.app, InboxApp)
    return pilot.app


def text_has_focus(app: InboxApp) -> bool:
    """A key pressed now is text (the composer, the search box, a field in a dialog)."""
    return isinstance(app.focused, TextArea | Input)


def main_screen(app: InboxApp) -> bool:
    return len(app.screen_stack) == 1


def logged(rule: Callable[..., None]) -> Callable[..., None]:
    """The step is written to the model's history (said with any failure: a failure that
    does not happen again when Hypothesis replays it is still told in full)."""

    @wraps(rule)
    def step(self: TrustModel, **kwargs: Any) -> None:
        said = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        self.history.append(f"{rule.__name__}({said})")
        rule(self, **kwargs)

    return step


class TrustModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.data_dir = Path(tempfile.mkdtemp(prefix="trust-model-"))
        self.api = DemoApi(make_store(THREADS))
        self.tokens: list[str] = []
        self.offline = False
        self.history: list[str] = []
        self.session = Session(self.new_app)

    def new_app(self) -> InboxApp:
        app, _ = make_app(
            api=self.api,
            data_dir=self.data_dir,
            fast_retry=True,  # (offline, the retries are over at once)
            send_delay=SEND_DELAY,
            page_size=PAGE_SIZE,
            poll_interval=3600,  # live updates poll only when the model says so
        )
        return app

    def teardown(self) -> None:
        try:
            self.session.close()
        finally:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    @property
    def app(self) -> InboxApp:
        assert self.session.app is not None
        return self.session.app

    def dialog_up(self) -> bool:
        return not main_screen(self.app)

    def press(self, *keys: str) -> None:
        """Keys as a terminal sends them (one after another, not waiting for the app), then
        the app settles. (A key that moves the focus ends a step: the next key goes where the
        focus is once the app has handled it.)"""

        async def step(pilot: Pilot[None]) -> None:
            burst(pilot, keys)
            await settle(pilot)

        self.session.step(step)

    def new_token(self) -> str:
        token = f"t{len(self.tokens) + 1:04d}"
        self.tokens.append(token)
        return token

    # --- moving about -----------------------------------------------------------------------

    @rule(key=st.sampled_from(["j", "k", "g", "G", "enter", "escape", "tab", "x", "F", "r"]))
    @logged
    def key(self, key: str) -> None:
        """Move (j k g G), open (enter), back (escape), round the panes (tab), mark (x),
        clear the filters (F), reply (r)."""
        self.press(key)

    @rule(key=st.sampled_from(["1", "2", "3", "4"]))
    @logged
    def switch_view(self, key: str) -> None:
        self.press(key)

    @precondition(lambda self: not self.dialog_up())
    @rule(which=st.integers(0, 20))
    @logged
    def tag_filter(self, which: int) -> None:
        async def step(pilot: Pilot[None]) -> None:
            app = app_of(pilot)
            tags = sorted(app.directory.tags)
            if not tags:
                return
            tag = tags[which % len(tags)]
            app.threads.show_query(replace(app.thread_query, tags=IdFilter((tag,)), cursor=None))
            await settle(pilot)

        self.session.step(step)

    @rule(text=st.sampled_from(["a", "an", "ma", "zzz"]))
    @logged
    def search(self, text: str) -> None:
        self.press("slash")  # (the search box opens and takes the focus)
        self.press(*text, "enter")

    # --- writing ----------------------------------------------------------------------------

    @precondition(lambda self: self.app.focused is self.app.composer.input)
    @rule()
    @logged
    def type_token(self) -> None:
        self.type_in_composer()

    @rule(then=st.sampled_from(["keep", "send", "send, undo", "send, delay over"]))
    @logged
    def write(self, then: str) -> None:
        """r and a token, then maybe ctrl+s, and u or the delay running out: the writing the
        invariants are mostly about, as one step (as separate steps, it is rare)."""
        self.press("r")
        if self.app.focused is not self.app.composer.input:
            return
        self.type_in_composer()
        if then != "keep":
            self.send()
        if then == "send, undo":
            self.undo()
        elif then == "send, delay over" and self.app.reply._scheduled:
            self.delay_over()

    def type_in_composer(self) -> None:
        self.press(*f" {self.new_token()}")

    @rule(bare=st.booleans())
    @logged
    def paste(self, bare: bool) -> None:
        """A paste holding an ESC and an `e` (a coloured `ok`): text where a field has the
        focus (a token, when it is the composer), nothing at all anywhere else."""
        in_composer = self.app.focused is self.app.composer.input
        token = self.new_token() if in_composer else "t0000"
        text = f"{token} ok \x1b[0me"
        before = archived(self.api)
        screens = len(self.app.screen_stack)

        async def step(pilot: Pilot[None]) -> None:
            app = pilot.app
            if bare:
                app.post_message(events.Paste(text))
            else:
                for event in typed_events(bracketed(text)):
                    app.post_message(event)
            await settle(pilot)

        self.session.step(step)
        assert archived(self.api) == before, "a paste archived threads"
        assert len(self.app.screen_stack) == screens, "a paste opened a dialog"

    @rule()
    @logged
    def send(self) -> None:
        self.press("ctrl+s")

    @rule()
    @logged
    def undo(self) -> None:
        self.press("u")

    @precondition(lambda self: bool(self.app.reply._scheduled))
    @rule()
    @logged
    def delay_over(self) -> None:
        """The send delay runs out for every message waiting: their timers fire now."""

        async def step(pilot: Pilot[None]) -> None:
            reply = app_of(pilot).reply
            for pending, timer in list(reply._scheduled.values()):
                timer.stop()
                reply._release(pending)
            await settle(pilot)

        self.session.step(step)

    # --- acting on threads ------------------------------------------------------------------

    @rule()
    @logged
    def archive(self) -> None:
        """e: the marks, else the sidebar's person, archived (or back) on the service; nothing
        when `e` is text, under a dialog, or offline (the edit waits)."""
        app = self.app
        acts = main_screen(app) and not text_has_focus(app)
        marked = app.thread_list.marked_threads()
        target = app.shown_target
        targets = marked or ([app.latest(target)] if target is not None else [])
        expected = {t.id for t in targets if t is not None} if acts else set()
        new = not all(t.done for t in targets if t is not None)
        before = archived(self.api)
        self.press("e")
        after = archived(self.api)
        changed = {tid for tid in after if after[tid] != before.get(tid)}
        if self.offline:
            assert not changed, f"offline, e changed {changed} on the service"
            return
        assert changed <= expected, (
            f"e changed {changed - expected}, which the screen did not name "
            f"(marks {[t.id for t in marked]}, sidebar {target.id if target else None})"
        )
        wrong = {tid for tid in expected if after.get(tid) != new}
        assert not wrong, f"e left {wrong} {'not ' if new else ''}archived"

    # --- the service ------------------------------------------------------------------------

    @precondition(lambda self: not self.offline)
    @rule()
    @logged
    def unreachable(self) -> None:
        self.offline = True
        self.api.faults.add(Fault(unreachable=True), times=UNREACHABLE)

    @precondition(lambda self: self.offline)
    @rule()
    @logged
    def reachable(self) -> None:
        self.offline = False
        self.api.faults.clear()

        async def step(pilot: Pilot[None]) -> None:
            app = app_of(pilot)
            app.live.poll_now()  # the next request answers: what waited is offered
            await settle(pilot)

        self.session.step(step)

    # --- dialogs, quitting ------------------------------------------------------------------

    @precondition(lambda self: self.dialog_up())
    @rule(which=st.integers(0, 3))
    @logged
    def answer(self, which: int) -> None:
        screen = self.app.screen
        if isinstance(screen, WaitingScreen):
            # What was written offline: each item sent, kept or dropped (s k d), then enter;
            # or S (send all), or escape (all kept).
            choices = "skd"
            keys = [choices[(which + i) % 3] for i in range(len(screen.items))]
            self.press(*(("S",), ("escape",), (*keys, "enter"), ("enter",))[which % 4])
            return
        if not isinstance(screen, ConfirmScreen):
            self.press("escape")
            return
        answers = [answer for answer, _, _ in screen.choices] + [None]
        answer = answers[which % len(answers)]

        async def step(pilot: Pilot[None]) -> None:
            if answer is None:
                await pilot.press("escape")
            else:
                await pilot.click(f"#answer-{answer}")
            await settle(pilot)

        self.session.step(step)

    @precondition(lambda self: not self.dialog_up())
    @rule()
    @logged
    def what_waits(self) -> None:
        """W, from the list: what was written offline, offered item by item (said, not
        opened, when the connection comes back)."""
        self.press("escape")
        self.press("W")

    # (ctrl+q under a dialog asks for a second press: the model answers dialogs first.)
    @precondition(lambda self: not self.dialog_up())
    @rule()
    @logged
    def quit_and_relaunch(self) -> None:
        self.session.relaunch()

    # --- the invariants ---------------------------------------------------------------------

    @invariant()
    def holds(self) -> None:
        try:
            self.check()
        except AssertionError as error:
            raise AssertionError(f"{error}\nafter: {'; '.join(self.history)}") from None

    def check(self) -> None:
        app = self.app
        # I3: nothing reached the crash handler.
        assert app._exception is None, f"the app crashed: {app._exception!r}"
        assert not app._exit_renderables, "a crash report was written"
        assert app.is_running, "the app stopped"
        self.check_targets(app)
        self.check_tokens(app)

    def check_targets(self, app: InboxApp) -> None:
        """I1."""
        marked = app.thread_list.marked_threads()
        said = re.search(r"(\d+) marked", app.status_text)
        if marked:
            assert said is not None and int(said.group(1)) == len(marked), (
                f"{len(marked)} marked, the status line says {app.status_text!r}"
            )
        else:
            assert said is None, f"nothing marked, the status line says {app.status_text!r}"
        composer = app.composer
        shown = not composer.has_class("-hidden")
        if shown or app.focused is composer.input:
            target = app.shown_target
            assert target is not None and app.reply._composer_thread_id == target.id, (
                f"the composer is {app.reply._composer_thread_id}'s, the sidebar shows "
                f"{target.id if target else None}"
            )
        if app.focused is composer.input:
            assert shown, "the focus is in a composer that is put away"

    def check_tokens(self, app: InboxApp) -> None:
        """I2."""
        drafts = kept_drafts(self.data_dir)
        waiting = WaitingEdits(kept_writing(self.data_dir)).groups()
        composer_text = app.composer.input.text
        composer_thread = app.reply._composer_thread_id
        messages = [
            (thread.id, message.id, message.content)
            for thread in self.api.store.threads.values()
            for message in thread.messages or ()
        ]
        for token in self.tokens:
            places: set[str] = set()
            if token in composer_text:
                places.add(f"draft of {composer_thread} (the composer)")
            for thread_id in drafts.thread_ids():
                if token in drafts.get(thread_id):
                    places.add(f"draft of {thread_id}")
            for send in drafts.scheduled():
                if token in send.text:
                    places.add(f"waiting send {send.local_id} to {send.thread_id}")
            for pending, _ in app.reply._scheduled.values():
                if token in pending.text:
                    places.add(f"waiting send {pending.local_id} to {pending.thread_id}")
            for group in waiting:
                for edit in group.edits:
                    if isinstance(edit.new, str) and token in edit.new:
                        places.add(f"waiting edit of {edit.thread_id}")
            for thread_id, message_id, content in messages:
                if token in content:
                    places.add(f"message {message_id} in {thread_id}")
            # The composer and its thread's draft on disk are one place.
            merged = {p.removesuffix(" (the composer)") for p in places}
            assert len(merged) == 1, f"{token} is in {len(merged)} places: {sorted(places)}"


def archived(api: DemoApi) -> dict[str, bool]:
    return {thread_id: thread.done for thread_id, thread in api.store.threads.items()}


def test_what_the_screen_names_is_what_keys_act_on_and_nothing_typed_is_lost() -> None:
    run_state_machine_as_test(TrustModel, settings=PROFILE)
