"""Settings: file < environment < flags; invalid settings are clear messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.config import ConfigError, Overrides, load_settings


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
        ("timeout = 0", "timeout: must be above 0"),
        ("poll_share = 0.9", "poll_share: must be above 0 and at most 0.5"),
        ("demo = 'yes'", "demo: must be true or false"),
        ("keys = 3", "keys: must be a table of strings"),
        ("campaigns = { c1 = 2 }", "campaigns: must be a table of strings"),
        ("data_dir = 5", "data_dir: must be a path"),
        ("[score]\nverified = 5000", "score.verified: must be from 0 to 1000"),
        ("[score]\nkeywords = 'ceo'", "score.keywords: must be a list of strings"),
        ("[crm]\nbase = 'x'", "crm.base: unknown setting"),
        ("score = 3", "score: must be a table"),
        ("[[views]]\nsort = 'up'", "views.0.sort: must be newest or oldest"),
        ("[[views]]\nname = '" + "n" * 61 + "'", "views.0.name: must be at most 60"),
        ("views = 3", "views: must be a list of tables"),
        ("demo_faults = '429=2'", "demo_faults"),
    ],
)
def test_invalid_settings_are_explained(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        load_settings(write(tmp_path, text), env={})


def test_every_problem_is_listed_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "page_size = 0\ncolour = 1\n[crm]\napi_key = 3\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={})
    message = str(info.value)
    for expected in ("page_size: must be from 1 to 100", "colour: unknown", "crm.api_key"):
        assert expected in message


def test_valid_settings_are_read(tmp_path: Path) -> None:
    text = (
        'api_url = "https://eu.example/api/v1/"\ntimeout = 30\npoll_interval = 60\n'
        'data_dir = "~/inbox-data"\ntheme = "nord"\ncampaigns = { c1 = "Spring" }\n'
        '[keys]\n"triage.done" = "E"\n[crm]\nbase_url = "demo"\napi_key = "crm-secret-1"\n'
        '[[views]]\nname = "Hot"\ntags = ["Hot Lead"]\nsort = "oldest"\nkey = "ctrl+1"\n'
    )
    settings = load_settings(write(tmp_path, text), env={})
    assert settings.api_url == "https://eu.example/api/v1" and settings.timeout == 30.0
    assert settings.data_dir == Path.home() / "inbox-data" and settings.theme == "nord"
    assert settings.campaigns == {"c1": "Spring"} and settings.keys == {"triage.done": "E"}
    assert settings.crm.configured and settings.crm.api_key is not None
    assert settings.crm.api_key.get_secret_value() == "crm-secret-1"
    assert "crm-secret-1" not in repr(settings)
    view = settings.views[0]
    assert (view.name, view.tags, view.sort, view.key) == ("Hot", ["Hot Lead"], "oldest", "ctrl+1")


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


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
@pytest.mark.parametrize("home", ["", "  ", "/tmp/xdg-elsewhere"])
def test_default_paths_are_where_platformdirs_puts_them(
    home: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    from tui.core.config import default_config_path, default_data_dir

    monkeypatch.setenv("XDG_CONFIG_HOME", home)
    monkeypatch.setenv("XDG_DATA_HOME", home)
    assert default_config_path() == Path(platformdirs.user_config_dir("inbox-tui")) / "config.toml"
    assert default_data_dir() == Path(platformdirs.user_data_dir("inbox-tui"))
