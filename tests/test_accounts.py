"""Several accounts (#38), first step: [[accounts]] in the config file, one of them opened by
--account, INBOX_TUI_ACCOUNT or the one last used; each its own key, settings and stores; the
demo's two teams as two accounts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.app_helpers import settle
from tui.backend import make_backend
from tui.core.config import DEMO_ACCOUNTS, ConfigError, Overrides, load_settings
from tui.core.preferences import Preferences
from tui.ui.app import InboxApp

TWO = """
requests_per_minute = 120
send_delay = 3

[[accounts]]
name = "Acme"
api_key = "acme-key-0123456789"

[[accounts]]
name = "Beta Agency"
api_key_env = "BETA_INBOX_KEY"
api_version = "v1"
requests_per_minute = 60
mirror = "off"
"""


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def env_for(tmp_path: Path, **more: str) -> dict[str, str]:
    return {"INBOX_TUI_DATA_DIR": str(tmp_path / "data"), **more}


def test_the_first_account_opens_with_the_files_settings_and_its_own(tmp_path: Path) -> None:
    settings = load_settings(config(tmp_path, TWO), env=env_for(tmp_path))
    assert settings.account == "Acme" and settings.accounts == ("Acme", "Beta Agency")
    assert settings.api_key is not None
    assert settings.api_key.get_secret_value() == "acme-key-0123456789"
    assert (settings.requests_per_minute, settings.send_delay) == (120, 3)  # the file's


def test_an_account_is_chosen_by_flag_or_environment_in_any_case(tmp_path: Path) -> None:
    path = config(tmp_path, TWO)
    env = env_for(tmp_path, BETA_INBOX_KEY="beta-key-9876543210")
    beta = load_settings(path, env=env, overrides=Overrides(account="beta agency"))
    assert beta.account == "Beta Agency"
    assert beta.api_key is not None and beta.api_key.get_secret_value() == "beta-key-9876543210"
    # Its own settings over the file's; the file's where it says nothing.
    assert (beta.api_version, beta.requests_per_minute, beta.mirror) == ("v1", 60, "off")
    assert beta.send_delay == 3
    by_env = load_settings(path, env={**env, "INBOX_TUI_ACCOUNT": "Beta Agency"})
    assert by_env.account == "Beta Agency"
    acme = load_settings(path, env=env, overrides=Overrides(account="Acme"))
    # Each account's caches and writing apart: the scope is its key's digest, never the key.
    assert beta.cache_scope != acme.cache_scope
    assert "beta-key" not in beta.cache_scope and "acme-key" not in acme.cache_scope


def test_the_account_last_used_opens_unless_another_is_asked_for(tmp_path: Path) -> None:
    path = config(tmp_path, TWO)
    env = env_for(tmp_path, BETA_INBOX_KEY="beta-key-9876543210")
    Preferences(tmp_path / "data").remember_account("Beta Agency")
    assert load_settings(path, env=env).account == "Beta Agency"
    assert load_settings(path, env=env, overrides=Overrides(account="Acme")).account == "Acme"
    Preferences(tmp_path / "data").remember_account("Gone Since")  # removed from the file
    assert load_settings(path, env=env).account == "Acme"


def test_every_problem_in_every_account_is_one_error(tmp_path: Path) -> None:
    path = config(
        tmp_path,
        """
[[accounts]]
name = "Acme"
api_key = "acme-key-0123456789"
requests_per_minute = 900
theme = "nord"

[[accounts]]
name = "acme"
api_key = "k"
api_key_env = "ALSO"

[[accounts]]
api_key_env = "not a variable"
colour = "blue"
""",
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(path, env=env_for(tmp_path))
    message = str(raised.value)
    for expected in (
        "accounts.0.requests_per_minute: must be from 1 to 300",
        "accounts.0.theme: is the app's, not an account's",
        "accounts.1.name: 'acme' names another account too",
        "accounts.1.api_key: set api_key or api_key_env, not both",
        "accounts.2.name: needed",
        "accounts.2.api_key_env: must name an environment variable",
        "accounts.2.colour: unknown setting",
    ):
        assert expected in message
    assert "acme-key-0123456789" not in message  # what a value must be, never what it is


def test_an_unknown_account_or_a_missing_key_variable_says_so(tmp_path: Path) -> None:
    path = config(tmp_path, TWO)
    with pytest.raises(ConfigError, match="no account named 'Gamma': the accounts are 'Acme'"):
        load_settings(path, env=env_for(tmp_path), overrides=Overrides(account="Gamma"))
    with pytest.raises(ConfigError, match="BETA_INBOX_KEY is not set"):
        load_settings(path, env=env_for(tmp_path), overrides=Overrides(account="Beta Agency"))
    alone = config(tmp_path, 'api_key = "only-key-0123456789"\n')
    with pytest.raises(ConfigError, match=r"no \[\[accounts\]\] are configured"):
        load_settings(alone, env=env_for(tmp_path), overrides=Overrides(account="Acme"))


def test_the_single_key_config_is_one_unnamed_account(tmp_path: Path) -> None:
    settings = load_settings(
        config(tmp_path, 'api_key = "only-key-0123456789"\n'), env=env_for(tmp_path)
    )
    assert settings.account == "" and settings.accounts == ()
    assert settings.api_key is not None


def test_the_demo_has_two_teams_as_two_accounts(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    first = load_settings(tmp_path / "none.toml", env=env, overrides=Overrides(demo=True))
    assert first.accounts == DEMO_ACCOUNTS and first.account == "Acme Corp"
    second = load_settings(
        tmp_path / "none.toml", env=env, overrides=Overrides(demo=True, account="northwind labs")
    )
    assert (second.account, second.demo_team) == ("Northwind Labs", 2)
    assert first.cache_scope != second.cache_scope  # drafts and caches never cross
    with pytest.raises(ConfigError, match="no account named 'Gamma' in the demo"):
        load_settings(tmp_path / "none.toml", env=env, overrides=Overrides(account="Gamma"))


async def test_each_demo_team_is_its_own_inbox_named_in_the_header(tmp_path: Path) -> None:
    env = env_for(tmp_path)
    seen = {}
    for name in DEMO_ACCOUNTS:
        settings = load_settings(
            tmp_path / "none.toml", env=env, overrides=Overrides(demo=True, account=name)
        )
        settings.mirror = "off"
        app = InboxApp(settings, backend=make_backend(settings))
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            badge = str(app.backend_badge.render())
            assert badge.startswith(f"{name} · demo data")
            team = await app.client.get_team()
            links = set(app.directory.account_links)
            people = {t.prospect.display_name for t in app.thread_list.threads[:20]}
            seen[name] = (team.name, links, people)
        # The one last opened is remembered (the next start opens it).
        assert Preferences(tmp_path / "data").account == name
    (acme_team, acme_links, acme_people), (beta_team, beta_links, beta_people) = seen.values()
    assert acme_team.startswith("Acme Corp") and beta_team.startswith("Northwind Labs")
    assert not acme_links & beta_links and acme_people != beta_people


def test_account_flag_on_the_command_line(tmp_path: Path) -> None:
    """`--version` runs the whole config path: a bad account name is a clear error, exit 2."""
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--demo", "--account", "Nobody", "--version"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "INBOX_TUI_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 2
    assert "no account named 'Nobody' in the demo" in done.stderr
    assert "Traceback" not in done.stderr


def test_demo_server_serves_each_team_under_its_own_key() -> None:
    import httpx

    from tests.servers import demo_server

    with demo_server() as (base_v1, _proc):
        base = base_v1.removesuffix("/v1") + "/v2"
        names, links = {}, {}
        for key in ("demo", "demo-2"):
            headers = {"Authorization": f"Bearer {key}"}
            names[key] = httpx.get(f"{base}/team", headers=headers).json()["name"]
            listed = httpx.get(f"{base}/account-links", headers=headers).json()
            links[key] = {link["id"] for link in listed["data"]}
        refused = httpx.get(f"{base}/team", headers={"Authorization": "Bearer demo-3"})
    assert names == {"demo": "Acme Corp (demo)", "demo-2": "Northwind Labs (demo)"}
    assert links["demo"] and not links["demo"] & links["demo-2"]
    assert refused.status_code == 401


def test_a_named_account_without_a_key_is_an_error_and_its_key_lives_in_the_keyring(
    tmp_path: Path,
) -> None:
    import keyring

    from tests.test_secrets import MemoryKeyring
    from tui.core.config import store_in_keyring

    path = config(tmp_path, '[[accounts]]\nname = "Acme"\n\n[[accounts]]\nname = "Solo"\n')
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        # No key anywhere: an error that says how to give one, not the demo in its name.
        with pytest.raises(ConfigError, match=r"'Solo' has no API key.*set-key --keyring"):
            load_settings(path, env=env_for(tmp_path), overrides=Overrides(account="Solo"))
        # `set-key` itself may load it (it is how the key gets there).
        keyless = Overrides(account="Solo", key_needed=False)
        assert load_settings(path, env=env_for(tmp_path), overrides=keyless).account == "Solo"
        assert store_in_keyring("solo-key-0123456789", "Solo")
        assert store_in_keyring("unnamed-key-0123456789")  # the one unnamed account's
        solo = load_settings(path, env=env_for(tmp_path), overrides=Overrides(account="Solo"))
        assert solo.api_key is not None
        assert solo.api_key.get_secret_value() == "solo-key-0123456789"  # its own, not another's
        with pytest.raises(ConfigError, match="'Acme' has no API key"):
            load_settings(path, env=env_for(tmp_path), overrides=Overrides(account="Acme"))
    finally:
        keyring.set_keyring(previous)


# --- the other accounts, watched ------------------------------------------------------------


def watched_app(*others: str):  # type: ignore[no-untyped-def]
    """The demo's Acme Corp on screen, and `others` configured beside it: each watched over a
    demo team of its own, whose store the test drives."""
    from tests.app_helpers import make_app
    from tui.api import RetryPolicy
    from tui.backend import demo_backend
    from tui.core.config import Settings
    from tui.demo import DemoApi, DemoStore, SeedConfig
    from tui.demo.seed import NORTHWIND

    app, _api = make_app(40, account="Acme Corp", accounts=("Acme Corp", *others))
    apis = {name: DemoApi(DemoStore(SeedConfig(threads=30, team=NORTHWIND))) for name in others}
    app.accounts.settings_of = lambda name: Settings(demo=True, account=name, demo_team=2)
    # (Retried at once: a watched account's outage is the point, not the client's patience.)
    fast = RetryPolicy(base_delay=0.01, max_delay=0.05)
    app.accounts.connect = lambda settings: demo_backend(apis[settings.account], retry=fast)
    return app, apis


async def test_a_dm_in_another_account_notifies_and_is_counted_in_the_title() -> None:
    app, apis = watched_app("Northwind Labs")
    store = apis["Northwind Labs"].store
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        watched = app.accounts.watched["Northwind Labs"]
        app.accounts.watch_due()  # the first read learns where its log ends: no news
        await settle(pilot)
        assert watched.seq is not None and watched.new == 0
        thread = store.seeded.threads[3]
        store.receive_message(thread, "Can we move our call to Friday?")
        watched.next_at = 0
        app.accounts.watch_due()
        await settle(pilot)
        assert watched.new == 1
        assert app.window_title.text.endswith("Northwind Labs 1")
        toasts = [(n.title, n.message) for n in app._notifications]
        said = (
            "Northwind Labs · another account",
            f"{thread.prospect.display_name}: Can we move our call to Friday?",
        )
        assert said in toasts
        assert any("Northwind Labs" in sent for sent in app.desktop_notice.sent) or (
            "bell" in app.desktop_notice.sent
        )
        # Ours, sent from there, is not news; nor is a read with nothing new.
        requests_before = len(apis["Northwind Labs"].request_log)
        watched.next_at = 0
        app.accounts.watch_due()
        await settle(pilot)
        assert watched.new == 1
        assert len(apis["Northwind Labs"].request_log) - requests_before == 1  # the log only


async def test_one_accounts_outage_leaves_the_others_watched() -> None:
    from tui.demo import Fault

    app, apis = watched_app("Northwind Labs", "Down Inc")
    apis["Down Inc"].faults.add(Fault(status=500), times=1000)  # its service is down
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        for _ in range(2):
            for watched in app.accounts.watched.values():
                watched.next_at = 0
            app.accounts.watch_due()
            await settle(pilot)
        store = apis["Northwind Labs"].store
        store.receive_message(store.seeded.threads[5], "Still on for tomorrow?")
        for watched in app.accounts.watched.values():
            watched.next_at = 0
        app.accounts.watch_due()
        await settle(pilot)
        down, up = app.accounts.watched["Down Inc"], app.accounts.watched["Northwind Labs"]
        assert up.new == 1 and down.failures >= 2 and down.next_at > 0
        warnings = [n.message for n in app._notifications if "Down Inc" in n.message]
        assert len(warnings) == 1  # said once, not at every try
        assert "not being watched" in warnings[0]
        assert app.status_line.text  # the account on screen is untouched


def test_a_demo_team_nobody_has_listed_still_receives_dms() -> None:
    """The watched demo team's store is lazy and its list is never read: DMs arrive anyway,
    as they do at the service."""
    from datetime import timedelta

    from tests.conftest import ANCHOR
    from tui.demo import DemoStore, SeedConfig
    from tui.demo.seed import NORTHWIND

    now = [ANCHOR]
    store = DemoStore(
        SeedConfig(threads=300, lazy=True, inbound_every=40.0, team=NORTHWIND, anchor=ANCHOR),
        clock=lambda: now[0],
    )
    store.simulate_activity()  # the first call sets when the first DM is due
    before = store.events.last_seq
    now[0] += timedelta(seconds=41)
    store.simulate_activity()
    assert store.events.last_seq == before + 1


async def test_drafts_and_reminders_never_cross_accounts(tmp_path: Path) -> None:
    """Two accounts on one data folder (the demo's two teams): what is written in one is not
    seen in the other, in the app or in its store, and is there again when it is reopened."""
    from datetime import UTC, datetime, timedelta

    from tui.core.reminders import Reminder

    now = datetime.now(UTC)

    env = env_for(tmp_path)

    def settings_for(name: str):  # type: ignore[no-untyped-def]
        settings = load_settings(
            tmp_path / "none.toml", env=env, overrides=Overrides(demo=True, account=name)
        )
        settings.mirror = "off"
        return settings

    async def visit(name: str, write: bool) -> tuple[set[str], set[str]]:
        settings = settings_for(name)
        app = InboxApp(settings, backend=make_backend(settings))
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            seen = (app.drafts.thread_ids(), app.reminders.store.pending_ids())
            if write:
                top = app.thread_list.threads[0]
                app.drafts.put(top.id, f"a draft in {name}")
                app.reminders.store.put(
                    Reminder(top.id, now + timedelta(days=30), now, name, "@x", None)
                )
        return seen

    assert await visit("Acme Corp", write=True) == (set(), set())
    assert await visit("Northwind Labs", write=False) == (set(), set())  # nothing of Acme's
    assert await visit("Northwind Labs", write=True) == (set(), set())
    acme_drafts, acme_reminders = await visit("Acme Corp", write=False)
    assert len(acme_drafts) == 1 and len(acme_reminders) == 1  # its own, kept
    stores = sorted(p.name for p in (tmp_path / "data" / "writing").glob("*.sqlite3"))
    assert stores == ["demo-v2-300.sqlite3", "demo2-v2-300.sqlite3"]
