"""Handing prospects to the CRM (C), and the sidebar's list of CRM prospects that match the
selected one. Both run only when a CRM is configured (or with the demo's own CRM)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.timer import Timer

from tui.api.errors import InboxError
from tui.core.text import one_line
from tui.ui.describe import describe_error
from tui.ui.features.shared import AppShared, Feature
from tui.ui.messages import ActionFailed

if TYPE_CHECKING:
    from tui.core.model import Thread
    from tui.crm.client import CrmClient, CrmProspect
    from tui.ui.features.triage import TriageFeature

MATCH_DELAY = 0.25  # seconds the selection must rest before the CRM is asked


class CrmPushed(Message):
    def __init__(self, prospect: CrmProspect, updated: bool, thread: Thread) -> None:
        super().__init__()
        self.prospect = prospect
        self.updated = updated
        self.thread = thread


class CrmMatches(Message):
    def __init__(self, thread_id: str, lines: list[str]) -> None:
        super().__init__()
        self.thread_id = thread_id
        self.lines = lines


def describe_match(prospect: CrmProspect, how: str) -> str:
    parts = [one_line(prospect.name, 40) or "(no name)"]
    if prospect.current_stage:
        parts.append(one_line(prospect.current_stage, 24))
    if prospect.company:
        parts.append(one_line(prospect.company, 24))
    return "• " + " · ".join(parts) + f"  ({how})"


class CrmFeature(Feature):
    def __init__(self, shell: AppShared, triage: TriageFeature) -> None:
        super().__init__(shell)
        self.triage = triage  # whom C hands over: the marked threads, else the target
        self._crm_timer: Timer | None = None
        self._crm_shown_for: str | None = None

    crm_match_delay = MATCH_DELAY  # tests set 0: ask at once, so a settled app has the answer

    @property
    def crm(self) -> CrmClient | None:
        return self.shell.backend.crm if self.shell.backend is not None else None

    # --- C: create or update in the CRM ------------------------------------------------------

    def action_crm_push(self) -> None:
        if self.crm is None:
            self.notify(
                "No CRM configured: set [crm] base_url and api_key in the config file.",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return
        targets = self.triage.triage_targets()
        if len(targets) != 1:
            self.notify("Select one thread to hand to the CRM.", severity="warning", markup=False)
            return
        self.notify("Sending to the CRM…", markup=False)
        self._crm_push(targets[0])

    @work(group="crm-push")
    async def _crm_push(self, thread: Thread) -> None:
        from tui.crm.handoff import crm_body, split_name  # only with a CRM configured

        crm, backend = self.crm, self.shell.backend
        assert crm is not None and backend is not None
        first, last = split_name(thread.prospect.display_name or thread.prospect.username or "")
        settings = self.shell.settings
        try:
            found = await crm.list_prospects(name=f"{first} {last}".strip(), limit=10)
            match = next(
                (p for p in found.prospects if (p.first_name, p.last_name) == (first, last)), None
            )
            body = crm_body(
                thread,
                self.shell.directory,
                stage_map=backend.stage_map,
                pipeline_id=settings.crm.pipeline_id,
                user_id=settings.crm.user_id,
                update=match is not None,
            )
            result = await crm.upsert_prospect(body)
        except InboxError as error:
            self.post_message(ActionFailed("Not handed to the CRM", error))
            return
        self.post_message(CrmPushed(result, match is not None, thread))

    def on_crm_pushed(self, event: CrmPushed) -> None:
        prospect = event.prospect
        stage = f" · {prospect.current_stage}" if prospect.current_stage else ""
        verb = "Updated" if event.updated else "Created"
        self.notify(f"{verb} in the CRM: {one_line(prospect.name, 40)}{stage}", markup=False)
        if prospect.message:
            self.notify(
                f"CRM: {one_line(prospect.message, 200)}",
                severity="warning",
                timeout=10,
                markup=False,
            )
        self._crm_shown_for = None
        self.show_crm_matches(event.thread)

    # --- the sidebar's matches -----------------------------------------------------------------

    def show_crm_matches(self, thread: Thread | None) -> None:
        """Ask the CRM for this prospect once the selection rests (not on every key)."""
        if self.crm is None:
            self.shell.sidebar.show_crm(None)
            return
        if thread is None or thread.id == self._crm_shown_for:
            return
        self._crm_shown_for = thread.id
        self.shell.sidebar.show_crm(["looking…"])
        if self._crm_timer is not None:
            self._crm_timer.stop()
        if not self.crm_match_delay:
            self._crm_lookup(thread)
            return
        self._crm_timer = self.set_timer(self.crm_match_delay, lambda: self._crm_lookup(thread))

    @work(group="crm-matches", exclusive=True)
    async def _crm_lookup(self, thread: Thread) -> None:
        from tui.crm.handoff import split_name  # only with a CRM configured

        crm = self.crm
        assert crm is not None
        prospect = thread.prospect
        name = " ".join(split_name(prospect.display_name or "")).strip()
        labels = [
            self.shell.directory.tags[t].name
            for t in prospect.context.tags
            if t in self.shell.directory.tags
        ]
        try:
            lines: list[str] = []
            seen: set[str] = set()
            if name:
                for found in (await crm.list_prospects(name=name, limit=5)).prospects:
                    seen.add(found.id)
                    lines.append(describe_match(found, "name"))
            if not lines and labels:
                page = await crm.list_prospects(labels=labels[:10], limit=5)
                lines += [describe_match(p, "label") for p in page.prospects if p.id not in seen]
        except InboxError as error:
            self.post_message(CrmMatches(thread.id, [f"CRM unavailable: {describe_error(error)}"]))
            return
        self.post_message(CrmMatches(thread.id, lines))

    def on_crm_matches(self, event: CrmMatches) -> None:
        if event.thread_id == self._crm_shown_for:
            self.shell.sidebar.show_crm(event.lines)
