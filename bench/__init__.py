"""Benchmarks (`make bench`, `python -m bench`)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from tui.core.config import Settings


def scratch_settings(**overrides: Any) -> Settings:
    """The demo's settings with a data folder of the run's own: a bench's pages, mirror and
    drafts never reach the user's."""
    folder = Path(tempfile.mkdtemp(prefix="inbox-bench-data-"))
    return Settings(demo=True, data_dir=folder, **overrides)
