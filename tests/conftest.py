"""Shared fixtures: every test talks HTTP to the embedded demo API."""

from __future__ import annotations

import gc
import json
import os
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet

from tui.api import RequestBudget, RetryPolicy, V1Client, V2Api
from tui.backend import demo_client
from tui.demo import DemoApi, DemoStore, SeedConfig
from tui.demo.audit import AUDIT_ENV

# Times on screen are local: pin the zone so screens are the same on every machine.
os.environ["TZ"] = "UTC"
time.tzset()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers a core. About a third of the suite's time is waiting (Pilot's
    idle checks, timers, child processes, a real socket), which a second worker on the same
    core fills: 207 s with 4 workers against 323 s with 2 on a 2-core machine."""
    return 2 * (os.cpu_count() or 1)


# The longest tests (tens of seconds each on one worker), started first: collected in file
# order they started last, and the run waited for them alone at its end.
LONGEST_FIRST = (
    "tests/test_trust_model.py",
    "tests/test_schemathesis.py",
    "tests/test_faults.py::test_chaos_never_sends_twice_or_loses_a_draft",
    "tests/test_app.py::test_each_filter_kind",
    "tests/test_footer.py::test_live_widgets_stay_flat_over_500_keys",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        for at, prefix in enumerate(LONGEST_FIRST):
            if item.nodeid.startswith(prefix):
                return at
        return len(LONGEST_FIRST)

    items.sort(key=rank)  # (stable: the rest keep their order)


# The collector, between tests. A worker's long-lived objects (modules, Textual's and Rich's
# caches, the OpenAPI documents the demo checks requests by) are some 300,000, and each full
# collection walks them all: ~0.15-0.3 s, once or twice a test, a quarter of the suite's CPU.
# After each test its garbage (the app, in cycles) is collected and what survives is frozen, as
# the command line's app freezes its start (tui/ui/heap.py): later collections walk only what the
# next test makes. An object frozen here that later dies in a cycle is freed only by a thaw, so
# every THAW_EVERY tests all is thawed and collected (without: +30 MB a worker per 100 tests).
THAW_EVERY = 50
# And the youngest generation is collected every 10,000 new container objects (net) instead of
# 700: rendering makes and drops strips and segments by the hundred thousand, and each of the
# ~250 young collections a test made (1 in 10 going on to the middle one) found little to free:
# 4% of test_actions.py's CPU. What a test leaves is collected after it all the same.
gc.set_threshold(10_000, *gc.get_threshold()[1:])
_tests_run = 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    global _tests_run
    yield  # (after the test's teardown: its fixtures' values are let go by then)
    _tests_run += 1
    if _tests_run % THAW_EVERY == 0:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


# Parsed TCSS, shared by the apps of a worker. Textual keeps what it parsed per stylesheet, and
# each app makes a new one (and another at each theme), so each app parsed styles/*.tcss and the
# widgets' default CSS again: ~30 sources, ~27 ms of its ~340 ms start. The rules are the same
# for the same text, place and variables (the theme's), and Textual already hands the same
# parsed rules to each parse of a stylesheet: it never changes them. CSS that fails to parse
# raises, and is not kept.
_parsed_rules: dict[tuple[object, ...], list[RuleSet]] = {}
_parse_rules = Stylesheet._parse_rules


def _shared_parse_rules(
    self: Stylesheet,
    css: str,
    read_from: tuple[str, str],
    is_default_rules: bool = False,
    tie_breaker: int = 0,
    scope: str = "",
) -> list[RuleSet]:
    key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(self._variables.items()))
    rules = _parsed_rules.get(key)
    if rules is None:
        rules = _parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        _parsed_rules[key] = rules
    return rules


Stylesheet._parse_rules = _shared_parse_rules  # type: ignore[method-assign]


ANCHOR = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
REPO = Path(__file__).resolve().parent.parent
SHARED_DOCS = REPO.parent / "shared" / "api-docs"
FIXTURE_DOCS = Path(__file__).parent / "fixtures" / "api-docs"
# The docs are the contract: read the shared copy where it is beside the repo, else ours.
API_DOCS = SHARED_DOCS if SHARED_DOCS.is_dir() else FIXTURE_DOCS


# Every request inbox-tui's own client makes in any test (in this process, or in a child such
# as `demo-server` or the app started in a terminal) is checked against its operation in the
# API's OpenAPI document by the demo; one it does not allow is written here, and the test that
# made it fails (below). One file a worker process.
SPEC_AUDIT = Path(tempfile.gettempdir()) / f"inbox-tui-spec-audit-{os.getpid()}.jsonl"
SPEC_AUDIT.unlink(missing_ok=True)
os.environ[AUDIT_ENV] = str(SPEC_AUDIT)


@pytest.fixture(autouse=True)
def requests_the_spec_allows(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fails the test when our client sent a request its API's description does not allow
    (unless the test says it means to, with `@pytest.mark.spec_refusal("why")`)."""
    start = SPEC_AUDIT.stat().st_size if SPEC_AUDIT.exists() else 0
    yield
    if not SPEC_AUDIT.exists() or request.node.get_closest_marker("spec_refusal"):
        return
    with SPEC_AUDIT.open(encoding="utf-8") as file:
        file.seek(start)
        found = [json.loads(line) for line in file if line.strip()]
    if found:
        first = found[0]
        pytest.fail(
            f"{len(found)} request(s) from inbox-tui's client that the spec does not allow; "
            f"the first: {first['request']} {first['query']} body={first['body'][:300]!r}: "
            f"{first['problem']}",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def own_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own config, data and cache dirs: nothing a test saves (a theme,
    drafts, the view cache) reaches the user's home or another test, and nothing there
    reaches a test."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    for name in (
        "INBOX_TUI_DATA_DIR",
        "INBOX_TUI_CONFIG",
        "INBOX_API_KEY",
        "INBOX_API_URL",
        "INBOX_API_VERSION",
    ):
        monkeypatch.delenv(name, raising=False)


class SleepRecorder:
    """Stands in for asyncio.sleep in the client's retry loop: records, does not wait."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    def clock(self) -> float:
        """The time as the client sees it: each recorded sleep has passed at once. The shared
        request budget reads it, so that a Retry-After the client slept through does not hold
        the next request for real seconds too."""
        return time.monotonic() + sum(self.delays)

    def budget(self) -> RequestBudget:
        return RequestBudget(clock=self.clock)


def make_store(threads: int = 300) -> DemoStore:
    return DemoStore(SeedConfig(threads=threads, anchor=ANCHOR), clock=lambda: ANCHOR)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Where an app under test keeps drafts, caches and preferences."""
    return tmp_path / "data"


@pytest.fixture
def demo_api() -> DemoApi:
    return DemoApi(make_store())


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
async def client(demo_api: DemoApi, sleeps: SleepRecorder) -> AsyncIterator[V1Client]:
    """The v1 client (its own tests: bracket spelling, flat cursors, v1 error shapes)."""
    api_client = demo_client(
        demo_api, "v1", sleep=sleeps, budget=sleeps.budget(), retry=RetryPolicy(max_attempts=4)
    )
    assert isinstance(api_client, V1Client)
    yield api_client
    await api_client.aclose()


@pytest.fixture
async def v2(demo_api: DemoApi, sleeps: SleepRecorder) -> AsyncIterator[V2Api]:
    """The v2 client, in the app's types (`v2.wire` is the raw V2Client)."""
    api_client = demo_client(
        demo_api, "v2", sleep=sleeps, budget=sleeps.budget(), retry=RetryPolicy(max_attempts=4)
    )
    assert isinstance(api_client, V2Api)
    yield api_client
    await api_client.aclose()


# --- PostgreSQL, for the relay's tests: a real server, started from the installed programs in
# a folder of its own, once per worker that needs it; each test gets a database of its own.
REQUIRE_POSTGRES = "INBOX_TUI_REQUIRE_POSTGRES"  # set by .ci/run: missing is a failure


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    from tui.relay.local_pg import LocalPostgres, server_programs

    if server_programs() is None:
        why = "PostgreSQL's server programs (initdb, pg_ctl) are not installed"
        if os.environ.get(REQUIRE_POSTGRES):
            pytest.fail(f"{why}, and {REQUIRE_POSTGRES} says the relay's tests must run")
        pytest.skip(f"{why}: the relay's tests did not run")
    _stop_orphans()
    with tempfile.TemporaryDirectory(prefix="inbox-pg-") as folder:
        (Path(folder) / "owner").write_text(str(os.getpid()))
        server = LocalPostgres(Path(folder))
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _stop_orphans() -> None:
    """Servers of earlier runs whose worker was killed (a teardown that never ran): stopped,
    and their folders removed, so they do not pile up."""
    import shutil

    from tui.relay.local_pg import LocalPostgres

    for owner in Path(tempfile.gettempdir()).glob("inbox-pg-*/owner"):
        try:
            os.kill(int(owner.read_text()), 0)
            continue  # its run goes on
        except ProcessLookupError:
            pass
        except (ValueError, OSError):
            continue
        LocalPostgres(owner.parent).stop()
        shutil.rmtree(owner.parent, ignore_errors=True)


_databases = 0


@pytest.fixture
def postgres_dsn(postgres_server: object) -> Iterator[str]:
    """A new, empty database on the worker's server."""
    import psycopg

    from tui.relay.local_pg import LocalPostgres

    assert isinstance(postgres_server, LocalPostgres)
    global _databases
    _databases += 1
    name = f"t{os.getpid()}_{_databases}"
    admin = postgres_server.dsn.replace("dbname=inbox_relay", "dbname=postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield postgres_server.dsn.replace("dbname=inbox_relay", f"dbname={name}")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
