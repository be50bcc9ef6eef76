"""The other accounts, watched (#38): each configured account that is not on screen has its
team's event log read at a low rate, through its own connection (the one its screen uses, once
visited) and within its own team's budget (one request a minute, and one a new message to learn
who wrote). A new DM there is a notification naming the account, and is counted in the
terminal's title per account (`inbox-tui · Acme 3 · Beta 1`). No mirror walk and no list for
an account not on screen.

One account failing (offline, refused, its key gone) is said once and backed off; the others
go on. A refused key stops its watch for the session.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from tui.api.errors import AuthError, Forbidden, InboxError, NotFound
from tui.core.text import one_line
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from tui.backend import Backend
    from tui.core.config import Settings
    from tui.ui.desktop_notice import DesktopNotice
    from tui.ui.window_title import WindowTitle

WATCH_EVERY = 60.0  # seconds between two reads of an account's event log
WATCH_FIRST = 8.0  # after the start: the account on screen comes first
WATCH_TICK = 5.0
MAX_BACKOFF = 600.0  # an account that keeps failing is tried every 10 minutes at most
SENDERS_A_READ = 3  # threads read a poll to name who wrote, at most
LEARN_PAGES = 5  # event-log pages a poll reads while learning where the log ends
QUIET_AFTER = 3  # reads in a row that worked before a failure is said again


@dataclass
class News:
    thread_id: str
    sender: str
    text: str


@dataclass
class Watched:
    """One account not on screen, as its watch knows it."""

    name: str
    backend: Backend | None = None
    borrowed: bool = False  # the backend is its screen's (visited, then left): not closed here
    link_ids: frozenset[str] = frozenset()
    seq: int | None = None  # where its event log was read to (None: not learnt yet)
    learnt: int = 0  # how far a long log has been read while learning where it ends
    new: int = 0  # DMs that arrived there since the app started
    failures: int = 0
    worked: int = 0  # reads in a row that worked
    next_at: float = 0.0
    busy: bool = False
    stopped: str | None = None  # why it is no longer watched
    said: set[str] = field(default_factory=set)  # the failures already said
    announced: set[str] = field(default_factory=set)  # threads whose new DMs were said


class AccountNews(Message):
    def __init__(self, name: str, news: list[News], watched: Watched | None = None) -> None:
        super().__init__()
        self.name = name
        self.news = news
        self.watched = watched  # the watch that read it (None: the current one)


class AccountWatchFailed(Message):
    def __init__(self, name: str, error: InboxError, watched: Watched | None = None) -> None:
        super().__init__()
        self.name = name
        self.error = error
        self.watched = watched


class AccountsFeature(Feature):
    """The app's, one for all accounts (mounted on the first account's screen, which the app
    keeps while it runs): `shell` is that screen, `on_screen` names the account shown."""

    def __init__(
        self,
        shell: AppShared,
        *,
        on_screen: Callable[[], str],
        notice: DesktopNotice,
        window_title: WindowTitle,
        settings_of: Callable[[str], Settings],
        connect: Callable[[Settings], Backend],
        switch: Callable[[str], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(shell)
        self.on_screen = on_screen
        self.switch = switch  # the app shows another account
        self.notice = notice
        self.window_title = window_title
        self.settings_of = settings_of  # another account's settings, by name
        self.connect = connect
        self.clock = clock
        self.watched = {name: Watched(name) for name in self.others()}

    def now_on_screen(
        self,
        name: str,
        left: str,
        seq: int | None,
        left_backend: Backend | None,
        link_ids: frozenset[str],
    ) -> frozenset[str]:
        """`name` is shown, `left` is not any more: the one left is watched from where its own
        live updates read its log to (nothing missed, nothing said twice), over its screen's
        connection; the one shown is not (its screen's live updates read its log), and what
        was new there has been seen. Returns the threads whose DMs the watch said there (its
        live updates need not say them again)."""
        shown = self.watched.pop(name, None)
        if shown is not None and shown.backend is not None and not shown.borrowed:
            self.run_worker(shown.backend.aclose(), group="accounts-close")
        self.watched[left] = Watched(
            left,
            backend=left_backend,
            borrowed=left_backend is not None,
            link_ids=link_ids,
            seq=seq,
            next_at=self.clock() + WATCH_EVERY,
        )
        self.show_counts()
        return frozenset(shown.announced) if shown is not None else frozenset()

    def take_backend(self, name: str) -> Backend | None:
        """The connection the watch made for an account now opened: its screen's from now on
        (one connection to one team; for the demo, one team's store)."""
        watched = self.watched.get(name)
        if watched is None or watched.backend is None or watched.borrowed:
            return None
        # (A read under way goes on over it; its answer is dropped: see _current.)
        backend, watched.backend = watched.backend, None
        return backend

    # --- switching ---------------------------------------------------------------------------

    def others(self) -> list[str]:
        here = self.on_screen()
        return [name for name in self.shell.settings.accounts if name != here]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "switch_account" and not self.others():
            return False  # one account: nothing to switch to (off the footer and help)
        return super().check_action(action, parameters)

    def action_switch_account(self) -> None:
        """Two accounts: the other one. More: a picker, each with its new DMs."""
        others = self.others()
        if len(others) == 1:
            self.switch(others[0])
            return
        from rich.text import Text

        from tui.ui.answers import PickResult
        from tui.ui.screens.pickers import PickerScreen

        def label(name: str) -> Text:
            watched = self.watched.get(name)
            new = watched.new if watched is not None else 0
            return Text(one_line(name, 50) + (f"  ({new} new)" if new else ""))

        def picked(result: PickResult | None) -> None:
            if result is not None and result.values:
                self.switch(result.values[0])

        options = [(name, label(name)) for name in others]
        # (The app's own: the first account's screen, this feature's shell, may be away.)
        self.app.push_screen(PickerScreen("Switch to account", options), picked)

    # --- watching ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.watched:
            self.set_timer(WATCH_FIRST, self._begin)

    def _begin(self) -> None:
        self.set_interval(WATCH_TICK, self.watch_due)
        self.watch_due()

    def watch_due(self) -> None:
        now = self.clock()
        for watched in self.watched.values():
            if watched.stopped is None and not watched.busy and now >= watched.next_at:
                watched.busy = True
                self._read(watched)

    @work(group="accounts", exit_on_error=False)
    async def _read(self, watched: Watched) -> None:
        try:
            news = await self._poll(watched)
        except InboxError as error:
            self.post_message(AccountWatchFailed(watched.name, error, watched))
        except Exception as error:  # a bad config for it, a store: one account, said once
            self.post_message(AccountWatchFailed(watched.name, InboxError(str(error)), watched))
        else:
            self.post_message(AccountNews(watched.name, news, watched))
        finally:
            watched.busy = False  # (cancelled too: the next tick may read it again)

    async def _poll(self, watched: Watched) -> list[News]:
        if watched.backend is None:
            # Off the event loop: the file, and a keyring that may ask to be unlocked.
            settings = await asyncio.to_thread(self.settings_of, watched.name)
            watched.backend = self.connect(settings)
        client = watched.backend.client
        if not watched.link_ids:  # which authors are us (v1 says so by author only)
            links = await client.list_account_links()
            watched.link_ids = frozenset(link.id for link in links)
        if watched.seq is None:  # where the log ends now: what came before is not news
            seq = watched.learnt
            for _ in range(LEARN_PAGES):
                page = await client.list_events(seq or None, limit=1000)
                if not page.has_more or not page.last_seq or page.last_seq <= seq:
                    watched.seq = page.last_seq or seq
                    return []
                seq = page.last_seq
            watched.learnt = seq  # a long log: learnt on over the next reads
            return []
        page = await client.list_events(watched.seq, limit=1000)
        if page.last_seq and page.last_seq > watched.seq:
            watched.seq = page.last_seq
        threads: list[str] = []  # where someone else wrote, oldest first
        for event in page.events:
            data = event.data if isinstance(event.data, dict) else {}
            thread_id, author = data.get("threadId"), data.get("authorId")
            if event.type != "message.created" or not isinstance(thread_id, str):
                continue
            if author in watched.link_ids:
                continue  # sent from one of its account links: not news
            if thread_id in threads:
                threads.remove(thread_id)
            threads.append(thread_id)
        news = [News(thread_id, "", "") for thread_id in threads]
        for item in news[-SENDERS_A_READ:]:  # who wrote, for the latest few
            try:
                thread = await client.get_thread(item.thread_id)
            except NotFound:
                continue
            last = thread.last_message
            if last is not None and last.is_outbound(watched.link_ids | {thread.account_link_id}):
                news.remove(item)  # its last word is ours after all (sent from elsewhere)
                continue
            item.sender = thread.prospect.display_name or "someone"
            item.text = last.content if last is not None else ""
        return news

    def _current(self, name: str, reader: Watched | None) -> Watched | None:
        """The account's watch, if the answer is the current watch's: one that began before
        the account was shown (and perhaps left again since) is dropped."""
        watched = self.watched.get(name)
        return watched if reader is None or reader is watched else None

    def on_account_news(self, event: AccountNews) -> None:
        watched = self._current(event.name, event.watched)
        if watched is None:
            return  # (on screen now, or since: its own live updates have it)
        watched.failures = 0
        watched.worked += 1
        if watched.worked >= QUIET_AFTER:  # working again for a while: a new failure is said
            watched.said.clear()
        watched.next_at = self.clock() + WATCH_EVERY
        if not event.news:
            return
        watched.new += len(event.news)
        watched.announced.update(item.thread_id for item in event.news)
        named = [item for item in event.news if item.sender]  # (the latest few are read)
        for item in named:
            # One notice a thread a minute, as for the account on screen (DesktopNotice).
            self.notice.new_message(
                f"{event.name}/{item.thread_id}", f"{event.name} · {item.sender}", item.text
            )
        if not named:
            self.show_counts()
            return
        last = named[-1]
        words = (last.text or "").strip().splitlines()
        more = f" (and {len(event.news) - 1} more)" if len(event.news) > 1 else ""
        self.app.notify(  # (the app's, naming the account itself: see on_account_watch_failed)
            f"{one_line(last.sender, 40)}: {one_line(words[0] if words else '', 80)}{more}",
            title=f"{one_line(event.name, 40)} · another account",
            timeout=10,
            markup=False,
        )
        self.show_counts()

    def on_account_watch_failed(self, event: AccountWatchFailed) -> None:
        watched = self._current(event.name, event.watched)
        if watched is None:
            return
        watched.failures += 1
        watched.worked = 0
        error = event.error
        if isinstance(error, AuthError | Forbidden):
            watched.stopped = "its key was refused"
        delay = min(MAX_BACKOFF, WATCH_EVERY * 2 ** min(watched.failures, 6))
        watched.next_at = self.clock() + delay
        kind = type(error).__name__
        if kind in watched.said:
            return
        watched.said.add(kind)
        why = watched.stopped or f"{error} (tried again in {round(delay / 60)} min)"
        self.app.notify(  # (the app's: this feature's shell, the first screen, may be away)
            f"{one_line(event.name, 40)} is not being watched: {one_line(why, 160)}",
            severity="warning",
            timeout=8,
            markup=False,
        )

    def show_counts(self) -> None:
        self.window_title.elsewhere(
            self.on_screen(), {name: watched.new for name, watched in self.watched.items()}
        )

    async def on_unmount(self) -> None:
        for watched in self.watched.values():
            if watched.backend is not None and not watched.borrowed:
                await watched.backend.aclose()
