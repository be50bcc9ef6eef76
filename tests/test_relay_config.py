"""Pointing the app at a team relay (#39), and the relay's command line: what is accepted, and
what is refused with a message (never a traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.config import ConfigError, load_settings


def test_a_relay_needs_no_api_key_and_keeps_its_own_caches(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('relay_url = "http://relay.example:8790/"\n')
    env = {"INBOX_TUI_RELAY_TOKEN": "irt_secret_token_value"}
    settings = load_settings(path, env=env)
    assert settings.relay_url == "http://relay.example:8790"
    assert settings.use_demo is False
    assert settings.cache_scope.startswith("relay-v2-")
    assert "irt_secret_token_value" not in settings.cache_scope
    assert "irt_secret_token_value" not in repr(settings)
    by_env = load_settings(
        tmp_path / "none.toml",
        env={"INBOX_TUI_RELAY_URL": "http://relay.example:8790", **env},
    )
    assert by_env.cache_scope == settings.cache_scope


@pytest.mark.parametrize(
    ("text", "env", "said"),
    [
        ('relay_url = "http://relay:8790"\n', {}, "relay_url needs a relay token"),
        (
            'relay_url = "http://relay:8790"\napi_version = "v1"\n',
            {"INBOX_TUI_RELAY_TOKEN": "t"},
            "the relay speaks API v2",
        ),
        ('relay_url = "relay:8790"\n', {"INBOX_TUI_RELAY_TOKEN": "t"}, "http://"),
    ],
)
def test_a_relay_set_wrong_is_said(
    tmp_path: Path, text: str, env: dict[str, str], said: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=said):
        load_settings(path, env=env)


def relay_command(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("INBOX_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "tui", "relay", *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=60,
        check=False,
    )


def test_the_relay_command_says_what_it_lacks() -> None:
    no_key = relay_command(env={"DATABASE_URL": "postgresql://x/y"})
    assert no_key.returncode == 2
    assert "set INBOX_API_KEY" in no_key.stderr and "Traceback" not in no_key.stderr
    no_db = relay_command(env={"INBOX_API_KEY": "k-123"})
    assert no_db.returncode == 2 and "INBOX_RELAY_DATABASE_URL" in no_db.stderr
    unreachable = relay_command(
        env={"INBOX_API_KEY": "k-123", "DATABASE_URL": "postgresql://u:pw-secret@127.0.0.1:1/x"}
    )
    assert unreachable.returncode == 2
    assert "cannot open the database" in unreachable.stderr
    assert "pw-secret" not in unreachable.stderr and "Traceback" not in unreachable.stderr
