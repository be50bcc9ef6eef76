"""The thread list's rows, kept compact: each thread is held as its JSON compressed with a
dictionary shared by all rows (~350 bytes against ~9 KB for a parsed model), and parsed back
into a Thread when a row is looked at. Parsed threads are kept for the rows most recently used.

Positions and ids are indexed, and each row's keys (prospect, sort time, labels, lead score,
unread) are taken when it is packed, so finding, replacing, merging, re-arranging and counting
labels or unread threads never parse rows; only reading a row does (~0.2 ms), which rendering
does for the visible rows.
"""

from __future__ import annotations

import sys
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, NamedTuple, overload

if TYPE_CHECKING:
    from tui.core.model import Thread

PARSED_KEPT = 512  # parsed threads kept for the rows most recently read
DICTIONARY_SAMPLE = 24  # threads whose JSON makes the shared compression dictionary


class Packer:
    """Compression with a dictionary made from the first threads seen (JSON of threads repeats
    the same keys and shapes, so a shared dictionary compresses each one ~6x)."""

    def __init__(self) -> None:
        self.dictionary: bytes | None = None

    def learn(self, threads: Sequence[Thread]) -> None:
        if self.dictionary is None and threads:
            sample = b"".join(_json(t) for t in threads[:DICTIONARY_SAMPLE])
            self.dictionary = sample[-32_768:]

    def pack(self, thread: Thread) -> bytes:
        compressor = zlib.compressobj(6, zdict=self.dictionary or b"")
        return compressor.compress(_json(thread)) + compressor.flush()

    def unpack(self, packed: bytes) -> Thread:
        from tui.core.model import Thread  # rows are only packed once the models are loaded

        decompressor = zlib.decompressobj(zdict=self.dictionary or b"")
        return Thread.model_validate_json(decompressor.decompress(packed) + decompressor.flush())


def _json(thread: Thread) -> bytes:
    return thread.model_dump_json(by_alias=True).encode()


def _thread_id(value: object) -> str | None:
    from tui.core.model import Thread

    return value.id if isinstance(value, Thread) else None


class RowKeys(NamedTuple):
    """What re-arranging and counting need of a row, without parsing it."""

    prospect: str | None
    stamp: float  # the sort timestamp, as seconds (-inf when there is none)
    tags: tuple[str, ...]
    status: str | None
    score: int | None  # None until a scorer has seen the row
    unread: bool = False


Scorer = Callable[["Thread"], int]
NO_SCORE = -1  # lead scores are never negative
NO_STAMP = float("-inf")  # a thread with no sort time


class RowIndex:
    """The keys of every row, one column each (a few bytes a row: at 100,000 rows a tuple per
    row would cost ~10 MB more)."""

    def __init__(self) -> None:
        self.prospects: list[str | None] = []
        self.tags: list[tuple[str, ...]] = []
        self.statuses: list[str | None] = []
        self.stamps = array("d")
        self.scores = array("i")
        self.unread = bytearray()  # 1: the thread is unread

    def __len__(self) -> int:
        return len(self.stamps)

    def __getitem__(self, at: int) -> RowKeys:
        score = self.scores[at]
        return RowKeys(
            self.prospects[at],
            self.stamps[at],
            self.tags[at],
            self.statuses[at],
            None if score == NO_SCORE else score,
            bool(self.unread[at]),
        )

    def __setitem__(self, at: int, keys: RowKeys) -> None:
        self.prospects[at], self.tags[at], self.statuses[at] = keys[0], keys[2], keys[3]
        self.stamps[at] = keys.stamp
        self.scores[at] = NO_SCORE if keys.score is None else keys.score
        self.unread[at] = keys.unread

    def insert(self, at: int, keys: RowKeys) -> None:
        self.prospects.insert(at, keys.prospect)
        self.tags.insert(at, keys.tags)
        self.statuses.insert(at, keys.status)
        self.stamps.insert(at, keys.stamp)
        self.scores.insert(at, NO_SCORE if keys.score is None else keys.score)
        self.unread.insert(at, keys.unread)

    def append(self, keys: RowKeys) -> None:
        self.insert(len(self), keys)

    def __delitem__(self, at: int) -> None:
        del self.prospects[at], self.tags[at], self.statuses[at], self.stamps[at]
        del self.scores[at], self.unread[at]


_shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # one tuple per tag combination


def _keys(thread: Thread, scorer: Scorer | None) -> RowKeys:
    context = thread.prospect.context
    tags = tuple(sys.intern(t) for t in context.tags)
    stamp = thread.sort_timestamp
    return RowKeys(
        thread.prospect.external_id,
        stamp.timestamp() if stamp is not None else float("-inf"),
        _shared.setdefault(tags, tags),
        sys.intern(context.status_id) if context.status_id else None,
        scorer(thread) if scorer is not None else None,
        thread.unread,
    )


class ThreadRows(Sequence["Thread"]):
    def __init__(
        self,
        threads: Iterable[Thread] = (),
        packer: Packer | None = None,
        scorer: Scorer | None = None,
    ) -> None:
        self.packer = packer or Packer()
        self.scorer = scorer  # the lead score, kept with each row when set
        self._packed: list[bytes] = []
        self._ids: list[str] = []
        self._keys = RowIndex()
        self._positions: dict[str, int] = {}
        self._parsed: OrderedDict[str, Thread] = OrderedDict()
        self.extend(threads)

    # --- reading ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._packed)

    @overload
    def __getitem__(self, index: int) -> Thread: ...

    @overload
    def __getitem__(self, index: slice) -> list[Thread]: ...

    def __getitem__(self, index: int | slice) -> Thread | list[Thread]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        thread_id = self._ids[index]
        parsed = self._parsed.get(thread_id)
        if parsed is None:
            parsed = self.packer.unpack(self._packed[index])
            self._keep(parsed)
        else:
            self._parsed.move_to_end(thread_id)
        return parsed

    def __iter__(self) -> Iterator[Thread]:
        for i in range(len(self)):
            yield self[i]

    def __contains__(self, value: object) -> bool:
        return _thread_id(value) in self._positions

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        """The position of the row with this thread's id."""
        thread_id = _thread_id(value)
        if thread_id in self._positions:
            at = self._positions[thread_id]
            if start <= at < (len(self) if stop is None else stop):
                return at
        raise ValueError("not in the rows")

    def packed_at(self, index: int) -> bytes:
        """The row as kept (a new object whenever the row is replaced: what a cache of
        anything read from the row can be keyed on)."""
        return self._packed[index]

    def id_at(self, index: int) -> str | None:
        return self._ids[index] if 0 <= index < len(self._ids) else None

    def position(self, thread_id: str) -> int | None:
        return self._positions.get(thread_id)

    def find(self, thread_id: str) -> Thread | None:
        at = self._positions.get(thread_id)
        return None if at is None else self[at]

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def positions_of_prospect(self, prospect_id: str) -> list[int]:
        return [i for i, p in enumerate(self._keys.prospects) if p == prospect_id]

    def positions_with_label(self, kind: str, label_id: str) -> list[int]:
        """Rows whose prospect carries the tag (kind "tags") or the status."""
        if kind == "tags":
            return [i for i, tags in enumerate(self._keys.tags) if label_id in tags]
        return [i for i, status in enumerate(self._keys.statuses) if status == label_id]

    def label_carriers(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """For each tag and each status, the prospects of the rows carrying it."""
        tags: dict[str, set[str]] = {}
        statuses: dict[str, set[str]] = {}
        keys = self._keys
        for thread_id, prospect, carried, status in zip(
            self._ids, keys.prospects, keys.tags, keys.statuses, strict=True
        ):
            who = prospect or thread_id
            for tag_id in carried:
                tags.setdefault(tag_id, set()).add(who)
            if status:
                statuses.setdefault(status, set()).add(who)
        return tags, statuses

    def people(self) -> set[str]:
        """The prospect of every row (the thread's id when it has none), as label_carriers
        names them."""
        return {p or i for i, p in zip(self._ids, self._keys.prospects, strict=True)}

    def stamp_span(self, leaving_out: AbstractSet[str] = frozenset()) -> tuple[float, float] | None:
        """The earliest and latest sort times of the rows (those without one, and the threads
        `leaving_out`, left out); None when no row has one. Read from the column (no row is
        parsed, nor each row visited in Python)."""
        stamps = self._keys.stamps
        skip = [
            at for thread_id in leaving_out if (at := self._positions.get(thread_id)) is not None
        ]
        if skip:
            stamps = array("d", stamps)
            for at in skip:
                stamps[at] = NO_STAMP
        known = list(filter(NO_STAMP.__ne__, stamps))
        return (min(known), max(known)) if known else None

    def unread_positions(self) -> list[int]:
        """The unread rows (found in the column: no row is parsed)."""
        flags, found, at = self._keys.unread, [], 0
        while (at := flags.find(1, at)) != -1:
            found.append(at)
            at += 1
        return found

    def stamp_at(self, index: int) -> float:
        return self._keys.stamps[index]

    def score_at(self, index: int) -> int:
        """The row's lead score (the scorer must be set); rows packed before it was set are
        parsed once and keep their score."""
        score = self._keys.scores[index]
        if score == NO_SCORE:
            assert self.scorer is not None, "no scorer for these rows"
            score = self._keys.scores[index] = self.scorer(self[index])
        return score

    def subset(self, positions: Iterable[int]) -> ThreadRows:
        """These rows, in this order, as new rows (not parsed)."""
        rows = ThreadRows((), self.packer, self.scorer)
        for index in positions:
            self.copy_row(index, rows)
        return rows

    def copy_row(self, index: int, into: ThreadRows) -> None:
        """Move a row into other rows as it is, without parsing it."""
        thread_id = self._ids[index]
        into._add(thread_id, self._keys[index], self._packed[index])
        parsed = self._parsed.get(thread_id)
        if parsed is not None:
            into._keep(parsed)

    # --- changing ---------------------------------------------------------------------------

    def extend(self, threads: Iterable[Thread]) -> None:
        threads = list(threads)
        self.packer.learn(threads)
        for thread in threads:
            self._add(thread.id, _keys(thread, self.scorer), self.packer.pack(thread))
            self._keep(thread)

    def append(self, thread: Thread) -> None:
        self.extend([thread])

    def replace(self, thread: Thread) -> bool:
        """Put `thread` in place of the row with its id; False when there is none."""
        at = self._positions.get(thread.id)
        if at is None:
            return False
        self._packed[at] = self.packer.pack(thread)
        self._keys[at] = _keys(thread, self.scorer)
        self._keep(thread)
        return True

    def insert(self, index: int, thread: Thread) -> None:
        index = max(0, min(index, len(self)))
        self._packed.insert(index, self.packer.pack(thread))
        self._ids.insert(index, thread.id)
        self._keys.insert(index, _keys(thread, self.scorer))
        self._keep(thread)
        self._reindex()

    def remove_id(self, thread_id: str) -> None:
        at = self._positions.get(thread_id)
        if at is None:
            return
        del self._packed[at], self._ids[at], self._keys[at]
        self._parsed.pop(thread_id, None)
        self._reindex()

    def _add(self, thread_id: str, keys: RowKeys, packed: bytes) -> None:
        at = self._positions.get(thread_id)
        if at is not None:  # the same thread twice: the later copy wins, in place
            self._packed[at], self._keys[at] = packed, keys
            self._parsed.pop(thread_id, None)
            return
        self._positions[thread_id] = len(self._packed)
        self._packed.append(packed)
        self._ids.append(thread_id)
        self._keys.append(keys)

    def _keep(self, thread: Thread) -> None:
        self._parsed[thread.id] = thread
        self._parsed.move_to_end(thread.id)
        while len(self._parsed) > PARSED_KEPT:
            self._parsed.popitem(last=False)

    def _reindex(self) -> None:
        self._positions = {thread_id: i for i, thread_id in enumerate(self._ids)}
