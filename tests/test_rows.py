"""The list's compact rows: what goes in comes back equal, found and changed by id."""

from __future__ import annotations

import pytest

from tests.conftest import make_store
from tui.api.models import Thread
from tui.widgets.rows import PARSED_KEPT, Packer, ThreadRows


def threads(count: int = 120) -> list[Thread]:
    store = make_store(max(300, count))
    return [Thread.model_validate(store.thread_wire(t)) for t in store._order[:count]]


def test_rows_give_back_equal_threads_beyond_the_parsed_ones() -> None:
    originals = threads(PARSED_KEPT + 150)  # more than stay parsed: the first come from bytes
    rows = ThreadRows(originals)
    assert rows._parsed.get(originals[0].id) is None
    assert len(rows) == len(originals)
    assert [t.id for t in rows] == [t.id for t in originals]
    assert all(rows[i] == t for i, t in enumerate(originals))  # parsed back from the bytes
    assert rows[-1] == originals[-1] and rows[1:3] == originals[1:3]
    with pytest.raises(IndexError):
        rows[len(originals)]


def test_find_replace_insert_remove_by_id() -> None:
    originals = threads(30)
    rows = ThreadRows(originals)
    target = originals[10]
    assert rows.position(target.id) == 10 and rows.index(target) == 10 and target in rows
    changed = target.model_copy(update={"done": not target.done})
    assert rows.replace(changed) and rows.find(target.id) == changed
    rows.remove_id(target.id)
    assert rows.find(target.id) is None and len(rows) == 29
    assert rows.position(originals[11].id) == 10  # positions follow
    rows.insert(0, changed)
    assert rows[0] == changed and rows.position(originals[0].id) == 1
    prospect = originals[3].prospect.external_id
    assert prospect is not None
    assert all(
        rows[i].prospect.external_id == prospect for i in rows.positions_of_prospect(prospect)
    )


def test_rows_move_between_lists_unparsed_and_equal() -> None:
    originals = threads(40)
    packer = Packer()
    source = ThreadRows(originals, packer)
    target = ThreadRows(originals[:5], packer)
    for i in range(5, 40):
        source.copy_row(i, target)
    assert [t.id for t in target] == [t.id for t in originals]
    assert list(target) == originals


def test_the_same_thread_twice_keeps_one_row() -> None:
    originals = threads(5)
    rows = ThreadRows(originals)
    newer = originals[2].model_copy(update={"assignee_id": None, "done": True})
    rows.extend([newer])
    assert len(rows) == 5 and rows[2] == newer
