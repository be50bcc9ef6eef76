"""Settings: a TOML file in the platform config dir, overridden by environment variables,
overridden by command-line flags. Invalid settings raise ConfigError with a readable message."""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
)

from .api.query import DEFAULT_BASE_URL
from .secrets import readable_by_others, register_secret
from .views import ViewSpec

APP_NAME = "inbox-tui"

ENV_API_KEY = "INBOX_API_KEY"
ENV_API_URL = "INBOX_API_URL"
ENV_CONFIG = "INBOX_TUI_CONFIG"
ENV_DATA_DIR = "INBOX_TUI_DATA_DIR"


KEYRING_SERVICE = "inbox-tui"
KEYRING_USER = "api_key"


def keyring_key() -> str | None:
    """The key from the OS keyring, where the `keyring` package and a backend are available."""
    try:
        import keyring
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception:
        return None


def store_in_keyring(key: str) -> bool:
    """Store the key in the OS keyring; False where there is none."""
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
    except Exception:
        return False
    return True


class ConfigError(Exception):
    """A setting is wrong; the message says which and how to fix it."""


def default_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "config.toml"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME))


class ScoreSettings(BaseModel):
    """`[score]`: the lead score's weights and bio keywords (the docs' scoring by default)."""

    model_config = ConfigDict(extra="forbid")

    followers_100k: int = Field(default=30, ge=0, le=1000)
    followers_10k: int = Field(default=20, ge=0, le=1000)
    followers_1k: int = Field(default=10, ge=0, le=1000)
    verified: int = Field(default=15, ge=0, le=1000)
    bio_keyword: int = Field(default=25, ge=0, le=1000)
    website: int = Field(default=10, ge=0, le=1000)
    keywords: list[str] = Field(
        default_factory=lambda: ["founder", "ceo", "director", "head of", "vp"]
    )


class CrmSettings(BaseModel):
    """`[crm]`: the CRM that `C` hands prospects to (05-crm-prospects-api)."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = None  # e.g. "https://crm.example.com/api"; "demo" for the demo CRM
    api_key: SecretStr | None = None
    stage_map: dict[str, str] = Field(default_factory=dict)  # status name -> CRM stageId
    pipeline_id: str | None = None  # used when no stage is mapped
    user_id: str | None = None  # sent as userId (who performs the write)

    @property
    def configured(self) -> bool:
        return bool(self.base_url)


class Settings(BaseModel):
    """Everything configurable. Field names are the TOML keys."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    api_key: SecretStr | None = None
    api_url: str = DEFAULT_BASE_URL
    demo: bool = False
    demo_threads: int = Field(default=300, ge=1, le=100_000)
    # Share of the service's 300 requests a minute this client may use.
    requests_per_minute: int = Field(default=300, ge=1, le=300)
    timeout: float = Field(default=15.0, gt=0, le=300)
    page_size: int = Field(default=50, ge=1, le=100)
    # Campaigns have no API endpoint: names for the IDs seen on threads.
    campaigns: dict[str, str] = Field(default_factory=dict)
    # Where drafts are kept (default: the platform's user data dir).
    data_dir: Path | None = None
    # Live updates: seconds between polls of the visible view and the open thread, and the
    # share of the service's 300 requests a minute that polling may spend.
    poll_interval: float = Field(default=15.0, ge=2, le=3600)
    poll_share: float = Field(default=0.1, gt=0, le=0.5)
    # Seconds before a thread whose older messages are still importing is read again.
    sync_recheck: float = Field(default=4.0, ge=0.05, le=600)
    score: ScoreSettings = Field(default_factory=ScoreSettings)
    # Saved views ([[views]]): named view + filters + account links + sort, in the header.
    views: list[ViewSpec] = Field(default_factory=list)
    # Key overrides by binding id (see `?`): e.g. triage.done = "E,ctrl+d".
    keys: dict[str, str] = Field(default_factory=dict)
    theme: str | None = None  # a Textual theme name; the last one chosen is remembered
    crm: CrmSettings = Field(default_factory=CrmSettings)
    # Where the in-app export writes (default: the current directory).
    export_dir: Path | None = None
    _path: Path | None = PrivateAttr(default=None)  # the config file it came from

    @property
    def config_path(self) -> Path:
        return self._path or default_config_path()

    # The demo's injected faults (see `inbox-tui demo-server --help`), for trying the app
    # against a flaky network: e.g. "429=0.1,5xx=0.1,drop=0.05".
    demo_faults: str = ""

    @field_validator("demo_faults")
    @classmethod
    def _faults(cls, value: str) -> str:
        from .demo.faults import FaultRates

        FaultRates.parse(value)  # raises ValueError with what is wrong
        return value

    def resolved_data_dir(self) -> Path:
        return self.data_dir or default_data_dir()

    @field_validator("api_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @property
    def use_demo(self) -> bool:
        return self.demo or self.api_key is None or not self.api_key.get_secret_value()

    @property
    def cache_scope(self) -> str:
        """Whose data the on-disk caches hold: one account (a digest of the URL and the key,
        never the key) or one demo size, so a cache never shows another account's threads."""
        if self.use_demo:
            return f"demo-{self.demo_threads}"
        key = self.api_key.get_secret_value() if self.api_key else ""
        return "api-" + hashlib.sha256(f"{self.api_url}\n{key}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Overrides:
    """Values from the command line (None: not given)."""

    demo: bool | None = None
    api_url: str | None = None
    demo_threads: int | None = None
    demo_faults: str | None = None


def load_settings(
    config_path: Path | None = None,
    *,
    env: dict[str, str] | None = None,
    overrides: Overrides | None = None,
) -> Settings:
    env = dict(os.environ) if env is None else env
    if config_path is None and env.get(ENV_CONFIG):
        config_path = Path(env[ENV_CONFIG])
    path = config_path or default_config_path()
    values: dict[str, Any] = read_toml(path)
    demo_forced = bool(values.get("demo")) or bool(overrides and overrides.demo)
    if (
        "api_key" not in values
        and not env.get(ENV_API_KEY)
        and not demo_forced  # the keyring look-up costs startup time the demo does not need
        and (stored := keyring_key())
    ):
        values["api_key"] = stored
    if env.get(ENV_API_KEY):
        values["api_key"] = env[ENV_API_KEY]
    if env.get(ENV_API_URL):
        values["api_url"] = env[ENV_API_URL]
    if env.get(ENV_DATA_DIR):
        values["data_dir"] = env[ENV_DATA_DIR]
    if overrides is not None:
        for key in ("demo", "api_url", "demo_threads", "demo_faults"):
            value = getattr(overrides, key)
            if value is not None:
                values[key] = value
    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from None
    if settings.api_key is not None:
        register_secret(settings.api_key.get_secret_value())
    if settings.crm.api_key is not None:
        register_secret(settings.crm.api_key.get_secret_value())
    settings._path = path
    return settings


def config_warnings(config_path: Path | None = None) -> list[str]:
    """Problems worth telling the user at start that do not stop the app."""
    path = config_path or default_config_path()
    warnings = []
    values = read_toml(path) if path.exists() else {}
    crm = values.get("crm")
    holds_key = "api_key" in values or (isinstance(crm, dict) and "api_key" in crm)
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
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the config file {path} is not valid TOML: {exc}") from None


def _describe(exc: ValidationError, path: Path) -> str:
    lines = [f"invalid settings (config file {path}, environment or flags):"]
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        if error["type"] == "extra_forbidden":
            lines.append(f"  - {where}: unknown setting")
        else:
            # Never echo the input: it may be the API key.
            lines.append(f"  - {where}: {error['msg']}")
    return "\n".join(lines)
