"""Lead scores on the loaded rows: sort them by score, or hide those under a minimum. Both are
client-side (the API has no score): they apply to the pages loaded so far, and to each new
page as it arrives."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tui.core.query import SortOrder
from tui.core.scoring import ScoreWeights, lead_score
from tui.ui.features.shared import AppShared, Feature

if TYPE_CHECKING:
    from tui.core.model import Thread
    from tui.ui.widgets.rows import ThreadRows

EPOCH = datetime.min.replace(tzinfo=UTC)


class RankingFeature(Feature):
    def __init__(self, shell: AppShared) -> None:
        super().__init__(shell)
        self.by_score = False
        self.min_score: int | None = None
        self.score_weights = ScoreWeights()

    def setup_scores(self) -> None:
        self.score_weights = ScoreWeights.from_settings(self.shell.settings.score)
        self.shell.sidebar.weights = self.score_weights
        self.shell.thread_list.score_of = self.score

    def score(self, thread: Thread) -> int:
        return lead_score(thread.prospect, self.score_weights)

    def _arrange(self, rows: ThreadRows) -> tuple[ThreadRows, ThreadRows]:
        """The rows to show and those to leave out, from the score and sort time each row
        keeps (no row is parsed)."""
        minimum = self.min_score
        everything = range(len(rows))
        scores = (
            [rows.score_at(i) for i in everything] if self.by_score or minimum is not None else []
        )
        shown = [i for i in everything if minimum is None or scores[i] >= minimum]
        hidden = [i for i in everything if minimum is not None and scores[i] < minimum]
        if self.by_score:
            shown.sort(key=lambda i: scores[i], reverse=True)  # stable among equals
        else:
            newest_first = self.shell.thread_query.sort_order is SortOrder.DESC
            shown.sort(key=lambda i: (rows.stamp_at(i), rows.id_at(i) or ""), reverse=newest_first)
        return rows.subset(shown), rows.subset(hidden)

    def server_order(self, threads: list[Thread]) -> list[Thread]:
        newest_first = self.shell.thread_query.sort_order is SortOrder.DESC
        return sorted(
            threads,
            key=lambda t: (t.sort_timestamp or EPOCH, t.id),
            reverse=newest_first,
        )

    def apply_ranking(self) -> None:
        active = self.by_score or self.min_score is not None
        self.shell.thread_list.arranger = self._arrange
        self.shell.thread_list.rearrange()  # the arranger on: hidden rows come back in order
        if not active:
            self.shell.thread_list.arranger = None
        self.shell.update_chips()
        self.shell.set_status(self.shell.count_text())

    def clear_ranking(self) -> None:
        """`F`: the score order and the minimum go with the filters (the chips say so)."""
        if self.by_score or self.min_score is not None:
            self.by_score, self.min_score = False, None
            self.apply_ranking()

    def action_sort_by_score(self) -> None:
        self.by_score = not self.by_score
        self.apply_ranking()
        self.notify(
            "Loaded threads sorted by lead score." if self.by_score else "Back to the API's order.",
            markup=False,
        )

    def action_minimum_score(self) -> None:
        from tui.ui.screens.pickers import TextPromptScreen

        def cleared(text: str) -> bool:
            return text.lower() in ("", "0", "none", "off")

        def check(text: str) -> str | None:
            if cleared(text) or text.isdigit():
                return None
            return f"A whole number of points, 0 to {self.score_weights.maximum} (0 clears)."

        def entered(text: str | None) -> None:
            if text is None:
                return
            self.min_score = None if cleared(text) else int(text)
            self.apply_ranking()

        current = "" if self.min_score is None else str(self.min_score)
        title = f"Minimum lead score, 0 to {self.score_weights.maximum} (0 clears)"
        self.shell.push_screen(
            TextPromptScreen(title, current, allow_empty=True, check=check), entered
        )
