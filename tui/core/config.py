"""Settings: a TOML file in the platform config dir, overridden by environment variables,
overridden by command-line flags. Invalid settings raise ConfigError with a readable message."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any, NamedTuple

from tui.core.api_versions import DEFAULT_API_VERSION, ApiVersion, default_base_url, parse_version
from tui.core.checks import (
    Invalid,
    Problems,
    Table,
    flag,
    number,
    one_of,
    optional,
    path,
    short_text,
    text,
    text_map,
    texts,
    whole,
)
from tui.core.saved_views import ViewSpec, read_view
from tui.core.scoring import ScoreWeights
from tui.core.secrets import Secret, readable_by_others, register_secret
from tui.core.snippets import Snippet, read_snippet

APP_NAME = "inbox-tui"

ENV_API_KEY = "INBOX_API_KEY"
ENV_API_URL = "INBOX_API_URL"
ENV_API_VERSION = "INBOX_API_VERSION"
ENV_CONFIG = "INBOX_TUI_CONFIG"
ENV_DATA_DIR = "INBOX_TUI_DATA_DIR"
ENV_ACCOUNT = "INBOX_TUI_ACCOUNT"
ENV_RELAY_URL = "INBOX_TUI_RELAY_URL"
ENV_RELAY_TOKEN = "INBOX_TUI_RELAY_TOKEN"

# What belongs to the app, not to one team: set at the top of the file, never in [[accounts]].
APP_WIDE = (
    "data_dir",
    "keys",
    "theme",
    "inline_images",
    "download_dir",
    "export_dir",
    "snippets",
    "notifications",  # (one terminal: its notices are the app's)
)
# The demo's teams, as accounts: `inbox-tui --demo` with no [[accounts]] offers both.
DEMO_ACCOUNTS = ("Acme Corp", "Northwind Labs")


KEYRING_SERVICE = "inbox-tui"
KEYRING_USER = "api_key"


def keyring_user(account: str = "") -> str:
    """Whose key it is in the keyring: the unnamed account's, or a named one's."""
    return f"{KEYRING_USER}:{account}" if account else KEYRING_USER


def keyring_key(account: str = "") -> str | None:
    """The key from the OS keyring, where the `keyring` package and a backend are available."""
    try:
        import keyring
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_user(account))
    except Exception:
        return None


def store_in_keyring(key: str, account: str = "") -> bool:
    """Store the key in the OS keyring; False where there is none."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, keyring_user(account), key)
    except Exception:
        return False
    return True


class ConfigError(Exception):
    """A setting is wrong; the message says which and how to fix it."""


def _xdg_home(variable: str, fallback: str) -> Path | None:
    """On Linux, the XDG base directory (as platformdirs finds it, without importing it: ~6 ms
    of every start); None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    return Path(os.environ.get(variable, "").strip() or os.path.expanduser(fallback))


def default_config_path() -> Path:
    if (home := _xdg_home("XDG_CONFIG_HOME", "~/.config")) is not None:
        return home / APP_NAME / "config.toml"
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "config.toml"


def default_data_dir() -> Path:
    if (home := _xdg_home("XDG_DATA_HOME", "~/.local/share")) is not None:
        return home / APP_NAME
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME))


_DOCS_SCORING = ScoreWeights()


@dataclass
class ScoreSettings:
    """`[score]`: the lead score's weights and bio keywords (the docs' scoring by default)."""

    followers_100k: int = _DOCS_SCORING.followers_100k
    followers_10k: int = _DOCS_SCORING.followers_10k
    followers_1k: int = _DOCS_SCORING.followers_1k
    verified: int = _DOCS_SCORING.verified
    bio_keyword: int = _DOCS_SCORING.bio_keyword
    website: int = _DOCS_SCORING.website
    keywords: list[str] = field(default_factory=lambda: list(_DOCS_SCORING.keywords))


@dataclass
class CrmSettings:
    """`[crm]`: the CRM that `C` hands prospects to (05-crm-prospects-api)."""

    base_url: str | None = None  # e.g. "https://crm.example.com/api"; "demo" for the demo CRM
    api_key: Secret | None = None
    stage_map: dict[str, str] = field(default_factory=dict)  # status name -> CRM stageId
    pipeline_id: str | None = None  # used when no stage is mapped
    user_id: str | None = None  # sent as userId (who performs the write)

    @property
    def configured(self) -> bool:
        return bool(self.base_url)


@dataclass
class Settings:
    """Everything configurable. Field names are the TOML keys; `read_settings` checks them."""

    api_key: Secret | None = None
    # The Inbox API version spoken ("v2", the service's current one, or "v1"); the URL
    # follows it unless api_url says otherwise.
    api_version: ApiVersion = DEFAULT_API_VERSION
    api_url: str = default_base_url(DEFAULT_API_VERSION)
    # The team's relay (`inbox-tui relay`) and this person's token for it: with them, the app
    # reads and writes through the relay (API v2), needs no API key, and spends none of the
    # team's budget to read.
    relay_url: str = ""
    relay_token: Secret | None = None
    demo: bool = False
    demo_threads: int = 300  # 1 to 100,000
    demo_team: int = 1  # which of the demo's teams: 1 (Acme Corp) or 2 (Northwind Labs)
    # Share of the service's 300 requests a minute this client may use.
    requests_per_minute: int = 300
    timeout: float = 15.0
    page_size: int = 50  # 1 to 100
    # Campaigns have no API endpoint: names for the IDs seen on threads.
    campaigns: dict[str, str] = field(default_factory=dict)
    # Where drafts are kept (default: the platform's user data dir).
    data_dir: Path | None = None
    # Live updates: seconds between polls of the visible view and the open thread, and the
    # share of the service's 300 requests a minute that polling may spend.
    poll_interval: float = 15.0
    poll_share: float = 0.1
    # Seconds before a thread whose older messages are still importing is read again.
    sync_recheck: float = 4.0
    # Opening an unread thread marks it read (v2; undoable like any edit).
    mark_read_on_open: bool = True
    # A message arriving while the app is open: "desktop" (a notification through the
    # terminal, else the bell), "bell", or "off".
    notifications: str = "desktop"
    # The follow-up view (6): threads where we wrote last and they have been quiet this long.
    follow_up_after: timedelta = timedelta(days=3)
    # The local mirror (SQLite, for search inside every conversation): "on" or "off"; unset,
    # on with API v2 and off with v1. `mirror_share`: of the team's 300 requests a minute,
    # what its background walk may use.
    mirror: str | None = None
    mirror_share: float = 0.1
    # Seconds a sent message waits before it leaves, `u` bringing it back (0: at once).
    send_delay: float = 5.0
    # While a reply is typed, the other side sees it (where the thread allows it).
    typing_indicators: bool = True
    # Image attachments drawn in the message pane (Kitty graphics, else half-block cells).
    inline_images: bool = True
    # Where `w` saves attachments (default: the Downloads folder, else the data folder).
    download_dir: Path | None = None
    score: ScoreSettings = field(default_factory=ScoreSettings)
    # Saved views ([[views]]): named view + filters + account links + sort, in the header.
    views: list[ViewSpec] = field(default_factory=list)
    # Canned replies ([[snippets]]: name, body, optional key); more in snippets/ beside the
    # config file, one per .txt or .md file. ctrl+t in the composer inserts one.
    snippets: list[Snippet] = field(default_factory=list)
    # Your name, for {me} in snippets (on the demo, its user when unset).
    me: str = ""
    # Key overrides by binding id (see `?`): e.g. triage.done = "E,ctrl+d".
    keys: dict[str, str] = field(default_factory=dict)
    theme: str | None = None  # a Textual theme name; the last one chosen is remembered
    crm: CrmSettings = field(default_factory=CrmSettings)
    # Where the in-app export writes (default: the current directory).
    export_dir: Path | None = None
    # The demo's injected faults (see `inbox-tui demo-server --help`), for trying the app
    # against a flaky network: e.g. "429=0.1,5xx=0.1,drop=0.05".
    demo_faults: str = ""
    # The account these settings are ([[accounts]]: its name; "" for the one unnamed account)
    # and every account's name, in the file's order.
    account: str = ""
    accounts: tuple[str, ...] = ()
    from_tables: bool = False  # the accounts are the file's [[accounts]] (not the demo's teams)
    run_demo: bool = False  # the demo was asked for by the run or the file's top: every account's
    _path: Path | None = field(default=None, repr=False, compare=False)  # the file read

    @property
    def config_path(self) -> Path:
        return self._path or default_config_path()

    @property
    def snippets_dir(self) -> Path:
        """The folder of snippet files, beside the config file."""
        return self.config_path.parent / "snippets"

    def resolved_data_dir(self) -> Path:
        return self.data_dir or default_data_dir()

    def resolved_download_dir(self) -> Path:
        if self.download_dir is not None:
            return self.download_dir
        from platformdirs import user_downloads_path

        downloads = user_downloads_path()
        return downloads if downloads.is_dir() else self.resolved_data_dir() / "downloads"

    @property
    def mirror_enabled(self) -> bool:
        if self.mirror is not None:
            return self.mirror == "on"
        return self.api_version == "v2"

    @property
    def use_demo(self) -> bool:
        if self.demo:
            return True
        if self.relay_url:
            return False
        return self.api_key is None or not self.api_key.get_secret_value()

    @property
    def cache_scope(self) -> str:
        """Whose data the on-disk caches hold: one account (a digest of the URL and the key,
        never the key) or one demo size, so a cache never shows another account's threads."""
        if self.use_demo:
            team = "" if self.demo_team == 1 else str(self.demo_team)
            scope = f"demo{team}-{self.api_version}-{self.demo_threads}"
            if self.from_tables:  # [[accounts]] run on the demo: each its own stores
                scope += "-" + hashlib.sha256(self.account.encode()).hexdigest()[:8]
            return scope
        if self.relay_url:
            # The relay's copy of the team, whoever reads it: a new token (the relay's
            # person given again) keeps the mirror, drafts and replies written offline.
            digest = hashlib.sha256(self.relay_url.encode()).hexdigest()[:16]
            return f"relay-v2-{digest}"
        key = self.api_key.get_secret_value() if self.api_key else ""
        account = f"{self.api_version}\n{self.api_url}\n{key}"
        return f"api-{self.api_version}-" + hashlib.sha256(account.encode()).hexdigest()[:16]


def _secret(value: object) -> Secret:
    return Secret(text(value))


def _url(value: object) -> str:
    url = text(value)
    if not url.startswith(("http://", "https://")):
        raise Invalid("must start with http:// or https://")
    return url.rstrip("/")


def _faults(value: object) -> str:
    from tui.core.fault_rates import FaultRates

    spec = text(value)
    if spec:
        try:
            FaultRates.parse(spec)
        except ValueError as error:  # it says what is wrong
            raise Invalid(str(error)) from None
    return spec


def _span(value: object) -> timedelta:
    from tui.core.follow_up import parse_span

    try:
        return parse_span(text(value))
    except ValueError as error:  # it says what is accepted
        raise Invalid(str(error)) from None


def _version(value: object) -> ApiVersion:
    try:
        return parse_version(text(value))
    except ValueError:
        raise Invalid('must be "v2" or "v1"') from None


def _fields(kind: Any) -> set[str]:
    return {f.name for f in fields(kind) if not f.name.startswith("_")}


def _read_score(table: Table) -> ScoreSettings:
    table.reject_unknown(_fields(ScoreSettings))
    score, weight = ScoreSettings(), whole(0, 1000)
    return ScoreSettings(
        followers_100k=table.take("followers_100k", weight, score.followers_100k),
        followers_10k=table.take("followers_10k", weight, score.followers_10k),
        followers_1k=table.take("followers_1k", weight, score.followers_1k),
        verified=table.take("verified", weight, score.verified),
        bio_keyword=table.take("bio_keyword", weight, score.bio_keyword),
        website=table.take("website", weight, score.website),
        keywords=table.take("keywords", texts, score.keywords),
    )


def _read_crm(table: Table) -> CrmSettings:
    table.reject_unknown(_fields(CrmSettings))
    return CrmSettings(
        base_url=table.take("base_url", optional(text), None),
        api_key=table.take("api_key", optional(_secret), None),
        stage_map=table.take("stage_map", text_map, {}),
        pipeline_id=table.take("pipeline_id", optional(text), None),
        user_id=table.take("user_id", optional(text), None),
    )


def _entries(table: Table, kind: str) -> list[Table]:
    """Each table of the `[[kind]]` list, its problems reported with where it is."""
    entries = table.values.get(kind, [])
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        table.problems.append((kind, f"must be a list of tables ([[{kind}]])"))
        return []
    return [
        Table(entry, where=f"{kind}.{i}.", problems=table.problems)
        for i, entry in enumerate(entries)
    ]


def _read_views(table: Table) -> list[ViewSpec]:
    return [read_view(entry) for entry in _entries(table, "views")]


def _read_snippets(table: Table) -> list[Snippet]:
    snippets = []
    for entry in _entries(table, "snippets"):
        snippet = read_snippet(entry)
        if not snippet.name or not snippet.body:
            table.problems.append((entry.where.rstrip("."), "needs a name and a body"))
        snippets.append(snippet)
    return snippets


def read_settings(values: Mapping[str, Any], where: str = "") -> Settings:
    """Settings from the file's, environment's and flags' values, every field checked; raises
    Problems listing all that is wrong (each named `where` + its key)."""
    table = Table(values, where=where)
    table.reject_unknown(_fields(Settings) - {"account", "accounts", "from_tables", "run_demo"})
    default = Settings()
    version = table.take("api_version", _version, default.api_version)
    settings = Settings(
        api_key=table.take("api_key", optional(_secret), None),
        api_version=version,
        api_url=table.take("api_url", _url, "") or default_base_url(version),
        relay_url=table.take("relay_url", _url, "").removesuffix("/api/v2"),
        relay_token=table.take("relay_token", optional(_secret), None),
        demo=table.take("demo", flag, default.demo),
        demo_threads=table.take("demo_threads", whole(1, 100_000), default.demo_threads),
        demo_team=table.take("demo_team", whole(1, len(DEMO_ACCOUNTS)), default.demo_team),
        requests_per_minute=table.take(
            "requests_per_minute", whole(1, 300), default.requests_per_minute
        ),
        timeout=table.take("timeout", number(0, 300, above=True), default.timeout),
        page_size=table.take("page_size", whole(1, 100), default.page_size),
        campaigns=table.take("campaigns", text_map, default.campaigns),
        data_dir=table.take("data_dir", optional(path), None),
        poll_interval=table.take("poll_interval", number(2, 3600), default.poll_interval),
        poll_share=table.take("poll_share", number(0, 0.5, above=True), default.poll_share),
        sync_recheck=table.take("sync_recheck", number(0.05, 600), default.sync_recheck),
        mark_read_on_open=table.take("mark_read_on_open", flag, default.mark_read_on_open),
        send_delay=table.take("send_delay", number(0, 60), default.send_delay),
        follow_up_after=table.take("follow_up_after", _span, default.follow_up_after),
        mirror=table.take("mirror", optional(one_of("on", "off")), None),
        mirror_share=table.take("mirror_share", number(0, 0.5, above=True), default.mirror_share),
        notifications=table.take(
            "notifications", one_of("desktop", "bell", "off"), default.notifications
        ),
        typing_indicators=table.take("typing_indicators", flag, default.typing_indicators),
        inline_images=table.take("inline_images", flag, default.inline_images),
        download_dir=table.take("download_dir", optional(path), None),
        score=_read_score(table.nested("score")),
        views=_read_views(table),
        snippets=_read_snippets(table),
        me=table.take("me", short_text(80), default.me),
        keys=table.take("keys", text_map, default.keys),
        theme=table.take("theme", optional(text), None),
        crm=_read_crm(table.nested("crm")),
        export_dir=table.take("export_dir", optional(path), None),
        demo_faults=table.take("demo_faults", _faults, default.demo_faults),
    )
    if settings.relay_url and settings.api_version != "v2":
        table.problems.append(("relay_url", "the relay speaks API v2: leave api_version unset"))
    if settings.relay_url and settings.relay_token is None:
        table.problems.append(
            ("relay_token", f"relay_url needs a relay token (relay_token or ${ENV_RELAY_TOKEN})")
        )
    table.raise_problems()
    return settings


class Overrides(NamedTuple):
    """Values from the command line (None: not given)."""

    demo: bool | None = None
    api_url: str | None = None
    api_version: str | None = None
    demo_threads: int | None = None
    demo_faults: str | None = None
    account: str | None = None
    # A named account with no key is an error, except to the command that stores its key.
    key_needed: bool = True


def load_settings(
    config_path: Path | None = None,
    *,
    env: dict[str, str] | None = None,
    overrides: Overrides | None = None,
) -> Settings:
    """The settings of the account to open: `--account`, else INBOX_TUI_ACCOUNT, else the one
    last used, else the first. Raises ConfigError naming everything wrong, in every account."""
    env = dict(os.environ) if env is None else env
    if config_path is None and env.get(ENV_CONFIG):
        config_path = Path(env[ENV_CONFIG])
    path = config_path or default_config_path()
    values: dict[str, Any] = read_toml(path)
    problems: list[tuple[str, str]] = []
    entries = _account_entries(values.pop("accounts", None), problems)
    demo_forced = bool(values.get("demo")) or bool(overrides and overrides.demo)
    run_demo = demo_forced  # the demo asked for by the run or the file's top (not an account)
    wanted = (overrides.account if overrides else None) or env.get(ENV_ACCOUNT) or None
    wanted = wanted.strip() if wanted else None
    names = tuple(str(entry["name"]) for entry in entries)
    if names and "api_key" in values:
        problems.append(("api_key", "with [[accounts]], each account has its own key: move it"))
    if names and "account" in values:
        problems.append(("account", "unknown setting"))
    if names and not wanted and any(env.get(v) for v in (ENV_API_KEY, ENV_API_URL)):
        # Left over from single-key days, it would open another team under this one's name.
        problems.append(
            (
                ENV_API_KEY,
                "is set, and [[accounts]] give each account its own key: unset it, or name "
                "the account it is for (--account or INBOX_TUI_ACCOUNT)",
            )
        )
    if not problems and names:
        chosen = _choose(names, wanted, values, env)
        if chosen is None:
            problems.append(("account", f"no account named {wanted!r}: {_listed(names)}"))
        else:
            index = names.index(chosen)
            entry = entries[index]
            values = {
                **values,
                **{k: v for k, v in entry.items() if k not in ("name", "api_key_env")},
            }
            demo_forced = demo_forced or bool(entry.get("demo"))
            if run_demo:  # every account a demo team of its own, stores apart
                values.setdefault("demo_team", index % len(DEMO_ACCOUNTS) + 1)
            variable = entry.get("api_key_env")
            if isinstance(variable, str) and variable:
                if env.get(variable):
                    values["api_key"] = env[variable]
                elif not demo_forced:
                    # (Named only if it looks like a variable's name, not a pasted key.)
                    named = variable if variable.isupper() and len(variable) <= 40 else "it names"
                    problems.append(
                        (
                            f"accounts.{index}.api_key_env",
                            f"the environment variable {named} is not set (or is empty)",
                        )
                    )
            values["account"] = chosen
    account = str(values.pop("account", ""))
    if (
        "api_key" not in values
        and not env.get(ENV_API_KEY)
        and not demo_forced  # the keyring look-up costs startup time the demo does not need
        and (stored := keyring_key(account))
    ):
        values["api_key"] = stored
    if env.get(ENV_API_KEY):
        values["api_key"] = env[ENV_API_KEY]
    if env.get(ENV_API_URL):
        values["api_url"] = env[ENV_API_URL]
    if env.get(ENV_API_VERSION):
        values["api_version"] = env[ENV_API_VERSION]
    if env.get(ENV_DATA_DIR):
        values["data_dir"] = env[ENV_DATA_DIR]
    if env.get(ENV_RELAY_URL):
        values["relay_url"] = env[ENV_RELAY_URL]
    if env.get(ENV_RELAY_TOKEN):
        values["relay_token"] = env[ENV_RELAY_TOKEN]
    if overrides is not None:
        for key in ("demo", "api_url", "api_version", "demo_threads", "demo_faults"):
            value = getattr(overrides, key)
            if value is not None:
                values[key] = value
    settings = Settings()
    try:
        settings = read_settings(values)
    except Problems as found:
        problems = found.found + problems
    if problems:
        raise ConfigError(_describe(Problems(problems), path))
    if settings.api_key is not None:
        register_secret(settings.api_key.get_secret_value())
    if settings.crm.api_key is not None:
        register_secret(settings.crm.api_key.get_secret_value())
    if settings.relay_token is not None:
        register_secret(settings.relay_token.get_secret_value())
    settings._path = path
    settings.run_demo = run_demo
    if names:
        settings.account, settings.accounts, settings.from_tables = account, names, True
        if settings.use_demo and not settings.demo and (overrides is None or overrides.key_needed):
            import shlex

            raise ConfigError(
                f"the account {account!r} has no API key: give it api_key or api_key_env in "
                f"{path}, or run `inbox-tui --account {shlex.quote(account)} set-key --keyring`"
            )
    elif settings.use_demo:  # the demo's two teams are its accounts
        if wanted is not None or "demo_team" not in values:
            chosen = _choose(DEMO_ACCOUNTS, wanted, values, env)
            if chosen is None:
                listed = _listed(DEMO_ACCOUNTS)
                raise ConfigError(f"no account named {wanted!r} in the demo: {listed}")
            settings.demo_team = DEMO_ACCOUNTS.index(chosen) + 1
        settings.account = DEMO_ACCOUNTS[settings.demo_team - 1]
        settings.accounts = DEMO_ACCOUNTS
    elif wanted is not None:
        raise ConfigError(f"no account named {wanted!r}: no [[accounts]] are configured in {path}")
    return settings


def other_account(settings: Settings, name: str, env: Mapping[str, str] | None = None) -> Settings:
    """Another of the accounts of `settings`, as the file says (and its own key variable): this
    run's INBOX_API_* variables and flags were for the account it opened, not this one."""
    env = dict(os.environ) if env is None else dict(env)
    for variable in (
        ENV_API_KEY,
        ENV_API_URL,
        ENV_API_VERSION,
        ENV_ACCOUNT,
        ENV_RELAY_URL,
        ENV_RELAY_TOKEN,
    ):
        env.pop(variable, None)
    if settings.data_dir is not None:
        env[ENV_DATA_DIR] = str(settings.data_dir)
    demo = settings.run_demo or (settings.use_demo and not settings.from_tables)
    overrides = Overrides(
        account=name,
        demo=True if demo else None,
        demo_threads=settings.demo_threads if demo else None,
        demo_faults=settings.demo_faults if demo else None,
    )
    return load_settings(settings.config_path, env=env, overrides=overrides)


class RunAccounts:
    """Each account's settings for this run, by name: the one the run opened as its flags and
    environment said (switching back to it keeps them), the others as the file says, each read
    once. What the app's switch, its watch of the others and the command line all ask."""

    def __init__(self, opened: Settings, env: Mapping[str, str] | None = None) -> None:
        self.opened = opened
        self.env = env  # (None: this process's)
        self._known = {opened.account: opened}

    def __call__(self, name: str) -> Settings:
        known = self._known.get(name)
        if known is None:
            known = self._known[name] = other_account(self.opened, name, self.env)
        return known


def _listed(names: tuple[str, ...]) -> str:
    return "the accounts are " + ", ".join(repr(name) for name in names)


def _choose(
    names: tuple[str, ...], wanted: str | None, values: Mapping[str, Any], env: Mapping[str, str]
) -> str | None:
    """The account asked for (by name, any case), else the one last used, else the first."""
    if wanted is not None:
        return next((name for name in names if name.casefold() == wanted.casefold()), None)
    from tui.core.preferences import Preferences

    folder = env.get(ENV_DATA_DIR) or values.get("data_dir")
    where = Path(folder).expanduser() if isinstance(folder, str) else default_data_dir()
    last = Preferences(where).account
    return last if last in names else names[0]


def _account_entries(raw: object, problems: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """The [[accounts]] tables, each checked as settings of its own (its problems named
    `accounts.N.key`), with a unique name; the app's own settings are refused there."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not raw or not all(isinstance(e, Mapping) for e in raw):
        problems.append(("accounts", "must be a list of tables ([[accounts]]), at least one"))
        return []
    seen: set[str] = set()
    entries = []
    for i, entry in enumerate(raw):
        where = f"accounts.{i}."
        name = entry.get("name")
        name = name.strip() if isinstance(name, str) else name
        if not isinstance(name, str) or not 1 <= len(name) <= 40 or not name.isprintable():
            problems.append((where + "name", "needed: one line of 1 to 40 characters"))
        elif name.casefold() in seen:
            problems.append((where + "name", f"{name!r} names another account too"))
        else:
            seen.add(name.casefold())
        variable = entry.get("api_key_env")
        if variable is not None and not (
            isinstance(variable, str) and variable.isidentifier() and variable.isascii()
        ):
            problems.append((where + "api_key_env", "must name an environment variable"))
        if variable is not None and "api_key" in entry:
            problems.append((where + "api_key", "set api_key or api_key_env, not both"))
        for key in APP_WIDE:
            if key in entry:
                problems.append((where + key, "is the app's, not an account's: set it at the top"))
        own = {k: v for k, v in entry.items() if k not in ("name", "api_key_env", *APP_WIDE)}
        try:
            read_settings(own, where=where)
        except Problems as found:
            problems.extend(found.found)
        entries.append({**own, "name": name, "api_key_env": variable})
    return entries


def config_warnings(config_path: Path | None = None) -> list[str]:
    """Problems worth telling the user at start that do not stop the app."""
    path = config_path or default_config_path()
    warnings = []
    values = read_toml(path) if path.exists() else {}
    tables = [values, *(e for e in values.get("accounts", []) if isinstance(e, dict))]
    holds_key = any(
        "api_key" in table or (isinstance(table.get("crm"), dict) and "api_key" in table["crm"])
        for table in tables
    )
    if holds_key and readable_by_others(path):
        warnings.append(
            f"the config file {path} holds an API key and other users can read it: "
            f"run `chmod 600 {path}`"
        )
    return warnings


def read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"the config file {path} is not UTF-8 text (byte {exc.start} cannot be read): "
            "save it as UTF-8"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror}") from None
    import tomllib  # only when there is a file: ~2 ms of a start without one

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the config file {path} is not valid TOML: {exc}") from None


def _describe(problems: Problems, path: Path) -> str:
    lines = [f"invalid settings (config file {path}, environment or flags):"]
    # Each says what the value must be, never what it is: it may be the API key.
    lines += [f"  - {where}: {what}" for where, what in problems.found]
    return "\n".join(lines)
