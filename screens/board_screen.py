"""The board screen: every key of the board, each turned into a rule of the journey."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable

from textual import events, on, work
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import Input

from board import journey, qualifying
from board.deal import Deal, DealChanges, DealDraft
from board.edit_merge import MergedEdit, changes_of, merge_edit
from board.errors import Conflict, FunnelError, RuleViolation
from board.qualification import criteria_met, gate_refusal
from board.targets import TargetProgress, target_progress
from board.text import printable
from screens.board_keys import BOARD_BINDINGS, deal_key_applies, move_target
from screens.board_session import MetricsRequest
from screens.board_sync import BoardSync
from screens.board_view import BoardView
from screens.deal_filter import DealFilter
from screens.key_bar import KeyBar
from screens.status_line import StatusLine
from screens.store_writer import Intent, StaleWrite, WriteJob
from screens.target_gauges import TargetGauges
from screens.undo_log import Transition, refuse_if_changed, reverse
from storage.repository import Repository

# The dialogs, the detail and the help screen are imported where they open: none of them is
# on the first frame, and importing them all up front delays it.


class BoardScreen(BoardSync):
    """The pipeline board with its side panel, filter line and key bar."""

    BINDINGS = BOARD_BINDINGS

    def refresh_metrics(self) -> None:
        """The window's metrics, and this calendar month's progress toward the team targets."""
        super().refresh_metrics()
        request = self.session.targets_request()
        if request is not None:
            self._compute_targets(request)

    @work(
        thread=True,
        group="targets",
        exclusive=True,
        exit_on_error=True,
        description="compute the targets",
    )
    def _compute_targets(self, request: MetricsRequest) -> None:
        progress = target_progress(self.session.compute(request), self.settings.targets)
        self._hand_over(self._show_targets, progress, request.label)

    def _show_targets(self, progress: tuple[TargetProgress, ...], month: str) -> None:
        if self.is_attached:
            self.query_one(TargetGauges).show(progress, month, self.settings.currency)

    @property
    def selected(self) -> Deal | None:
        """The deal under the cursor (None before the board is mounted)."""
        try:
            return self.query_one(BoardView).selected
        except NoMatches:
            return None

    def _problem(self, exc: FunnelError, stamp: tuple[int, ...]) -> None:
        """A store that cannot be read says so where "loading…" was, and offers no Add."""
        super()._problem(exc, stamp)
        if not self.loaded and self.is_attached:
            self.query_one(StatusLine).problem = "cannot read the store (r tries again)"
            self._status()
            self.refresh_bindings()

    @property
    def unreadable(self) -> bool:
        """Whether the store could not be read and nothing was ever shown from it."""
        return not self.loaded and bool(self.query_one(StatusLine).problem)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Every key works once the board is built; one that cannot apply says why."""
        if not self.built:
            return action in {"help", "quit"}  # the board is not there yet
        return True

    def key_applies(self, action: str, parameters: tuple[object, ...]) -> bool:
        """Keys that cannot apply to the selected deal are left off the key bar."""
        if not self.built:
            return action in {"help", "quit"}
        if self.unreadable:
            return action in {"help", "quit", "reload", "side_panel"}
        if self.focused is self._filter_input():
            return action == "clear"  # every other key is a letter of the filter
        if action == "undo":
            return self.undo_log.can_undo
        if action == "redo":
            return self.undo_log.can_redo
        if action == "clear":
            return self.deal_filter.active or self._filter_input().has_class("-shown")
        return deal_key_applies(
            action, parameters, self.selected, self.settings.pipeline, self.settings.qualification
        )

    def _chosen(self, doing: str) -> Deal | None:
        """The selected deal, or None after saying there is none to act on."""
        deal = self.selected
        if deal is None:
            column = self.query_one(BoardView).columns[self.query_one(BoardView).active]
            self.notify(
                f"There is no deal to {doing} here: {printable(column.stage.label)} shows none.",
                title=f"Cannot {doing}",
                severity="warning",
                markup=False,
            )
        return deal

    def _refused(self, doing: str, attempt: Callable[[], object]) -> bool:
        """Try a rule without keeping the result; say why (in the CLI's words) if it refuses."""
        try:
            attempt()
        except FunnelError as exc:
            self._fail(doing, exc)
            return True
        return False

    def submit(
        self,
        job: WriteJob,
        shown: Deal | None = None,
        deal_id: int | None = None,
        removed: bool = False,
    ) -> None:
        """Queue a write; the panel's figures move with the card, not a store read later."""
        super().submit(job, shown, deal_id, removed)
        if shown is not None or removed:
            self.refresh_metrics()

    def _filter_input(self) -> Input:
        return self.query_one("#filter", Input)

    def _fail(self, doing: str, exc: FunnelError) -> None:
        """Say why an action was refused, in the words the command line uses."""
        self.notify(str(exc), title=f"Cannot {doing}", severity="error", markup=False)

    def _change(
        self,
        deal: Deal,
        label: str,
        apply: Callable[[Deal], Deal],
        on_conflict: Callable[[Deal, Deal], None] | None = None,
    ) -> None:
        """Apply a rule now, show the result, and write it behind (refused if the deal moved on).

        ``on_conflict(mine, fresh)`` is called when the deal changed meanwhile, with the deal
        as this person would have written it and as the store holds it now.
        """
        try:
            after = apply(deal)
        except FunnelError as exc:
            self._fail(label, exc)
            return

        def write(repository: Repository) -> Transition:
            try:
                stored = repository.change(
                    deal.id, lambda _current: after, expected_version=deal.version
                )
            except Conflict as exc:
                if on_conflict is not None:
                    raise StaleWrite(str(exc), repository.get(deal.id)) from exc
                raise
            return Transition(label, deal.id, deal, stored)

        def conflicted(exc: Conflict) -> None:
            if on_conflict is not None and isinstance(exc, StaleWrite):
                on_conflict(after, exc.fresh)

        self.submit(WriteJob(label, write, on_conflict=conflicted), shown=after, deal_id=deal.id)

    # Deals -------------------------------------------------------------------------------

    def action_detail(self) -> None:
        """Every field and the history of the deal."""
        from screens.deal_detail import DealDetail

        if (deal := self._chosen("show")) is not None:
            self.app.push_screen(
                DealDetail(deal, self.settings.pipeline, self.clock(), self.settings.qualification),
                lambda edit: self._edit_from_detail(deal.id) if edit else None,
            )

    def _edit_from_detail(self, deal_id: int) -> None:
        if (shown := self.selected) is not None and shown.id == deal_id:
            self.action_edit()

    def action_add(self) -> None:
        """The add form; the new deal lands in the stage of the cursor."""
        from screens.deal_form import DealForm

        if self.unreadable:
            self.notify(
                "The store cannot be read, so nothing can be added to it. Fix or restore"
                " the file (funnel doctor says how), then press r.",
                title="Cannot add",
                severity="error",
            )
            return
        pipeline = self.settings.pipeline
        stage: str | None = self.query_one(BoardView).active_stage
        if stage not in pipeline:
            stage = None  # the unknown-stage lane takes no new deals: the first stage does
        elif stage == pipeline.customer.key:
            # A deal added as a customer is won at once: offer the last open stage instead
            # (the form still lets the person choose Customer, with a value).
            stage = pipeline.keys[pipeline.index(stage) - 1]

        def added(draft: DealDraft | None) -> None:
            if draft is None:
                return
            now = self.clock()

            def write(repository: Repository) -> Transition:
                deal = repository.add(
                    lambda deal_id: journey.new_deal(
                        draft,
                        deal_id=deal_id,
                        pipeline=self.settings.pipeline,
                        by=self.user,
                        now=now,
                        currency=self.settings.currency,
                    )
                )
                return Transition("add", deal.id, None, deal)

            self.submit(WriteJob("add", write))

        self.app.push_screen(
            DealForm(self.settings, self.user, self.clock, stage=stage, blink=self.blink), added
        )

    def action_edit(self) -> None:
        """The edit form for the deal."""

        deal = self._chosen("edit")
        if deal is not None:
            self._edit(deal)

    def _edit(self, deal: Deal, merged: MergedEdit | None = None) -> None:
        """The edit form on ``deal``; after a conflict, with the person's changes carried over."""
        from screens.deal_form import DealForm

        def edited(draft: DealDraft | None) -> None:
            if draft is None:
                return
            changes = DealChanges(
                title=draft.title,
                company=draft.company,
                contact=draft.contact,
                value=draft.value,
                owner=draft.owner,
                source=draft.source,
                tags=draft.tags,
                notes=draft.notes,
            )
            self._change(
                deal,
                "edit",
                lambda d: journey.edit(d, changes, by=self.user, now=self.clock()),
                on_conflict=lambda mine, fresh: self._edit(
                    fresh, merge_edit(deal, changes_of(mine), fresh)
                ),
            )

        self.app.push_screen(
            DealForm(self.settings, self.user, self.clock, deal, blink=self.blink, merged=merged),
            edited,
        )

    def action_move(self, step: int) -> None:
        """One stage back or on; crossing the handoff line asks for a note or a reason."""
        from screens.text_prompt import TextPrompt

        deal = self._chosen("move")
        if deal is None:
            return
        pipeline = self.settings.pipeline
        known = deal.stage in pipeline  # from the unknown-stage lane: a plain move
        target = move_target(pipeline, deal.stage, step)
        if target is None and deal.is_open:
            last = "first" if step < 0 else "last"
            where = (
                f"{pipeline.get(deal.stage).label}, the {last} stage"
                if known
                else "a stage the settings no longer have, right of the last one"
            )
            self._fail(
                "move",
                RuleViolation(
                    f"deal {deal.id} is in {where};"
                    f" there is no stage {'before' if step < 0 else 'after'} it"
                ),
            )
            return
        if target is None:
            target = deal.stage  # a closed deal: the journey says why it cannot move
        if self._refused(
            "move",
            lambda: journey.move(
                deal, target, pipeline=pipeline, by=self.user, now=self.clock(), reason="-"
            ),
        ):
            return
        from_sales = known and pipeline.is_sales(deal.stage)
        to_sales = known and pipeline.is_sales(target)
        label = "win" if target == pipeline.customer.key else "move"
        if not from_sales and to_sales:
            label = "hand-off"
        elif from_sales and not to_sales:
            label = "rejection" if deal.awaiting_acceptance else "move back"

        rules = self.settings.qualification

        def move(note: str = "", reason: str = "", override: bool = False) -> None:
            self._change(
                deal,
                label,
                lambda d: journey.move(
                    d,
                    target,
                    pipeline=pipeline,
                    by=self.user,
                    now=self.clock(),
                    note=note,
                    reason=reason,
                    rules=rules,
                    override=override,
                ),
            )

        title = printable(deal.title)
        to_label = pipeline.get(target).label
        refusal = gate_refusal(deal, rules) if label == "hand-off" else None
        if refusal is not None:
            # The same words as `funnel handoff`; the way past the gate is a reason, on record.
            self.app.push_screen(
                TextPrompt(
                    "Not qualified: hand off anyway?",
                    f"{refusal}. Q ticks the criteria it meets. To hand it off anyway"
                    " (an override, counted in the metrics), say why:",
                    placeholder="why it goes to sales anyway",
                    required=True,
                    blink=self.blink,
                ),
                lambda reason: None if reason is None else move(reason=reason, override=True),
            )
        elif label == "hand-off":
            self.app.push_screen(
                TextPrompt(
                    "Hand off to sales",
                    f"Hand “{title}” to sales ({to_label}). A note for sales (optional):",
                    placeholder="why it is qualified, who to call…",
                    blink=self.blink,
                ),
                lambda note: None if note is None else move(note=note),
            )
        elif label == "rejection" and self.settings.reject_reasons:
            from screens.lost_reason_picker import LostReasonPicker

            self.app.push_screen(
                LostReasonPicker(
                    f"Why does “{title}” go back to {to_label}?",
                    blink=self.blink,
                    reasons=self.settings.reject_reasons,
                ),
                lambda reason: None if reason is None else move(reason=reason),
            )
        elif label in {"rejection", "move back"}:
            heading = "Reject the handoff" if label == "rejection" else "Send back to marketing"
            self.app.push_screen(
                TextPrompt(
                    heading,
                    f"Why does “{title}” go back to {to_label}? (required)",
                    required=True,
                    blink=self.blink,
                ),
                lambda reason: None if reason is None else move(reason=reason),
            )
        else:
            move()

    def action_qualify(self) -> None:
        """Tick the criteria the deal meets (one change, one version)."""
        from screens.qualification_picker import QualificationPicker

        rules = self.settings.qualification
        if not rules.gated:
            self._refused("qualify", lambda: rules.check(()))  # says how to agree on some
            return
        deal = self._chosen("qualify")
        if deal is None:
            return

        def picked(met: frozenset[str] | None) -> None:
            if met is not None:
                self._change(
                    deal,
                    "qualification",
                    lambda d: qualifying.requalify(
                        d, met, rules=rules, by=self.user, now=self.clock()
                    ),
                )

        self.app.push_screen(
            QualificationPicker(
                f"Which criteria does “{printable(deal.title)}” meet?", rules, criteria_met(deal)
            ),
            picked,
        )

    def action_accept(self) -> None:
        """Sales accepts the handoff."""
        if (deal := self._chosen("accept")) is not None:
            self._change(
                deal, "accept", lambda d: journey.accept(d, by=self.user, now=self.clock())
            )

    def action_win(self) -> None:
        """The deal is won: it moves to the customer column."""
        if (deal := self._chosen("win")) is not None:
            self._change(
                deal,
                "win",
                lambda d: journey.win(
                    d, pipeline=self.settings.pipeline, by=self.user, now=self.clock()
                ),
            )

    def action_lose(self) -> None:
        """The deal is lost: pick or type why; it leaves the board."""
        from screens.lost_reason_picker import LostReasonPicker

        deal = self._chosen("lose")
        if deal is None:
            return
        if self._refused(
            "lose", lambda: journey.lose(deal, by=self.user, now=self.clock(), reason="-")
        ):
            return

        def lost(reason: str | None) -> None:
            if reason is not None:
                self._change(
                    deal,
                    "loss",
                    lambda d: journey.lose(d, by=self.user, now=self.clock(), reason=reason),
                )

        self.app.push_screen(
            LostReasonPicker(f"Why was “{printable(deal.title)}” lost?", blink=self.blink), lost
        )

    def action_delete(self) -> None:
        """Delete the deal after a confirmation (undo brings it back)."""
        from screens.confirm_dialog import ConfirmDialog

        deal = self._chosen("delete")
        if deal is None:
            return

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return

            def write(repository: Repository) -> Transition:
                repository.delete(deal.id, expected_version=deal.version)
                return Transition("delete", deal.id, deal, None)

            self.submit(WriteJob("delete", write), deal_id=deal.id, removed=True)

        self.app.push_screen(
            ConfirmDialog(
                "Delete deal",
                f"Delete deal {deal.id} “{printable(deal.title)}”? u undoes it.",
                yes="Delete",
            ),
            confirmed,
        )

    def action_closed(self) -> None:
        """Won and lost deals: find one and reopen it onto the board.

        The board holds years of closed deals as figures only, so they are read from the
        store when asked for, and let go when the list closes.
        """
        waiting = self.set_timer(
            0.3, lambda: self.notify("Reading the won and lost deals…", timeout=3)
        )
        self._read_closed(waiting)

    @work(
        thread=True,
        group="closed",
        exclusive=True,
        exit_on_error=True,
        description="read the closed deals",
    )
    def _read_closed(self, waiting: Timer) -> None:
        try:
            closed = [deal for deal in self.repository.query(status=None) if not deal.is_open]
        except FunnelError as exc:
            self._hand_over(self._closed_unread, waiting, exc)
        else:
            self._hand_over(self._show_closed, waiting, closed)

    def _closed_unread(self, waiting: Timer, exc: FunnelError) -> None:
        waiting.stop()
        if self.is_attached:
            self.notify(
                str(exc), title="Cannot read the closed deals", severity="error", markup=False
            )

    def _show_closed(self, waiting: Timer, closed: list[Deal]) -> None:
        from screens.closed_deals import ClosedDeals

        waiting.stop()
        if not self.is_attached or self.app.screen is not self:
            return  # the person went elsewhere meanwhile
        by_id = {deal.id: deal for deal in closed}

        def chosen(deal_id: int | None) -> None:
            deal = by_id.get(deal_id) if deal_id is not None else None
            if deal is None:
                return
            pipeline = self.settings.pipeline
            self._change(
                deal,
                "reopen",
                lambda d: journey.reopen(d, pipeline=pipeline, by=self.user, now=self.clock()),
            )
            stage = pipeline.get(journey.last_open_stage(deal, pipeline)).label
            self.notify(f"Reopened deal {deal.id} in {stage}. u undoes it.", markup=False)

        self.app.push_screen(
            ClosedDeals(closed, self.settings.pipeline, self.clock(), blink=self.blink), chosen
        )

    def action_undo(self) -> None:
        """Undo my last change, unless someone changed that deal since."""
        self._reverse(self.undo_log.next_undo(), Intent.UNDO)

    def action_redo(self) -> None:
        """Redo what I undid last, unless someone changed that deal since."""
        self._reverse(self.undo_log.next_redo(), Intent.REDO)

    def _reverse(self, transition: Transition | None, intent: Intent) -> None:
        verb = intent.value
        if transition is None:
            self.notify(f"Nothing to {verb}.")
            return
        try:
            refuse_if_changed(transition, self.deals.get(transition.deal_id))
        except RuleViolation as exc:
            message = str(exc) if intent is Intent.UNDO else str(exc).replace("undo", "redo", 1)
            self.notify(message, title=f"Cannot {verb}", severity="warning", markup=False)
            self.undo_log.forget(transition)
            self.refresh_keys()
            return
        now = self.clock()
        self.submit(
            WriteJob(
                transition.label,
                lambda repository: reverse(transition, repository, now),
                intent,
                transition,
            )
        )

    # View --------------------------------------------------------------------------------

    def action_filter(self) -> None:
        """Open the filter line."""
        field = self._filter_input()
        field.add_class("-shown")
        field.focus()
        self.refresh_keys()

    @on(events.DescendantFocus, "#filter")
    @on(events.DescendantBlur, "#filter")
    def _typing_changed(self) -> None:
        """While the filter line has the focus, letters are text: the key bar says so."""
        typing = self.focused is self._filter_input()
        self.query_one(KeyBar).hints = (("enter", "Done"),) if typing else ()
        self.refresh_bindings()

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        self._set_filter(dataclasses.replace(self.deal_filter, text=event.value))

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        if not self._filter_input().value:
            self._filter_input().remove_class("-shown")
        self.query_one(BoardView).focus()

    def _set_filter(self, deal_filter: DealFilter) -> None:
        owner_changed = deal_filter.owner != self.deal_filter.owner
        self.deal_filter = deal_filter
        self._render_board()
        # The count in the status line changes with the board, in the same frame: drawn a
        # frame later it said "24 open" over an empty board for as long as that frame took.
        self._status()
        self.refresh_keys()
        if owner_changed:
            self.refresh_metrics()  # metrics follow the owner, not the typed filter

    def action_mine(self) -> None:
        """Only my deals, or everyone's again."""
        owner = None if self.deal_filter.owner == self.user else self.user
        self._set_filter(dataclasses.replace(self.deal_filter, owner=owner))

    def action_owner(self) -> None:
        """Pick whose deals to show."""
        from screens.owner_picker import OwnerPicker

        counts = Counter(self.session.live.owners())

        def picked(owner: str | None) -> None:
            if owner is not None:
                self._set_filter(dataclasses.replace(self.deal_filter, owner=owner or None))

        self.app.push_screen(OwnerPicker(counts, self.deal_filter.owner), picked)

    def action_clear(self) -> None:
        """Show every deal again."""
        field = self._filter_input()
        field.value = ""
        field.remove_class("-shown")
        self.query_one(BoardView).focus()
        self._set_filter(dataclasses.replace(self.deal_filter, text="", owner=None))

    def action_reload(self) -> None:
        """Read the whole store again now."""
        self._start_read(force=True)
        self.notify("Reloaded.", timeout=2)

    def action_side_panel(self) -> None:
        """Show or hide the side panel."""
        shown = self.fitted.panel > 0
        if not shown and not self.fitted.panel_fits:
            self.notify(
                "The side panel needs a wider terminal: it would leave the columns too narrow."
                " Widen the window, or keep working without it.",
                title="No room for the panel",
                severity="warning",
            )
            return
        self.panel_wanted = not shown
        self.fit_layout()

    def action_window(self) -> None:
        """The next metrics window: 30 d, 90 d, 1 y, all."""
        if self.session.next_window():
            self._start_read(force=True)  # a longer window: its deals are read again first
        self.refresh_metrics()

    def action_help(self) -> None:
        """Every key on one page."""
        from screens.help_screen import HelpScreen, board_help

        self.app.push_screen(
            HelpScreen(
                board_help(
                    [b for b in BoardView.BINDINGS if isinstance(b, Binding)],
                    [b for b in self.BINDINGS if isinstance(b, Binding)],
                )
            )
        )
