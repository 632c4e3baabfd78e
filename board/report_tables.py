"""The alignment page as plain tables of text, which the Markdown and HTML writers both lay out.

Cells are display text already (money formatted, rates as percentages, user text through
`printable`); each writer escapes them for its own format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from board.alignment import AlignmentReport
from board.metrics_report import (
    money_text_or_dash,
    number_text,
    rate_text,
    stage_label,
    target_value,
)
from board.metrics_window import window_text
from board.stages import Pipeline
from board.targets import TARGET_LABELS
from board.text import printable
from board.timestamps import iso

SOURCE_HEADERS: tuple[str, ...] = (
    "Source",
    "Leads",
    "MQLs",
    "Handoffs",
    "SQLs",
    "Rejected",
    "Won",
    "Lost",
)
SOURCE_HEADERS += ("Revenue", "Spend", "CPL", "CAC")


@dataclass(frozen=True, slots=True)
class Table:
    """One section of the page: a heading, a table, and lines of text under it."""

    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    empty: str = ""
    """What to say when there are no rows."""
    notes: list[str] = field(default_factory=list)
    right: frozenset[int] = frozenset()
    """Columns aligned right (figures)."""


def report_title(report: AlignmentReport) -> str:
    """``Alignment 2026-11-13 → 2026-11-20``."""
    return f"Alignment {window_text(report.metrics.window)}"


def report_subtitle(report: AlignmentReport) -> str:
    """When it was made and for how long a window."""
    m = report.metrics
    return f"{m.window.days:g} days, made {iso(m.now)[:16].replace('T', ' ')} UTC"


def report_tables(report: AlignmentReport, pipeline: Pipeline) -> list[Table]:
    """Every section of the page, in reading order."""
    m, cur = report.metrics, report.metrics.currency
    tables = []
    if report.targets:
        rows: list[tuple[str, ...]] = [
            (
                TARGET_LABELS[p.name],
                target_value(p.name, p.actual, cur),
                target_value(p.name, p.target, cur),
                rate_text(p.progress),
                target_value(p.name, p.expected, cur),
                "✓ on pace" if p.on_pace else "↓ behind",
            )
            for p in report.targets
        ]
        tables.append(
            Table(
                "Targets",
                ("", "Actual", "Target", "Progress", "Expected by now", "Pace"),
                rows,
                notes=["Monthly targets, pro-rated by the days of each month the window covers."],
                right=frozenset({1, 2, 3, 4}),
            )
        )
    both: list[tuple[str, ...]] = [
        ("Leads", str(m.leads)),
        ("MQLs", str(m.mqls)),
        ("Marketing spend", money_text_or_dash(m.marketing_spend, cur)),
        ("Cost per lead", money_text_or_dash(m.cpl, cur)),
        ("Handoffs", str(m.handoffs)),
        ("Overrides (handed off unqualified)", str(m.handoff_overrides)),
        ("SQLs (accepted)", str(m.sqls)),
        ("Rejections", str(m.rejections)),
        ("MQL → SQL", rate_text(m.mql_to_sql_rate)),
        ("Won / lost", f"{m.won} / {m.lost}"),
        ("Win rate", rate_text(m.win_rate)),
        ("Revenue", money_text_or_dash(m.revenue, cur)),
        ("CAC", money_text_or_dash(m.cac, cur)),
        ("Open pipeline now", money_text_or_dash(m.pipeline_value, cur)),
    ]
    tables.append(Table("Both teams", ("Figure", "Value"), both, right=frozenset({1})))
    steps = m.stage_conversion
    funnel: list[tuple[str, ...]] = []
    if steps:
        funnel.append((stage_label(pipeline, steps[0].from_stage), str(steps[0].reached_from), ""))
        funnel += [
            (stage_label(pipeline, s.to_stage), str(s.reached_to), rate_text(s.rate)) for s in steps
        ]
    tables.append(
        Table(
            "The funnel",
            ("Stage", "Reached", "From the stage above"),
            funnel,
            notes=["Deals created in the window, by the furthest stage they reached."],
            right=frozenset({1, 2}),
        )
    )
    speed: list[tuple[str, ...]] = [
        ("Median hours to handoff", number_text(m.median_hours_to_handoff, "h")),
        ("Median hours to accept", number_text(m.median_hours_to_accept, "h")),
        ("Acceptance rate", rate_text(m.handoff_acceptance_rate)),
        (f"SLA breaches (answer within {m.sla_hours} h)", str(m.sla_breaches)),
    ]
    tables.append(Table("Handoff speed", ("Figure", "Value"), speed, right=frozenset({1})))
    tables.append(_sources(report, cur))
    tables.append(
        Table(
            "Handed off past the qualification gate",
            ("Deal", "Source", "By", "When", "Missing", "Reason"),
            [
                (
                    f"#{o.deal_id} {printable(o.title)}",
                    printable(o.source) or "(none)",
                    printable(o.by),
                    iso(o.at)[:16].replace("T", " "),
                    ", ".join(printable(c) for c in o.missing),
                    printable(o.reason),
                )
                for o in report.overrides
            ],
            empty="None: every handoff met the agreed criteria.",
        )
    )
    tables.append(
        Table(
            f"Waiting on sales past the {m.sla_hours} h SLA (now)",
            ("Deal", "Owner", "Source", "Waiting"),
            [
                (
                    f"#{w.deal_id} {printable(w.title)}",
                    printable(w.owner),
                    printable(w.source) or "(none)",
                    number_text(w.hours, "h"),
                )
                for w in report.waiting
            ],
            empty="None.",
            right=frozenset({3}),
        )
    )
    tables.append(
        Table(
            "Rotting deals by owner (now)",
            ("Owner", "Deal", "Stage", "Days in stage"),
            [
                (
                    printable(r.owner),
                    f"#{r.deal_id} {printable(r.title)}",
                    stage_label(pipeline, r.stage),
                    f"{r.days:.0f}",
                )
                for r in report.rotting
            ],
            empty="None.",
            right=frozenset({3}),
        )
    )
    return tables


def _sources(report: AlignmentReport, cur: str) -> Table:
    rows: list[tuple[str, ...]] = []
    notes = []
    for row in report.sources:
        m = row.metrics
        name = printable(row.key) or "(none)"
        rows.append(
            (
                name,
                str(m.leads),
                str(m.mqls),
                str(m.handoffs),
                str(m.sqls),
                str(m.rejections),
                str(m.won),
                str(m.lost),
                money_text_or_dash(m.revenue, cur),
                money_text_or_dash(row.spend, cur),
                money_text_or_dash(row.cpl, cur),
                money_text_or_dash(row.cac, cur),
            )
        )
        for what, counted in (("rejected", row.reject_reasons), ("lost", row.lost_reasons)):
            if counted:
                listed = "; ".join(f"{printable(r)} ×{n}" for r, n in counted.items())
                notes.append(f"{name} {what}: {listed}")
    return Table(
        "By source",
        SOURCE_HEADERS,
        rows,
        empty="Nothing happened in the window.",
        notes=notes,
        right=frozenset(range(1, 12)),
    )
