"""Settings: file < environment < flags; invalid settings are clear messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.config import ConfigError, Overrides, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_precedence(tmp_path: Path) -> None:
    path = write(tmp_path, 'api_key = "from-file"\napi_url = "https://file.example/api/v1"\n')
    settings = load_settings(path, env={})
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "from-file"
    assert not settings.use_demo
    env = {"INBOX_API_KEY": "from-env", "INBOX_API_URL": "https://env.example/api/v1/"}
    settings = load_settings(path, env=env)
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "from-env"
    assert settings.api_url == "https://env.example/api/v1"
    settings = load_settings(path, env=env, overrides=Overrides(demo=True, api_url="http://x"))
    assert settings.use_demo and settings.api_url == "http://x"


def test_no_key_means_demo(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "missing.toml", env={}).use_demo


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("demo_threads = 'many'", "demo_threads"),
        ("demo_threads = 0", "demo_threads"),
        ("colour = 'blue'", "colour: unknown setting"),
        ("api_url = 'ftp://x'", "api_url"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_invalid_settings_are_explained(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_settings(write(tmp_path, text), env={})


def test_the_key_is_never_echoed_in_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "api_key = 12345678901234\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={})
    assert "12345678901234" not in str(info.value)


def test_cli_reports_bad_config_without_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "demo_threads = -3\n")
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "demo_threads" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_documents_flags_variables_and_file() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--help"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0
    for word in (
        "--demo",
        "--api-url",
        "--config",
        "INBOX_API_KEY",
        "INBOX_API_URL",
        "config.toml",
        "demo-server",
    ):
        assert word in result.stdout
