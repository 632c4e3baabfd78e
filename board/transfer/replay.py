"""An imported deal's history, rebuilt through the journey's own rules at the imported times.

The steps, each only when the row calls for it:

- **created** at ``created_at`` (else now) by the importing user, owned by the mapped owner;
  in its stage, or in another stage of the same team when it entered its stage later, at
  ``stage_entered_at`` (see `_elsewhere`);
- a deal now with sales was either **sales-sourced** (the file says so, or its source is
  ``outbound``: created in a sales stage) or was **handed off** from the MQL stage at
  ``handoff_at`` and **accepted** at ``accepted_at`` (else at the handoff). Only Funnel's
  own export says a handoff is still pending or was rejected; for other files the handoff
  and its acceptance are at creation, or when the deal entered the first sales stage if
  the file says so (then the deal waited as an MQL until that moment);
  A sales-sourced deal with a handoff was sent back to marketing first (at the handoff);
- **moved** to its stage at ``stage_entered_at`` when it was not created or handed off there
  (or, when it is there already but entered later, out to another stage and back);
- **won** or **lost** at the close date (else at the last moment above).

Moments must run forward: one up to a day before the previous (a date-only close date on the
day a deal was created) is taken as the previous one; anything earlier, or in the future, is
an error for the row.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from board import journey
from board.deal import Deal, Status
from board.errors import InvalidInput
from board.stages import Pipeline
from board.timestamps import check_not_future, iso, utc
from board.transfer.rows import ImportedDeal, ImportedHandoff

MOVED_BACK = "moved back to marketing before the import"
NO_REASON = "no reason recorded before the import"
SLACK = timedelta(days=1)


class _Timeline:
    """The journey's moments in order, checked as they are taken."""

    def __init__(self, now: datetime) -> None:
        self.now = utc(now)
        self.last = self.now
        self.last_field = ""

    def at(self, moment: datetime | None, field: str) -> datetime:
        if moment is None:
            return self.last
        moment = check_not_future(moment, self.now, field)
        if self.last_field and moment < self.last:
            if self.last - moment > SLACK:
                raise InvalidInput(
                    f"{field} {iso(moment)} is before {self.last_field} {iso(self.last)}"
                )
            moment = self.last
        self.last, self.last_field = moment, field
        return moment


def replay(row: ImportedDeal, *, deal_id: int, pipeline: Pipeline, by: str, now: datetime) -> Deal:
    """The deal a row describes, with the history the journey would have recorded."""
    time = _Timeline(now)
    created = time.at(row.created_at or now, "created_at")
    target = row.stage
    to_sales = pipeline.is_sales(target)
    entered = row.stage_entered_at if row.status is not Status.WON else None
    sales_sourced = row.sales_sourced
    if sales_sourced is None:
        sales_sourced = (
            row.handoff is None
            and to_sales
            and row.draft.source.strip().lower() == journey.SALES_SOURCE
        )

    def create(stage: str) -> Deal:
        draft = dataclasses.replace(row.draft, stage=stage)
        return journey.new_deal(
            draft,
            deal_id=deal_id,
            pipeline=pipeline,
            by=by,
            now=now,
            currency=row.currency,
            at=created,
        )

    def move(deal: Deal) -> Deal:
        if deal.stage == target:
            other = _elsewhere(pipeline, target)
            if (
                entered is None
                or entered <= deal.stage_entered_at
                or other == target
                or deal.awaiting_acceptance
            ):
                return deal
            # It is in its stage already but the row says it entered later: it left and came
            # back (after a rejection, say); step out at the last moment known, back in then.
            deal = journey.move(
                deal, other, pipeline=pipeline, by=by, now=now, at=time.at(None, "stage_entered_at")
            )
        reason = MOVED_BACK if pipeline.is_sales(deal.stage) and not to_sales else ""
        return journey.move(
            deal,
            target,
            pipeline=pipeline,
            by=by,
            now=now,
            reason=reason,
            at=time.at(entered, "stage_entered_at"),
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
    if sales_sourced:
        if handoff is None and to_sales:
            deal = create(_elsewhere(pipeline, target) if later else target)
        else:
            deal = create(pipeline.first_sales.key)
    elif handoff is not None:
        deal = create(pipeline.mql.key)
    else:
        deal = create(_elsewhere(pipeline, target) if later else target)
    if handoff is not None:
        if deal.stage != pipeline.mql.key:  # sales-sourced, sent back to marketing since
            deal = journey.move(
                deal,
                pipeline.mql.key,
                pipeline=pipeline,
                by=by,
                now=now,
                reason=MOVED_BACK,
                at=time.at(handoff.at, "handoff_at"),
            )
        deal = _handed_off(deal, handoff, row, pipeline, by, now, time)
    deal = move(deal)
    if row.status is Status.WON:
        return journey.win(
            deal, pipeline=pipeline, by=by, now=now, at=time.at(row.closed_at, "won_at")
        )
    if row.status is Status.LOST:
        return journey.lose(
            deal,
            by=by,
            now=now,
            reason=row.lost_reason or NO_REASON,
            at=time.at(row.closed_at, "lost_at"),
        )
    return deal


def _handed_off(
    deal: Deal,
    handoff: ImportedHandoff,
    row: ImportedDeal,
    pipeline: Pipeline,
    by: str,
    now: datetime,
    time: _Timeline,
) -> Deal:
    target = row.stage
    to_sales = pipeline.is_sales(target)
    entered = row.stage_entered_at if row.status is not Status.WON else None
    at = time.at(handoff.at, handoff.inferred_from or "handoff_at")
    moves_on = entered is not None and entered > at
    if not to_sales:
        landing = pipeline.first_sales.key
    else:
        landing = _elsewhere(pipeline, target) if moves_on else target
    deal = journey.handoff(
        deal, pipeline=pipeline, by=handoff.by or by, now=now, at=at, note=handoff.note, to=landing
    )
    if handoff.rejected_at is not None:
        if to_sales:
            raise InvalidInput(
                f"rejected_at: a rejected handoff leaves the deal with marketing, not in {target}"
            )
        return journey.reject(
            deal,
            pipeline=pipeline,
            by=handoff.rejected_by or by,
            now=now,
            reason=handoff.reason or NO_REASON,
            at=time.at(handoff.rejected_at, "rejected_at"),
        )
    if handoff.accepted_at is not None:
        return journey.accept(
            deal,
            by=handoff.accepted_by or by,
            now=now,
            at=time.at(handoff.accepted_at, handoff.inferred_from or "accepted_at"),
        )
    if not to_sales:
        raise InvalidInput(
            f"handoff_at: a handoff still pending leaves the deal with sales, not in {target}"
        )
    return deal


def _elsewhere(pipeline: Pipeline, target: str) -> str:
    """Another open stage of the target's team, for a deal that entered its stage later.

    Only when the team has no other open stage (one open sales stage) does the deal stay
    where it is, and the row's stage entry time gives way to the previous moment.
    """
    team = pipeline.sales[:-1] if pipeline.is_sales(target) else pipeline.marketing
    return next((stage.key for stage in team if stage.key != target), target)
