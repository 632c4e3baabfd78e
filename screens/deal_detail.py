"""Everything about one deal: every field, the handoff, and its history as a timeline."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from board.deal import Deal, Event, EventKind
from board.money import money_display
from board.qualification import (
    NO_RULES,
    QualificationRules,
    qualification_line,
    qualified_text,
)
from board.stages import Pipeline
from board.text import printable
from board.timestamps import moment_text
from screens.key_bar import KeyBar


def _stage(pipeline: Pipeline, key: object) -> str:
    text = str(key)
    return pipeline.get(text).label if text in pipeline else text


def event_text(event: Event, pipeline: Pipeline) -> str:
    """What happened, in words: ``handed off Consideration → Purchase: "hot lead"``."""
    data = event.data
    moved = f"{_stage(pipeline, data.get('from'))} → {_stage(pipeline, data.get('to'))}"
    text = {
        EventKind.CREATED: f"created in {_stage(pipeline, data.get('to'))}"
        + (" (sales-sourced)" if data.get("sales_sourced") else ""),
        EventKind.MOVED: f"moved {moved}",
        EventKind.HANDOFF: f"handed off {moved}",
        EventKind.ACCEPTED: "accepted the handoff",
        EventKind.REJECTED: f"rejected the handoff, back to {_stage(pipeline, data.get('to'))}",
        EventKind.WON: "won the deal" + (f" at {data['value']}" if data.get("value") else ""),
        EventKind.LOST: "lost the deal",
        EventKind.REOPENED: f"reopened it in {_stage(pipeline, data.get('to'))}",
        EventKind.EDITED: "edited",
        EventKind.QUALIFIED: "qualified" + qualified_text(data),
    }[event.kind]
    if data.get("override"):
        text += " past the qualification gate"
    if event.kind is EventKind.EDITED:
        changes = data.get("changes") or {}
        parts = [f"{name} {old!r} → {new!r}" for name, (old, new) in changes.items()]
        text += " " + "; ".join(parts)
    for key in ("note", "reason"):
        if data.get(key):
            text += f' ({key}: "{data[key]}")'
    return printable(text, keep_newlines=False)


def fields_content(
    deal: Deal, pipeline: Pipeline, now: datetime, rules: QualificationRules = NO_RULES
) -> Content:
    """The deal's fields as aligned ``name  value`` lines."""
    handoff = deal.handoff
    rows: list[tuple[str, str]] = [
        ("Title", deal.title),
        ("Company", deal.company or "—"),
        ("Contact", deal.contact or "—"),
        ("Value", money_display(deal.value, deal.currency)),
        ("Stage", f"{_stage(pipeline, deal.stage)} ({deal.status.value})"),
        ("Owner", deal.owner),
        ("Source", deal.source or "—"),
        ("Tags", ", ".join(deal.tags) or "—"),
        ("Created", moment_text(deal.created_at, now)),
        ("In stage since", moment_text(deal.stage_entered_at, now)),
        ("Updated", f"{moment_text(deal.updated_at, now)} by {deal.updated_by}"),
    ]
    if rules.gated:
        rows.append(("Qualification", qualification_line(deal, rules)))
    if deal.won_at:
        rows.append(("Won", moment_text(deal.won_at, now)))
    if deal.lost_at:
        rows.append(("Lost", f"{moment_text(deal.lost_at, now)}: {deal.lost_reason or ''}"))
    if handoff is not None:
        rows.append(("Handed off", f"{moment_text(handoff.at, now)} by {handoff.by}"))
        if handoff.accepted_at:
            rows.append(
                ("Accepted", f"{moment_text(handoff.accepted_at, now)} by {handoff.accepted_by}")
            )
        if handoff.rejected_at:
            rows.append(
                (
                    "Rejected",
                    f"{moment_text(handoff.rejected_at, now)} by "
                    f"{handoff.rejected_by}: {handoff.reason or ''}",
                )
            )
    rows.append(("Version", str(deal.version)))
    lines = [Content.assemble((f"{name:<15}", "bold"), printable(value)) for name, value in rows]
    return Content("\n").join(lines)


def timeline_content(deal: Deal, pipeline: Pipeline) -> Content:
    """The history, oldest first: ``2026-11-20 14:30  maya  handed off …``."""
    lines = [
        Content.assemble(
            (f"{event.at:%Y-%m-%d %H:%M}  ", "$text-muted"),
            (f"{printable(event.by)}  ", "bold $text-secondary"),
            event_text(event, pipeline),
        )
        for event in deal.history
    ]
    return Content("\n").join(lines) if lines else Content("No history recorded.")


class DealDetail(ModalScreen[bool]):
    """A read-only view of one deal; escape or enter closes it, ``e`` asks to edit it."""

    CSS_PATH = "deal_detail.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit"),
        Binding("down,j", "scroll(1)", "Scroll", key_display="↑↓"),
        Binding("up,k", "scroll(-1)", "Scroll", show=False),
        Binding("pagedown,space", "scroll(10)", "Page", show=False),
        Binding("pageup", "scroll(-10)", "Page up", show=False),
        Binding("escape,enter,q", "close", "Close"),
    ]

    def __init__(
        self,
        deal: Deal,
        pipeline: Pipeline,
        now: datetime,
        rules: QualificationRules = NO_RULES,
    ) -> None:
        super().__init__()
        self.deal = deal
        self.rules = rules
        self.pipeline = pipeline
        self.now = now

    def compose(self) -> ComposeResult:
        deal = self.deal
        with Vertical(id="detail"):
            yield Static(
                Content(f"Deal {deal.id} · {printable(deal.title)}"), classes="dialog-title"
            )
            with VerticalScroll(id="detail-body"):
                yield Static(fields_content(deal, self.pipeline, self.now, self.rules), id="fields")
                if deal.notes:
                    yield Static("Notes", classes="section-title")
                    yield Static(Content(printable(deal.notes, keep_newlines=True)), id="notes")
                yield Static("History", classes="section-title")
                yield Static(timeline_content(deal, self.pipeline), id="timeline")
        yield KeyBar(pinned=("escape",))

    def action_scroll(self, lines: int) -> None:
        """Scroll a long history."""
        self.query_one("#detail-body", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_edit(self) -> None:
        """Close and open the edit form on this deal."""
        self.dismiss(True)

    def action_close(self) -> None:
        """Back to the board."""
        self.dismiss(False)
