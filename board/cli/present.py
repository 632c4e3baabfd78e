"""Plain-text views of deals for the terminal; all user text goes through `printable`."""

from __future__ import annotations

from datetime import datetime

import click

from board.deal import Deal, Event, EventKind
from board.money import money_display
from board.qualification import qualification_line, qualified_text
from board.settings import Settings
from board.stages import Pipeline
from board.text import cell_width, clip, pad, printable
from board.timestamps import age_text, iso, moment_text


def stage_label(pipeline: Pipeline, key: str) -> str:
    """A stage's label; a key the settings no longer have is shown as such, never looked up."""
    return printable(pipeline.get(key).label if key in pipeline else f"{key} (unknown stage)")


def badges(deal: Deal, settings: Settings, now: datetime) -> list[str]:
    """Short flags for a deal: handoff state, rotting, sales-sourced, closed."""
    flags: list[str] = []
    if deal.awaiting_acceptance and deal.handoff is not None:
        left = settings.handoff_sla_hours * 3600 - (now - deal.handoff.at).total_seconds()
        flags.append(
            f"awaiting accept ({age_text(left)} left)"
            if left > 0
            else f"SLA missed by {age_text(-left)}"
        )
    elif deal.is_open and deal.handoff and deal.handoff.accepted_at:
        flags.append("accepted")
    if deal.is_open and deal.stage in settings.pipeline:
        limit = settings.pipeline.get(deal.stage).rot_days * 86400
        if (now - deal.stage_entered_at).total_seconds() > limit:
            flags.append("rotting")
    if deal.sales_sourced:
        flags.append("sales-sourced")
    if not deal.is_open:
        flags.append(deal.status.value)
    return flags


def deal_table(deals: list[Deal], settings: Settings, now: datetime) -> str:
    """One line per deal, columns aligned, widths capped so long titles do not wrap."""
    rows = [("ID", "STAGE", "TITLE", "COMPANY", "VALUE", "OWNER", "AGE", "FLAGS")]
    for deal in deals:
        rows.append(
            (
                str(deal.id),
                printable(deal.stage),
                clip(printable(deal.title), 40),
                clip(printable(deal.company), 24),
                money_display(deal.value, deal.currency),
                printable(deal.owner),
                age_text((now - deal.stage_entered_at).total_seconds()),
                ", ".join(badges(deal, settings, now)),
            )
        )
    # Padded by terminal cells, not characters: a CJK title or an emoji takes two cells.
    widths = [max(cell_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = {0, 4}
    lines = []
    for n, row in enumerate(rows):
        cells = [pad(cell, widths[i], right=i in right) for i, cell in enumerate(row)]
        line = "  ".join(cells).rstrip()
        lines.append(click.style(line, bold=True) if n == 0 else line)
    return "\n".join(lines)


def deal_detail(deal: Deal, settings: Settings, now: datetime) -> str:
    """Every field of a deal, then its history as a timeline."""
    pipeline = settings.pipeline
    stage = stage_label(pipeline, deal.stage)
    fields = [
        ("Deal", f"#{deal.id}  {printable(deal.title)}"),
        ("Company", printable(deal.company)),
        ("Contact", printable(deal.contact)),
        ("Value", money_display(deal.value, deal.currency)),
        ("Stage", f"{stage} ({deal.status.value})"),
        ("Owner", printable(deal.owner)),
        ("Source", printable(deal.source)),
        ("Tags", ", ".join(printable(t) for t in deal.tags)),
        ("Created", moment_text(deal.created_at, now)),
        ("In stage since", moment_text(deal.stage_entered_at, now)),
        ("Flags", ", ".join(badges(deal, settings, now))),
        ("Qualification", qualification_line(deal, settings.qualification)),
    ]
    if deal.won_at:
        fields.append(("Won", moment_text(deal.won_at, now)))
    if deal.lost_at:
        reason = printable(deal.lost_reason or "")
        fields.append(("Lost", f"{moment_text(deal.lost_at, now)}: {reason}"))
    if deal.handoff:
        h = deal.handoff
        text = f"{moment_text(h.at, now)} by {printable(h.by)}"
        if h.note:
            text += f": {printable(h.note)}"
        if h.accepted_at:
            accepted = moment_text(h.accepted_at, now)
            text += f"; accepted {accepted} by {printable(h.accepted_by or '')}"
        if h.rejected_at:
            why = printable(h.reason or "")
            rejected = moment_text(h.rejected_at, now)
            text += f"; rejected {rejected} by {printable(h.rejected_by or '')}: {why}"
        fields.append(("Handoff", text))
    fields.append(
        (
            "Version",
            f"{deal.version}, last changed by {printable(deal.updated_by)} "
            f"at {moment_text(deal.updated_at, now)}",
        )
    )
    width = max(len(name) for name, _ in fields)
    lines = [f"{name.rjust(width)}  {value}" for name, value in fields if value]
    if deal.notes:
        lines += [
            "",
            "Notes:",
            *("  " + line for line in printable(deal.notes, keep_newlines=True).splitlines()),
        ]
    lines += ["", "History:", *("  " + event_line(None, event, pipeline) for event in deal.history)]
    return "\n".join(lines)


def event_line(deal_id: int | None, event: Event, pipeline: Pipeline) -> str:
    """``2026-11-20T14:30:00Z  ann  handoff consideration → purchase: note``."""
    data = event.data

    def label(key: object) -> str:
        return stage_label(pipeline, str(key))

    what = event.kind.value
    if "from" in data and "to" in data:
        what += f" {label(data['from'])} → {label(data['to'])}"
    elif event.kind is EventKind.CREATED and "to" in data:
        what += f" in {label(data['to'])}"
    if event.kind is EventKind.EDITED:
        what += " " + ", ".join(sorted(data.get("changes", {})))
    if event.kind is EventKind.QUALIFIED:
        what += qualified_text(data)
    if data.get("override"):
        what += " (override, missing " + printable(", ".join(data.get("missing", ()))) + ")"
    extra = data.get("note") or data.get("reason")
    if extra:
        what += f": {printable(str(extra))}"
    prefix = f"#{deal_id:<5} " if deal_id is not None else ""
    return f"{prefix}{iso(event.at)}  {printable(event.by):<12} {what}"
