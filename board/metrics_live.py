"""Metrics kept current from the change feed, without holding years of closed deals.

A deal closed before the window starts adds to the metrics only its win to date (its value,
and its customer among the customers won to date): `tally` skips its history unread, and its
win or loss is outside the window. So the board keeps such a *settled* deal as those two
figures, not as a deal with its history; deals open or closed since the horizon are kept
whole and tallied on each change, which costs what the window holds, not what the store holds.

The horizon is the earliest moment any window the board may compute starts; it is set by a
whole read. As time passes the window starts later, so the deals kept whole stay enough (some
more than needed, until the next whole read); a window reaching further back than the horizon
needs the store read again (`covers` says when). The person's own deals stay whole (`pinned`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from board.deal import Deal, Status
from board.metrics import Metrics, Window, compute_metrics, customer_key
from board.settings import Settings
from board.spend import Spend

__all__ = ["LiveMetrics", "Settled"]

_WON, _OPEN = Status.WON, Status.OPEN
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Settled:
    """What the settled deals (closed before the horizon) add: wins to date, and by whom.

    Settled deals rarely change (an edit or a deletion of an old deal), so one of these is
    shared by every computation until they do, and each owner's sums are made once.
    """

    won: Mapping[int, tuple[Decimal, str, str]]
    """Settled won deals: id -> (value, customer key, owner)."""
    _sums: dict[str | None, tuple[Decimal, frozenset[str]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def won_to_date(self, owner: str | None) -> tuple[Decimal, frozenset[str]]:
        """The value won to date and the customers won, of every owner or of one."""
        known = self._sums.get(owner)
        if known is not None:
            return known
        total = _ZERO
        customers: set[str] = set()
        for value, customer, who in self.won.values():
            if owner is None or who == owner:
                total += value
                customers.add(customer)
        self._sums[owner] = total, frozenset(customers)
        return self._sums[owner]


class LiveMetrics:
    """The deals the metrics need, updated by the change feed; `compute` gives `Metrics`.

    Not thread-safe: the board updates it on its UI thread and hands `view()` (a copy) to the
    worker that computes.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.horizon: datetime | None = None
        """Closed deals closed before this are settled; None: none is (every deal kept)."""
        self.complete = False
        """Whether a full read (closed deals included) has been taken in."""
        self._kept: dict[int, Deal] = {}
        self._won: dict[int, tuple[Decimal, str, str]] = {}
        self._names: dict[str, str] = {}  # one string per owner and customer, not one per deal
        self._settled: Settled | None = None
        """The settled wins as last handed out (None: they changed since)."""
        self.pinned: set[int] = set()
        """Deals kept whole even when settled (the person's own changes, which undo reads)."""
        self.first_created: datetime | None = None
        """When the oldest deal seen was created (the start of an all-time window)."""

    def covers(self, since: datetime) -> bool:
        """Whether a window starting at ``since`` can be computed without reading again."""
        return self.complete and (self.horizon is None or since >= self.horizon)

    def reset(
        self, deals: Iterable[Deal], horizon: datetime | None, *, complete: bool = True
    ) -> None:
        """Start over from a read of the store: a full one (closed deals included), or not
        ``complete`` (open deals only: enough to show the board, not for the metrics)."""
        self.horizon = horizon
        self._kept, self._won, self._names = {}, {}, {}
        self._settled = None
        self.first_created = None
        self._take(deals)
        self.complete = complete

    @classmethod
    def reading(cls, settings: Settings, horizon: datetime | None, pinned: set[int]) -> LiveMetrics:
        """An empty one to `offer` every deal of a whole read, one at a time."""
        live = cls(settings)
        live.horizon = horizon
        live.pinned = set(pinned)
        return live

    def offer(self, deal: Deal) -> bool:
        """Take in one deal of a whole read as it is read (``take`` of `Repository.changes`):
        kept whole here or as its figures, never left in the read's answer (so False)."""
        self._take((deal,))
        return False

    def apply(self, changed: Iterable[Deal], deleted: Iterable[int]) -> None:
        """Take in what the change feed says changed and was deleted."""
        for deal_id in deleted:
            self._kept.pop(deal_id, None)
            if self._won.pop(deal_id, None) is not None:
                self._settled = None
        self._take(changed)

    def _take(self, deals: Iterable[Deal]) -> None:
        horizon, kept, won, names = self.horizon, self._kept, self._won, self._names
        first = self.first_created
        for deal in deals:
            deal_id = deal.id
            if first is None or deal.created_at < first:
                first = deal.created_at
            if deal_id in won:
                self._settled = None  # a settled win changed, or is kept whole now
            closed_at = deal.won_at if deal.status is _WON else deal.lost_at
            if (
                horizon is None
                or deal.status is _OPEN
                or closed_at is None
                or closed_at >= horizon
                or deal_id in self.pinned
            ):
                kept[deal_id] = deal
                won.pop(deal_id, None)
                continue
            kept.pop(deal_id, None)
            if deal.status is _WON:
                self._settled = None
                customer = customer_key(deal.company or deal.title)
                won[deal_id] = (
                    deal.value,
                    names.setdefault(customer, customer),
                    names.setdefault(deal.owner, deal.owner),
                )
            else:
                won.pop(deal_id, None)
        self.first_created = first

    @property
    def kept(self) -> Mapping[int, Deal]:
        """The deals kept whole, by id (a live view: do not hold it across changes)."""
        return self._kept

    def owners(self) -> Iterator[str]:
        """The owner of every deal not lost (kept whole or settled as a win)."""
        for deal in self._kept.values():
            if deal.status is not Status.LOST:
                yield deal.owner
        for _, _, owner in self._won.values():
            yield owner

    def __len__(self) -> int:
        return len(self._kept) + len(self._won)

    def view(self) -> tuple[tuple[Deal, ...], Settled]:
        """A copy to compute from on another thread while the feed goes on here."""
        if self._settled is None:
            self._settled = Settled(dict(self._won))
        return tuple(self._kept.values()), self._settled

    @staticmethod
    def compute(
        view: tuple[tuple[Deal, ...], Settled],
        spend: Iterable[Spend],
        *,
        settings: Settings,
        window: Window,
        now: datetime,
        owner: str | None = None,
    ) -> Metrics:
        """`compute_metrics` over a `view`, settled deals included: the same figures as over
        every deal, as long as the window starts at or after the horizon."""
        kept, settled = view
        return compute_metrics(
            kept, spend, settings=settings, window=window, now=now, owner=owner, settled=settled
        )
