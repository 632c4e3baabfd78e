"""The JSON contract and the text report, on the hand-checked October board."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from board.metrics import Metrics, Window, compute_metrics
from board.metrics_json import metrics_to_json
from board.metrics_report import metrics_report, rate_text
from board.stages import DEFAULT_PIPELINE
from tests.metrics.dataset import NOW, OCTOBER, SETTINGS, october_deals, october_spend

KEYS = {
    "leads",
    "mqls",
    "handoffs",
    "sqls",
    "mql_to_sql_rate",
    "handoff_acceptance_rate",
    "median_hours_to_handoff",
    "median_hours_to_accept",
    "sla_breaches",
    "won",
    "lost",
    "win_rate",
    "revenue",
    "avg_deal_size",
    "sales_cycle_days",
    "open_deals",
    "pipeline_value",
    "weighted_pipeline",
    "velocity_per_day",
    "marketing_spend",
    "sales_spend",
    "cpl",
    "cac",
    "clv",
    "clv_to_cac",
    "marketing_spend_pct",
    "sales_spend_pct",
    "stage_conversion",
    "sourced_revenue",
    "window",
}


def _october(owner: str | None = None) -> Metrics:
    return compute_metrics(
        october_deals(), october_spend(), settings=SETTINGS, window=OCTOBER, now=NOW, owner=owner
    )


def test_json_has_every_documented_key_money_as_strings_and_rates_as_numbers() -> None:
    doc = metrics_to_json(_october())
    assert doc.keys() >= KEYS
    assert doc["window"] == {"since": "2026-10-01T00:00:00Z", "until": "2026-11-01T00:00:00Z"}
    assert doc["revenue"] == "28000.00"
    assert doc["velocity_per_day"] == "539.33"
    assert doc["cpl"] == "250.00"
    assert doc["sourced_revenue"] == {"marketing": "16000.00", "sales": "12000.00"}
    assert doc["win_rate"] == 0.5714
    assert doc["mql_to_sql_rate"] == 0.4
    assert doc["median_hours_to_handoff"] == 48.0
    assert doc["clv_to_cac"] == 11.43
    assert doc["stage_conversion"][0] == {
        "from": "awareness",
        "to": "interest",
        "rate": 0.8333,
        "from_count": 6,
        "to_count": 5,
    }
    assert [week["revenue"] for week in doc["revenue_by_week"]] == [
        "6000.00",
        "0.00",
        "4000.00",
        "10000.00",
        "8000.00",
    ]


def test_json_says_null_for_what_is_undefined() -> None:
    january = Window(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC))
    doc = metrics_to_json(
        compute_metrics(october_deals(), [], settings=SETTINGS, window=january, now=NOW)
    )
    for key in (
        "mql_to_sql_rate",
        "win_rate",
        "avg_deal_size",
        "cpl",
        "cac",
        "clv",
        "clv_to_cac",
        "velocity_per_day",
        "median_hours_to_accept",
        "marketing_spend_pct",
    ):
        assert doc[key] is None, key
    assert doc["marketing_spend"] == "0.00"
    owned = metrics_to_json(_october("maya"))
    assert owned["owner"] == "maya"
    assert owned["marketing_spend"] is None and owned["cac"] is None


@pytest.mark.parametrize(
    ("value", "text"), [(None, "—"), (0.5, "50%"), (2 / 3, "66.7%"), (0.0, "0%"), (1.0, "100%")]
)
def test_rate_text(value: float | None, text: str) -> None:
    assert rate_text(value) == text


def test_the_report_groups_the_figures_and_shows_guidance() -> None:
    text = metrics_report(_october(), DEFAULT_PIPELINE)
    lines = text.splitlines()
    assert lines[0] == "Metrics 2026-10-01 → 2026-11-01 (31 days), all owners"
    for title in ("Marketing", "Handoff", "Sales", "Budget"):
        assert title in lines
    assert lines.index("Marketing") < lines.index("Handoff") < lines.index("Sales")
    assert any(line.split() == ["MQL", "→", "SQL", "40%", "2", "of", "5", "MQLs"] for line in lines)
    assert "5.4% of revenue, ↓ below 6–12%" in text
    assert "7.1% of revenue, ↓ below 15–20%" in text
    assert any("Velocity" in line and "$539.33" in line and "per day" in line for line in lines)
    # the values end in one column: Leads' "6" ends where Revenue's "$28,000" does
    leads = next(line for line in lines if line.startswith("  Leads"))
    revenue = next(line for line in lines if line.startswith("  Revenue"))
    assert revenue.endswith("$28,000")
    assert leads.index("6  deals created") + 1 == len(revenue)


def test_the_report_shows_a_dash_for_the_undefined_and_says_why_spend_is() -> None:
    text = metrics_report(_october("maya"), DEFAULT_PIPELINE)
    assert text.splitlines()[0].endswith("owner maya")
    assert "Budget (spend is per team: undefined for one owner)" in text
    cac = next(line for line in text.splitlines() if line.strip().startswith("CAC"))
    assert "—" in cac
