"""The list's compact rows: what goes in comes back equal, found and changed by id."""

from __future__ import annotations

import pytest

from tests.conftest import make_store
from tui.core.model import Thread
from tui.ui.widgets.rows import PARSED_KEPT, Packer, ThreadRows


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


def count_parses(rows: ThreadRows) -> list[int]:
    """How many rows were parsed back from their bytes from now on."""
    parses = [0]
    unpack = rows.packer.unpack

    def counted(packed: bytes) -> Thread:
        parses[0] += 1
        return unpack(packed)

    rows.packer.unpack = counted  # type: ignore[method-assign]
    return parses


def test_keys_kept_with_each_row_answer_without_parsing() -> None:
    originals = threads(PARSED_KEPT + 100)
    rows = ThreadRows(originals, scorer=lambda t: t.prospect.follower_count or 0)
    rows._parsed.clear()  # nothing parsed is at hand: every read would parse
    parses = count_parses(rows)
    tag = next(t for thread in originals for t in thread.prospect.context.tags)
    carriers, by_status = rows.label_carriers()
    expected = {t.prospect.external_id or t.id for t in originals if tag in t.prospect.context.tags}
    assert carriers[tag] == expected
    assert sum(len(v) for v in by_status.values()) == len(
        {t.prospect.external_id or t.id for t in originals if t.prospect.context.status_id}
    )
    assert [rows.id_at(i) for i in rows.positions_with_label("tags", tag)] == [
        t.id for t in originals if tag in t.prospect.context.tags
    ]
    ordered = sorted(range(len(rows)), key=rows.score_at, reverse=True)
    subset = rows.subset(ordered[:50])
    assert [subset.score_at(i) for i in range(50)] == sorted(
        (t.prospect.follower_count or 0 for t in originals), reverse=True
    )[:50]
    assert rows.stamp_at(0) == originals[0].sort_timestamp.timestamp()  # type: ignore[union-attr]
    assert parses[0] == 0


def test_a_score_is_taken_once_for_rows_packed_before_the_scorer() -> None:
    originals = threads(20)
    rows = ThreadRows(originals)
    calls: list[str] = []

    def scorer(thread: Thread) -> int:
        calls.append(thread.id)
        return len(thread.id)

    rows.scorer = scorer
    assert rows.score_at(3) == len(originals[3].id) and rows.score_at(3) == len(originals[3].id)
    assert calls == [originals[3].id]
    changed = originals[3].model_copy(update={"id": originals[3].id})
    rows.replace(changed)  # a replaced row is scored when it is packed
    rows.insert(0, originals[4].model_copy(update={"id": "new-row"}))
    rows.remove_id(originals[5].id)
    assert calls == [originals[3].id, originals[3].id, "new-row"]
    assert rows.score_at(0) == len("new-row") and len(rows) == 20


def test_row_summaries_come_back_equal_from_json_and_damaged_ones_do_not() -> None:
    import json

    from tui.core.directory import Directory
    from tui.core.row_summary import RowSummary, summarize

    directory = Directory()
    summaries = [summarize(t, directory, lambda t: len(t.id)) for t in threads(60)]
    wire = json.loads(json.dumps([s.to_json() for s in summaries]))
    assert [RowSummary.from_json(entry) for entry in wire] == summaries
    good = wire[0]
    damaged = [
        good[:-1],  # a field short (an older format)
        [None, *good[1:]],  # no id
        [*good[:1], 5, *good[2:]],  # a name that is not text
        [*good[:8], [["Hot", "#fff", "extra"]], *good[9:]],  # a tag that is not (name, colour)
        [*good[:6], "yes", *good[7:]],  # a flag that is not a boolean
        [*good[:-1], True],  # a score that is not a number
        {"id": good[0]},
        "row",
    ]
    assert all(RowSummary.from_json(entry) is None for entry in damaged)
