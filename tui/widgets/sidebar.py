"""The prospect sidebar: who they are, how fresh that is, their score, and the team's context."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..scoring import ScoreWeights, lead_score
from ..text import inert, one_line
from .chips import chip_style

if TYPE_CHECKING:
    from ..api.models import Thread
    from ..state import Directory

VERIFIED_BADGES = {
    "verified": "✔ verified",
    "business": "✔ business",
    "government": "✔ government",
}


def _count(value: int | None) -> str:
    if value is None:
        return "–"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 10_000:
        return f"{value / 1_000:.0f}k"
    if value >= 1_000:
        return f"{value / 1_000:.1f}k"
    return str(value)


def format_money(value: float | None, currency: str = "USD") -> str:
    if value is None:
        return "–"
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}.get(currency, "")
    amount = f"{value:,.2f}".removesuffix(".00")
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


class ProspectSidebar(VerticalScroll, can_focus=True):
    weights = ScoreWeights()  # the app sets the configured ones

    def fields(self) -> ComposeResult:
        yield Static("", id="sb-name", classes="sb-name")
        yield Static("", id="sb-handle", classes="sb-handle")
        yield Static("", id="sb-badges", classes="sb-badges")
        yield Static("", id="sb-bio", classes="sb-bio")
        yield Static("", id="sb-facts", classes="sb-facts")
        yield Static("Pipeline", classes="sb-heading")
        yield Static("", id="sb-tags", classes="sb-tags")
        yield Static("", id="sb-context", classes="sb-context")
        yield Static("Notes", classes="sb-heading")
        yield Static("", id="sb-notes", classes="sb-notes")
        yield Static("Other threads", classes="sb-heading", id="sb-others-heading")
        yield Static("", id="sb-others", classes="sb-others")
        yield Static("In the CRM", classes="sb-heading -hidden", id="sb-crm-heading")
        yield Static("", id="sb-crm", classes="sb-crm -hidden")

    async def fill(self) -> None:
        """Mount the fields. Not composed: the first frame shows no thread (see InboxApp), and
        each widget in it costs start-up time, so the app calls this after that frame."""
        await self.mount_all(self.fields())

    def show_crm(self, lines: list[str] | None) -> None:
        """CRM prospects matching this one (None: no CRM configured, the section hides)."""
        for widget_id in ("sb-crm-heading", "sb-crm"):
            self.query_one(f"#{widget_id}").set_class(lines is None, "-hidden")
        if lines is not None:
            self._set("sb-crm", "\n".join(lines) or "No match")

    def _set(self, widget_id: str, text: str) -> None:
        """Always a Text: untrusted content is never parsed as markup."""
        self.query_one(f"#{widget_id}", Static).update(Text(text))

    def show(self, thread: Thread | None, directory: Directory, currency: str = "USD") -> None:
        if thread is None:
            for widget_id in (
                "sb-handle",
                "sb-badges",
                "sb-bio",
                "sb-facts",
                "sb-tags",
                "sb-context",
                "sb-notes",
                "sb-others",
            ):
                self._set(widget_id, "")
            self._set("sb-name", "No thread selected")
            return
        p = thread.prospect
        self._set("sb-name", one_line(p.display_name, 80) or "(no name)")
        self._set("sb-handle", one_line(p.at_handle, 60))
        badges = [VERIFIED_BADGES.get(p.verified, "") or "not verified"]
        if p.profile_type:
            badges.append(one_line(p.profile_type, 20))
        if p.is_protected:
            badges.append("protected")
        self._set("sb-badges", " · ".join(badges))
        self._set("sb-bio", inert(p.bio) or "No bio")
        freshness = "fresh" if p.is_fresh else ("stale" if p.is_stale else "unknown freshness")
        confidence = f", {p.confidence:.0%} confidence" if p.confidence is not None else ""
        facts = [
            f"Followers {_count(p.follower_count)} · Following {_count(p.following_count)}"
            f" · Posts {_count(p.post_count)}",
            f"Location  {one_line(p.location, 60) or '–'}",
            f"Website   {one_line(p.website_url, 60) or '–'}",
            f"Data      {freshness}{confidence}",
            f"Score     {lead_score(p, self.weights)}/{self.weights.maximum}",
            f"Profile   {p.profile_by_id_url}",
        ]
        self._set("sb-facts", "\n".join(facts))
        tags = Text()
        for tag_id in p.context.tags:
            tag = directory.tags.get(tag_id)
            label = one_line(tag.name, 24) if tag else tag_id[:8]
            tags.append(f" {label} ", chip_style(tag.color if tag else None))
            tags.append(" ")
        if not p.context.tags:
            tags.append("No tags")
        self.query_one("#sb-tags", Static).update(tags)
        status = directory.statuses.get(p.context.status_id or "")
        member = directory.members.get(thread.assignee_id or "")
        context = [
            f"Status    {one_line(status.name, 30) if status else 'No status'}",
            f"Valuation {format_money(p.context.valuation, currency)}",
            f"Assignee  {member.label if member else 'Unassigned'}",
            f"Done      {'yes (archived)' if thread.done else 'no'}",
        ]
        if directory.multiple_account_links:
            link = directory.account_links.get(thread.account_link_id)
            context.append(f"Account   {one_line(link.name, 30) if link else '?'}")
        self._set("sb-context", "\n".join(context))
        self._set("sb-notes", inert(p.context.notes) or "No notes")
        others = [ref for ref in (p.context.threads or []) if ref.id != thread.id]
        lines = []
        for ref in others:
            link = directory.account_links.get(ref.account_link_id)
            lines.append(f"• via {one_line(link.name, 30) if link else ref.account_link_id[:8]}")
        self._set("sb-others", "\n".join(lines) or "None")
