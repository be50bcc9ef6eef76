"""The API key never appears on screen, in files we write, in output, or in a crash report."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from tests.app_helpers import settle
from tests.servers import demo_server
from tui.backend import make_backend
from tui.core.config import Settings, config_warnings, load_settings
from tui.core.secrets import REDACTED, Secret, redact, register_secret, with_api_key
from tui.ui.app import InboxApp

KEY = "sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0"


@pytest.fixture(scope="module")
def keyed_server() -> Iterator[str]:
    with demo_server("--key", KEY, "--threads", "60") as (url, proc):
        yield url
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert KEY.encode() not in out + err


async def test_a_whole_session_never_shows_or_writes_the_key(
    keyed_server: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    # The default version (v2), over a real socket.
    v2_url = keyed_server.removesuffix("/v1") + "/v2"
    settings = Settings(api_key=Secret(KEY), api_url=v2_url, data_dir=data_dir)
    register_secret(KEY)
    app = InboxApp(settings, backend=make_backend(settings))
    seen: list[str] = []
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert app.thread_list.threads  # talking to the server with the key
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        app.composer.input.insert("a draft that mentions nothing secret")
        await pilot.pause(0.4)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        seen.append(app.export_screenshot())
        await pilot.press("escape", "e", "s")
        await settle(pilot)
        await pilot.press("escape")
        # An error path: the server refuses the key (as if revoked).
        app.client.wire.http._http.headers["Authorization"] = "Bearer wrong"  # type: ignore[attr-defined]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "API key was refused" in app.status_text
        seen.append(app.export_screenshot())
        seen.append(app.status_text)
        seen.extend(n.message for n in app._notifications)
        seen.append(repr(app.client))
        seen.append(repr(settings))
        seen.append(json.dumps(asdict(settings), default=str))
    for path in data_dir.rglob("*"):
        if path.is_file():
            seen.append(path.read_text(encoding="utf-8", errors="replace"))
    assert seen
    for text in seen:
        assert KEY not in text


def test_help_and_cli_errors_never_print_the_key(tmp_path: Path) -> None:
    env = {**os.environ, "INBOX_API_KEY": KEY, "INBOX_TUI_CONFIG": str(tmp_path / "c.toml")}
    for args in (["--help"], ["demo-server", "--help"], ["--demo-threads", "0"]):
        result = subprocess.run(
            [sys.executable, "-m", "tui", *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert KEY not in result.stdout + result.stderr


def test_set_key_asks_without_echo_and_stores_0600(tmp_path: Path) -> None:
    config = tmp_path / "conf" / "config.toml"
    config.parent.mkdir()
    config.write_text('# my settings\npage_size = 30\n\n[campaigns]\nabc = "Q4"\n')
    result = subprocess.run(
        [sys.executable, "-m", "tui", "--config", str(config), "set-key", "--no-check"],
        input=KEY + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stdout + result.stderr
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    settings = load_settings(config, env={})
    assert settings.api_key is not None and settings.api_key.get_secret_value() == KEY
    assert settings.page_size == 30 and settings.campaigns == {"abc": "Q4"}
    assert "# my settings" in config.read_text()


def test_a_config_others_can_read_gets_a_warning(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(with_api_key("", KEY))
    config.chmod(0o644)
    warnings = config_warnings(config)
    assert warnings and "chmod 600" in warnings[0]
    assert KEY not in warnings[0]
    config.chmod(0o600)
    assert config_warnings(config) == []


def test_settings_never_show_the_key() -> None:
    settings = Settings(api_key=Secret(KEY))
    assert KEY not in repr(settings) and KEY not in str(settings)
    assert KEY not in json.dumps(asdict(settings), default=str)


def test_redaction() -> None:
    register_secret(KEY)
    assert redact(f"Authorization: Bearer {KEY}!") == f"Authorization: Bearer {REDACTED}!"
    # A key this long goes even where it runs into other text.
    assert redact(f"?key%3D{KEY}x") == f"?key%3D{REDACTED}x"


def test_a_short_key_is_redacted_only_as_a_token_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The demo server's key is `demo`: a request ID, a command or a word that contains it
    stays as it is (#34: `req_«redacted»00000001`)."""
    from tui.core import secrets

    monkeypatch.setattr(secrets, "_known", secrets._known.copy())  # forgotten after the test
    register_secret("demo")
    assert redact("Not sent: too long (request req_demo00000001)") == (
        "Not sent: too long (request req_demo00000001)"
    )
    assert redact("run inbox-tui demo-server, a demonstration") == (
        "run inbox-tui demo-server, a demonstration"
    )
    assert redact("Bearer demo") == f"Bearer {REDACTED}"
    assert redact('{"key": "demo"}, demo.') == f'{{"key": "{REDACTED}"}}, {REDACTED}.'


async def test_crash_report_has_no_locals_and_no_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.app_helpers import make_app

    register_secret(KEY)
    app, _ = make_app(data_dir=tmp_path)

    def explode() -> None:
        api_key = KEY  # a local that Textual's default crash screen would print
        raise RuntimeError(f"boom with {api_key}")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            app.call_later(explode)
            await pilot.pause()
    report = capsys.readouterr().err
    assert "RuntimeError" in report and "boom with" in report
    assert KEY not in report
    assert "─ locals ─" not in report  # no locals panel


class MemoryKeyring:
    """A keyring backend that keeps passwords in memory (keyring's own backend interface)."""

    def __new__(cls):  # type: ignore[no-untyped-def]
        from keyring.backend import KeyringBackend

        class _Memory(KeyringBackend):
            priority = 1  # type: ignore[assignment]

            def __init__(self) -> None:
                super().__init__()
                self.store: dict[tuple[str, str], str] = {}

            def get_password(self, service: str, username: str) -> str | None:
                return self.store.get((service, username))

            def set_password(self, service: str, username: str, password: str) -> None:
                self.store[(service, username)] = password

            def delete_password(self, service: str, username: str) -> None:
                self.store.pop((service, username), None)

        return _Memory()


def test_the_os_keyring_is_used_where_available(tmp_path: Path) -> None:
    import keyring

    from tui.core.config import store_in_keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        assert store_in_keyring(KEY)
        settings = load_settings(tmp_path / "none.toml", env={})
        assert settings.api_key is not None and settings.api_key.get_secret_value() == KEY
        assert not settings.use_demo
        from_env = load_settings(tmp_path / "none.toml", env={"INBOX_API_KEY": "from-env"})
        assert from_env.api_key is not None
        assert from_env.api_key.get_secret_value() == "from-env"
    finally:
        keyring.set_keyring(previous)


async def test_config_warnings_show_in_the_app(tmp_path: Path) -> None:
    from tests.app_helpers import make_app

    app, _ = make_app(data_dir=tmp_path)
    app.startup_warnings = ["the config file holds the API key and other users can read it"]
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert any("other users can read it" in n.message for n in app._notifications)


def test_a_crm_key_in_a_readable_config_gets_a_warning_and_is_redacted(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[crm]\nbase_url = "https://crm.example.com/api"\napi_key = "crm-secret-123"\n'
    )
    config.chmod(0o644)
    assert any("chmod 600" in w for w in config_warnings(config))
    settings = load_settings(config, env={})
    assert "crm-secret-123" not in repr(settings)
    from tui.core.secrets import redact

    assert "crm-secret-123" not in redact("failed with crm-secret-123")
