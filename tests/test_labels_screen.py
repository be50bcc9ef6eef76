"""Managing tags and statuses from the keyboard (L), and creating one from a picker; every
change read back from the server through a second client."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList

from tests.app_helpers import make_app, settle
from tests.test_actions import reader
from tui.core.model import Thread
from tui.ui.app import InboxApp
from tui.ui.screens.labels import LabelFormScreen, LabelsScreen
from tui.ui.screens.pickers import ConfirmScreen, PickerScreen
from tui.ui.widgets.chips import dot_style


async def open_labels(pilot: Pilot[None]) -> LabelsScreen:
    await pilot.press("L")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, LabelsScreen)
    return screen


async def fill_form(pilot: Pilot[None], name: str | None, color: str | None) -> None:
    form = pilot.app.screen
    assert isinstance(form, LabelFormScreen)
    if name is not None:
        form.query_one("#label-name", Input).value = name
    if color is not None:
        form.query_one("#label-color", Input).value = color
    form.query_one("#label-name", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


def highlight(screen: LabelsScreen, name: str) -> None:
    options = screen.query_one(OptionList)
    rows = screen.rows[screen.kind]
    options.highlighted = next(i for i, r in enumerate(rows) if r.name == name)


async def test_create_rename_recolour_a_tag(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        screen = await open_labels(pilot)
        colour_reads = [e for e in api.request_log if e[1].endswith("/colors")]
        assert colour_reads == [("GET", "/colors")]  # v2: one palette for tags and statuses
        await pilot.press("n")
        await fill_form(pilot, "Warm intro", "Teal")  # names in any case
        tags = {t.name: t for t in await reader(api).list_tags()}
        assert tags["Warm intro"].color == "#14b8a6"  # the service stores hex
        row = next(r for r in screen.rows["tags"] if r.name == "Warm intro")
        shown = dot_style(row.color).color
        assert shown is not None and shown.triplet is not None
        assert shown.triplet.hex == "#14b8a6"
        assert "Warm intro" in app.directory.tags[tags["Warm intro"].id].name

        highlight(screen, "Warm intro")
        await pilot.press("r")
        await fill_form(pilot, "Warm referral", None)
        highlight(screen, "Warm referral")
        await pilot.press("c")
        await fill_form(pilot, None, "#14b8a6")
        tag = await reader(api).get_tag(tags["Warm intro"].id)
        assert (tag.name, tag.color) == ("Warm referral", "#14b8a6")

        await pilot.press("escape")
        await open_labels(pilot)  # the colours are not fetched twice
        assert len([e for e in api.request_log if e[1].endswith("/colors")]) == 1


async def test_a_bad_colour_or_empty_name_is_refused_in_the_form(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await open_labels(pilot)
        await pilot.press("n")
        before = len(api.request_log)
        await fill_form(pilot, "Fine name", "not-a-colour")
        form = app.screen
        assert isinstance(form, LabelFormScreen)
        assert "#3b82f6" in str(form.query_one("#label-message", Label).render())
        await fill_form(pilot, "  ", "red")
        assert "name is needed" in str(form.query_one("#label-message", Label).render())
        assert len(api.request_log) == before


async def test_deleting_a_tag_says_who_carries_it_and_clears_it(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        screen = await open_labels(pilot)
        row = max(screen.rows["tags"], key=lambda r: r.carried_by)
        carriers = {
            t.prospect.external_id
            for t in app.thread_list.threads
            if row.id in t.prospect.context.tags
        }
        assert row.carried_by == len(carriers) > 0
        highlight(screen, row.name)
        await pilot.press("d")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        assert f"{len(carriers)} prospects in this view carry it" in confirm.body
        assert "Other views are not counted (the local mirror is off)" in confirm.body
        await pilot.click("#answer-delete")
        await settle(pilot)
        assert row.id not in {t.id for t in await reader(api).list_tags()}
        assert row.id not in app.directory.tags
        assert all(row.id not in t.prospect.context.tags for t in app.thread_list.threads)
        some = next(iter(carriers))
        assert some is not None
        assert row.id not in (await reader(api).get_prospect(some)).context.tags


@pytest.mark.parametrize("version", ["v2", "v1"])
async def test_a_tags_carriers_are_counted_in_every_view_the_mirror_holds(
    data_dir: Path, version: str
) -> None:
    """With the local mirror on, deleting a tag says who carries it in the views the app has
    read, not only in the one shown; the mirror forgets it with the server."""
    # (The mirror's walk is kept to a request a minute: what it holds is what the views read.)
    app, api = make_app(
        data_dir=data_dir, api_version=version, mirror="on", mirror_share=0.001, poll_interval=3600
    )
    store = api.store
    store.ensure_all()
    # A tag only one archived person carries: no one in the default view has it.
    tag = store.create_label("tags", "Archived only", None).id
    person = next(
        t.prospect
        for t in store._order
        if all(u.done for u in store.threads_by_prospect[t.prospect.external_id])
    )
    person.tags.append(tag)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert not any(tag in t.prospect.context.tags for t in app.thread_list.threads)
        await pilot.press("4")  # Archived: read, so stored
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        mirror = app.mirror.mirror
        assert mirror is not None
        stored = [
            Thread.model_validate(wire)
            for wire, _ in mirror.threads_wire(ascending=False, offset=0, limit=10_000)
        ]
        carriers = {
            t.prospect.external_id or t.id for t in stored if tag in t.prospect.context.tags
        }
        screen = await open_labels(pilot)
        row = next(r for r in screen.rows["tags"] if r.id == tag)
        assert row.everywhere and row.carried_by == len(carriers) > 0
        highlight(screen, row.name)
        await pilot.press("d")
        confirm = app.screen
        assert isinstance(confirm, ConfirmScreen)
        who = "1 prospect carries" if len(carriers) == 1 else f"{len(carriers)} prospects carry"
        assert f"{who} it, as far as the local mirror knows (every view)" in confirm.body
        await pilot.click("#answer-delete")
        await settle(pilot)
        assert row.id not in {t.id for t in await reader(api).list_tags()}
        assert row.name.lower() not in mirror.label_carriers()[0]


async def test_statuses_tab_creates_a_status(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        screen = await open_labels(pilot)
        await pilot.press("tab")
        assert screen.kind == "statuses"
        await pilot.press("n")
        await fill_form(pilot, "Negotiating", "amber")
        statuses = {s.name: s for s in await reader(api).list_statuses()}
        assert statuses["Negotiating"].color == "#f59e0b"
        assert any(r.name == "Negotiating" for r in screen.rows["statuses"])


async def test_a_taken_name_is_reported(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        screen = await open_labels(pilot)
        taken = screen.rows["tags"][0].name
        count = len(await reader(api).list_tags())
        await pilot.press("n")
        await fill_form(pilot, taken.upper(), None)
        assert len(await reader(api).list_tags()) == count
        # Said in the form, which stays open with the name as typed (names are unique).
        assert isinstance(app.screen, LabelFormScreen)
        assert "exists already" in str(app.screen.query_one("#label-message", Label).render())


async def test_the_tag_picker_creates_a_tag_in_place(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app, InboxApp)
        thread = app.thread_list.threads[0]
        pid = thread.prospect.external_id
        assert pid is not None
        before = set(thread.prospect.context.tags)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press(*"Brand new", "enter", "ctrl+s")
        await settle(pilot)
        tags = {t.name: t.id for t in await reader(api).list_tags()}
        assert "Brand new" in tags
        prospect = await reader(api).get_prospect(pid)
        assert set(prospect.context.tags) == before | {tags["Brand new"]}
        assert tags["Brand new"] in app.directory.tags


async def test_the_status_picker_creates_a_status_in_place(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        pid = app.thread_list.threads[0].prospect.external_id
        assert pid is not None
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*"On hold", "enter")
        await settle(pilot)
        statuses = {s.name: s.id for s in await reader(api).list_statuses()}
        assert (await reader(api).get_prospect(pid)).context.status_id == statuses["On hold"]


async def test_new_status_from_the_command_palette(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"New status")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.2)
        form = app.screen
        assert isinstance(form, LabelFormScreen) and form.title_text == "New status"
        await fill_form(pilot, "Paused", "gray")
        assert "Paused" in {s.name for s in await reader(api).list_statuses()}
