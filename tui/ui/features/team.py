"""The team directory (members, tags, statuses, account links, campaigns) and the team's
currency: loaded once connected, again whenever it failed (rows lose their direction, tags and
status without it), and from the cache while offline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work

from tui.api.errors import InboxError, TransportError
from tui.core.directory import fetch_directory
from tui.core.text import one_line
from tui.ui.features.shared import AppShared, Feature
from tui.ui.messages import DirectoryLoaded, RequestFailed

if TYPE_CHECKING:
    from tui.core.directory import Directory
    from tui.ui.features.threads import ThreadsFeature

LOADING_DIRECTORY = "loading the team directory"


class TeamFeature(Feature):
    at_start = True

    def __init__(self, shell: AppShared, threads: ThreadsFeature) -> None:
        super().__init__(shell)
        self.threads = threads  # its rows are cached again with the team's names and colours

    @work(group="directory", exclusive=True)
    async def load_directory(self) -> None:
        client, known = self.shell.client, self.shell.directory
        try:
            directory = await fetch_directory(client, known.campaign_names)
            team = await client.get_team()
        except InboxError as error:
            self.post_message(RequestFailed(LOADING_DIRECTORY, error))
            return
        directory.campaigns_seen = known.campaigns_seen
        self.post_message(DirectoryLoaded(directory, team))

    def on_directory_loaded(self, message: DirectoryLoaded) -> None:
        shell = self.shell
        if message.team is not None:  # fresh from the API (not from the cache)
            shell.reloads.answered()
            shell.view_cache.save_directory(message.directory)
            shell.currency = message.team.currency
        self.apply_directory(message.directory)
        if message.team is not None:
            self.threads.save_view_cache()

    def apply_directory(self, directory: Directory) -> None:
        shell = self.shell
        shell.directory = directory
        # Short, to leave the view tabs their room: the reasons are in the sidebar and in
        # what a refused send says.
        alerts = [
            f"{one_line(a.name, 30)} {one_line(a.status, 12)}"
            for a in directory.unavailable_links()
        ]
        shell.link_alerts.update(Text("⚠ " + ", ".join(alerts) if alerts else ""))
        shell.link_alerts.set_class(bool(alerts), "-shown")
        shell.thread_list.set_directory(directory)
        shell.show_sidebar_for(shell.target_or_cursor())
        if shell.panes_mounted:  # else they are made with it (a first launch mounts them late)
            shell.message_view.set_directory(directory)
            shell.show_conversation_header(shell.message_view.thread)
            if shell.message_view.thread is not None:
                shell.composer.set_platform(directory.platform_of(shell.message_view.thread))
        shell.update_chips()

    def on_request_failed(self, message: RequestFailed) -> None:
        # Without it rows lose direction, tags and status: it loads again, whatever failed.
        self.shell.reloads.failed("directory", self.load_directory)
        if isinstance(message.error, TransportError):
            cached = self.shell.view_cache.load_directory(self.shell.directory.campaign_names)
            if cached is not None and not self.shell.directory.loaded:
                self.post_message(DirectoryLoaded(cached, None))
            if self.threads.showing_cache:
                message.quiet = True  # the status line already says we are offline
