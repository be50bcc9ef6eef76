"""Nothing typed is lost or misread: fast typing and pastes in pickers, dialogs that stay open
on invalid input, a saved view never replaced without asking, config mistakes said plainly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from textual import events
from textual.widgets import Input, Label

from tests.app_helpers import make_app, settle
from tests.test_labels_screen import fill_form, open_labels
from tui.core.config import load_settings
from tui.ui.keymap import check_overrides
from tui.ui.screens.labels import LabelFormScreen
from tui.ui.screens.pickers import ConfirmScreen, PickerScreen, TextPromptScreen


def message_of(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Label).render())  # type: ignore[attr-defined]


async def test_typing_fast_in_the_tag_picker_keeps_the_spaces(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        selected_before = set(picker.selected)
        # Keys queued faster than the app handles them (a fast typist, or a terminal that
        # sends a paste as keys): all of them reach the app before the first is handled.
        for character in "Budget Q1":
            app.post_message(events.Key("space" if character == " " else character, character))
        await pilot.pause()
        await pilot.pause()
        assert picker.query_one("#pick-filter", Input).value == "Budget Q1"
        assert picker.selected == selected_before, "the space toggled nothing"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#pick-list").post_message(events.Paste("Budget Q1"))
        await pilot.pause()
        assert app.screen.query_one("#pick-filter", Input).value == "Budget Q1"


async def test_an_invalid_minimum_score_keeps_the_dialog_open(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("number_sign")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, TextPromptScreen)
        await pilot.press("a", "b", "c", "enter")
        await pilot.pause()
        assert app.screen is prompt, "still open, with what was typed"
        assert prompt.query_one(Input).value == "abc"
        assert "whole number" in message_of(prompt, "#prompt-message")
        prompt.query_one(Input).value = "20"
        await pilot.press("enter")
        await settle(pilot)
        assert app.ranking.min_score == 20


async def test_a_taken_or_too_long_tag_name_keeps_the_form_open(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        screen = await open_labels(pilot)
        existing = screen.rows["tags"][0].name
        await pilot.press("n")
        await pilot.pause()
        before = len(api.request_log)
        await fill_form(pilot, existing.upper(), "red")
        form = app.screen
        assert isinstance(form, LabelFormScreen)
        assert "exists already" in message_of(form, "#label-message")
        await fill_form(pilot, "x" * 256, "red")
        assert app.screen is form
        assert "At most 255 characters" in message_of(form, "#label-message")
        assert form.query_one("#label-name", Input).value == "x" * 256
        assert len(api.request_log) == before, "nothing was sent"


VIEWS = """
[[views]]
name = "Hot"
view = "no-reply"
"""


async def test_saving_over_a_saved_view_asks_first(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(VIEWS, encoding="utf-8")
    settings = load_settings(config, env={})
    app, _ = make_app(views=settings.views, data_dir=tmp_path / "data")
    app.settings._path = config
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        app.saved_views.action_saved_view(0)
        await settle(pilot)
        await pilot.press("3")  # another view: saving now would change "Hot"
        await settle(pilot)
        app.saved_views.action_save_view()
        await pilot.pause()
        assert isinstance(app.screen, TextPromptScreen)
        assert app.screen.query_one(Input).value == "Hot"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), "asks before replacing"
        await pilot.click("#answer-rename")
        await pilot.pause()
        assert isinstance(app.screen, TextPromptScreen)
        assert app.screen.query_one(Input).value == "Hot", "the name, as typed"
        await pilot.press("escape")
        await pilot.pause()
        assert 'view = "no-reply"' in config.read_text(encoding="utf-8"), "unchanged"
        app.saved_views.action_save_view()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.click("#answer-replace")
        await settle(pilot)
        assert 'view = "requests"' in config.read_text(encoding="utf-8")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=30
    )


def test_a_config_file_that_is_not_utf8_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes('theme = "caf\u00e9"\n'.encode("latin-1"))
    result = run_cli("--config", str(path), "export")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "not UTF-8" in result.stderr


def test_a_missing_config_file_named_on_the_command_line_is_an_error(tmp_path: Path) -> None:
    result = run_cli("--config", str(tmp_path / "nonexistent.toml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "does not exist" in result.stderr


def test_a_key_that_a_pane_shadows_is_reported() -> None:
    problems = check_overrides({"triage.done": "j"})
    assert any("'j'" in p and "triage.done" in p and "thread list" in p for p in problems)
    assert any("message pane" in p for p in problems)
    assert check_overrides({}) == []  # the defaults' own overlaps (r) are meant
