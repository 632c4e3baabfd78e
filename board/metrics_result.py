"""What `compute_metrics` returns: the tallies of one pass, and every figure derived from them.

Tallies are stored; ratios are properties, so each definition lives in one place (and in
docs/metrics.md). Anything divided by zero is ``None``: undefined, not zero. Money is
``Decimal`` (ratios of money rounded half-up to cents); rates and shares are floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from board.metrics_window import Window
from board.money import CENTS


@dataclass(frozen=True, slots=True)
class Guidance:
    """A healthy range for a team's spend as a share of revenue."""

    low: float
    high: float

    def verdict(self, share: float | None) -> str | None:
        """``below``, ``within`` or ``above`` the range; ``None`` when the share is undefined."""
        if share is None:
            return None
        if share < self.low:
            return "below"
        return "above" if share > self.high else "within"


MARKETING_GUIDANCE = Guidance(0.06, 0.12)
SALES_GUIDANCE = Guidance(0.15, 0.20)


@dataclass(frozen=True, slots=True)
class StageStep:
    """How many of the window's new deals got from one stage to the next."""

    from_stage: str
    to_stage: str
    reached_from: int
    reached_to: int

    @property
    def rate(self) -> float | None:
        """reached(to) / reached(from)."""
        return ratio(self.reached_to, self.reached_from)


@dataclass(frozen=True, slots=True)
class SourcedRevenue:
    """Revenue won in the window, split by who found the deal."""

    marketing: Decimal
    """Deals that came through a handoff."""
    sales: Decimal
    """Deals created directly in a sales stage."""


@dataclass(frozen=True, slots=True)
class Metrics:
    """Both teams' numbers for one window (and, for the open pipeline, for ``now``)."""

    window: Window
    now: datetime
    owner: str | None
    sla_hours: int
    currency: str
    # Marketing
    leads: int
    mqls: int
    mqls_accepted: int
    """MQLs of the window accepted by sales before ``until``."""
    stage_conversion: tuple[StageStep, ...]
    # Handoff
    handoffs: int
    sqls: int
    rejections: int
    handoff_overrides: int
    """Handoffs in the window made past the qualification gate (``--override``)."""
    median_hours_to_handoff: float | None
    median_hours_to_accept: float | None
    sla_breaches: int
    # Sales
    won: int
    lost: int
    revenue: Decimal
    won_cycle_seconds: int
    """Sum over deals won in the window of ``won_at - created_at``."""
    revenue_by_week: tuple[tuple[Window, Decimal], ...]
    sourced_revenue: SourcedRevenue
    open_deals: int
    open_sales_deals: int
    pipeline_value: Decimal
    weighted_pipeline: Decimal
    # Budget (None when filtered by owner: spend is not attributed to people)
    marketing_spend: Decimal | None
    sales_spend: Decimal | None
    won_revenue_to_date: Decimal
    """Revenue of every deal won before ``until``, for CLV."""
    customers_to_date: int

    @property
    def mql_to_sql_rate(self) -> float | None:
        """Share of the window's MQLs that sales accepted before ``until``."""
        return ratio(self.mqls_accepted, self.mqls)

    @property
    def handoff_acceptance_rate(self) -> float | None:
        """accepts / (accepts + rejects), both counted in the window."""
        return ratio(self.sqls, self.sqls + self.rejections)

    @property
    def win_rate(self) -> float | None:
        """won / (won + lost)."""
        return ratio(self.won, self.won + self.lost)

    @property
    def avg_deal_size(self) -> Decimal | None:
        """revenue / won."""
        return money_ratio(self.revenue, self.won)

    @property
    def sales_cycle_days(self) -> float | None:
        """Mean days from creation to win, over deals won in the window."""
        return self.won_cycle_seconds / 86400 / self.won if self.won else None

    @property
    def velocity_per_day(self) -> Decimal | None:
        """Open sales deals x average deal size x win rate / sales cycle days."""
        if not self.won or not self.won_cycle_seconds:
            return None  # no wins: no size, no rate, no cycle; instant wins: no cycle
        # revenue/won x won/(won+lost) / (cycle/won/86400), simplified to stay exact.
        value = (
            Decimal(self.open_sales_deals)
            * self.revenue
            * self.won
            * 86400
            / (Decimal(self.won + self.lost) * self.won_cycle_seconds)
        )
        return cents(value)

    @property
    def cpl(self) -> Decimal | None:
        """Cost per lead: marketing spend / leads."""
        return (
            None if self.marketing_spend is None else money_ratio(self.marketing_spend, self.leads)
        )

    @property
    def total_spend(self) -> Decimal | None:
        """Marketing and sales spend together."""
        if self.marketing_spend is None or self.sales_spend is None:
            return None
        return self.marketing_spend + self.sales_spend

    @property
    def cac(self) -> Decimal | None:
        """Customer acquisition cost: (marketing + sales spend) / won."""
        total = self.total_spend
        return None if total is None else money_ratio(total, self.won)

    @property
    def clv(self) -> Decimal | None:
        """Customer lifetime value: revenue won before ``until`` / distinct customers won."""
        return money_ratio(self.won_revenue_to_date, self.customers_to_date)

    @property
    def clv_to_cac(self) -> float | None:
        """clv / cac, from the unrounded amounts."""
        total = self.total_spend
        if not total or not self.won or not self.customers_to_date:
            return None
        clv = self.won_revenue_to_date / self.customers_to_date
        return float(clv * self.won / total)

    @property
    def marketing_spend_pct(self) -> float | None:
        """Marketing spend as a share of revenue (0.08 is 8%)."""
        return share(self.marketing_spend, self.revenue)

    @property
    def sales_spend_pct(self) -> float | None:
        """Sales spend as a share of revenue."""
        return share(self.sales_spend, self.revenue)


def ratio(part: int, whole: int) -> float | None:
    """part / whole, or ``None`` when whole is zero."""
    return part / whole if whole else None


def cents(amount: Decimal) -> Decimal:
    """Round money half-up to whole cents."""
    return amount.quantize(CENTS, rounding=ROUND_HALF_UP)


def money_ratio(amount: Decimal, count: int) -> Decimal | None:
    """An amount per item, in cents, or ``None`` when there are no items."""
    return cents(amount / count) if count else None


def share(amount: Decimal | None, whole: Decimal) -> float | None:
    """amount / whole as a float, or ``None`` when either is missing or whole is zero."""
    if amount is None or not whole:
        return None
    return float(amount / whole)
