"""The repository: the store seen in domain terms, whatever the backend.

`board/` and `screens/` speak only to this interface. Every method that writes holds the
store's exclusive lock for the whole read-modify-write and replaces files atomically; reads
take a shared lock, so they never see half of a multi-file change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from board.deal import Deal, Event, Status
from board.spend import Spend


@dataclass(frozen=True, slots=True)
class StoreMeta:
    """What the store knows about itself."""

    schema: int
    currency: str
    created_at: datetime
    next_deal_id: int
    next_spend_id: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One consistent read of the whole store (open and closed deals, spend, metadata)."""

    deals: tuple[Deal, ...]
    spend: tuple[Spend, ...]
    meta: StoreMeta
    stamp: tuple[int, ...] = field(default=())
    """The change stamp the snapshot was read at (see `Repository.stamp`)."""


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a reader stands in a store's history: the state it has seen, as its backend counts.

    Opaque to everything above `storage/`: hand back the one a read or a write gave you.
    """

    store: str
    """Which store (a store made anew at the same path starts another history)."""
    position: int
    """How many commits the store had."""
    parts: tuple[tuple[str, int], ...] = ()
    """The backend's finer record of what was seen (TinyDB: every block and its generation)."""
    spend: int = 0
    """A fingerprint of the spend ledger as seen."""


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed in a store since a cursor, and the cursor to ask from next time."""

    cursor: Cursor
    deals: tuple[Deal, ...]
    """Deals added or changed since (their current state; closed ones only if asked for)."""
    deleted: frozenset[int]
    """Ids of deals gone since (deleted, or closed when closed deals were not asked for)."""
    spend: tuple[Spend, ...] | None
    """The whole spend ledger if it changed, else ``None``."""
    meta: StoreMeta
    reset: bool = False
    """The cursor could not be followed (none given, or another store): ``deals`` is
    everything, and whatever the reader held before is to be dropped."""


@dataclass(frozen=True, slots=True)
class WriteReceipt:
    """What a write did to the store's history: the cursor it started from and the one it made.

    A reader whose cursor equals ``before`` and who applied the write's result itself may take
    ``after`` (and ``stamp``) as its own, instead of reading its own change back.
    """

    before: Cursor
    after: Cursor
    stamp: tuple[int, ...]


class Repository(Protocol):
    """A pipeline store. Deal identity is the deal's own ``id``, never a backend row id."""

    path: Path

    def meta(self) -> StoreMeta:
        """The store's metadata (creates nothing; a missing store reads as empty)."""
        ...

    def stamp(self) -> tuple[int, ...]:
        """A cheap change token (file stats, no parsing): differs after any committed write."""
        ...

    def changes(
        self,
        since: Cursor | None,
        *,
        include_closed: bool = True,
        take: Callable[[Deal], bool] | None = None,
    ) -> Changes:
        """What changed since ``since`` (everything when ``None``), costing what changed.

        ``take``, when given, is offered each deal of a whole answer (``reset``) as it is read,
        and the answer keeps only those it returns True for: a reader of years of deals takes
        in what it needs from the others without every one of them alive at once.
        """
        ...

    @property
    def last_write(self) -> WriteReceipt | None:
        """The receipt of the last write made through this object (``None`` before any)."""
        ...

    def snapshot(self, *, include_closed: bool = True) -> Snapshot:
        """Read everything at once; ``include_closed=False`` reads only open deals (fast path)."""
        ...

    def get(self, deal_id: int) -> Deal:
        """One deal, open or closed; raises `NotFound`."""
        ...

    def query(
        self,
        *,
        status: Status | None = Status.OPEN,
        stage: str | None = None,
        owner: str | None = None,
    ) -> list[Deal]:
        """Deals filtered by status (``None`` = all), stage and owner, ordered by id."""
        ...

    def add(self, make: Callable[[int], Deal]) -> Deal:
        """Allocate the next never-used id under the lock, build the deal with it, store it."""
        ...

    def add_many(self, make: Callable[[int], Sequence[Deal]]) -> list[Deal]:
        """All-or-nothing bulk add in one locked write; ``make`` receives the first free id."""
        ...

    def change(
        self,
        deal_id: int,
        apply: Callable[[Deal], Deal],
        *,
        expected_version: int | None = None,
    ) -> Deal:
        """Read-modify-write one deal under the lock.

        If ``expected_version`` is given and the stored deal has another version, raises
        `Conflict` naming who changed it and when, and writes nothing. ``apply`` gets the
        current deal and returns its successor (``version + 1``, same ``id``).
        """
        ...

    def delete(self, deal_id: int, *, expected_version: int | None = None) -> Deal:
        """Remove a deal (its id is never reused); returns what was removed."""
        ...

    def restore_deleted(self, deal: Deal) -> Deal:
        """Put back a deal removed earlier, under its old id (undo of a delete)."""
        ...

    def history(self, deal_id: int | None = None) -> list[tuple[int, Event]]:
        """Events of one deal, or of every deal, as ``(deal_id, event)`` ordered by time."""
        ...

    def add_spend(self, make: Callable[[int], Spend]) -> Spend:
        """Record a spend entry under a fresh id."""
        ...

    def spend(self) -> list[Spend]:
        """Every spend entry, ordered by day then id."""
        ...

    def remove_spend(self, spend_id: int) -> Spend:
        """Delete a spend entry; raises `NotFound`."""
        ...


def numbered_deals(make: Callable[[int], Sequence[Deal]], first: int) -> list[Deal]:
    """The new deals ``make`` builds from the first free id, which must take the ids from
    ``first`` on, in order (a bulk add's promise on every backend)."""
    deals = list(make(first))
    ids = [deal.id for deal in deals]
    if ids != list(range(first, first + len(deals))):
        raise ValueError(f"new deals must take the ids from {first} on, in order: {ids}")
    return deals
