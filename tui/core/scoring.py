"""The lead score: the docs' scoring (followers, verification, bio keywords, a website; 0 to
80) by default, with weights and keywords from the config's `[score]` table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from tui.core.model import Prospect


class ScoreWeights(NamedTuple):
    followers_100k: int = 30
    followers_10k: int = 20
    followers_1k: int = 10
    verified: int = 15
    bio_keyword: int = 25
    website: int = 10
    keywords: tuple[str, ...] = ("founder", "ceo", "director", "head of", "vp")

    @classmethod
    def from_settings(cls, settings: Any) -> ScoreWeights:
        """From the config's `[score]` table (any object with the same attribute names)."""
        values = {name: getattr(settings, name) for name in cls._fields}
        values["keywords"] = tuple(k.lower() for k in values["keywords"])
        return cls(**values)

    @property
    def maximum(self) -> int:
        return self.followers_100k + self.verified + self.bio_keyword + self.website


def lead_score(prospect: Prospect, weights: ScoreWeights | None = None) -> int:
    w = weights or ScoreWeights()
    score = 0
    followers = prospect.follower_count or 0
    if followers > 100_000:
        score += w.followers_100k
    elif followers > 10_000:
        score += w.followers_10k
    elif followers > 1_000:
        score += w.followers_1k
    if prospect.verified != "none":
        score += w.verified
    bio = (prospect.bio or "").lower()
    if any(k in bio for k in w.keywords):
        score += w.bio_keyword
    if prospect.website_url:
        score += w.website
    return score
