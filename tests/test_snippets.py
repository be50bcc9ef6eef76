"""Snippets (#21): read from the config file and a folder beside it, filled from the open
conversation, picked with ctrl+t (fuzzy, with a preview, warning before an unknown variable),
inserted at the cursor, saved from the composer with ctrl+n (the rest of the file kept)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.app_helpers import kept_drafts, make_app, settle
from tests.test_actions import notifications, open_thread
from tui.core.checks import Problems
from tui.core.config import read_settings
from tui.core.config_file import with_snippet
from tui.core.directory import Directory
from tui.core.model import AccountLink, Prospect, Thread
from tui.core.snippets import Snippet, company_from_bio, every_snippet, expand, values_for
from tui.ui.screens.pickers import TextPromptScreen
from tui.ui.screens.snippets import SnippetPickerScreen

CONFIG = """\
me = "Alex Chen"

# Our canned replies
[[snippets]]
name = "Pricing"
body = "Hi {first_name}, plans start at $49 a seat.\\nAnnual: two months free."

[[snippets]]
name = "Calendar"
body = "Book me here, {first_name}: {calendar_link}"
key = "f5"
"""


def write_config(folder: Path, text: str = CONFIG) -> Path:
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_snippets_come_from_the_config_file_and_the_folder(tmp_path: Path) -> None:
    settings = read_settings(tomllib.loads(CONFIG))
    assert [s.name for s in settings.snippets] == ["Pricing", "Calendar"]
    assert settings.snippets[0].body.endswith("\nAnnual: two months free.")
    assert settings.snippets[1].key == "f5" and settings.me == "Alex Chen"
    folder = tmp_path / "snippets"
    folder.mkdir()
    (folder / "Follow up.md").write_text("Any thoughts, {first_name}?\n", encoding="utf-8")
    (folder / "Pricing.txt").write_text("the config file's wins", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\xff\xfe\x00")
    (folder / "notes.pdf").write_text("not a snippet", encoding="utf-8")
    found = every_snippet(settings.snippets, folder)
    assert [(s.name, s.source) for s in found] == [
        ("Pricing", "config"),
        ("Calendar", "config"),
        ("Follow up", "Follow up.md"),
    ]
    assert found[2].body == "Any thoughts, {first_name}?"
    with pytest.raises(Problems) as bad:
        read_settings({"snippets": [{"name": "No body"}, {"name": "x", "body": "y", "oops": 1}]})
    assert {where for where, _ in bad.value.found} == {"snippets.0", "snippets.1.oops"}


def test_variables_are_filled_from_the_conversation_and_unknown_ones_kept() -> None:
    thread = Thread(
        id="t1",
        account_link_id="a1",
        prospect=Prospect(
            display_name="Nadia Yilmaz",
            username="nadia_cobalt",
            bio="Head of growth at Cobalt Labs. Coffee.",
        ),
    )
    directory = Directory.build([AccountLink(id="a1", name="Acme Corp")], [], [], [])
    values = values_for(thread, directory, "Alex Chen")
    assert values == {
        "name": "Nadia Yilmaz",
        "first_name": "Nadia",
        "handle": "@nadia_cobalt",
        "account": "Acme Corp",
        "me": "Alex Chen",
        "company": "Cobalt Labs",
    }
    text, unknown = expand("Hi {first_name} at {company}, {x} and {x}, {Not_a_var} {}", values)
    assert text == "Hi Nadia at Cobalt Labs, {x} and {x}, {Not_a_var} {}"
    assert unknown == ["x"]
    assert company_from_bio("CTO @ Helix. Builder") == "Helix"
    assert company_from_bio("building at night") is None
    assert "company" not in values_for(
        thread.model_copy(update={"prospect": Prospect()}), directory, ""
    )


def test_saving_a_snippet_keeps_the_rest_of_the_file() -> None:
    saved = with_snippet(CONFIG, Snippet("Hello", 'Line one\n"quoted" {first_name}', key="f6"))
    assert saved.startswith(CONFIG.rstrip("\n"))  # every line the user wrote, as written
    table = tomllib.loads(saved)
    assert table["snippets"][-1] == {
        "name": "Hello",
        "body": 'Line one\n"quoted" {first_name}',
        "key": "f6",
    }
    again = with_snippet(saved, Snippet("Pricing", "New price"))
    names = [s["name"] for s in tomllib.loads(again)["snippets"]]
    assert names == ["Calendar", "Hello", "Pricing"]
    assert "# Our canned replies" in again


async def test_ctrl_t_picks_fills_and_inserts_at_the_cursor(data_dir: Path, tmp_path: Path) -> None:
    app, _ = make_app(data_dir=data_dir, _path=write_config(tmp_path), me="Alex Chen")
    app.settings.snippets = read_settings(tomllib.loads(CONFIG)).snippets
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        thread = await open_thread(pilot, lambda t: True)
        first = thread.prospect.display_name.split()[0]
        await pilot.press("r", *"Hey ")
        await pilot.press("ctrl+t")
        assert isinstance(app.screen, SnippetPickerScreen)
        await pilot.press(*"prc")  # fuzzy: Pricing
        picker = app.screen
        assert isinstance(picker, SnippetPickerScreen) and picker.shown[0].name == "Pricing"
        preview = str(picker.query_one("#snippet-preview").render())
        assert preview.startswith(f"Hi {first}, plans start at $49 a seat.")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not picker and app.focused is app.composer.input
        expected = f"Hey Hi {first}, plans start at $49 a seat.\nAnnual: two months free."
        assert app.composer.input.text == expected
        await pilot.pause(0.4)
        assert kept_drafts(data_dir).get(thread.id) == expected  # a draft like any typing
        # An unknown variable: named first, inserted as written on a second enter.
        await pilot.press("ctrl+t", *"calendar", "enter")
        assert isinstance(app.screen, SnippetPickerScreen)
        warning = str(app.screen.query_one("#snippet-warning").render())
        assert "{calendar_link}" in warning and "enter again" in warning
        await pilot.press("enter")
        await settle(pilot)
        assert app.composer.input.text.endswith(f"Book me here, {first}: {{calendar_link}}")
        # A snippet's own key inserts it straight away.
        before = app.composer.input.text
        await pilot.press("f5")
        await settle(pilot)
        assert app.composer.input.text == before + f"Book me here, {first}: {{calendar_link}}"
        assert any("Not known here: {calendar_link}" in n for n in notifications(app))


async def test_ctrl_n_saves_the_draft_as_a_snippet(data_dir: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path)
    app, _ = make_app(data_dir=data_dir, _path=config)
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: True)
        assert [s.source for s in app.snippets.snippets()] == ["example"] * 4  # the demo's
        await pilot.press("r")
        app.composer.input.insert("Thanks {first_name}!\nTalk soon.")
        await pilot.press("ctrl+n")
        assert isinstance(app.screen, TextPromptScreen)
        await pilot.press("ctrl+u")  # clear the suggested name (the input's own key)
        await pilot.press(*"Thanks", "enter")
        await settle(pilot)
        table = tomllib.loads(config.read_text(encoding="utf-8"))
        assert table["me"] == "Alex Chen" and table["snippets"][-1] == {
            "name": "Thanks",
            "body": "Thanks {first_name}!\nTalk soon.",
        }
        assert [s.name for s in app.snippets.snippets()] == ["Thanks"]  # examples make way
        assert app.composer.input.text == "Thanks {first_name}!\nTalk soon."  # still the draft


async def test_the_demo_fills_me_with_its_user(data_dir: Path) -> None:
    """#34: the demo knows who the user is (Alex Chen, whom its key acts as): its example
    snippets' {me} is filled without `me` in the config file, which still wins when set."""
    app, _ = make_app(data_dir=data_dir)
    assert app.settings.me == ""
    async with app.run_test(size=(160, 44)) as pilot:
        await settle(pilot)
        await open_thread(pilot, lambda t: True)
        await pilot.press("r", "ctrl+t")
        picker = app.screen
        assert isinstance(picker, SnippetPickerScreen)
        await pilot.press(*"intro")
        assert picker.shown[0].name == "Intro call"
        assert str(picker.query_one("#snippet-preview").render()).endswith("\n\nAlex Chen")
        await pilot.press("enter")
        await settle(pilot)
        assert app.composer.input.text.endswith("triage DMs.\n\nAlex Chen")
        assert not any("{me}" in n for n in notifications(app))
        app.settings.me = "Sam O."
        app.snippets.pick("Intro call")
        assert app.composer.input.text.endswith("\n\nSam O.")
