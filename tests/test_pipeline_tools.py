"""Export (CLI and in-app), saved views, key overrides and the remembered theme."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import tomllib
from pathlib import Path

import pytest

from tests.app_helpers import make_app, painted_text, settle
from tests.test_actions import notifications, reader
from tui.cli import main
from tui.core.checks import Problems
from tui.core.config import load_settings, read_settings
from tui.core.config_file import with_view
from tui.core.directory import fetch_directory
from tui.core.export import COLUMNS, ExportWriter, export_record, spreadsheet_safe
from tui.core.query import InboxView, ThreadQuery
from tui.core.saved_views import ViewSpec, to_query
from tui.demo import DemoApi, DemoStore
from tui.ui.key_overrides import overridable_elsewhere
from tui.ui.keymap import check_overrides
from tui.ui.screens.pickers import PickerScreen, TextPromptScreen

# --- export -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1 555", "'+1 555"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Founder at Acme", "Founder at Acme"),
        ("", ""),
    ],
)
def test_cells_never_start_like_a_formula(value: str, safe: str) -> None:
    assert spreadsheet_safe(value) == safe


async def test_records_carry_names_and_csv_rows_are_safe(demo_api: DemoApi) -> None:
    client = reader(demo_api)
    directory = await fetch_directory(client, {})
    thread = next(
        t
        for t in (await client.list_threads()).threads
        if t.prospect.context.tags and t.prospect.context.status_id and t.assignee_id
    )
    record = export_record(thread, directory)
    assert list(record) == list(COLUMNS)
    assert record["tags"] == [directory.tags[t].name for t in thread.prospect.context.tags]
    assert record["status"] == directory.statuses[thread.prospect.context.status_id or ""].name
    assert record["assignee"] == directory.members[thread.assignee_id or ""].label
    out = io.StringIO()
    writer = ExportWriter(out, "csv")
    writer.write({**record, "notes": "=cmd|' /C calc'!A0", "bio": "line one\nline two"})
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(COLUMNS)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["notes"].startswith("'=") and row["bio"] == "line one\nline two"
    assert row["tags"] == "; ".join(record["tags"])


def run_cli(args: list[str], tmp_path: Path) -> int:
    config = tmp_path / "config.toml"
    config.touch()  # a config file named on the command line must exist
    return main(["--config", str(config), "--demo", *args])


async def hot_lead_thread_ids() -> list[str]:
    client = reader(DemoApi(DemoStore()))
    directory = await fetch_directory(client, {})
    query, _ = to_query(ViewSpec(tags=["Hot Lead"]), directory, 100)
    return [t.id async for t in client.iter_threads(query)]


def test_export_cli_writes_every_matching_thread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "hot.csv"
    code = run_cli(["export", "--tag", "hot lead", "-o", str(out)], tmp_path)
    assert code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert rows and all("Hot Lead" in r["tags"].split("; ") for r in rows)
    # Every matching thread, not one page: the same as the server lists through the client.
    assert [r["threadId"] for r in rows] == asyncio.run(hot_lead_thread_ids())
    assert "exported" in capsys.readouterr().err


def test_export_cli_jsonl_and_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.jsonl"
    assert (
        run_cli(["export", "--format", "jsonl", "--status", "Won", "-o", str(out)], tmp_path) == 0
    )
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines and all(line["status"] == "Won" for line in lines)
    assert run_cli(["export", "--tag", "No such tag"], tmp_path) == 2
    assert "not found: tag 'No such tag'" in capsys.readouterr().err
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    code = run_cli(["export", "-o", str(blocker / "x.csv")], tmp_path)
    assert code == 1 and "cannot write" in capsys.readouterr().err


async def test_in_app_export_writes_the_whole_view(tmp_path: Path) -> None:
    app, api = make_app(data_dir=tmp_path / "data", export_dir=tmp_path / "out")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert len(app.thread_list.threads) == 50
        await pilot.press("X")
        await settle(pilot)
        files = list((tmp_path / "out").glob("inbox-default-*.csv"))
        assert len(files) == 1 and not list((tmp_path / "out").glob("*.partial"))
        rows = list(csv.DictReader(files[0].open(encoding="utf-8")))
        expected = [t.id async for t in reader(api).iter_threads(ThreadQuery(limit=100))]
        assert [r["threadId"] for r in rows] == expected and len(rows) > 50
        assert any("Exported" in n for n in notifications(app))


# --- saved views ------------------------------------------------------------------------------


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


VIEWS = """
api_url = "https://inboxapp.com/api/v1"  # kept when a view is saved

[[views]]
name = "Hot, waiting on us"
view = "no-reply"
tags = ["Hot Lead"]
key = "ctrl+t"

[[views]]
name = "Won"
statuses = ["won", "Ghosted"]
sort = "oldest"
"""


async def test_saved_views_switch_by_key_and_by_switcher(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path, VIEWS), env={})
    app, api = make_app(views=settings.views, data_dir=tmp_path / "d")
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        before = len(api.request_log)
        await pilot.press("ctrl+t")
        await settle(pilot)
        hot = next(t.id for t in app.directory.tags.values() if t.name == "Hot Lead")
        assert app.thread_query.inbox is InboxView.NO_REPLY
        assert app.thread_query.tags.selected == (hot,)
        assert app.view_tabs.active == "view-no-reply"
        assert len(api.request_log) == before + 1  # one request, as for any view change
        assert all(hot in t.prospect.context.tags for t in app.thread_list.threads)
        assert "Hot, waiting on us" in str(app.filter_chips.render())
        await pilot.press("V")
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("down", "enter")
        await settle(pilot)
        won = next(s.id for s in app.directory.statuses.values() if s.name == "Won")
        assert app.thread_query.statuses.selected == (won,)
        assert app.thread_query.sort_order.value == "asc"
        assert any("'Ghosted'" in n for n in notifications(app))  # left out, and said so


async def test_save_the_current_view_writes_the_config_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, VIEWS)
    settings = load_settings(path, env={})
    app, _api = make_app(views=settings.views, data_dir=tmp_path / "d")
    app.settings._path = path
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3", "S")
        await settle(pilot)
        await pilot.press("V", "up", "enter")
        assert isinstance(app.screen, TextPromptScreen)
        await pilot.press(*"Oldest requests", "enter")
        await settle(pilot)
        saved = tomllib.loads(path.read_text(encoding="utf-8"))
        assert saved["api_url"] == "https://inboxapp.com/api/v1"
        assert [v["name"] for v in saved["views"]] == [
            "Hot, waiting on us",
            "Won",
            "Oldest requests",
        ]
        assert saved["views"][2] == {
            "name": "Oldest requests",
            "view": "requests",
            "sort": "oldest",
        }
        assert "# kept when a view is saved" in path.read_text(encoding="utf-8")
        assert path.stat().st_mode & 0o077 == 0
        assert [v.name for v in app.settings.views][-1] == "Oldest requests"


def test_saving_a_view_of_the_same_name_replaces_it() -> None:
    text = with_view(VIEWS, ViewSpec(name="Won", view="archived"))
    text = with_view(text, ViewSpec(name='Odd "name"\n', tags=["a\\b"]))
    views = tomllib.loads(text)["views"]
    assert [v["name"] for v in views] == ["Hot, waiting on us", "Won", 'Odd "name"\n']
    assert views[1] == {"name": "Won", "view": "archived"}
    assert views[2]["tags"] == ["a\\b"]


# --- keys and themes --------------------------------------------------------------------------


def test_key_override_problems_are_reported() -> None:
    assert check_overrides({"triage.done": "e,ctrl+d"}) == []
    # E edits the selected message in the message pane: archiving by E would not work there.
    assert any(
        "'E' is bound to triage.done, but in the message pane it is messages.edit" in p
        for p in check_overrides({"triage.done": "E,ctrl+d"})
    )
    # Dialog and composer bindings can be rebound too.
    assert (
        check_overrides(
            {"composer.send": "ctrl+enter", "picker.apply": "ctrl+a"}, overridable_elsewhere()
        )
        == []
    )
    problems = check_overrides({"nope": "z", "triage.assign": "t", "list.open": " "})
    assert any("'nope' is not a binding id" in p for p in problems)
    assert any("'t' is bound to triage.assign and triage.tags" in p for p in problems)
    assert any("'list.open' has no key" in p for p in problems)


async def test_overridden_keys_act_and_conflicts_show_on_start(tmp_path: Path) -> None:
    app, api = make_app(
        data_dir=tmp_path / "d", keys={"triage.done": "ctrl+d", "triage.assign": "t"}
    )
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert (await reader(api).get_thread(thread.id)).done
        assert any("'t' is bound to" in n for n in notifications(app))
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = painted_text(app.screen.query_one("#help-body Static"))
        assert "ctrl+d" in help_text and "triage.done" in help_text


async def test_the_chosen_theme_is_remembered(tmp_path: Path) -> None:
    app, _ = make_app(data_dir=tmp_path / "d")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.theme = "nord"
        await pilot.pause()
    again, _ = make_app(data_dir=tmp_path / "d", theme="gruvbox")
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert again.theme == "nord"  # the last choice wins over the config's default
    fresh, _ = make_app(data_dir=tmp_path / "other", theme="gruvbox")
    async with fresh.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert fresh.theme == "gruvbox"


def test_settings_accept_the_new_sections() -> None:
    settings = read_settings(
        {"views": [{"name": "x", "view": "archived"}], "score": {"verified": 40}}
    )
    assert settings.views[0].view == "archived" and settings.score.verified == 40
    with pytest.raises(Problems, match=r"views\.0\.view: must be one of default"):
        read_settings({"views": [{"name": "x", "view": "inbox"}]})
