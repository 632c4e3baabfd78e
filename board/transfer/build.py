"""An imported deal built straight from its row: the deal and its history in one pass.

`build` gives exactly the deal `replay` gives (the same fields, events, versions, and the same
error for a row it refuses), without stepping through the journey's rules one event at a
time: `replay` builds and copies a deal for every event, `build` builds one. `replay` stays
the definition of what an import means; a property test holds the two equal over generated
rows. The steps and their moments are described in `board.transfer.replay`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from board.deal import Deal, DealDraft, Event, EventKind, Handoff, Status
from board.errors import InvalidInput
from board.journey import SALES_SOURCE, draft_fields
from board.stages import Pipeline
from board.text import clean_notes
from board.timestamps import utc
from board.transfer.replay import MOVED_BACK, NO_REASON, _elsewhere, _Timeline, replay
from board.transfer.rows import ImportedDeal, ImportedHandoff

T = TypeVar("T")

# Imported deals repeat a few event payloads ({"from": "mql", "to": "purchase"}, ...) and
# field values (companies, sources, amounts, reasons): the deals share one object for each
# instead of holding one per deal (about a third of their memory). Nothing changes an
# event's data or a deal in place. Bounded; cleared when full.
_SHARED: dict[Any, Any] = {}
_SHARED_MAX = 50_000


def _shared(key: Any, value: T) -> T:
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        found = _SHARED[key] = value
    return found


def _event(at: datetime, by: str, kind: EventKind, data: dict[str, Any]) -> Event:
    return Event(at, by, kind, _shared(tuple(data.items()), data))


_CREATED = EventKind.CREATED
_MOVED = EventKind.MOVED
_HANDOFF = EventKind.HANDOFF
_ACCEPTED = EventKind.ACCEPTED
_REJECTED = EventKind.REJECTED


def build(row: ImportedDeal, *, deal_id: int, pipeline: Pipeline, by: str, now: datetime) -> Deal:
    """The deal a row describes, with the history the journey would have recorded."""
    if pipeline.first_sales.key == pipeline.customer.key:
        # No open sales stage: every sales row is refused by a rule on the way; let the
        # journey say which.
        return replay(row, deal_id=deal_id, pipeline=pipeline, by=by, now=now)
    time = _Timeline(now)
    created = time.at(row.created_at or now, "created_at")
    target = row.stage
    to_sales = pipeline.is_sales(target)
    entered = row.stage_entered_at if row.status is not Status.WON else None
    sales_sourced = row.sales_sourced
    if sales_sourced is None:
        sales_sourced = (
            row.handoff is None and to_sales and row.draft.source.strip().lower() == SALES_SOURCE
        )
    later = entered is not None and entered > created
    handoff = row.handoff
    if handoff is None and to_sales and not sales_sourced:
        # The file does not say: handed off and accepted on arrival in sales.
        on_entry = later and target == pipeline.first_sales.key
        arrived = entered if on_entry and entered else created
        handoff = ImportedHandoff(
            at=arrived,
            accepted_at=arrived,
            inferred_from="stage_entered_at" if on_entry else "created_at",
        )
    if sales_sourced and not (handoff is None and to_sales):
        start = pipeline.first_sales.key
    elif not sales_sourced and handoff is not None:
        start = pipeline.mql.key
    else:
        start = _elsewhere(pipeline, target) if later else target
    steps = _Steps(row, pipeline, by, time, entered)
    fields = steps.create(row.draft, start, created)
    if handoff is not None:
        steps.hand_off(handoff)
    steps.move_in()
    steps.close()
    return Deal(
        id=deal_id,
        currency=_shared(row.currency, row.currency),
        stage=steps.stage,
        **fields,
        created_at=steps.history[0].at,
        updated_at=utc(now),
        stage_entered_at=steps.entered_at,
        status=row.status,
        lost_reason=steps.lost_reason,
        won_at=steps.won_at,
        lost_at=steps.lost_at,
        # One version a step of the journey; a move or win that accepts is one step.
        version=len(steps.history) - steps.folded,
        handoff=steps.record,
        history=tuple(steps.history),
    )


class _Steps:
    """The deal as its history grows: where it is, since when, and its handoff record."""

    __slots__ = (
        "by",
        "entered",
        "entered_at",
        "folded",
        "history",
        "lost_at",
        "lost_reason",
        "pipeline",
        "record",
        "row",
        "stage",
        "target",
        "time",
        "to_sales",
        "won_at",
    )

    def __init__(
        self,
        row: ImportedDeal,
        pipeline: Pipeline,
        by: str,
        time: _Timeline,
        entered: datetime | None,
    ) -> None:
        self.row, self.pipeline, self.by, self.time, self.entered = row, pipeline, by, time, entered
        self.target = row.stage
        self.to_sales = pipeline.is_sales(row.stage)
        self.history: list[Event] = []
        self.stage = ""
        self.entered_at = utc(time.now)
        self.record: Handoff | None = None
        self.folded = 0
        self.won_at: datetime | None = None
        self.lost_at: datetime | None = None
        self.lost_reason: str | None = None

    def create(self, draft: DealDraft, stage: str, created: datetime) -> dict[str, Any]:
        """Created in ``stage``; the draft's fields checked as `journey.new_deal` checks them."""
        sales = self.pipeline.is_sales(stage)
        fields = draft_fields(draft, sales=sales, by=self.by)
        for name in ("company", "contact", "source", "value"):
            fields[name] = _shared(fields[name], fields[name])
        born = utc(created)
        data = {"to": stage, "sales_sourced": True} if sales else {"to": stage}
        self.history.append(_event(born, self.by, _CREATED, data))
        self.stage, self.entered_at = stage, born
        return fields

    def hand_off(self, handoff: ImportedHandoff) -> None:
        """Handed off from the MQL stage (sent back there first when it was with sales)."""
        pipeline, time, history, target = self.pipeline, self.time, self.history, self.target
        mql = pipeline.mql.key
        if self.stage != mql:  # sales-sourced, sent back to marketing since
            moment = utc(time.at(handoff.at, "handoff_at"))
            data = {"from": self.stage, "to": mql, "reason": MOVED_BACK}
            history.append(_event(moment, self.by, _MOVED, data))
        raw = time.at(handoff.at, handoff.inferred_from or "handoff_at")
        moves_on = self.entered is not None and self.entered > raw
        if not self.to_sales:
            landing = pipeline.first_sales.key
        else:
            landing = _elsewhere(pipeline, target) if moves_on else target
        at = utc(raw)
        note = clean_notes(handoff.note, "note")
        giver = handoff.by or self.by
        data = {"from": mql, "to": landing}
        if note:
            data["note"] = note
        history.append(_event(at, giver, _HANDOFF, data))
        self.stage, self.entered_at = landing, at
        if handoff.rejected_at is not None:
            self._rejected(handoff, at, giver, note)
        elif handoff.accepted_at is not None:
            moment = utc(time.at(handoff.accepted_at, handoff.inferred_from or "accepted_at"))
            taker = handoff.accepted_by or self.by
            history.append(_event(moment, taker, _ACCEPTED, {"stage": landing}))
            self.record = Handoff(at, giver, note, accepted_at=moment, accepted_by=taker)
        elif not self.to_sales:
            raise InvalidInput(
                f"handoff_at: a handoff still pending leaves the deal with sales, not in {target}"
            )
        else:
            self.record = Handoff(at, giver, note)

    def _rejected(self, handoff: ImportedHandoff, at: datetime, giver: str, note: str) -> None:
        assert handoff.rejected_at is not None
        if self.to_sales:
            raise InvalidInput(
                "rejected_at: a rejected handoff leaves the deal with marketing,"
                f" not in {self.target}"
            )
        mql = self.pipeline.mql.key
        moment = utc(self.time.at(handoff.rejected_at, "rejected_at"))
        why = clean_notes(handoff.reason or NO_REASON, "reason")
        if not why:
            raise InvalidInput("a rejection needs a reason (--reason)")
        rejecter = handoff.rejected_by or self.by
        data = {"from": self.stage, "to": mql, "reason": why}
        self.history.append(_event(moment, rejecter, _REJECTED, data))
        self.record = Handoff(at, giver, note, rejected_at=moment, rejected_by=rejecter, reason=why)
        self.stage, self.entered_at = mql, moment

    def move_in(self) -> None:
        """Moved to its stage when it is elsewhere, or out and back when it entered later."""
        target, entered, by = self.target, self.entered, self.by
        pending = self.record is not None and self.record.pending
        if self.stage == target:
            other = _elsewhere(self.pipeline, target)
            if entered is None or entered <= self.entered_at or other == target or pending:
                return
            # In its stage already but the row says it entered later: out and back.
            moment = utc(self.time.at(None, "stage_entered_at"))
            self.history.append(_event(moment, by, _MOVED, {"from": target, "to": other}))
            self.stage = other
        moment = utc(self.time.at(entered, "stage_entered_at"))
        if pending and self.to_sales:
            self._accept_on_the_way(moment)
        data = {"from": self.stage, "to": target}
        if self.pipeline.is_sales(self.stage) and not self.to_sales:
            data["reason"] = MOVED_BACK
        self.history.append(_event(moment, by, _MOVED, data))
        self.stage, self.entered_at = target, moment

    def close(self) -> None:
        """Won or lost at the close date (else at the last moment so far)."""
        row = self.row
        if row.status is Status.WON:
            moment = self.won_at = utc(self.time.at(row.closed_at, "won_at"))
            if self.record is not None and self.record.pending:
                self._accept_on_the_way(moment)
            customer = self.pipeline.customer.key
            data = {"from": self.stage, "to": customer}
            self.history.append(_event(moment, self.by, EventKind.WON, data))
            self.stage, self.entered_at = customer, moment
        elif row.status is Status.LOST:
            moment = self.lost_at = utc(self.time.at(row.closed_at, "lost_at"))
            why = clean_notes(row.lost_reason or NO_REASON, "reason")
            why = self.lost_reason = _shared(why, why)
            if not why:
                raise InvalidInput("a lost deal needs a reason (--reason)")
            data = {"stage": self.stage, "reason": why}
            self.history.append(_event(moment, self.by, EventKind.LOST, data))

    def _accept_on_the_way(self, moment: datetime) -> None:
        assert self.record is not None
        record = self.record
        self.record = Handoff(
            record.at, record.by, record.note, accepted_at=moment, accepted_by=self.by
        )
        self.history.append(_event(moment, self.by, _ACCEPTED, {"stage": self.stage}))
        self.folded += 1
