"""An account's start, in the order a user sees it: the first frame (the list, from the rows this
view showed last time when there are some), then the rest of the screen, the cached threads and
the connection; or, on a first launch (nothing cached), the first page asked for at once and
the rest mounted once it is on screen. Keys typed meanwhile wait and are handled in the order
typed. Also what ends the app early: the terminal going away. The app's first account's start
is the app's too (the theme, the terminal's watch, the heap's freeze, the later styles); one
switched to later starts the same way in its own screen."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual import events

from tui.ui.heap import resume_collection
from tui.ui.stylesheets import later_style_paths

if TYPE_CHECKING:
    from tui.ui.account import AccountScreen
    from tui.ui.widgets.message_view import MessageView

ENDING_WAIT = 2.0  # seconds a hung-up app waits for a pane mount under way before it exits
FIRST_PAGE_WAIT = 1.0  # seconds a first launch waits for its first page before mounting the rest


def typed_events(typed: str) -> list[events.Event]:
    """Keys (and pastes) as the terminal sent them, made into the events the app's driver makes
    of its input (tui/ui/paste.py)."""
    if not typed:
        return []
    from tui.ui.paste import PasteParser

    parser = PasteParser()
    return [
        message
        for chunk in (typed, "")  # "": the end, which completes a lone escape
        for message in parser.feed(chunk)
        if isinstance(message, events.Event)
    ]


class Startup:
    """Runs the start of one account (see the module's docstring) and holds its input
    meanwhile."""

    def __init__(self, account: AccountScreen, typed_ahead: str = "") -> None:
        self.account = account
        self.panes_pending = False  # a first launch mounts them after its first page
        self.panes_mounting = False  # the message pane, composer and footer are being mounted
        self.ending = False  # the terminal has gone: the app is on its way out
        self.input_ready = False  # connected and every pane mounted: input is handled
        self.held_input: list[events.Event] = typed_events(typed_ahead)
        self.restore_sighup: Callable[[], object] | None = None

    async def begin(self) -> None:
        """From the account's mount, its first frame's widgets held."""
        app = self.account
        if app.first:
            self.restore_theme()
        if app.backend is None and self.show_startup_rows():
            # The rows this view showed last time are painted first; the rest of the screen,
            # the models (pydantic) and the connection (httpx, the API client, the demo) come
            # after that frame. Input that arrives meanwhile waits for them (see holds).
            # (The app's refresh, not the screen's: the screen's comes before the frame is
            # written, and the rest would hold the first frame back.)
            app.inbox.call_after_refresh(self.complete)
        elif app.backend is None and not app.view_cache.has_threads(app.thread_query):
            await self.first_launch()
        else:
            await self.complete()

    def restore_theme(self) -> None:
        """The theme chosen last time (from the palette), else the config file's, is applied;
        a later choice is remembered."""
        app, settings = self.account.inbox, self.account.settings
        wanted = app.preferences.theme or settings.theme
        if wanted and wanted in app.available_themes:
            app.theme = wanted
        elif settings.theme and settings.theme not in app.available_themes:
            app.notify(
                f"Unknown theme {settings.theme!r}: choose one with ctrl+p → Change theme.",
                severity="warning",
                markup=False,
            )
        app.watch(app, "theme", app.preferences.remember_theme, init=False)

    def holds(self, event: events.Event) -> bool:
        """Whether `event` is input that arrived before the app could handle it: kept, and
        handled once connected, in the order typed."""
        if self.input_ready or not isinstance(event, events.InputEvent | events.Paste):
            return False
        self.held_input.append(event)
        return True

    async def complete(self) -> None:
        """What the first frame does without: the message pane, the composer and the footer
        (mounting them costs more than painting the list), the cached threads, then the
        connection."""
        await self.prepare_panes()
        await self.mount_panes()
        self.connect()

    async def first_launch(self) -> None:
        """Nothing cached to show (a first launch): the first page is what the user waits for.
        It is asked for at once, and the message pane, the composer and the footer are mounted
        once it is on screen (or has failed, or after a second at most): mounting them first
        would hold its answer back. Input waits until everything is there."""
        await self.prepare_panes(fill_sidebar=False)  # filled after the first page: see below
        self.connect(first_launch=True)
        self.panes_pending = True
        self.account.set_timer(FIRST_PAGE_WAIT, self.mount_pending_panes)

    def mount_pending_panes(self) -> None:
        """The rest of a first launch's screen, once its first page is on screen (or has
        failed). Idempotent."""
        if self.panes_pending:
            self.panes_pending = False
            self.account.inbox.call_after_refresh(self.mount_then_release)

    async def mount_then_release(self) -> None:
        if self.ending:
            return
        self.panes_mounting = True
        try:
            await self.account.sidebar.fill()  # the person the first page put under the cursor
            await self.mount_panes()
        finally:
            self.panes_mounting = False
        if self.ending:
            self.account.inbox.exit(return_code=129)  # the terminal went while they were mounted
            return
        self.release_input()

    async def prepare_panes(self, *, fill_sidebar: bool = True) -> None:
        """The sidebar's fields, and the cached threads. A first launch leaves the fields until
        its first page is on screen (mounting them held its request back; the sidebar shows
        the person under the cursor once they are there)."""
        if self.account.first:
            if self.account.inbox.freeze_heap:
                resume_collection()  # paused by the command line until the first frame
            self.watch_terminal()
        if fill_sidebar:
            await self.account.sidebar.fill()
        self.show_startup_cache()

    def use_picture_protocol(self, message_view: MessageView) -> None:
        """Kitty graphics name each picture by a 24-bit colour: a terminal that Textual draws
        in fewer colours, or through a filter that changes them (NO_COLOR), gets half-block
        cells."""
        from tui.ui.widgets.attachment_rows import PICTURE_COLUMNS, PICTURE_ROWS

        app = self.account.inbox
        protocol = app.picture_protocol
        from textual.filter import ANSIToTruecolor  # (leaves 24-bit colours as they are)

        filters = getattr(app, "_filters", [])
        filtered = app.no_color or any(not isinstance(f, ANSIToTruecolor) for f in filters)
        if protocol == "tgp" and (app.console.color_system != "truecolor" or filtered):
            protocol = "halfcell"
        message_view.picture_protocol = protocol
        if protocol == "tgp" and app.kitty is None:
            # One for the terminal: every account's message pane places its pictures in it.
            from functools import partial

            from tui.ui.kitty_pictures import KittyPictures
            from tui.ui.terminal import write_sequence

            app.kitty = KittyPictures(
                partial(write_sequence, app),
                cell=app.picture_cell or (10, 20),
                max_box=(PICTURE_COLUMNS, PICTURE_ROWS),
            )
        if protocol == "tgp":
            message_view.kitty = app.kitty

    async def mount_panes(self) -> None:
        """The message pane, the composer and the footer, and the features the start does not
        use."""
        from textual.widgets import Static

        from tui.ui.widgets.composer import Composer

        # The text area's module: after the first frame.
        from tui.ui.widgets.footer import KeyFooter
        from tui.ui.widgets.message_view import MessageView

        app = self.account
        app.conversation_header = Static("", id="conversation-header", classes="-hidden")
        app.message_view = MessageView(id="message-view", clock=app.clock)
        self.use_picture_protocol(app.message_view)
        app.composer = Composer(id="composer")
        app.composer.add_class("-hidden")
        app.message_view.set_directory(app.directory)
        self.read_later_styles()
        await app.query_one("#conversation").mount(
            app.conversation_header, app.message_view, app.composer
        )
        await app.mount(KeyFooter())
        await app.mount_all(feature for feature in app.own_features if not feature.at_start)
        await app.query_one("#footer-slot").remove()
        app.refresh_bindings()  # focus was set before the footer was there to hear it
        app.panes_mounted = True
        if app.message_view.directory is not app.directory:
            # The directory came while the panes were being mounted (after the pane took the
            # one it was made with, before it counted as mounted): direction and authors are
            # drawn again with it, not left as they were for the session.
            app.team.apply_directory(app.directory)
        inbox = app.inbox
        problems = app.saved_views.bind_saved_view_keys()  # (this account's views)
        warnings = inbox.startup_warnings + inbox.key_problems if app.first else []
        for warning in warnings + problems:
            app.notify(warning, title="Warning", severity="warning", timeout=15, markup=False)

    def read_later_styles(self) -> None:
        """The styles of what the first frame does not show; they style only widgets mounted
        from now on (the message pane, the composer, the dialogs), so nothing is restyled."""
        app = self.account.inbox
        later = later_style_paths()
        if later[0] in app.css_path:
            return  # (read by the first account's start)
        app.stylesheet.read_all(later)
        app.css_path = [*app.css_path, *later]

    def show_startup_rows(self) -> bool:
        """The rows this view showed last time, as they were shown: read without the models.
        False when there are none."""
        app = self.account
        rows = app.view_cache.load_rows(app.thread_query)
        if rows is None:
            return False
        app.thread_list.show_preview(rows)
        app.set_status("Refreshing…")
        return True

    def show_startup_cache(self) -> None:
        """The threads this view showed last time (and the directory), until fresh ones come:
        they take the place of the rows painted first, or paint the list when there were
        none. Nothing when the view has no cache."""
        app = self.account
        if app.backend is not None:
            return  # a backend given (tests, the bench): nothing is read from disk
        cached = app.view_cache.load_threads(app.thread_query)
        directory = app.view_cache.load_directory(app.settings.campaigns)
        if directory is not None:
            app.directory = directory
            app.thread_list.set_directory(directory)
            app.update_chips()
        if cached is None:
            return
        app.thread_list.set_threads(cached[1])
        app.threads.startup_cache = True
        app.set_status("Refreshing…")

    def connect(self, *, first_launch: bool = False) -> None:
        """Make the backend (unless one was given), then load the threads and the directory and
        start live updates; input held until now is handled after. A first launch paints its
        first rows before anything else (see ThreadsFeature.load_first_rows), and handles input
        once its screen is complete."""
        app = self.account
        if app.backend is None and app.prepared is not None:
            app.backend, app.prepared = app.prepared, None  # (the watch's, for this account)
        if app.backend is None:
            from tui.backend import make_backend

            app.backend = make_backend(app.settings)
        app.client = app.backend.client
        app.show_badge("demo data" if app.backend.is_demo else "")
        app.backend_badge.set_class(app.backend.is_demo, "demo")
        app.directory.campaign_names = dict(app.backend.campaign_names)
        if first_launch:
            app.connected = True
            app.threads.load_first_rows(then=self.load_the_rest)
            return
        app.load_threads()  # first: the rows are what the user waits for
        self.load_the_rest()
        app.connected = True
        self.release_input()

    def load_the_rest(self) -> None:
        """What the app loads after the view's first page: the team directory, live updates;
        then messages a restart stopped before they left, and replies written offline, are
        offered for sending."""
        self.account.team.load_directory()
        self.account.live.start_live_updates()
        self.account.reminders.start()
        self.account.reply.offer_unsent()
        self.account.offline.offer()  # (what a past run could not send)

    def release_input(self) -> None:
        """Keys typed while the app was starting are handled now, in the order typed."""
        self.input_ready = True
        held, self.held_input = self.held_input, []
        for event in held:
            self.account.inbox.post_message(event)

    def watch_terminal(self) -> None:
        """Exit, drafts kept, when the terminal goes away (see tui/ui/hangup.py)."""
        app = self.account.inbox
        if app.is_headless:
            return
        import sys

        from tui.ui.hangup import hung_up_early, on_hangup, terminal_gone

        stdin = sys.__stdin__
        fd = stdin.fileno() if stdin is not None else 0
        self.restore_sighup = on_hangup(lambda: app.call_later(self.terminal_lost))
        if hung_up_early():
            app.call_later(self.terminal_lost)  # it came while the app was starting

        def check() -> None:
            if terminal_gone(fd):
                self.terminal_lost()

        app.set_interval(1.0, check, name="terminal watch")

    def terminal_lost(self) -> None:
        app = self.account.inbox
        app.save_typed()  # every account's
        self.ending = True
        if self.panes_mounting:
            # Exits once they are mounted (an exit midway fails their mount), or soon anyway.
            app.set_timer(ENDING_WAIT, partial(app.exit, return_code=129))
            return
        app.exit(return_code=129)  # as a shell reports a hang-up (128 + SIGHUP)

    def end(self) -> None:
        """From the app's unmount: SIGHUP's previous handler back."""
        if self.restore_sighup is not None:
            self.restore_sighup()
