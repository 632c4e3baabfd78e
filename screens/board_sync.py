"""The board's screen over its session: reads and writes on threads, and what they redraw.

The data (the deals in view, the change feed, writes shown before they land, undo, the
metrics window) lives in `screens.board_session.BoardSession`, which knows no widget; this
screen runs its reads and writes in thread workers (the store's lock may wait up to
``settings.lock_timeout``) and draws what the session says changed. Changes show at once and
are written behind, in order, each checked against the version the person saw.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Input, Static

from board.deal import Deal
from board.errors import Conflict, FunnelError, StoreLocked
from board.metrics import Metrics
from board.settings import Settings
from board.spend import Spend
from screens.board_layout import BoardLayout, board_layout
from screens.board_session import WINDOWS, BoardSession, Fetched, MetricsRequest
from screens.board_view import BoardView
from screens.column_data import ColumnData, build_columns, unknown_lane
from screens.deal_filter import DealFilter
from screens.deal_list import DealList
from screens.key_bar import KeyBar
from screens.side_panel import SidePanel
from screens.status_line import StatusLine
from screens.store_writer import StoreWriter, WriteJob
from screens.undo_log import Transition, UndoLog
from storage.repository import Repository, WriteReceipt

_CHECKED: tuple[tuple[str, tuple[object, ...]], ...] = (
    ("detail", ()),
    ("move", (-1,)),
    ("move", (1,)),
    ("accept", ()),
    ("qualify", ()),
    ("win", ()),
    ("lose", ()),
    ("undo", ()),
    ("redo", ()),
    ("clear", ()),
)

POLL_SECONDS = 0.4
"""How often the store's change stamp is checked; a change by anyone shows within a second."""

__all__ = ["EMPTY_TEXT", "POLL_SECONDS", "WINDOWS", "BoardSync"]

EMPTY_TEXT = (
    "No deals yet.\n\n"
    "Press  a  to add the first deal,\n"
    'or run  funnel add "Title"  in a shell.\n\n'
    "To look around a sample board first, run  funnel demo.\n"
    "(funnel: command not found? Run  make install  in the\n"
    " checkout, or  . .venv/bin/activate  there.)"
)


class BoardSync(Screen[None]):
    """The board's data: the layout, reading the store, and writing changes behind the UI."""

    def __init__(
        self,
        repository: Repository,
        settings: Settings,
        *,
        clock: Callable[[], datetime],
        user: str,
        blink: bool = True,
    ) -> None:
        super().__init__()
        self.repository = repository
        self.settings = settings
        self.clock = clock
        self.user = user
        self.blink = blink
        self.session = BoardSession(repository, settings, clock)
        self.built = False
        """Whether the board and its panel are mounted (they come after the first frame)."""
        self.deal_filter = DealFilter()
        self.panel_wanted: bool | None = None
        """The person's choice with ``s`` (None: shown when the columns keep their room)."""
        self.fitted = BoardLayout((), 0, panel_fits=False)
        """How the width is shared now (see `screens.board_layout`)."""
        self.writer = StoreWriter(repository)
        self._reading = False
        self._busy_shown = False
        self._minute = -1
        self._available: tuple[bool | None, ...] = ()
        self._columns: tuple[ColumnData, ...] = ()
        self._side_due = False

    # What the session holds, as the screen and its tests read it.

    @property
    def deals(self) -> Mapping[int, Deal]:
        """Every open deal and the closed ones the metrics need whole, mine shown on top."""
        return self.session.deals

    @property
    def loaded(self) -> bool:
        """Whether the store has been read (the open deals at least)."""
        return self.session.loaded

    @property
    def complete(self) -> bool:
        """Whether the closed deals have been read too, so the metrics can be computed."""
        return self.session.complete

    @property
    def undo_log(self) -> UndoLog:
        return self.session.undo_log

    @property
    def _spend(self) -> tuple[Spend, ...]:
        return self.session.spend

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status-line")
        yield Horizontal(id="main")
        filter_input = Input(placeholder="filter: title, company, owner, source, tags", id="filter")
        filter_input.cursor_blink = self.blink
        yield filter_input
        yield KeyBar(
            pinned=("s", "question_mark", "q"),
            trailing=("1",),  # the stage numbers matter less than the deal's keys
            applies=self.key_applies,
            id="keys",
        )

    def on_mount(self) -> None:
        self._status()
        self.run_worker(self._write_loop, thread=True, group="write", exit_on_error=True)
        # The board and its panel are built once the first frame is out: composing, styling
        # and drawing them takes longer than starting the rest of the app.
        self.call_after_refresh(self._build_board)

    async def _build_board(self) -> None:
        board = BoardView(self.settings.pipeline, self.settings.currency, id="board")
        await self.query_one("#main", Horizontal).mount_all(
            [
                board,
                Static(EMPTY_TEXT, id="empty", markup=False),
                SidePanel(self.settings.pipeline, id="side-panel"),
            ]
        )
        for deal_list in board.query(DealList):
            deal_list.rules = self.settings.qualification
        self.built = True
        board.focus()
        self.fit_layout()
        self.refresh_bindings()
        # Read once the board is on screen: parsing a big store must not delay the picture.
        self.call_after_refresh(self._first_read)

    def _first_read(self) -> None:
        self.set_interval(POLL_SECONDS, self._poll)
        self._start_read(force=True)

    def on_unmount(self) -> None:
        self.writer.stop()

    # Reading -----------------------------------------------------------------------------

    def _poll(self) -> None:
        minute = self.clock().minute
        if minute != self._minute and self.loaded:
            self._render_board()  # ages and handoff clocks move on
        if not self._reading:
            self._start_read(force=False)

    def _start_read(self, *, force: bool) -> None:
        """Read in a worker, one read at a time; ``force`` reads even if nothing changed."""
        self._reading = True
        self._read(force, self.session.write_seq)

    @work(thread=True, group="read", exit_on_error=True, description="read the store")
    def _read(self, force: bool, seq: int) -> None:
        stamp: tuple[int, ...] = ()  # as it was before the read: a failed read is said once
        try:
            stamp = self.repository.stamp()
            fetched = self.session.fetch(force, seq, stamp)
        except StoreLocked as exc:
            self._hand_over(self._store_busy, exc)  # the next poll tries again
        except FunnelError as exc:
            self._hand_over(self._problem, exc, stamp)
        else:
            if fetched is not None:
                self._hand_over(self._take, fetched)
        finally:
            self._reading = False

    def _take(self, fetched: Fetched) -> None:
        if not self.is_attached:
            return  # the app is closing
        update = self.session.take(fetched)
        if update is None:
            return  # a write of mine landed while reading: the next read follows
        self._busy_shown = False
        if update.stages is None:
            self._render_board()
        elif update.redraw:
            self._render_board(stages=set(update.stages))
        if update.metrics:
            self.refresh_metrics()

    def _store_busy(self, exc: StoreLocked) -> None:
        if not self.is_attached:
            return  # the app is closing
        if not self._busy_shown:
            self._busy_shown = True
            self.notify(f"{exc} Retrying…", title="Store busy", severity="warning", markup=False)

    def _problem(self, exc: FunnelError, stamp: tuple[int, ...]) -> None:
        if not self.is_attached:
            return  # the app is closing
        # Said once per state of the file: the next read is when the file changes again.
        self.session.refused(stamp)
        self.notify(str(exc), title="Cannot read the store", severity="error", markup=False)

    # Showing -----------------------------------------------------------------------------

    @property
    def selected(self) -> Deal | None:
        """The deal under the cursor."""
        return self.query_one(BoardView).selected

    def _render_board(self, keep: int | None = None, stages: set[str] | None = None) -> None:
        if not self.is_attached:
            return  # the app is closing
        try:
            self._show_columns(keep, stages)
        except NoMatches:
            return  # a read landed while the app tore its widgets down

    def _show_columns(self, keep: int | None, stages: set[str] | None) -> None:
        """Rebuild the columns (only those of ``stages``, when one deal moved) and show them."""
        now = self.clock()
        self._minute = now.minute
        board = self.query_one(BoardView)
        if keep is None and board.selected is not None:
            keep = board.selected.id
        if stages is None or not self._columns:
            self._columns = build_columns(
                self.deals.values(), self.settings.pipeline, self.deal_filter
            )
        else:
            fresh = build_columns(
                (deal for deal in self.deals.values() if deal.stage in stages),
                self.settings.pipeline,
                self.deal_filter,
            )
            self._columns = tuple(
                new if new.stage.key in stages else old
                for old, new in zip(self._columns, fresh, strict=True)
            )
        pipeline = self.settings.pipeline
        lane = (
            unknown_lane(self.deals.values(), pipeline, self.deal_filter)
            if stages is None or any(key not in pipeline for key in stages)
            else None
        )
        board.show(self._columns, now, self.settings.handoff_sla_hours, keep, stages, lane)
        if len(self.fitted.columns) != len(pipeline.stages) + board.lane_shown:
            self.fit_layout()  # the unknown-stage lane came or went: it needs a column's room
        shown = (
            self._columns
            if not self.deal_filter.active
            else build_columns(self.deals.values(), self.settings.pipeline)
        )
        stray = board.columns[-1].data.deals  # the unknown-stage lane
        self.query_one("#empty").display = (
            self.loaded and not stray and not any(c.deals for c in shown)
        )
        self._show_side()

    def _show_side(self) -> None:
        """Redraw the status line and the side panel in the frame after this one.

        Textual repaints the box around everything that changed in a frame: the status line
        spans the screen, so drawn with the columns it made a move repaint the whole board.
        """
        if not self._side_due:
            self._side_due = True
            self.call_after_refresh(self._draw_side)

    def on_screen_resume(self) -> None:
        """Back on top after a dialog: redraw what the dialog may have taken with it.

        Textual runs an after-refresh callback after the frame of the screen on top; a
        dialog that closes before its next frame drops the callbacks it was holding.
        """
        self._side_due = False
        self._show_side()

    def _draw_side(self) -> None:
        self._side_due = False
        if self.is_attached:
            self._status()
            self._show_panel()

    def _show_panel(self) -> None:
        if not self.built:
            return
        panel = self.query_one(SidePanel)
        panel.display = self.fitted.panel > 0
        if panel.display and self.loaded:
            panel.show(
                self._columns,
                self.clock(),
                self.settings.handoff_sla_hours,
                self.settings.currency,
                searched=bool(self.deal_filter.text.strip()),
            )

    def refresh_metrics(self) -> None:
        """Recompute the panel's metrics (window, owner filter or deals changed)."""
        panel = self.query_one(SidePanel)
        owner, label = self.deal_filter.owner, self.session.window_label
        request = self.session.metrics_request(owner)
        shown = panel.metrics
        if request is None or shown is None or shown[1] != label or shown[0].owner != owner:
            # Another window or owner, or the closed deals still being read: no figure that is
            # not the one asked for. A change of a deal keeps the figures until the new ones.
            panel.show_metrics(None, label)
        if request is not None:
            self._compute_metrics(request)

    # A description of our own: by default Textual describes a worker by the repr of its
    # arguments, here ten thousand deals, on the UI thread.
    @work(
        thread=True,
        group="metrics",
        exclusive=True,
        exit_on_error=True,
        description="compute the metrics",
    )
    def _compute_metrics(self, request: MetricsRequest) -> None:
        metrics = self.session.compute(request)
        self._hand_over(self._show_metrics, metrics, request)

    def _show_metrics(self, metrics: Metrics, request: MetricsRequest) -> None:
        # Shown only if the person has not moved on to another window or owner meanwhile.
        current = request.label == self.session.window_label
        if self.is_attached and current and request.owner == self.deal_filter.owner:
            self.query_one(SidePanel).show_metrics(metrics, request.label)

    def _status(self) -> None:
        open_count = sum(column.count for column in self._columns[:-1]) if self.loaded else None
        self.query_one(StatusLine).show(
            self.repository.path.name,
            open_count,
            self.deal_filter,
            saving=self.saving,
            user=self.user,
        )

    def on_resize(self) -> None:
        """Share the new width between the columns and the panel."""
        self.fit_layout()

    def fit_layout(self) -> None:
        """Every column whole and the panel beside them, never over them."""
        if not self.built:
            return
        board = self.query_one(BoardView)
        stages = len(self.settings.pipeline.stages) + board.lane_shown
        self.fitted = board_layout(self.app.size.width, stages, self.panel_wanted)
        board.fit_columns(self.fitted.columns)
        # The empty board's message sits over the columns, its margins inside them.
        self.query_one("#empty").styles.width = max(self.fitted.board - 8, 20)
        if self.fitted.panel:
            self.query_one(SidePanel).styles.width = self.fitted.panel
        self._show_panel()

    @on(BoardView.Selected)
    def _selection_changed(self) -> None:
        # After the frame: the key bar rebuilds itself, which must not delay the cursor.
        self.call_after_refresh(self.refresh_keys)

    def key_applies(self, action: str, parameters: tuple[object, ...]) -> bool:
        """Whether a key does something for the selected deal (the key bar shows only those)."""
        return True

    def refresh_keys(self) -> None:
        """Refresh the key bar, but only when a key became (un)available."""
        available = tuple(self.key_applies(action, parameters) for action, parameters in _CHECKED)
        if available != self._available:
            self._available = available
            self.refresh_bindings()

    # Writing -----------------------------------------------------------------------------

    def _write_loop(self) -> None:
        self.writer.run(
            done=lambda job, result, receipt: self._hand_over(
                self._write_done, job, result, receipt
            ),
            failed=lambda job, exc: self._hand_over(self._write_failed, job, exc),
            busy=lambda job, attempt: self._hand_over(self._write_busy, job, attempt),
        )

    def _hand_over(self, callback: Callable[..., None], *args: object) -> None:
        # When the app is closing there is no one to tell; the write has landed or failed.
        with contextlib.suppress(RuntimeError):
            self.app.call_from_thread(callback, *args)

    def submit(
        self,
        job: WriteJob,
        shown: Deal | None = None,
        deal_id: int | None = None,
        removed: bool = False,
    ) -> None:
        """Queue a write; ``shown`` (or ``removed``) is what the board shows until it lands."""
        if deal_id is not None and (shown is not None or removed):
            stages = self.session.show(deal_id, shown)
            self._render_board(keep=deal_id if shown is not None else None, stages=set(stages))
        # Queue the write once this frame is out: encoding a big store holds the GIL. The app
        # runs it, not this screen: a dialog opened and closed within the frame must not drop it.
        self.session.queued()
        self.app.call_after_refresh(self.writer.submit, job)
        self._show_side()

    @property
    def saving(self) -> bool:
        """Whether some of my changes are not in the store yet."""
        return self.session.saving

    def _write_done(
        self, job: WriteJob, transition: Transition, receipt: WriteReceipt | None
    ) -> None:
        if not self.is_attached:
            return  # the app is closing
        written = self.session.written(job, transition, receipt)
        if written.notice is not None:
            self.notify(written.notice, markup=False)
        self._render_board(keep=written.keep, stages=set(written.stages))
        self.refresh_keys()

    def _write_failed(self, job: WriteJob, exc: FunnelError) -> None:
        if not self.is_attached:
            return  # the app is closing
        title = self.session.failed(job, exc)
        if isinstance(exc, Conflict) and job.on_conflict is not None:
            self.call_after_refresh(job.on_conflict, exc)
        self.notify(str(exc), title=title, severity="error", markup=False, timeout=8)
        self._start_read(force=True)
        self.refresh_keys()

    def _write_busy(self, job: WriteJob, attempt: int) -> None:
        if not self.is_attached:
            return  # the app is closing
        self.notify(
            f"Another funnel holds the store's lock; trying again ({attempt}/"
            f"{self.writer.attempts - 1})…",
            title="Store busy",
            severity="warning",
            markup=False,
        )
