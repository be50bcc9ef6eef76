"""InboxApp: the terminal's side of the app (its title, notices and pictures, the keys, the
quit, the crash report) and the accounts (#38): one AccountScreen each (tui/ui/account.py),
installed once visited (Textual keeps an installed screen when another replaces it) so that
switching back is instant; the one on screen is `account`, the base of the screen stack. The
other accounts are watched by AccountsFeature.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tui.core.config import ConfigError, RunAccounts, Settings
from tui.core.disk_faults import fault_sentence
from tui.core.preferences import Preferences
from tui.core.secrets import redact
from tui.core.text import inert, one_line, pasted
from tui.ui.account import AccountScreen
from tui.ui.crash import crash_report
from tui.ui.desktop_notice import DesktopNotice
from tui.ui.features.accounts import AccountsFeature
from tui.ui.features.shared import Feature
from tui.ui.key_overrides import key_overrides
from tui.ui.keymap import app_actions, bindings
from tui.ui.messages import FeatureRequest
from tui.ui.palette import inbox_commands
from tui.ui.stylesheets import first_frame_style_paths
from tui.ui.terminal import window_cell_pixels
from tui.ui.window_title import WindowTitle

if TYPE_CHECKING:
    from textual.driver import Driver
    from textual.notifications import Notify

    from tui.backend import Backend
    from tui.ui.kitty_pictures import KittyPictures


def _connect(settings: Settings) -> Backend:
    """A connection for another account (its watch): the API client, or a demo team's."""
    from tui.backend import make_backend

    return make_backend(settings)


QUIT_AGAIN_WITHIN = 3.0  # seconds: a second ctrl+q under a dialog quits


class InboxApp(App[None]):
    TITLE = "inbox-tui"
    CSS_PATH = first_frame_style_paths()  # type: ignore[assignment]
    BINDINGS = [
        *bindings("app"),
        # Textual's ctrl+q, with an action of its own: it quits even while typing, and under
        # a dialog it says first that the dialog's contents would go (see quit_anywhere).
        Binding("ctrl+q", "quit_anywhere", "Quit", show=False, priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        backend: Backend | None = None,
        clock: Callable[[], datetime] | None = None,
        startup_warnings: list[str] | None = None,
        freeze_heap: bool = False,
        picture_protocol: str | None = None,
        picture_cell: tuple[int, int] | None = None,
        typed_ahead: str = "",
        account_settings: Callable[[str], Settings] | None = None,
    ) -> None:
        super().__init__()
        # How pictures are drawn in the message pane (see tui/ui/pictures.py); None: not. And
        # a cell's size in pixels, where known (Kitty graphics are sized by it). One registry
        # of the terminal's pictures (tui/ui/kitty_pictures.py), made by the first start that
        # draws them, shared by every account.
        self.picture_protocol = picture_protocol
        self.picture_cell = picture_cell
        self.kitty: KittyPictures | None = None
        # The command line runs one app per process: its start-up objects are frozen once the
        # first page is on screen (see tui/ui/heap.py). Tests run many apps in one process.
        self.freeze_heap = freeze_heap
        self.startup_warnings = list(startup_warnings or [])
        settings = settings or Settings()
        # Another account's settings, by name (the command line hands the run's, which keep
        # those of the account it opened).
        self.account_settings = account_settings or RunAccounts(settings)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.preferences = Preferences(settings.resolved_data_dir())  # (the data folder's)
        self.window_title = WindowTitle(self, settings.account)
        self.desktop_notice = DesktopNotice(self, settings.notifications, os.environ)
        keymap, self.key_problems = key_overrides(settings.keys)
        if keymap:
            self.set_keymap(keymap)
        # The account on screen, and each one visited (by name).
        self.account = AccountScreen(self, settings, backend=backend, typed_ahead=typed_ahead)
        self.visited: dict[str, AccountScreen] = {settings.account: self.account}
        # The others' watch and the switch (its key is "accounts.switch_account").
        self.accounts = AccountsFeature(
            self.account,
            on_screen=lambda: self.account.settings.account,
            notice=self.desktop_notice,
            window_title=self.window_title,
            settings_of=self.account_settings,
            connect=_connect,
            switch=self.switch_account,
        )
        # A key's action names its feature ("triage.archive"): resolved on the app, to the
        # account on screen's (see __getattr__).
        self._action_targets |= {"accounts"} | {
            name for name, value in vars(self.account).items() if isinstance(value, Feature)
        }

    def __getattr__(self, name: str) -> Any:
        """What the app does not have is the account on screen's: a key's action
        ("triage.archive") names its feature, and Textual resolves that name on the app."""
        account = self.__dict__.get("account")
        if account is None or name.startswith("_"):
            raise AttributeError(name)
        return getattr(account, name)

    def __setattr__(self, name: str, value: Any) -> None:
        """And what the account on screen has is set there, not shadowed by the app's own."""
        account = self.__dict__.get("account")
        if (
            account is not None
            and not name.startswith("_")
            and name not in self.__dict__
            and not hasattr(type(self), name)
            and hasattr(account, name)
        ):
            setattr(account, name, value)
            return
        super().__setattr__(name, value)

    # --- layout -----------------------------------------------------------------------------

    def get_driver_class(self) -> type[Driver]:
        from tui.ui.hangup import hangup_safe
        from tui.ui.paste import paste_safe

        return paste_safe(hangup_safe(super().get_driver_class()))

    def get_default_screen(self) -> Screen[None]:
        return self.account  # (the first account's; the others replace it: switch_account)

    async def on_mount(self) -> None:
        if self.account.settings.account:  # opened next time unless another is asked for
            self.preferences.remember_account(self.account.settings.account)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Paste):
            # Text, as the field it lands in shows it: no control character reaches the screen.
            event.text = pasted(event.text)
        if self.account.startup.holds(event):
            return  # handled once connected, in the order typed
        if isinstance(event, events.Key | events.MouseDown):
            self.account.note_input()
        await super().on_event(event)

    @on(FeatureRequest)
    def _to_account(self, request: FeatureRequest) -> None:
        """A request from a dialog (whose screen is the app's, not the account's): the account
        on screen's features take it; one a feature posted to the app, its account's."""
        account = request.for_account
        (account if isinstance(account, AccountScreen) else self.account).hand_to_feature(request)

    # --- accounts (#38) -----------------------------------------------------------------------

    def switch_account(self, name: str, retried: bool = False) -> None:
        """The account `name` on screen: as it was left when it was visited before (its screen
        was kept), else started. The one left keeps everything: what is typed, what is still
        leaving; it is watched from now on as the others are."""
        if name == self.account.settings.account:
            return
        if self.screen is not self.account:
            # A dialog's answer (the picker's) comes before the dialog has left the stack:
            # the switch follows it. (The key is off under a dialog.)
            if not retried:
                self.call_after_refresh(self.switch_account, name, True)
            else:
                self.notify(
                    f"Close the dialog to switch to {one_line(name, 40)}.",
                    severity="warning",
                    markup=False,
                )
            return
        screen = self.visited.get(name)
        if screen is None:
            try:
                settings = self.account_settings(name)  # what is wrong with it is said here
            except ConfigError as error:
                self.notify(
                    f"Cannot open {name}: {error}", severity="error", timeout=10, markup=False
                )
                return
            prepared = self.accounts.take_backend(name)
            screen = AccountScreen(self, settings, first=False, prepared=prepared)
            self.visited[name] = screen
        left = self.account
        if not self.is_screen_installed(left):  # kept when replaced, not removed
            self.install_screen(left, f"account:{left.settings.account}")
            if left.first:
                # The default screen was never pushed, so it has no result callback for
                # switch_screen to pop: it gets the empty one switch_screen gives the screens
                # it puts in place. (The default screen, rather than a mode of its own, keeps
                # the start 25 ms quicker: a mode's start restyles the app.)
                left._push_result_callback(left, None)
        if not self.is_screen_installed(screen):
            self.install_screen(screen, f"account:{name}")
        left.go_away()
        self.account = screen
        screen.switched_back = screen.is_mounted
        self.switch_screen(screen)
        announced = self.accounts.now_on_screen(
            name,
            left.settings.account,
            left.live.event_seq,
            left.backend,
            frozenset(left.directory.account_link_ids),
        )
        if screen.is_mounted:
            screen.come_back(announced)
        self.preferences.remember_account(name)

    # --- quitting -------------------------------------------------------------------------

    def save_typed(self) -> int:
        """What was typed, in every account, saved; how many the disk still refuses."""
        return sum(account.save_typed() for account in self.visited.values())

    async def action_quit(self) -> None:
        if self.save_typed():
            self._ask_before_losing_unsaved()
            return
        await super().action_quit()

    def _ask_before_losing_unsaved(self) -> None:
        """The disk refused what was typed (full, read-only): quitting now would lose it."""
        from tui.ui.screens.pickers import ConfirmScreen

        unsaved = [account.writing for account in self.visited.values() if account.writing.unsaved]
        count = sum(writing.unsaved for writing in unsaved)
        fault = next((writing.fault for writing in unsaved if writing.fault), None)
        why = "the disk refused them" if fault is None else fault_sentence(fault, "they are")
        body = (
            f"{count} draft{'s' if count != 1 else ''} or reminder{'s' if count != 1 else ''}"
            f" could not be written to the data folder: {why}. Quitting now loses "
            f"{'it' if count == 1 else 'them'}; they are saved as soon as the disk has room."
        )

        def answered(answer: str | None) -> None:
            if answer == "quit":
                self.exit()

        choices = [("quit", "Quit and lose them", "error"), ("stay", "Stay", "primary")]
        self.push_screen(ConfirmScreen("Not saved", body, choices), answered)

    _quit_asked_at = 0.0  # when ctrl+q under a dialog last said what quitting would drop

    async def action_quit_anywhere(self) -> None:
        """ctrl+q: quits, from anywhere. Under a dialog (whose contents quitting drops), the
        first press says so and a second within a few seconds quits."""
        if len(self.screen_stack) > 1:
            now = time.monotonic()
            if now - self._quit_asked_at > QUIT_AGAIN_WITHIN:
                self._quit_asked_at = now
                self.notify(
                    "A dialog is open: escape closes it. Press ctrl+q again to quit anyway "
                    "(what the dialog holds is not kept; drafts are).",
                    severity="warning",
                    markup=False,
                )
                return
        await self.action_quit()

    def action_help_quit(self) -> None:
        """ctrl+c does not quit (in a text field it copies): say which keys do, in plain
        words. (Textual's own says it in markup, which this app's toasts never render.) A
        priority key (ctrl+q) quits even while typing; the others (q) only outside a text
        field."""
        quits = [
            (key, active.binding.priority)
            for key, active in self.active_bindings.items()
            if active.binding.action in ("quit", "app.quit", "quit_anywhere")
        ]
        keys = [key for key, priority in quits if not priority]
        anywhere = [key for key, priority in quits if priority]
        if not keys and not anywhere:
            return
        if keys and anywhere:
            message = f"Press {' or '.join(keys)} to quit ({' or '.join(anywhere)} while typing)."
        else:
            message = f"Press {' or '.join(keys or anywhere)} to quit."
        self.notify(message, title="Do you want to quit?", markup=False)

    async def on_unmount(self) -> None:
        for account in self.visited.values():
            account.startup.end()  # (the first account's start watched the terminal)
        self.window_title.restore()
        for account in self.visited.values():
            await account.close()

    def on_exit_app(self) -> None:
        """The pictures leave the terminal while the app's screen is still there: kitty keeps
        one store of pictures a screen, and the main screen's would not find them."""
        if self.kitty is not None:
            self.kitty.forget_all()

    def on_resize(self, event: events.Resize) -> None:
        if self.kitty is not None:
            self._measure_cells(self.kitty)

    def _measure_cells(self, kitty: KittyPictures) -> None:
        """The font may have changed with the size: pictures are boxed by the cell's pixels."""
        stdout = sys.__stdout__
        if stdout is None or self.is_headless or not stdout.isatty():
            return
        cell = window_cell_pixels(stdout.fileno())
        if cell is not None and kitty.use_cell(cell):
            for account in self.visited.values():
                if account.panes_mounted:
                    account.message_view.restyled()

    # --- toasts -----------------------------------------------------------------------------

    def notify(self, message: str, *, title: str = "", markup: bool = False, **kwargs: Any) -> None:
        """Every toast is plain text: never parsed as markup (a stranger's DM, a name or a
        server's error would be markup otherwise, and bad markup crashes the app), control
        characters shown as stand-ins, and no secret reaches the screen. `markup` is taken and
        ignored: the calls say False, the override makes sure."""
        super().notify(
            inert(redact(message)), title=one_line(redact(title)), markup=False, **kwargs
        )

    def _on_notify(self, event: Notify) -> None:
        """Over a dialog, one toast at a time: a pile of them hid the dialog's fields. (App's
        own handler, which shows the new one, runs after this one.)"""
        if len(self.screen_stack) > 1:
            self.clear_notifications()

    # --- crashes ----------------------------------------------------------------------------

    def _fatal_error(self) -> None:
        """A crash report that shows no secret (see tui/ui/crash.py)."""
        self.bell()
        self._exit_renderables.append(crash_report(self.console))
        self._close_messages_no_wait()

    # --- keys under dialogs -----------------------------------------------------------------

    _APP_ACTIONS = app_actions()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """App-wide keys act on the inbox, not on what a dialog shows: off under a dialog."""
        return not (action in self._APP_ACTIONS and len(self.screen_stack) > 1)

    # --- command palette --------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from inbox_commands(self, self.account)
