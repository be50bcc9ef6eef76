"""The wheel carries the stylesheets (they live at the repo's top level, in styles/)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO


def test_wheel_ships_styles(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            str(REPO),
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("inbox_tui-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    styles = {f"tui/styles/{p.name}" for p in (REPO / "styles").glob("*.tcss")}
    assert styles and styles <= names
    assert "tui/py.typed" in names
