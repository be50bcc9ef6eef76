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
from tui.ui.widgets.footer import KeyFooter

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

    app, acme = make_app(40, account="Acme Corp", accounts=("Acme Corp", *others))
    apis = {name: DemoApi(DemoStore(SeedConfig(threads=30, team=NORTHWIND))) for name in others}
    apis["Acme Corp"] = acme  # (the one on screen)
    app.accounts.settings_of = lambda name: Settings(demo=True, account=name, demo_team=2)
    # (Retried at once: a watched account's outage is the point, not the client's patience.)
    fast = RetryPolicy(base_delay=0.01, max_delay=0.05)
    app.accounts.connect = lambda settings: demo_backend(apis[settings.account], retry=fast)
    return app, apis


async def read_now(pilot) -> None:  # type: ignore[no-untyped-def]
    """Every watched account read now, not at its next minute."""
    accounts = pilot.app.accounts
    for watched in accounts.watched.values():
        watched.next_at = 0
    accounts.watch_due()
    await settle(pilot)


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
        await read_now(pilot)
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
        await read_now(pilot)
        assert watched.new == 1
        assert len(apis["Northwind Labs"].request_log) - requests_before == 1  # the log only


async def test_one_accounts_outage_leaves_the_others_watched() -> None:
    from tui.demo import Fault

    app, apis = watched_app("Northwind Labs", "Down Inc")
    apis["Down Inc"].faults.add(Fault(status=500), times=1000)  # its service is down
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        for _ in range(2):
            await read_now(pilot)
        store = apis["Northwind Labs"].store
        store.receive_message(store.seeded.threads[5], "Still on for tomorrow?")
        await read_now(pilot)
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


# --- switching ------------------------------------------------------------------------------


def demo_account(tmp_path: Path, name: str):  # type: ignore[no-untyped-def]
    settings = load_settings(
        tmp_path / "none.toml", env=env_for(tmp_path), overrides=Overrides(demo=True, account=name)
    )
    settings.mirror = "off"
    return settings


async def test_the_switch_key_leaves_for_the_other_account_and_comes_back_as_left(
    tmp_path: Path,
) -> None:
    """Acme: the No reply view, a conversation open, a reply half typed. A shows Northwind
    Labs (its own inbox, named in the header); A again shows Acme exactly as it was: the same
    screen, view, cursor, conversation and typed text."""
    from tui.core.query import InboxView
    from tui.ui.widgets.view_tabs import ViewTabs

    acme = demo_account(tmp_path, "Acme Corp")
    app = InboxApp(acme, backend=make_backend(acme))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # the No reply view
        await settle(pilot)
        await pilot.press("j", "j", "enter")  # a conversation open
        await settle(pilot)
        opened = app.message_view.thread
        assert opened is not None
        await pilot.press("r", *"half a thought")
        acme_screen = app.account
        await pilot.press("escape")
        app.thread_list.focus()
        await pilot.press("A")  # two accounts: straight to the other
        await settle(pilot)
        await settle(pilot)
        assert app.account is not acme_screen and app.screen is app.account
        assert app.account.settings.account == "Northwind Labs"
        assert "Northwind Labs" in str(app.backend_badge.render())
        northwind_ids = {t.id for t in app.thread_list.threads}
        assert northwind_ids and opened.id not in northwind_ids
        assert app.thread_query.inbox is InboxView.DEFAULT  # its own view, not Acme's

        app.thread_list.focus()
        await pilot.press("A")  # back: the same screen, as it was left
        await pilot.pause()
        assert app.account is acme_screen and app.screen is acme_screen
        assert app.thread_query.inbox is InboxView.NO_REPLY
        assert app.view_tabs.active == ViewTabs.tab_id(InboxView.NO_REPLY)
        current = app.thread_list.current
        assert current is not None and current.id == opened.id
        assert app.message_view.thread is not None and app.message_view.thread.id == opened.id
        assert app.composer.input.text == "half a thought"
        assert "Acme Corp" in str(app.backend_badge.render())


async def test_with_more_accounts_the_key_opens_a_picker_and_one_account_has_no_switch(
    tmp_path: Path,
) -> None:
    from tests.app_helpers import make_app
    from tui.ui.screens.pickers import PickerScreen

    app, _ = make_app(40, account="Acme", accounts=("Acme", "Beta", "Gamma"))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.accounts.watched["Gamma"].new = 2
        app.thread_list.focus()
        await pilot.press("A")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        labels = [label.plain for _value, label in app.screen.options]
        assert labels == ["Beta", "Gamma  (2 new)"]
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "Switch to account: Beta" in commands and "Switch to account: Gamma" in commands
        await pilot.press("escape")
        await pilot.press("question_mark")
        await pilot.pause()
        assert "Switch to another account" in help_text(app)
    alone, _ = make_app(40)
    async with alone.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        alone.thread_list.focus()
        await pilot.press("A")
        await settle(pilot)
        assert alone.accounts.check_action("switch_account", ()) is False
        assert "Account" not in str(alone.screen.query_one(KeyFooter).render_line(0).text)
        commands = [c.title for c in alone.get_system_commands(alone.screen)]
        assert not any(c.startswith("Switch to account") for c in commands)
        await pilot.press("question_mark")
        await pilot.pause()
        shown = help_text(alone)
        assert "Export the current view" in shown and "Switch to another account" not in shown


def help_text(app: InboxApp) -> str:
    """What the help screen on top lists."""
    from tui.ui.screens.help import HelpScreen, KeymapTable

    assert isinstance(app.screen, HelpScreen)
    table = KeymapTable(app.screen.overrides, app.screen.refused, app.screen.absent)
    return "".join(segment.text for segment in app.console.render(table))


# --- after the review ---------------------------------------------------------------------


def test_keys_meant_for_one_account_never_reach_another(tmp_path: Path) -> None:
    """A top-level api_key, or INBOX_API_KEY left over from single-key days, would open (and
    watch) another team under an account's name: refused, saying what to do."""
    top = config(tmp_path, 'api_key = "old-single-key-0123"\n' + TWO)
    with pytest.raises(ConfigError, match="api_key: with \\[\\[accounts\\]\\], each account"):
        load_settings(top, env=env_for(tmp_path))
    path = config(tmp_path, TWO)
    env = env_for(tmp_path, INBOX_API_KEY="left-over-key-0123456")
    with pytest.raises(ConfigError, match="INBOX_API_KEY: is set, and \\[\\[accounts\\]\\]"):
        load_settings(path, env=env)
    named = load_settings(path, env=env, overrides=Overrides(account="Acme"))  # meant for it
    assert named.api_key is not None
    assert named.api_key.get_secret_value() == "left-over-key-0123456"


def test_an_accounts_own_demo_or_the_runs_demo(tmp_path: Path) -> None:
    from tui.core.config import other_account

    path = config(
        tmp_path,
        '[[accounts]]\nname = "Play"\ndemo = true\n\n'
        '[[accounts]]\nname = "Real"\napi_key = "real-key-0123456789"\n',
    )
    play = load_settings(path, env=env_for(tmp_path), overrides=Overrides(account="Play"))
    real = other_account(play, "Real", env=env_for(tmp_path))
    assert play.use_demo and not real.use_demo  # its own demo is its own
    # --demo with [[accounts]]: every account a demo, each with stores of its own.
    run = load_settings(path, env=env_for(tmp_path), overrides=Overrides(demo=True))
    other = other_account(run, "Real", env=env_for(tmp_path))
    assert run.use_demo and other.use_demo
    assert run.cache_scope != other.cache_scope


def test_set_key_takes_the_account_after_the_command_too() -> None:
    from tui.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["set-key", "--account", "Beta", "--keyring"]).account == "Beta"
    assert parser.parse_args(["--account", "Beta", "set-key", "--keyring"]).account == "Beta"


def test_a_config_file_holding_an_accounts_key_must_be_private(tmp_path: Path) -> None:
    from tui.core.config import config_warnings

    path = config(tmp_path, TWO)
    path.chmod(0o644)
    assert any("chmod 600" in warning for warning in config_warnings(path))


async def test_v1_our_own_messages_are_never_news_even_after_a_failed_first_read() -> None:
    """v1 says who wrote by author only: the account links are read again until known, and a
    message sent from one of them (from the web app, say) is not a new DM."""
    from tests.app_helpers import make_app
    from tui.api import RetryPolicy
    from tui.backend import demo_backend
    from tui.core.config import Settings
    from tui.demo import DemoApi, DemoStore, Fault, SeedConfig
    from tui.demo.seed import NORTHWIND

    app, _ = make_app(40, account="Acme Corp", accounts=("Acme Corp", "Northwind Labs"))
    api = DemoApi(DemoStore(SeedConfig(threads=30, team=NORTHWIND)))
    fast = RetryPolicy(max_attempts=1)
    app.accounts.settings_of = lambda name: Settings(demo=True, account=name, demo_team=2)
    app.accounts.connect = lambda _settings: demo_backend(api, "v1", retry=fast)
    store = api.store
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        watched = app.accounts.watched["Northwind Labs"]

        api.faults.add(Fault(status=500))  # the account links cannot be read, once
        await read_now(pilot)
        assert watched.failures == 1 and not watched.link_ids
        await read_now(pilot)  # links, and where the log ends
        assert watched.link_ids and watched.seq is not None
        thread = next(t for t in store.seeded.threads if t.status == "active")
        store.send_message(thread, "our reply, sent from the web app", None, None)
        await read_now(pilot)
        assert watched.new == 0
        for n in range(5):  # five people write within the minute: all counted
            store.receive_message(store.seeded.threads[5 + n], f"hello {n}")
        await read_now(pilot)
        assert watched.new == 5
        assert app.window_title.text.endswith("Northwind Labs 5")


async def test_a_switch_moves_the_watch_and_the_account_left_catches_up_on_return() -> None:
    """Acme on screen watching Beta and Gamma; a DM in Gamma; a switch to Beta: Gamma's count
    and its log's position go on, Beta is on screen over the watch's own connection (one
    connection, one store), and Acme, just left, is watched from where its live updates were.
    A DM in Acme meanwhile is said once, as another account's; back in Acme it is in the list,
    without a second toast."""
    from tests.app_helpers import until

    app, apis = watched_app("Beta", "Gamma")
    app.account_settings = app.accounts.settings_of  # (Beta is opened over its demo team)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        app.account.live.poll_now()  # where Acme's log ends
        await read_now(pilot)  # and each watched one's
        gamma_store = apis["Gamma"].store
        gamma_store.receive_message(gamma_store.seeded.threads[4], "ping")
        await read_now(pilot)
        gamma = app.accounts.watched["Gamma"]
        assert gamma.new == 1
        beta_connection = app.accounts.watched["Beta"].backend
        acme_seq = app.account.live.event_seq
        assert beta_connection is not None and acme_seq is not None
        acme_screen = app.account

        app.switch_account("Beta")
        await settle(pilot)
        await settle(pilot)
        assert app.account.settings.account == "Beta"
        assert app.account.backend is beta_connection  # the watch's, handed over
        assert "Beta" not in app.accounts.watched
        assert app.accounts.watched["Gamma"] is gamma and gamma.new == 1
        acme = app.accounts.watched["Acme Corp"]
        assert acme.seq == acme_seq and acme.backend is acme_screen.backend and acme.borrowed
        assert app.window_title.text.endswith("Gamma 1")

        # Away, Acme's own polling and mirror walk rest: only the watch reads its log.
        acme_log = apis["Acme Corp"].request_log
        before = len(acme_log)
        acme_screen.live._next_poll = 0
        acme_screen.live._poll_tick()
        acme_screen.mirror._last_input = 0  # (long idle: only resting keeps the walk back)
        assert acme_screen.mirror.paused and not acme_screen.mirror._may_walk()
        await settle(pilot)
        assert len(acme_log) == before

        # A DM in Acme, now not on screen: said once, naming the account.
        acme_store = apis["Acme Corp"].store
        thread = acme_store.seeded.threads[7]
        acme_store.receive_message(thread, "are you there?")
        await read_now(pilot)
        assert acme.new == 1
        said = [n for n in app._notifications if "Acme Corp · another account" in n.title]
        assert len(said) == 1

        # A second DM, which the watch has not read yet when Acme is shown again: its live
        # updates say it (only what the watch said is not said again).
        later = acme_store.seeded.threads[9]
        acme_store.receive_message(later, "one more thing")
        app.thread_list.focus()
        returned_at = len(acme_log)
        await pilot.press("A")  # the picker: three accounts
        await settle(pilot)
        await pilot.press("enter")  # Acme Corp, first
        assert await until(pilot, lambda: app.account is acme_screen)
        await settle(pilot)
        assert "Acme Corp" not in app.accounts.watched and "Beta" in app.accounts.watched
        assert await until(pilot, lambda: len(acme_log) > returned_at)  # its own polling again
        row = app.thread_list.threads.find(thread.id)
        assert row is not None and row.last_message is not None
        assert row.last_message.content == "are you there?"
        toasts = [n for n in app._notifications if "are you there?" in n.message]
        assert len(toasts) == 1  # the watch's; the catch-up said nothing more
        assert await until(
            pilot, lambda: any("one more thing" in n.message for n in app._notifications)
        )


async def test_a_message_leaving_goes_while_another_account_is_on_screen(
    tmp_path: Path,
) -> None:
    """Send, then A at once (the message still waiting out its undo delay): the other account
    is shown, the message leaves all the same, and is in the conversation on return."""
    from dataclasses import replace

    from tests.app_helpers import make_app, until
    from tests.test_actions import open_thread

    app, api = make_app(
        40, data_dir=tmp_path, send_delay=1, account="Acme", accounts=("Acme", "Beta")
    )
    app.account_settings = lambda name: replace(app.settings, account=name, demo_team=2)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: True)
        opened = app.message_view.thread
        assert opened is not None
        sent = sum(1 for method, _ in api.request_log if method == "POST")
        await pilot.press("r", *"On my way", "ctrl+s", "escape")
        app.thread_list.focus()
        await pilot.press("A")
        await pilot.pause()
        assert app.account.settings.account == "Beta"
        assert await until(
            pilot, lambda: sum(1 for m, _ in api.request_log if m == "POST") > sent, 30
        )
        await settle(pilot)
        app.thread_list.focus()
        await pilot.press("A")
        await settle(pilot)
        assert app.account.settings.account == "Acme"
        assert app.message_view.thread is not None and app.message_view.thread.id == opened.id
        shown = [m for m in app.message_view.messages if m.content == "On my way"]
        assert len(shown) == 1


def test_the_runs_accounts_keep_the_opened_ones_settings_and_read_the_others_once(
    tmp_path: Path,
) -> None:
    """Opened with its key in INBOX_API_KEY (named with --account): switching back to it, or
    watching it from another, uses that key, not the file's (which has none for it)."""
    from tui.core.config import RunAccounts

    path = config(tmp_path, TWO.replace('api_key = "acme-key-0123456789"\n', ""))
    env = env_for(tmp_path, INBOX_API_KEY="acme-from-env-0123", BETA_INBOX_KEY="beta-key-0123456")
    opened = load_settings(path, env=env, overrides=Overrides(account="Acme"))
    accounts = RunAccounts(opened, env)
    assert accounts("Acme") is opened
    beta = accounts("Beta Agency")
    assert beta.api_key is not None and beta.api_key.get_secret_value() == "beta-key-0123456"
    assert accounts("Beta Agency") is beta  # read once


async def test_an_account_away_says_whose_its_toasts_are_and_keeps_its_dialogs(
    tmp_path: Path,
) -> None:
    """A send that fails while another account is on screen: its toast names the account; a
    dialog it opens meanwhile waits for it to be on screen (answered there, for it)."""
    from dataclasses import replace

    from tests.app_helpers import make_app, until
    from tests.test_actions import open_thread
    from tui.demo import Fault
    from tui.ui.screens.pickers import ConfirmScreen

    app, api = make_app(
        40,
        data_dir=tmp_path,
        send_delay=1,
        fast_retry=True,
        account="Acme",
        accounts=("Acme", "Beta"),
    )
    app.account_settings = lambda name: replace(app.settings, account=name, demo_team=2)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: True)
        api.faults.add(Fault(status=400, method="POST", path_prefix="/messages"), times=5)
        await pilot.press("r", *"This will fail", "ctrl+s", "escape")
        acme = app.account
        app.thread_list.focus()
        await pilot.press("A")
        await settle(pilot)
        assert app.account.settings.account == "Beta"
        assert await until(
            pilot, lambda: any("Acme · another account" in n.title for n in app._notifications)
        )
        acme.push_screen(ConfirmScreen("Acme's question", "?", [("ok", "OK", "primary")]))
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)  # not over Beta's inbox
        app.thread_list.focus()
        await pilot.press("A")
        await pilot.pause()
        assert app.account is acme and isinstance(app.screen, ConfirmScreen)
        assert app.screen_stack[0] is acme


async def test_each_accounts_saved_view_keys_open_its_own_views(tmp_path: Path) -> None:
    """Both accounts give ctrl+y a view of their own: in each, it opens that account's."""
    from dataclasses import replace

    from tests.app_helpers import make_app
    from tui.core.query import InboxView
    from tui.core.saved_views import ViewSpec

    app, _ = make_app(
        40,
        data_dir=tmp_path,
        account="Acme",
        accounts=("Acme", "Beta"),
        views=[ViewSpec(name="Acme waiting", view="no-reply", key="ctrl+y")],
    )
    beta_views = [ViewSpec(name="Beta requests", view="requests", key="ctrl+y")]
    app.account_settings = lambda name: replace(
        app.settings, account=name, demo_team=2, views=beta_views
    )
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.thread_query.inbox is InboxView.NO_REPLY
        app.switch_account("Beta")
        await settle(pilot)
        await settle(pilot)
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.account.settings.account == "Beta"
        assert app.thread_query.inbox is InboxView.REQUESTS
        assert app.saved_views.saved_view_shown() == "Beta requests"


async def test_a_watch_read_begun_before_a_switch_is_dropped() -> None:
    """A read of Beta's log still under way when Beta is shown (and left again) answers
    late: it is not counted or said again by Beta's new watch."""
    from tui.ui.features.accounts import AccountNews, News

    app, _apis = watched_app("Beta")
    app.account_settings = app.accounts.settings_of
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        old = app.accounts.watched["Beta"]
        app.switch_account("Beta")
        await settle(pilot)
        app.switch_account("Acme Corp")
        await settle(pilot)
        new = app.accounts.watched["Beta"]
        assert new is not old
        stale = News("t1", "Someone", "said before")
        app.accounts.post_message(AccountNews("Beta", [stale], old))
        await settle(pilot)
        assert new.new == 0
        assert not any("said before" in n.message for n in app._notifications)
        app.accounts.post_message(AccountNews("Beta", [stale], new))  # (the current one's)
        await settle(pilot)
        assert new.new == 1


def test_notifications_are_the_apps_not_an_accounts(tmp_path: Path) -> None:
    path = config(
        tmp_path,
        """
        [[accounts]]
        name = "Acme"
        api_key = "k-acme-0123456789"
        notifications = "off"
        """,
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(path, env=env_for(tmp_path))
    assert "accounts.0.notifications" in str(raised.value)
