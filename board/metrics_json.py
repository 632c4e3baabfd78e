"""The JSON shape of `funnel metrics --json`: one object, a public contract for scripts.

Money is a string with two decimals, rates and shares are numbers (0.25 is 25%), anything
undefined (a division by zero, or spend under an owner filter) is ``null``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from board.metrics_groups import GroupRow
from board.metrics_result import Metrics
from board.money import money_text
from board.targets import MONEY_TARGETS, TargetProgress
from board.timestamps import iso

JSON = dict[str, Any]


def metrics_to_json(metrics: Metrics) -> JSON:
    """Every metric under the key docs/metrics.md gives it, plus ``window`` and ``owner``."""
    m = metrics
    return {
        "window": {"since": iso(m.window.since), "until": iso(m.window.until)},
        "owner": m.owner,
        "currency": m.currency,
        "leads": m.leads,
        "mqls": m.mqls,
        "stage_conversion": [
            {
                "from": step.from_stage,
                "to": step.to_stage,
                "rate": _rate(step.rate),
                "from_count": step.reached_from,
                "to_count": step.reached_to,
            }
            for step in m.stage_conversion
        ],
        "handoffs": m.handoffs,
        "sqls": m.sqls,
        "rejections": m.rejections,
        "handoff_overrides": m.handoff_overrides,
        "mql_to_sql_rate": _rate(m.mql_to_sql_rate),
        "handoff_acceptance_rate": _rate(m.handoff_acceptance_rate),
        "median_hours_to_handoff": _round(m.median_hours_to_handoff, 2),
        "median_hours_to_accept": _round(m.median_hours_to_accept, 2),
        "sla_hours": m.sla_hours,
        "sla_breaches": m.sla_breaches,
        "won": m.won,
        "lost": m.lost,
        "win_rate": _rate(m.win_rate),
        "revenue": _money(m.revenue),
        "avg_deal_size": _money(m.avg_deal_size),
        "sales_cycle_days": _round(m.sales_cycle_days, 2),
        "open_deals": m.open_deals,
        "pipeline_value": _money(m.pipeline_value),
        "weighted_pipeline": _money(m.weighted_pipeline),
        "velocity_per_day": _money(m.velocity_per_day),
        "sourced_revenue": {
            "marketing": _money(m.sourced_revenue.marketing),
            "sales": _money(m.sourced_revenue.sales),
        },
        "revenue_by_week": [
            {"since": iso(week.since), "revenue": _money(amount)}
            for week, amount in m.revenue_by_week
        ],
        "marketing_spend": _money(m.marketing_spend),
        "sales_spend": _money(m.sales_spend),
        "cpl": _money(m.cpl),
        "cac": _money(m.cac),
        "clv": _money(m.clv),
        "clv_to_cac": _round(m.clv_to_cac, 2),
        "marketing_spend_pct": _rate(m.marketing_spend_pct),
        "sales_spend_pct": _rate(m.sales_spend_pct),
    }


def group_to_json(row: GroupRow, dimension: str) -> JSON:
    """One row of ``by_source`` / ``by_owner``: the source's (owner's) figures and reasons."""
    m = row.metrics
    doc: JSON = {
        dimension: row.key,
        "leads": m.leads,
        "mqls": m.mqls,
        "handoffs": m.handoffs,
        "handoff_overrides": m.handoff_overrides,
        "sqls": m.sqls,
        "rejections": m.rejections,
        "reject_reasons": dict(row.reject_reasons),
        "sla_breaches": m.sla_breaches,
        "won": m.won,
        "lost": m.lost,
        "lost_reasons": dict(row.lost_reasons),
        "revenue": _money(m.revenue),
        "spend": _money(row.spend),
        "cpl": _money(row.cpl),
        "cac": _money(row.cac),
        "win_rate": _rate(m.win_rate),
        "mql_to_sql_rate": _rate(m.mql_to_sql_rate),
    }
    return doc


def targets_to_json(progress: tuple[TargetProgress, ...]) -> JSON:
    """``{name: {target, actual, progress, expected}}``; money as text, counts as numbers."""
    return {
        p.name: {
            "target": _target(p.name, p.target),
            "actual": _target(p.name, p.actual),
            "progress": _rate(p.progress),
            "expected": _target(p.name, p.expected),
        }
        for p in progress
    }


def _target(name: str, amount: Decimal) -> str | float | int:
    if name in MONEY_TARGETS:
        return money_text(amount)
    exact = amount == amount.to_integral_value()
    return int(amount) if exact else round(float(amount), 2)


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else money_text(amount)


def _rate(value: float | None) -> float | None:
    return _round(value, 4)


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)
