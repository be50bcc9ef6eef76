"""The thread list's rows, kept compact: each thread is held as its JSON compressed with a
dictionary shared by all rows (~350 bytes against ~9 KB for a parsed model), and parsed back
into a Thread when a row is looked at. Parsed threads are kept for the rows most recently used.

Positions and ids are indexed, so finding, replacing and merging rows never parses them; only
reading a row does (~0.2 ms), which rendering does for the visible rows alone.
"""

from __future__ import annotations

import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from ..api.models import Thread

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
        decompressor = zlib.decompressobj(zdict=self.dictionary or b"")
        return Thread.model_validate_json(decompressor.decompress(packed) + decompressor.flush())


def _json(thread: Thread) -> bytes:
    return thread.model_dump_json(by_alias=True).encode()


class ThreadRows(Sequence[Thread]):
    def __init__(self, threads: Iterable[Thread] = (), packer: Packer | None = None) -> None:
        self.packer = packer or Packer()
        self._packed: list[bytes] = []
        self._ids: list[str] = []
        self._prospects: list[str | None] = []
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
        return isinstance(value, Thread) and value.id in self._positions

    def index(self, value: object, start: int = 0, stop: int | None = None) -> int:
        """The position of the row with this thread's id."""
        if isinstance(value, Thread) and value.id in self._positions:
            at = self._positions[value.id]
            if start <= at < (len(self) if stop is None else stop):
                return at
        raise ValueError("not in the rows")

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
        return [i for i, p in enumerate(self._prospects) if p == prospect_id]

    def copy_row(self, index: int, into: ThreadRows) -> None:
        """Move a row into other rows as it is, without parsing it."""
        thread_id = self._ids[index]
        into._add(thread_id, self._prospects[index], self._packed[index])
        parsed = self._parsed.get(thread_id)
        if parsed is not None:
            into._keep(parsed)

    # --- changing ---------------------------------------------------------------------------

    def extend(self, threads: Iterable[Thread]) -> None:
        threads = list(threads)
        self.packer.learn(threads)
        for thread in threads:
            self._add(thread.id, thread.prospect.external_id, self.packer.pack(thread))
            self._keep(thread)

    def append(self, thread: Thread) -> None:
        self.extend([thread])

    def replace(self, thread: Thread) -> bool:
        """Put `thread` in place of the row with its id; False when there is none."""
        at = self._positions.get(thread.id)
        if at is None:
            return False
        self._packed[at] = self.packer.pack(thread)
        self._prospects[at] = thread.prospect.external_id
        self._keep(thread)
        return True

    def insert(self, index: int, thread: Thread) -> None:
        index = max(0, min(index, len(self)))
        self._packed.insert(index, self.packer.pack(thread))
        self._ids.insert(index, thread.id)
        self._prospects.insert(index, thread.prospect.external_id)
        self._keep(thread)
        self._reindex()

    def remove_id(self, thread_id: str) -> None:
        at = self._positions.get(thread_id)
        if at is None:
            return
        del self._packed[at], self._ids[at], self._prospects[at]
        self._parsed.pop(thread_id, None)
        self._reindex()

    def _add(self, thread_id: str, prospect_id: str | None, packed: bytes) -> None:
        at = self._positions.get(thread_id)
        if at is not None:  # the same thread twice: the later copy wins, in place
            self._packed[at], self._prospects[at] = packed, prospect_id
            self._parsed.pop(thread_id, None)
            return
        self._positions[thread_id] = len(self._packed)
        self._packed.append(packed)
        self._ids.append(thread_id)
        self._prospects.append(prospect_id)

    def _keep(self, thread: Thread) -> None:
        self._parsed[thread.id] = thread
        self._parsed.move_to_end(thread.id)
        while len(self._parsed) > PARSED_KEPT:
            self._parsed.popitem(last=False)

    def _reindex(self) -> None:
        self._positions = {thread_id: i for i, thread_id in enumerate(self._ids)}
