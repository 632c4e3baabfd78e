"""Every metric against figures worked out by hand from tests/metrics/dataset.py."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from board.metrics import Metrics, Window, compute_metrics
from tests.metrics.dataset import NOW, OCTOBER, SETTINGS, at, october_deals, october_spend


@pytest.fixture(scope="module")
def october() -> Metrics:
    return compute_metrics(
        october_deals(), october_spend(), settings=SETTINGS, window=OCTOBER, now=NOW
    )


def test_marketing(october: Metrics) -> None:
    assert october.leads == 6  # D2, D3, D6, D7, D10, D12
    assert october.mqls == 5  # D2, D6, D9 (at the first second), D10, D12
    assert october.mqls_accepted == 2  # D9, D10; D6 was accepted after the window
    assert october.mql_to_sql_rate == pytest.approx(0.4)


def test_stage_conversion_follows_the_cohort_to_the_furthest_stage(october: Metrics) -> None:
    steps = [
        (s.from_stage, s.to_stage, s.reached_from, s.reached_to) for s in october.stage_conversion
    ]
    assert steps == [
        ("awareness", "interest", 6, 5),  # D7 never left awareness
        ("interest", "consideration", 5, 5),  # D3 (created in purchase) counts as past them
        ("consideration", "purchase", 5, 5),  # D10 went back to nurture: its furthest counts
        ("purchase", "customer", 5, 1),  # D3
    ]
    assert [s.rate for s in october.stage_conversion] == pytest.approx([5 / 6, 1, 1, 0.2])


def test_handoff(october: Metrics) -> None:
    assert october.handoffs == 8  # D1 twice, D10 twice, D2, D6, D9, D12
    assert october.sqls == 3  # D1, D9 (by the win), D10
    assert october.rejections == 1  # D1
    assert october.handoff_acceptance_rate == pytest.approx(0.75)
    # 6, 24, 24, 48, 48, 72, 177, 260 hours from the latest MQL entry
    assert october.median_hours_to_handoff == pytest.approx(48)
    assert october.median_hours_to_accept == pytest.approx(8)  # 4, 8, 24


def test_sla_breaches_count_late_answers_pending_waits_and_losses(october: Metrics) -> None:
    # D1's first handoff (rejected after 27 h), D2 and D10's second (never answered), D6
    # (answered 36 h later, after the window), D12 (lost 48 h later). D10's first, answered
    # in exactly 24 h, is on time.
    assert october.sla_breaches == 5


def test_sales(october: Metrics) -> None:
    assert (october.won, october.lost) == (4, 3)  # D1 D3 D5 D9 / D4 D7 D12
    assert october.win_rate == pytest.approx(4 / 7)
    assert october.revenue == Decimal("28000")
    assert october.avg_deal_size == Decimal("7000.00")
    assert october.sales_cycle_days == pytest.approx((30 + 15 + 41 + 3) / 4)
    assert october.sourced_revenue.marketing == Decimal("16000")  # D1, D9
    assert october.sourced_revenue.sales == Decimal("12000")  # D3, D5


def test_the_open_pipeline_is_the_board_now(october: Metrics) -> None:
    assert october.open_deals == 4  # D2, D6, D8, D10
    assert october.open_sales_deals == 3
    assert october.pipeline_value == Decimal("16000")
    assert october.weighted_pipeline == Decimal("7550.00")  # 15,000 x 0.5 + 1,000 x 0.05
    # 3 open with sales x 7,000 x 4/7 / 22.25 days
    assert october.velocity_per_day == Decimal("539.33")


def test_revenue_per_week_counts_back_from_until(october: Metrics) -> None:
    weeks = [(w.since, amount) for w, amount in october.revenue_by_week]
    assert weeks == [
        (at(10, 1), Decimal("6000")),  # a short first week: D9
        (at(10, 4), Decimal("0")),
        (at(10, 11), Decimal("4000")),  # D5
        (at(10, 18), Decimal("10000")),  # D1
        (at(10, 25), Decimal("8000")),  # D3, at the bucket's first second
    ]


def test_budget(october: Metrics) -> None:
    assert october.marketing_spend == Decimal("1500")  # not Sep 30's webinar
    assert october.sales_spend == Decimal("2000")  # not Nov 1's 700: until is outside
    assert october.cpl == Decimal("250.00")
    assert october.cac == Decimal("875.00")
    # 40,000 won before Nov 1 (D11 in August too; not D4, lost now) over Acme (D1 and D5's
    # " ACME "), Initech, Cyberdyne and "Wayne yearly" (no company: its title)
    assert october.clv == Decimal("10000.00")
    assert october.customers_to_date == 4
    assert october.clv_to_cac == pytest.approx(10_000 / 875)
    assert october.marketing_spend_pct == pytest.approx(1500 / 28_000)
    assert october.sales_spend_pct == pytest.approx(2000 / 28_000)


def test_one_owner() -> None:
    maya = compute_metrics(
        october_deals(), october_spend(), settings=SETTINGS, window=OCTOBER, now=NOW, owner="maya"
    )  # D1, D4, D7
    assert (maya.leads, maya.mqls, maya.mql_to_sql_rate) == (1, 0, None)
    assert (maya.handoffs, maya.sqls, maya.rejections, maya.sla_breaches) == (2, 1, 1, 1)
    assert maya.median_hours_to_handoff == pytest.approx((177 + 48) / 2)
    assert (maya.won, maya.lost, maya.revenue) == (1, 2, Decimal("10000"))
    assert (maya.open_deals, maya.pipeline_value) == (0, Decimal("0"))
    assert maya.velocity_per_day == Decimal("0.00")  # defined: nothing open
    assert maya.clv == Decimal("10000.00")
    # Spend belongs to teams: undefined for one person, and so is all that needs it.
    assert maya.marketing_spend is maya.sales_spend is None
    assert maya.cpl is maya.cac is None
    assert maya.clv_to_cac is None
    assert maya.marketing_spend_pct is maya.sales_spend_pct is None
    assert [s.rate for s in maya.stage_conversion] == [0.0, None, None, None]


def test_an_empty_window_is_all_zeros_and_undefined_ratios() -> None:
    january = Window(datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC))
    m = compute_metrics(
        october_deals(), october_spend(), settings=SETTINGS, window=january, now=NOW
    )
    counts = (
        m.leads,
        m.mqls,
        m.handoffs,
        m.sqls,
        m.rejections,
        m.sla_breaches,
        m.won,
        m.lost,
        m.customers_to_date,
    )
    assert counts == (0,) * 9
    assert m.revenue == m.marketing_spend == m.sales_spend == 0
    undefined = (
        m.mql_to_sql_rate,
        m.handoff_acceptance_rate,
        m.median_hours_to_handoff,
        m.median_hours_to_accept,
        m.win_rate,
        m.avg_deal_size,
        m.sales_cycle_days,
        m.velocity_per_day,
        m.cpl,
        m.cac,
        m.clv,
        m.clv_to_cac,
        m.marketing_spend_pct,
        m.sales_spend_pct,
    )
    assert undefined == (None,) * len(undefined)
    assert all(step.rate is None for step in m.stage_conversion)
    assert m.open_deals == 4  # the board now does not depend on the window


def test_a_zero_length_window_has_no_weeks() -> None:
    point = Window(at(10, 10), at(10, 10))
    m = compute_metrics(october_deals(), [], settings=SETTINGS, window=point, now=NOW)
    assert m.revenue_by_week == ()
    assert (m.leads, m.won, m.handoffs) == (0, 0, 0)


def test_wins_without_spend_cost_nothing_but_the_ratio_is_undefined() -> None:
    m = compute_metrics(october_deals(), [], settings=SETTINGS, window=OCTOBER, now=NOW)
    assert m.cac == Decimal("0.00")
    assert m.cpl == Decimal("0.00")
    assert m.clv_to_cac is None  # clv / 0
    assert m.marketing_spend_pct == 0.0


def test_instant_wins_have_no_velocity() -> None:
    # A deal created straight in the customer stage is won at creation: a zero-day cycle.
    from board import journey
    from board.deal import DealDraft

    draft = DealDraft(title="Walk-in", value=Decimal(500), stage="customer")
    deal = journey.new_deal(
        draft, deal_id=1, pipeline=SETTINGS.pipeline, by="sam", now=NOW, at=at(10, 3)
    )
    m = compute_metrics([deal], [], settings=SETTINGS, window=OCTOBER, now=NOW)
    assert (m.won, m.revenue, m.sales_cycle_days) == (1, Decimal(500), 0.0)
    assert m.velocity_per_day is None
    assert m.sourced_revenue.sales == Decimal(500)


def test_a_pending_handoff_is_judged_at_now_when_until_is_later() -> None:
    deals = october_deals()
    d6_before_the_accept = [d for d in deals if d.id == 2]  # D2: pending since Oct 6
    early_now = at(10, 6, 20)  # 20 h after the handoff: not late yet
    future = Window(at(10, 1), at(12, 1))
    m = compute_metrics(d6_before_the_accept, [], settings=SETTINGS, window=future, now=early_now)
    assert (m.handoffs, m.sla_breaches) == (1, 0)
    later = compute_metrics(
        d6_before_the_accept, [], settings=SETTINGS, window=future, now=at(10, 7, 1)
    )
    assert later.sla_breaches == 1
