"""Colours that come from data (tag and status colours), turned into Rich styles."""

from __future__ import annotations

from functools import lru_cache

from rich.color import Color, ColorParseError
from rich.style import Style

# The service's predefined colour names (GET /colors), for tags stored by name.
PREDEFINED = {
    "red": "#ef4444",
    "orange": "#f97316",
    "amber": "#f59e0b",
    "yellow": "#eab308",
    "lime": "#84cc16",
    "green": "#10b981",
    "emerald": "#10b981",
    "teal": "#14b8a6",
    "cyan": "#06b6d4",
    "sky": "#0ea5e9",
    "blue": "#3b82f6",
    "indigo": "#6366f1",
    "violet": "#8b5cf6",
    "purple": "#a855f7",
    "fuchsia": "#d946ef",
    "pink": "#ec4899",
    "rose": "#f43f5e",
    "gray": "#6b7280",
    "grey": "#6b7280",
}
FALLBACK = "#6b7280"


@lru_cache(maxsize=256)
def parse_color(value: str | None) -> Color:
    text = (value or "").strip().lower()
    text = PREDEFINED.get(text, text)
    try:
        return Color.parse(text)
    except ColorParseError:
        return Color.parse(FALLBACK)


@lru_cache(maxsize=256)
def chip_style(value: str | None) -> Style:
    """A label in the given colour with legible text on it."""
    background = parse_color(value)
    r, g, b = background.get_truecolor()
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    foreground = "#111111" if luminance > 150 else "#ffffff"
    return Style(color=foreground, bgcolor=background)


@lru_cache(maxsize=256)
def dot_style(value: str | None) -> Style:
    return Style(color=parse_color(value))
