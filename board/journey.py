"""The rules of the journey: every change to a deal, as a pure function of the deal and ``now``.

Each function returns a new `Deal` with ``version + 1``, ``updated_at = now`` and one or more
events appended to its history; none of them reads a clock or touches storage. ``at`` is when
the thing happened (defaults to ``now``; may be back-dated but not before the previous event
and not into the future).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any

from board.deal import Deal, DealChanges, DealDraft, Event, EventKind, Handoff, Status
from board.errors import InvalidInput, RuleViolation
from board.money import check_money
from board.qualification import NO_RULES, QualificationRules, gate_refusal, qualification_of
from board.stages import Pipeline
from board.text import clean_line, clean_login, clean_notes, clean_tag, printable
from board.timestamps import check_not_future, iso, utc

SALES_SOURCE = "outbound"

_DEAL_FIELDS = tuple(f.name for f in dataclasses.fields(Deal))
_deal_values = attrgetter(*_DEAL_FIELDS)


def _evolve(deal: Deal, **changes: Any) -> Deal:
    """`dataclasses.replace` for deals, a third cheaper (imports replay thousands of these)."""
    values = dict(zip(_DEAL_FIELDS, _deal_values(deal), strict=True))
    values.update(changes)
    return Deal(**values)


def _when(deal: Deal | None, at: datetime | None, now: datetime) -> datetime:
    moment = check_not_future(utc(at), now) if at is not None else utc(now)
    if at is None and deal is not None and deal.history and moment < deal.history[-1].at:
        # The last event is ahead of this clock (a colleague's clock, or a pinned FUNNEL_NOW):
        # the action happens right after it, so history stays in order and the deal movable.
        return deal.history[-1].at
    if deal is not None and deal.history and moment < deal.history[-1].at:
        raise InvalidInput(
            f"--at {iso(moment)} is before the deal's previous event ({iso(deal.history[-1].at)})"
        )
    return moment


def check_stage(pipeline: Pipeline, key: str) -> str:
    """A known stage key, or an error listing the valid ones and the closest match."""
    if key in pipeline:
        return key
    hint = pipeline.closest(key)
    suggestion = f" (did you mean {hint!r}?)" if hint else ""
    raise InvalidInput(
        f"unknown stage {printable(key)!r}{suggestion}; stages: {', '.join(pipeline.keys)}"
    )


def _tags(raw: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(clean_tag(tag) for tag in raw))


def draft_fields(draft: DealDraft, *, sales: bool, by: str) -> dict[str, Any]:
    """A draft's descriptive fields, validated, as a new deal stores them.

    ``by`` owns the deal when the draft names no owner; a deal created in a sales stage with
    no source is ``outbound``. Imports build deals with these same checks (`transfer.build`).
    """
    source = clean_line(draft.source, "source", max_len=40).lower()
    owner = clean_login(draft.owner or by)
    return {
        "title": clean_line(draft.title, "title", required=True),
        "company": clean_line(draft.company, "company"),
        "contact": clean_line(draft.contact, "contact"),
        "value": check_money(draft.value),
        "owner": owner,
        "source": source or (SALES_SOURCE if sales else ""),
        "tags": _tags(draft.tags),
        "notes": clean_notes(draft.notes),
    }


def new_deal(
    draft: DealDraft,
    *,
    deal_id: int,
    pipeline: Pipeline,
    by: str,
    now: datetime,
    currency: str = "USD",
    at: datetime | None = None,
) -> Deal:
    """Validate a draft and create the deal; in a sales stage it is sales-sourced."""
    moment = _when(None, at, now)
    stage = check_stage(pipeline, draft.stage) if draft.stage else pipeline.first.key
    sales = pipeline.is_sales(stage)
    deal = Deal(
        id=deal_id,
        currency=currency,
        stage=stage,
        **draft_fields(draft, sales=sales, by=by),
        created_at=moment,
        updated_at=utc(now),
        stage_entered_at=moment,
        history=(
            Event(
                moment,
                by,
                EventKind.CREATED,
                {"to": stage, **({"sales_sourced": True} if sales else {})},
            ),
        ),
    )
    if stage == pipeline.customer.key:
        deal = _evolve(deal, status=Status.WON, won_at=moment)
    return deal


def _advance(deal: Deal, now: datetime, *events: Event, **fields: Any) -> Deal:
    return _evolve(
        deal,
        version=deal.version + 1,
        updated_at=utc(now),
        history=(*deal.history, *events),
        **fields,
    )


def _require_open(deal: Deal, doing: str) -> None:
    if not deal.is_open:
        raise RuleViolation(
            f"deal {deal.id} is {deal.status}; reopen it before you {doing}"
            f" (funnel reopen {deal.id})"
        )


def _require_known_stage(deal: Deal, pipeline: Pipeline, doing: str) -> None:
    if deal.stage not in pipeline:
        raise RuleViolation(
            f"deal {deal.id} is in stage {printable(deal.stage)!r}, which the settings no longer"
            f" have; move it to one of theirs before you {doing} (funnel move {deal.id} STAGE)"
        )


def _accepted(deal: Deal, by: str, moment: datetime) -> tuple[Handoff, Event]:
    assert deal.handoff is not None
    handoff = dataclasses.replace(deal.handoff, accepted_at=moment, accepted_by=by)
    return handoff, Event(moment, by, EventKind.ACCEPTED, {"stage": deal.stage})


def move(
    deal: Deal,
    stage: str,
    *,
    pipeline: Pipeline,
    by: str,
    now: datetime,
    at: datetime | None = None,
    note: str = "",
    reason: str = "",
    rules: QualificationRules = NO_RULES,
    override: bool = False,
) -> Deal:
    """Move a deal to another stage, applying the handoff rules on the way.

    - marketing → sales is the handoff (only from the MQL stage, into any open sales stage);
    - sales → marketing while the handoff awaits acceptance is a rejection (needs a reason);
    - sales → marketing after acceptance sends the deal back to nurture (needs a reason);
    - moving on within sales while the handoff is pending accepts it on the way;
    - into the customer stage wins the deal.

    ``rules`` and ``override`` (with ``reason``) are the qualification gate of the handoff.
    """
    target = check_stage(pipeline, stage)
    _require_open(deal, "move it")
    if target == deal.stage:
        raise RuleViolation(f"deal {deal.id} is already in {pipeline.get(target).label}")
    if deal.stage not in pipeline:
        return _rescue(deal, target, pipeline=pipeline, by=by, now=now, at=at, note=note)
    if target == pipeline.customer.key:
        return win(deal, pipeline=pipeline, by=by, now=now, at=at)
    from_sales, to_sales = pipeline.is_sales(deal.stage), pipeline.is_sales(target)
    if not from_sales and to_sales:
        return handoff(
            deal,
            pipeline=pipeline,
            by=by,
            now=now,
            at=at,
            note=note,
            to=target,
            rules=rules,
            override=reason if override else "",
        )
    if from_sales and not to_sales:
        if deal.awaiting_acceptance:
            rejected = reject(deal, pipeline=pipeline, by=by, now=now, at=at, reason=reason)
            if target == pipeline.mql.key:
                return rejected
            onward = move(rejected, target, pipeline=pipeline, by=by, now=now, at=at)
            return _evolve(onward, version=deal.version + 1)  # one action, one version
        if not reason.strip():
            raise RuleViolation(
                f"moving deal {deal.id} back to marketing needs a reason (--reason)"
            )
    moment = _when(deal, at, now)
    events: list[Event] = []
    fields: dict[str, Any] = {}
    if deal.awaiting_acceptance and to_sales:
        fields["handoff"], accept_event = _accepted(deal, by, moment)
        events.append(accept_event)
    data: dict[str, Any] = {"from": deal.stage, "to": target}
    if note.strip():
        data["note"] = clean_notes(note, "note")
    if reason.strip():
        data["reason"] = clean_notes(reason, "reason")
    events.append(Event(moment, by, EventKind.MOVED, data))
    return _advance(deal, now, *events, stage=target, stage_entered_at=moment, **fields)


def _rescue(
    deal: Deal,
    target: str,
    *,
    pipeline: Pipeline,
    by: str,
    now: datetime,
    at: datetime | None,
    note: str,
) -> Deal:
    """Out of a stage the settings no longer have: a plain move into any open stage.

    Which side of the handoff the old stage was on is unknown, so no handoff rule applies;
    winning waits until the deal is in a stage of the journey again.
    """
    if target == pipeline.customer.key:
        raise RuleViolation(
            f"deal {deal.id} is in stage {printable(deal.stage)!r}, which the settings no longer"
            f" have; move it to an open stage first, then win it"
        )
    moment = _when(deal, at, now)
    data: dict[str, Any] = {"from": deal.stage, "to": target}
    if note.strip():
        data["note"] = clean_notes(note, "note")
    event = Event(moment, by, EventKind.MOVED, data)
    return _advance(deal, now, event, stage=target, stage_entered_at=moment)


def handoff(
    deal: Deal,
    *,
    pipeline: Pipeline,
    by: str,
    now: datetime,
    at: datetime | None = None,
    note: str = "",
    to: str | None = None,
    rules: QualificationRules = NO_RULES,
    override: str = "",
) -> Deal:
    """Marketing passes a qualified deal to sales: it lands in a sales stage awaiting acceptance.

    With qualification ``rules``, a deal that meets fewer than the required criteria is
    refused unless ``override`` says why it goes anyway; the reason and the criteria missing
    then stay in the handoff event.
    """
    _require_open(deal, "hand it off")
    _require_known_stage(deal, pipeline, "hand it off")
    if pipeline.is_sales(deal.stage):
        label = pipeline.get(deal.stage).label
        raise RuleViolation(f"deal {deal.id} is already with sales ({label})")
    if deal.stage != pipeline.mql.key:
        raise RuleViolation(
            f"deal {deal.id} is in {pipeline.get(deal.stage).label}; only a marketing-qualified"
            f" deal ({pipeline.mql.label}) can be handed off: move it there first"
        )
    target = to or pipeline.first_sales.key
    if target == pipeline.customer.key:
        raise RuleViolation(
            f"a handed-off deal lands in an open sales stage, not {pipeline.customer.label}"
        )
    refusal = gate_refusal(deal, rules)
    why = clean_notes(override, "reason") if refusal else ""
    if refusal and not why:
        raise RuleViolation(
            f"{refusal}; qualify it (funnel qualify {deal.id} CRITERION...)"
            " or hand off with --override --reason TEXT"
        )
    moment = _when(deal, at, now)
    clean_note = clean_notes(note, "note")
    record = Handoff(at=moment, by=by, note=clean_note)
    data: dict[str, Any] = {"from": deal.stage, "to": target}
    if clean_note:
        data["note"] = clean_note
    if why:
        missing = list(qualification_of(deal, rules).missing)
        data.update(override=True, reason=why, missing=missing)
    event = Event(moment, by, EventKind.HANDOFF, data)
    return _advance(deal, now, event, stage=target, stage_entered_at=moment, handoff=record)


def accept(deal: Deal, *, by: str, now: datetime, at: datetime | None = None) -> Deal:
    """Sales takes a handed-off deal: it becomes sales-qualified (an SQL)."""
    _require_open(deal, "accept it")
    if deal.handoff is None:
        raise RuleViolation(f"deal {deal.id} was never handed off; there is nothing to accept")
    if deal.handoff.accepted_at is not None:
        raise RuleViolation(
            f"deal {deal.id} was already accepted by {deal.handoff.accepted_by}"
            f" at {iso(deal.handoff.accepted_at)}"
        )
    if deal.handoff.rejected_at is not None:
        raise RuleViolation(
            f"deal {deal.id}'s handoff was rejected; marketing must hand it off again"
        )
    moment = _when(deal, at, now)
    record, event = _accepted(deal, by, moment)
    return _advance(deal, now, event, handoff=record)


def reject(
    deal: Deal,
    *,
    pipeline: Pipeline,
    by: str,
    now: datetime,
    reason: str,
    at: datetime | None = None,
) -> Deal:
    """Sales sends a handed-off deal back to marketing's MQL stage, saying why."""
    why = clean_notes(reason, "reason")
    if not why:
        raise InvalidInput("a rejection needs a reason (--reason)")
    _require_open(deal, "reject it")
    if deal.handoff is None or not deal.handoff.pending:
        what = "was never handed off" if deal.handoff is None else "is not awaiting acceptance"
        raise RuleViolation(f"deal {deal.id} {what}; only a pending handoff can be rejected")
    moment = _when(deal, at, now)
    record = dataclasses.replace(deal.handoff, rejected_at=moment, rejected_by=by, reason=why)
    event = Event(
        moment, by, EventKind.REJECTED, {"from": deal.stage, "to": pipeline.mql.key, "reason": why}
    )
    return _advance(
        deal, now, event, stage=pipeline.mql.key, stage_entered_at=moment, handoff=record
    )


def win(
    deal: Deal,
    *,
    pipeline: Pipeline,
    by: str,
    now: datetime,
    at: datetime | None = None,
    value: Decimal | None = None,
) -> Deal:
    """Close a deal as won: it moves to the customer stage (accepting a pending handoff)."""
    _require_open(deal, "win it")
    _require_known_stage(deal, pipeline, "win it")
    if not pipeline.is_sales(deal.stage):
        raise RuleViolation(
            f"deal {deal.id} is still with marketing ({pipeline.get(deal.stage).label});"
            " hand it off to sales first"
        )
    moment = _when(deal, at, now)
    events: list[Event] = []
    fields: dict[str, Any] = {}
    if deal.awaiting_acceptance:
        fields["handoff"], accept_event = _accepted(deal, by, moment)
        events.append(accept_event)
    data: dict[str, Any] = {"from": deal.stage, "to": pipeline.customer.key}
    if value is not None:
        fields["value"] = check_money(value)
        data["value"] = f"{fields['value']:f}"
    events.append(Event(moment, by, EventKind.WON, data))
    return _advance(
        deal,
        now,
        *events,
        stage=pipeline.customer.key,
        stage_entered_at=moment,
        status=Status.WON,
        won_at=moment,
        **fields,
    )


def lose(deal: Deal, *, by: str, now: datetime, reason: str, at: datetime | None = None) -> Deal:
    """Close a deal as lost, saying why; it stays in its stage for the record."""
    why = clean_notes(reason, "reason")
    if not why:
        raise InvalidInput("a lost deal needs a reason (--reason)")
    _require_open(deal, "lose it")
    moment = _when(deal, at, now)
    event = Event(moment, by, EventKind.LOST, {"stage": deal.stage, "reason": why})
    return _advance(deal, now, event, status=Status.LOST, lost_at=moment, lost_reason=why)


def reopen(
    deal: Deal, *, pipeline: Pipeline, by: str, now: datetime, at: datetime | None = None
) -> Deal:
    """Bring a won or lost deal back to the last open stage it was in."""
    if deal.is_open:
        raise RuleViolation(f"deal {deal.id} is open already")
    moment = _when(deal, at, now)
    stage = last_open_stage(deal, pipeline)
    event = Event(moment, by, EventKind.REOPENED, {"from": deal.stage, "to": stage})
    return _advance(
        deal,
        now,
        event,
        status=Status.OPEN,
        stage=stage,
        stage_entered_at=moment if stage != deal.stage else deal.stage_entered_at,
        won_at=None,
        lost_at=None,
        lost_reason=None,
    )


def last_open_stage(deal: Deal, pipeline: Pipeline) -> str:
    """The stage a closed deal returns to: where it was before it was won, or where it was lost."""
    if deal.stage != pipeline.customer.key:
        return deal.stage
    for event in reversed(deal.history):
        origin = event.data.get("from")
        if (
            event.kind in {EventKind.WON, EventKind.MOVED}
            and origin in pipeline
            and origin != pipeline.customer.key
        ):
            return str(origin)
    return pipeline.first_sales.key  # created as a customer: the nearest open sales stage


def edit(deal: Deal, changes: DealChanges, *, by: str, now: datetime) -> Deal:
    """Change a deal's descriptive fields; records ``{field: [old, new]}`` for each change."""
    cleaned: dict[str, Any] = {}
    if changes.title is not None:
        cleaned["title"] = clean_line(changes.title, "title", required=True)
    for name in ("company", "contact"):
        raw = getattr(changes, name)
        if raw is not None:
            cleaned[name] = clean_line(raw, name)
    if changes.source is not None:
        cleaned["source"] = clean_line(changes.source, "source", max_len=40).lower()
    if changes.value is not None:
        cleaned["value"] = check_money(changes.value)
    if changes.owner is not None:
        cleaned["owner"] = clean_login(changes.owner)
    if changes.tags is not None:
        cleaned["tags"] = _tags(changes.tags)
    if changes.notes is not None:
        cleaned["notes"] = clean_notes(changes.notes)
    diff = {
        name: [_plain(getattr(deal, name)), _plain(new)]
        for name, new in cleaned.items()
        if getattr(deal, name) != new
    }
    if not diff:
        raise RuleViolation(f"nothing to change: deal {deal.id} already has those values")
    moment = _when(deal, None, now)
    event = Event(moment, by, EventKind.EDITED, {"changes": diff})
    return _advance(deal, now, event, **{name: cleaned[name] for name in diff})


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, tuple):
        return list(value)
    return value
