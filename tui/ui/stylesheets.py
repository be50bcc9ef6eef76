"""Where the app's TCSS files are, and which of them the first frame needs."""

from __future__ import annotations

from pathlib import Path

# The styles the first frame needs (the list, the sidebar, the bars); the message pane's and
# the dialogs' are read after it (see Startup.read_later_styles): parsing CSS is a good part of
# a start.
FIRST_FRAME_STYLES = ("app", "threads", "sidebar")


def style_paths() -> list[Path]:
    """The TCSS files: inside the installed package (wheel) or at the repo's top level."""
    package = Path(__file__).resolve().parents[1]  # tui/
    for folder in (package / "styles", package.parent / "styles"):
        if folder.is_dir():
            return sorted(folder.glob("*.tcss"))
    raise FileNotFoundError("the styles/ folder is missing from this installation")


def first_frame_style_paths() -> list[Path]:
    return [path for path in style_paths() if path.stem in FIRST_FRAME_STYLES]


def later_style_paths() -> list[Path]:
    return [path for path in style_paths() if path.stem not in FIRST_FRAME_STYLES]
