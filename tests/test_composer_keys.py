"""The composer's own keys (#21): ctrl+u clears the draft (a long one only once confirmed;
ctrl+z brings it back, and the draft on disk follows), ctrl+a selects all of it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Button

from tests.app_helpers import kept_drafts, make_app, settle
from tests.test_actions import open_thread
from tui.ui.screens.pickers import ConfirmScreen


async def test_ctrl_u_clears_a_short_draft_and_ctrl_z_brings_it_back(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        await pilot.press("r", *"Short one")
        await pilot.pause(0.4)
        assert kept_drafts(data_dir).get(thread.id) == "Short one"
        await pilot.press("ctrl+u")
        await pilot.pause(0.4)
        assert app.composer.input.text == "" and kept_drafts(data_dir).get(thread.id) == ""
        await pilot.press("ctrl+z")
        await pilot.pause(0.4)
        assert app.composer.input.text == "Short one"
        assert kept_drafts(data_dir).get(thread.id) == "Short one"
        await pilot.press("ctrl+a")
        assert app.composer.input.selected_text == "Short one"


async def test_ctrl_u_asks_before_clearing_a_long_draft(data_dir: Path) -> None:
    app, _ = make_app(data_dir=data_dir)
    long_text = "All the details we discussed. " * 12
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        await pilot.press("r")
        app.composer.input.insert(long_text)
        await pilot.press("ctrl+u")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#answer-keep")
        await settle(pilot)
        assert app.composer.input.text == long_text and app.focused is app.composer.input
        await pilot.press("ctrl+u")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.query_one("#answer-clear", Button)
        await pilot.click("#answer-clear")
        await pilot.pause(0.4)
        await settle(pilot)
        assert app.composer.input.text == "" and kept_drafts(data_dir).get(thread.id) == ""


async def test_the_hint_keeps_apart_from_the_count_at_any_width(data_dir: Path) -> None:
    """#34: a narrow message pane cut the hint and ran it into the count (`esc22 / 10,000`):
    whole keys only, then a gap, then the count."""
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: True)
        await pilot.press("r")
        app.composer.input.insert("x" * 22)
        keys = ("ctrl+s send", "ctrl+t snippet", "ctrl+e $EDITOR", "esc back")
        for width in (200, 160, 140, 130, 120, 100):
            await pilot.resize_terminal(width, 40)
            await pilot.pause()
            bar = app.composer.query_one("#composer-bar").region
            line = app.screen._compositor.render_strips()[bar.y].text[bar.x : bar.right]
            before = line[: line.index("22 / 10,000")]
            hint = before.rstrip()
            assert len(before) - len(hint) >= 2, f"{width}: {line!r}"
            assert hint.split(" · ") == list(keys[: hint.count(" · ") + 1]), f"{width}: {line!r}"


def test_the_editor_is_chosen_as_git_chooses_it() -> None:
    """$VISUAL, then $EDITOR, then `editor`, then `vi`; None when there is none of them."""
    from tui.core.editor import editor_command

    def on_path(*names: str) -> Callable[[str], str | None]:
        return lambda name: f"/usr/bin/{name}" if name in names else None

    every = on_path("editor", "vi")
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "nano"}, every) == "code --wait"
    assert editor_command({"VISUAL": " ", "EDITOR": "nano"}, every) == "nano"
    assert editor_command({}, every) == "editor"
    assert editor_command({"EDITOR": ""}, on_path("vi")) == "vi"
    assert editor_command({}, on_path()) is None


async def test_ctrl_e_without_editor_variables_opens_the_systems_editor(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#34: with neither $VISUAL nor $EDITOR set, ctrl+e opens `editor` (then `vi`), as git
    does, rather than asking for $EDITOR."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    editor = bin_dir / "editor"
    editor.write_text('#!/bin/sh\nprintf "Written in the editor\\n" >> "$1"\n')
    editor.chmod(0o755)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin")
    app, _ = make_app(data_dir=data_dir)
    # The test's headless terminal cannot be handed over: the editor runs beside it.
    monkeypatch.setattr(app, "suspend", contextlib.nullcontext)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: True)
        await pilot.press("r", *"Hi. ")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert app.composer.input.text == "Hi. Written in the editor"
