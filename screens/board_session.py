"""The board's session: the deals in view, the change feed, the writes behind, undo and redo,
and the metrics window. No widget in sight: the board screen composes one and draws what it
says changed, and tests drive it with a real store and no terminal.

Threads: `fetch` and `compute` run on worker threads and only read; every other method runs
on the UI thread, which alone changes the session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from board.deal import Deal
from board.errors import Conflict, FunnelError, StoreLocked
from board.metrics import Metrics, Window
from board.metrics_live import LiveMetrics, Settled
from board.settings import Settings
from board.spend import Spend
from board.targets import month_of
from screens.process_memory import release_free_memory
from screens.store_writer import Intent, WriteJob
from screens.undo_log import Transition, UndoLog
from storage.repository import Changes, Cursor, Repository, WriteReceipt

WINDOWS: tuple[tuple[int | None, str], ...] = (
    (30, "last 30 days"),
    (90, "last 90 days"),
    (365, "last year"),
    (None, "all time"),
)
"""What ``w`` cycles through: days back from now (None: since the first deal) and a label."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """One read of the store, made on a worker thread, for `BoardSession.take`."""

    changes: Changes
    stamp: tuple[int, ...]
    seq: int
    closed: bool
    live: LiveMetrics | None = None
    """A whole read's deals as the metrics keep them (the answer itself holds none of them)."""


@dataclass(frozen=True, slots=True)
class Update:
    """What a read changed, for the screen to redraw."""

    stages: frozenset[str] | None
    """The stages whose columns changed; None: all of them (the first read, or a new start)."""
    redraw: bool
    """Whether anything on screen changed (columns, or the spend behind the panel)."""
    metrics: bool
    """Whether the metrics are due again."""


@dataclass(frozen=True, slots=True)
class MetricsRequest:
    """What a worker needs to compute the metrics, copied so the feed may go on meanwhile."""

    view: tuple[tuple[Deal, ...], Settled]
    spend: tuple[Spend, ...]
    window: Window
    now: datetime
    owner: str | None
    label: str


@dataclass(frozen=True, slots=True)
class Written:
    """What a write that landed changed on the board."""

    stages: frozenset[str]
    keep: int | None
    """The deal to keep the cursor on (None: it is gone)."""
    notice: str | None
    """What to tell the person (an undo or a redo), if anything."""


class BoardSession:
    """The deals the board shows, kept current from the change feed and the person's writes."""

    def __init__(
        self, repository: Repository, settings: Settings, clock: Callable[[], datetime]
    ) -> None:
        self.repository = repository
        self.settings = settings
        self.clock = clock
        self.live = LiveMetrics(settings)
        self.spend: tuple[Spend, ...] = ()
        self.loaded = False
        """Whether a read has been taken in (the open deals at least)."""
        self.undo_log = UndoLog()
        self.pending: dict[int, Deal | None] = {}
        """My changes not yet in the store: deal id -> what the board shows (None: deleted)."""
        self.stamp: tuple[int, ...] | None = None
        self.cursor: Cursor | None = None
        """Where the deals held stand in the store's history (see `Repository.changes`)."""
        self.with_closed = False
        """Whether reads take closed deals too. The first read takes the open ones only, so
        the columns show at once on a store of years; the closed ones follow in the next."""
        self.write_seq = 0
        self.in_flight = 0
        days = settings.metrics_window_days
        self.windows = (
            WINDOWS
            if any(d == days for d, _ in WINDOWS)
            else ((days, f"last {days} days"), *WINDOWS)
        )
        """The metrics windows ``w`` cycles through; the team's own default is one of them."""
        self.window = next(i for i, (d, _) in enumerate(self.windows) if d == days)

    @property
    def deals(self) -> Mapping[int, Deal]:
        """Every open deal, and the closed ones the metrics need whole, mine shown on top."""
        return self.live.kept

    @property
    def complete(self) -> bool:
        """Whether the closed deals have been read, so the metrics can be computed."""
        return self.live.complete

    @property
    def saving(self) -> bool:
        """Whether some of my changes are not in the store yet."""
        return self.in_flight > 0

    # Reading -------------------------------------------------------------------------------

    def fetch(self, force: bool, seq: int, stamp: tuple[int, ...] | None = None) -> Fetched | None:
        """Read what changed since the last read (None: nothing did). Worker thread.

        Only what changed is read and decoded: a colleague's change costs the blocks it
        touched, not the store. ``force`` starts over from nothing. ``stamp`` is the store's
        `Repository.stamp` if the caller took it already.
        """
        closed = self.with_closed
        if stamp is None:
            stamp = self.repository.stamp()
        if not force and stamp == self.stamp:
            return None
        since = None if force else self.cursor
        if not closed:
            return Fetched(self.repository.changes(since, include_closed=False), stamp, seq, False)
        # Should the answer be everything, each deal is offered as it is read and kept only as
        # the metrics need it: years of closed deals are never all alive at once.
        live = LiveMetrics.reading(self.settings, self.horizon(), self.live.pinned)
        changes = self.repository.changes(since, include_closed=True, take=live.offer)
        return Fetched(changes, stamp, seq, True, live if changes.reset else None)

    def take(self, fetched: Fetched) -> Update | None:
        """Take in a read; None when a write of mine landed meanwhile (the next read follows)."""
        if fetched.seq != self.write_seq:
            self.stamp = None  # this read may predate my write
            return None
        changes = fetched.changes
        self.stamp = fetched.stamp  # what `stamp()` said before this read; a newer write re-reads
        self.cursor = changes.cursor
        if not fetched.closed:
            # The open deals are enough to draw the columns; the next read takes everything
            # from nothing (open blocks are not decoded twice), and the metrics follow.
            self.with_closed = True
            self.stamp = self.cursor = None
        held = self.live.kept
        touched: set[str] = set()
        if changes.reset and fetched.live is not None:
            fetched.live.pinned |= self.live.pinned
            fetched.live.complete = True
            self.live = fetched.live
            held = self.live.kept
        elif changes.reset:
            self.live.reset(changes.deals, self.horizon(), complete=fetched.closed)
        else:
            for deal_id in changes.deleted:
                if deal_id in held:
                    touched.add(held[deal_id].stage)
            for deal in changes.deals:
                old = held.get(deal.id)
                touched.update((deal.stage,) if old is None else (deal.stage, old.stage))
            self.live.apply(changes.deals, changes.deleted)
        for deal_id, mine in self.pending.items():
            stored = held.get(deal_id)
            if mine is None:
                self.live.apply((), (deal_id,))
            elif stored is None or stored.version < mine.version:
                self.live.apply((mine,), ())
        if changes.spend is not None:
            self.spend = changes.spend
        first = not self.loaded
        self.loaded = True
        if changes.reset and fetched.closed:
            release_free_memory()  # what the whole read let go of, and the deals held before
        whole = changes.reset or first
        redraw = whole or bool(touched) or changes.spend is not None
        return Update(
            None if whole else frozenset(touched),
            redraw,
            fetched.closed and redraw,
        )

    def refused(self, stamp: tuple[int, ...]) -> None:
        """A read failed (a broken store): said once per state of the file, so wait for the
        file to change before reading again."""
        self.stamp = stamp

    # Metrics -------------------------------------------------------------------------------

    def horizon(self) -> datetime | None:
        """The earliest moment the window (and this month's targets) may look back to."""
        days = self.windows[self.window][0]
        if days is None:
            return None
        now = self.clock()
        since = now - timedelta(days=days)
        if self.settings.targets:
            since = min(since, month_of(now).since)
        return since

    def next_window(self) -> bool:
        """Move to the next window; True when the deals held do not reach back far enough
        and the store must be read again (the metrics wait for that read)."""
        self.window = (self.window + 1) % len(self.windows)
        return self._reread_needed()

    def _reread_needed(self) -> bool:
        horizon = self.horizon()
        if not self.live.complete or (horizon is not None and self.live.covers(horizon)):
            return False
        if horizon is None and self.live.horizon is None:
            return False
        self.live.complete = False
        self.stamp = self.cursor = None
        return True

    @property
    def window_label(self) -> str:
        return self.windows[self.window][1]

    def metrics_request(self, owner: str | None) -> MetricsRequest | None:
        """What to compute the metrics from; None while the closed deals are still read."""
        if not self.live.complete:
            return None
        now = self.clock()
        days, label = self.windows[self.window]
        if days is not None:
            window = Window(now - timedelta(days=days), now)
        else:
            first = self.live.first_created or now
            window = Window(min(first, now - timedelta(days=1)), now)
        if not self.live.covers(window.since):
            return None
        return MetricsRequest(self.live.view(), self.spend, window, now, owner, label)

    def targets_request(self) -> MetricsRequest | None:
        """What to compute this calendar month's figures from (for the targets), or None."""
        if not self.live.complete or not self.settings.targets:
            return None
        now = self.clock()
        month = month_of(now)
        if not self.live.covers(month.since):
            return None
        return MetricsRequest(self.live.view(), self.spend, month, now, None, f"{now:%B %Y}")

    def compute(self, request: MetricsRequest) -> Metrics:
        """The metrics of a request. Worker thread."""
        return LiveMetrics.compute(
            request.view,
            request.spend,
            settings=self.settings,
            window=request.window,
            now=request.now,
            owner=request.owner,
        )

    # Writing -------------------------------------------------------------------------------

    def show(self, deal_id: int, shown: Deal | None) -> frozenset[str]:
        """Show my change before it is written (None: the deal is gone); the stages touched."""
        self.pending[deal_id] = shown
        self.live.pinned.add(deal_id)
        before = self.live.kept.get(deal_id)
        if shown is None:
            self.live.apply((), (deal_id,))
        else:
            self.live.apply((shown,), ())
        return frozenset(deal.stage for deal in (before, shown) if deal is not None)

    def queued(self) -> None:
        """A write was handed to the writer."""
        self.in_flight += 1

    def written(
        self, job: WriteJob, transition: Transition, receipt: WriteReceipt | None
    ) -> Written:
        """A write of mine landed: adopt it (no reading it back) and log it for undo."""
        self.in_flight -= 1
        self.write_seq += 1
        if receipt is not None and self.cursor is not None and receipt.before == self.cursor:
            # Nobody wrote between my last read and my write: what I hold now is the store as
            # my write left it, so there is nothing to read back.
            self.cursor, self.stamp = receipt.after, receipt.stamp
        deal_id, stored = transition.deal_id, transition.new
        self.live.pinned.add(deal_id)
        shown = self.live.kept.get(deal_id)
        mine = self.pending.get(deal_id)
        if mine is not None and stored is not None and mine.version > stored.version:
            pass  # a later change of mine to this deal is still on its way: keep showing it
        else:
            self.pending.pop(deal_id, None)
            if stored is None:
                self.live.apply((), (deal_id,))
            else:
                self.live.apply((stored,), ())
        notice = None
        if job.intent is Intent.DO:
            self.undo_log.record(transition)
        elif job.intent is Intent.UNDO and job.source is not None:
            self.undo_log.undone(job.source, transition)
            notice = f"Undid {job.label} of deal {deal_id}."
        elif job.source is not None:
            self.undo_log.redone(job.source, transition)
            notice = f"Redid {job.label} of deal {deal_id}."
        stages = frozenset(deal.stage for deal in (shown, stored) if deal is not None)
        return Written(stages, deal_id if stored is not None else None, notice)

    def failed(self, job: WriteJob, exc: FunnelError) -> str:
        """A write of mine was refused: drop what I showed (a fresh read follows); the title
        to show the error under."""
        self.in_flight -= 1
        self.write_seq += 1
        self.pending.clear()
        self.stamp = None
        if isinstance(exc, Conflict):
            if job.source is not None:
                self.undo_log.forget(job.source)
            return "Changed by someone else"
        if isinstance(exc, StoreLocked):
            return "Store busy: not saved"
        return f"Cannot {job.label}"
