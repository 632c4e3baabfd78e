"""Metrics as words for people: the `funnel metrics` report and the formats the panel shares.

Undefined figures show as an em dash. Stage labels come from the team's config and go
through `printable`, like every other text a person typed.
"""

from __future__ import annotations

from decimal import Decimal

from board.metrics_groups import GroupRow
from board.metrics_result import MARKETING_GUIDANCE, SALES_GUIDANCE, Guidance, Metrics
from board.metrics_window import window_text
from board.money import money_display
from board.stages import Pipeline
from board.targets import MONEY_TARGETS, TARGET_LABELS, TargetProgress
from board.text import counted, printable

UNDEFINED = "—"
VERDICT_GLYPHS = {"below": "↓ below", "within": "✓ within", "above": "↑ above"}


def rate_text(value: float | None) -> str:
    """``62.5%``; whole percentages lose the ``.0``."""
    if value is None:
        return UNDEFINED
    text = f"{value * 100:.1f}".removesuffix(".0")
    return f"{text}%"


def money_text_or_dash(amount: Decimal | None, currency: str, *, compact: bool = False) -> str:
    """``$12,500`` (or ``$12.5k``), or the dash when undefined."""
    return UNDEFINED if amount is None else money_display(amount, currency, compact=compact)


def number_text(value: float | None, unit: str = "") -> str:
    """``18.2 h``: one decimal, with a unit."""
    if value is None:
        return UNDEFINED
    return f"{value:.1f}{' ' + unit if unit else ''}"


def guidance_text(guidance: Guidance) -> str:
    """``6–12%``."""
    return f"{guidance.low * 100:g}–{guidance.high * 100:g}%"


def stage_label(pipeline: Pipeline, key: str) -> str:
    """The stage's label, or its key when the config no longer has it."""
    return printable(pipeline.get(key).label if key in pipeline else key)


def metrics_report(metrics: Metrics, pipeline: Pipeline) -> str:
    """The four groups (Marketing, Handoff, Sales, Budget), values aligned in one column."""
    m, cur = metrics, metrics.currency
    who = f"owner {m.owner}" if m.owner else "all owners"
    conversion = [
        (
            f"  {stage_label(pipeline, s.from_stage)} → {stage_label(pipeline, s.to_stage)}",
            rate_text(s.rate),
            f"{s.reached_to} of {s.reached_from}",
        )
        for s in m.stage_conversion
    ]
    groups: list[tuple[str, list[tuple[str, str, str]]]] = [
        (
            "Marketing",
            [
                ("Leads", str(m.leads), "deals created"),
                ("MQLs", str(m.mqls), f"first reached {stage_label(pipeline, pipeline.mql.key)}"),
                ("Cost per lead", money_text_or_dash(m.cpl, cur), ""),
                ("Stage conversion", "", "of the window's new deals"),
                *conversion,
            ],
        ),
        (
            "Handoff",
            [
                ("Handoffs", str(m.handoffs), ""),
                ("SQLs", str(m.sqls), "handoffs accepted"),
                ("Rejections", str(m.rejections), ""),
                ("Overrides", str(m.handoff_overrides), "handed off unqualified"),
                ("MQL → SQL", rate_text(m.mql_to_sql_rate), f"{m.mqls_accepted} of {m.mqls} MQLs"),
                ("Acceptance rate", rate_text(m.handoff_acceptance_rate), ""),
                ("Median to handoff", number_text(m.median_hours_to_handoff, "h"), ""),
                ("Median to accept", number_text(m.median_hours_to_accept, "h"), ""),
                ("SLA breaches", str(m.sla_breaches), f"not answered within {m.sla_hours} h"),
            ],
        ),
        (
            "Sales",
            [
                ("Won / lost", f"{m.won} / {m.lost}", ""),
                ("Win rate", rate_text(m.win_rate), ""),
                ("Revenue", money_text_or_dash(m.revenue, cur), ""),
                ("  marketing-sourced", money_text_or_dash(m.sourced_revenue.marketing, cur), ""),
                ("  sales-sourced", money_text_or_dash(m.sourced_revenue.sales, cur), ""),
                ("Avg deal size", money_text_or_dash(m.avg_deal_size, cur), ""),
                ("Sales cycle", number_text(m.sales_cycle_days, "days"), ""),
                ("Open deals", str(m.open_deals), f"{m.open_sales_deals} with sales, now"),
                ("Pipeline", money_text_or_dash(m.pipeline_value, cur), ""),
                ("Weighted pipeline", money_text_or_dash(m.weighted_pipeline, cur), ""),
                (
                    "Velocity",
                    money_text_or_dash(m.velocity_per_day, cur),
                    "per day" if m.velocity_per_day is not None else "",
                ),
            ],
        ),
        (
            "Budget" + (" (spend is per team: undefined for one owner)" if m.owner else ""),
            [
                (
                    "Marketing spend",
                    money_text_or_dash(m.marketing_spend, cur),
                    _share(m.marketing_spend_pct, MARKETING_GUIDANCE),
                ),
                (
                    "Sales spend",
                    money_text_or_dash(m.sales_spend, cur),
                    _share(m.sales_spend_pct, SALES_GUIDANCE),
                ),
                ("CAC", money_text_or_dash(m.cac, cur), "spend per deal won"),
                (
                    "CLV",
                    money_text_or_dash(m.clv, cur),
                    f"{counted(m.customers_to_date, 'customer')} to date",
                ),
                ("CLV : CAC", number_text(m.clv_to_cac), ""),
            ],
        ),
    ]
    label_width = max(len(label) for _, rows in groups for label, _, _ in rows)
    value_width = max(len(value) for _, rows in groups for _, value, _ in rows)
    lines = [f"Metrics {window_text(m.window)} ({m.window.days:g} days), {who}"]
    for title, rows in groups:
        lines += ["", title]
        for label, value, note in rows:
            line = f"  {label.ljust(label_width)}  {value.rjust(value_width)}  {note}"
            lines.append(line.rstrip())
    return "\n".join(lines)


def _share(value: float | None, guidance: Guidance) -> str:
    verdict = guidance.verdict(value)
    if verdict is None:
        return f"of revenue: {UNDEFINED} (guidance {guidance_text(guidance)})"
    return f"{rate_text(value)} of revenue, {VERDICT_GLYPHS[verdict]} {guidance_text(guidance)}"


def target_value(name: str, amount: Decimal, currency: str) -> str:
    """A target or an actual: money for revenue, a count (one decimal if pro-rated) otherwise."""
    if name in MONEY_TARGETS:
        return money_display(amount, currency)
    return f"{amount:.1f}".removesuffix(".0")


def targets_lines(progress: tuple[TargetProgress, ...], currency: str) -> list[str]:
    """``MQLs  31 of 40  78%  ✓ on pace (expected 28.5)``, one line per target."""
    rows: list[tuple[str, ...]] = []
    for p in progress:
        pace = "✓ on pace" if p.on_pace else "↓ behind pace"
        rows.append(
            (
                TARGET_LABELS[p.name],
                f"{target_value(p.name, p.actual, currency)} of"
                f" {target_value(p.name, p.target, currency)}",
                rate_text(p.progress),
                f"{pace} (expected {target_value(p.name, p.expected, currency)} by now)",
            )
        )
    return _aligned(rows, right={1, 2})


def groups_lines(rows: tuple[GroupRow, ...], dimension: str, currency: str) -> list[str]:
    """The per-source (or per-owner) table, then each row's rejection and loss reasons."""
    head: tuple[str, ...] = (dimension.upper(), "LEADS", "MQLS", "HANDOFFS", "OVERRIDES")
    head += ("SQLS", "REJECTED", "WON", "LOST", "WIN RATE", "REVENUE", "SPEND", "CPL", "CAC")
    by_owner = dimension == "owner"
    if by_owner:  # spend belongs to teams; what tells on a person is a handoff left waiting
        head = (*head[:-3], "SLA BREACHES")
    table = [head]
    reasons: list[str] = []
    for row in rows:
        m = row.metrics
        name = printable(row.key) or "(none)"
        cells = (
            name,
            *map(str, (m.leads, m.mqls, m.handoffs, m.handoff_overrides, m.sqls)),
            str(m.rejections),
            str(m.won),
            str(m.lost),
            rate_text(m.win_rate),
            money_text_or_dash(m.revenue, currency),
        )
        if by_owner:
            table.append((*cells, str(m.sla_breaches)))
        else:
            spend = (row.spend, row.cpl, row.cac)
            table.append((*cells, *(money_text_or_dash(a, currency) for a in spend)))
        for what, tally in (("rejected", row.reject_reasons), ("lost", row.lost_reasons)):
            if tally:
                listed = "; ".join(f"{printable(r)} ×{n}" for r, n in tally.items())
                reasons.append(f"  {name} {what}: {listed}")
    lines = _aligned(table, right=set(range(1, len(head))))
    return lines + (["", *reasons] if reasons else [])


def _aligned(rows: list[tuple[str, ...]], right: set[int]) -> list[str]:
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  "
        + "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
