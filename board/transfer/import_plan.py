"""What an import would do: the deals it builds, the rows it refuses, and how it read the file."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from board.deal import Deal
from board.errors import FunnelError, RuleViolation
from board.stages import Pipeline
from board.transfer.dates import DateOrder

T = TypeVar("T")
Progress = Callable[[Iterable[T], int], Iterable[T]]
"""Wraps the rows being read and about how many there are, e.g. in a progress bar."""


def no_progress(items: Iterable[T], count: int) -> Iterable[T]:
    """The rows as they are."""
    return items


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to read a file: the command's ``--map``, ``--stage-map``, ... choices."""

    maps: tuple[str, ...] = ()
    stage_maps: tuple[str, ...] = ()
    owner_maps: tuple[str, ...] = ()
    date_order: DateOrder | None = None
    keep_ids: bool = False


@dataclass(frozen=True, slots=True)
class ImportContext:
    """Who imports, when, into which pipeline, and from which id new deals are numbered."""

    pipeline: Pipeline
    by: str
    now: datetime
    currency: str = "USD"
    first_id: int = 1


@dataclass(frozen=True, slots=True)
class RowError:
    """One refused row: where it is in the file (``line 7``, ``item 3``) and why."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ImportPlan:
    """The outcome of reading a file, before anything is written."""

    deals: list[Deal] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """How the file was read: columns, stage and owner mappings, ignored columns."""
    keep_ids: bool = False

    @property
    def rows(self) -> int:
        """Rows read, good and bad."""
        return len(self.deals) + len(self.errors)

    def by_stage(self) -> dict[str, int]:
        """How many deals land in each stage."""
        return dict(sorted(Counter(d.stage for d in self.deals).items()))

    def by_status(self) -> dict[str, int]:
        """How many deals are open, won and lost."""
        counts = Counter(d.status.value for d in self.deals)
        return {status: counts[status] for status in ("open", "won", "lost")}

    def numbered_from(self, first: int) -> list[Deal]:
        """The deals with the store's ids from ``first`` on (under the lock).

        With ``keep_ids`` the file's ids must be exactly those (the storage hands out ids in
        order and never reuses one), otherwise the import is refused as a rule.
        """
        deals = self.deals
        if self.keep_ids:
            wanted = list(range(first, first + len(deals)))
            for deal, expected in zip(deals, wanted, strict=True):
                if deal.id != expected:
                    raise RuleViolation(
                        f"--keep-ids: deal {deal.id} cannot keep its id (the store's next free"
                        f" id would be {expected}); import without --keep-ids to number the"
                        f" deals from {first}"
                    )
            return deals
        if deals and deals[0].id == first:
            return deals
        return [dataclasses.replace(deal, id=first + i) for i, deal in enumerate(deals)]


def build_deals(
    records: Iterable[T],
    make: Callable[[T, int], Deal],
    where: Callable[[T], str],
    first_id: int,
    progress: Progress[T],
    count: int | None = None,
) -> tuple[list[Deal], list[RowError]]:
    """Apply ``make`` to every record, numbering good ones from ``first_id``, keeping errors.

    ``records`` may be a stream, read once; ``count`` says about how many it holds (for the
    progress bar) when it has no length.
    """
    deals: list[Deal] = []
    errors: list[RowError] = []
    if count is None:
        count = len(records) if isinstance(records, Sized) else 0
    for record in progress(records, count):
        try:
            deals.append(make(record, first_id + len(deals)))
        except FunnelError as exc:
            errors.append(RowError(where(record), str(exc)))
    return deals, errors
