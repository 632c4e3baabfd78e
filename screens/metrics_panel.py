"""The metrics panel: one window's marketing, handoff, sales and budget at a glance.

The board screen computes a `Metrics` in a worker and assigns it to ``panel.metrics``; this
widget only draws. Pictures carry glyphs as well as colours (bars, a handoff line, gauges
with ``█ ░ ·`` cells, ``↓ ✓ ↑`` verdicts), so they read in 16 colours and under NO_COLOR.
"""

from __future__ import annotations

from decimal import Decimal

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.content import Content
from textual.events import Resize
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Sparkline, Static

from board.metrics import MARKETING_GUIDANCE, SALES_GUIDANCE, Guidance, Metrics
from board.metrics_pictures import GAUGE_BAND, GAUGE_FILL, GAUGE_OVER, bar, gauge
from board.metrics_report import (
    UNDEFINED,
    VERDICT_GLYPHS,
    guidance_text,
    money_text_or_dash,
    number_text,
    rate_text,
    stage_label,
)
from board.stages import Pipeline
from screens.deal_card import fit

WIDTH = 32
"""The width the panel is drawn for when it has not been laid out yet."""


def _row(label: str, value: str, width: int, style: str = "") -> Content:
    """Label left, value right; on two lines when both do not fit on one."""
    gap = width - len(label) - len(value)
    if gap < 1:
        return Content.assemble(
            fit(label, width), "\n", (value.rjust(width) if len(value) < width else value, style)
        )
    return Content.assemble(label, " " * gap, (value, style))


def _money(metrics: Metrics, amount: Decimal | None) -> str:
    return money_text_or_dash(amount, metrics.currency, compact=True)


def _cost(metrics: Metrics, amount: Decimal | None, spend: Decimal | None) -> str:
    """A cost per lead or per deal: "—" while no spend is recorded (it is unknown, not $0)."""
    return _money(metrics, amount) if spend else UNDEFINED


def _percent(value: float | None) -> str:
    return UNDEFINED if value is None else f"{value * 100:.0f}%"


def marketing_content(m: Metrics, pipeline: Pipeline, width: int) -> Content:
    """Leads, MQLs and CPL, then the funnel: new deals reaching each stage, with conversion."""
    lines = [
        Content.styled("◇ Marketing", "bold $text-primary"),
        _row(f"Leads {m.leads}  MQLs {m.mqls}", f"CPL {_cost(m, m.cpl, m.marketing_spend)}", width),
    ]
    steps = m.stage_conversion
    if not steps:
        return Content("\n").join(lines)
    reached = [steps[0].reached_from, *(step.reached_to for step in steps)]
    rates = [None, *(step.rate for step in steps)]
    keys = [steps[0].from_stage, *(step.to_stage for step in steps)]
    count_width = max(len(str(reached[0])), 2)
    bar_width = max(width - 10 - 5 - count_width - 1, 4)
    for i, key in enumerate(keys):
        if key == pipeline.first_sales.key:
            lines.append(Content.styled(" handoff ".center(width, "╌"), "$text-warning"))
        colour = "$secondary" if key in pipeline and pipeline.is_sales(key) else "$primary"
        drawn = bar(reached[i] / reached[0], bar_width) if reached[0] else ""
        rate = "" if i == 0 else _percent(rates[i])
        label = fit(stage_label(pipeline, key), 9)
        lines.append(
            Content.assemble(
                label,
                " " * (10 - cell_len(label)),
                (rate.rjust(4), "$text-muted"),
                " ",
                (drawn.ljust(bar_width), colour),
                " ",
                str(reached[i]).rjust(count_width),
            )
        )
    return Content("\n").join(lines)


def handoff_content(m: Metrics, width: int) -> Content:
    """Handoffs and their answers, speeds, and SLA breaches (flagged, not only coloured)."""
    text, style = (
        (f"⚠ {m.sla_breaches}", "bold $text-error") if m.sla_breaches else ("✓ 0", "$text-success")
    )
    return Content("\n").join(
        [
            Content.styled("⇄ Handoff", "bold $text-warning"),
            _row("Handoffs", str(m.handoffs), width),
            _row("Accepted (SQLs)", str(m.sqls), width),
            _row("Rejected", str(m.rejections), width),
            _row("MQL → SQL", rate_text(m.mql_to_sql_rate), width),
            _row("Acceptance", rate_text(m.handoff_acceptance_rate), width),
            _row("Median to hand off", number_text(m.median_hours_to_handoff, "h"), width),
            _row("Median to accept", number_text(m.median_hours_to_accept, "h"), width),
            _row(f"Over the {m.sla_hours} h SLA", text, width, style),
        ]
    )


def sales_content(m: Metrics, width: int) -> Content:
    """Wins, revenue and its sources, size, cycle, the open pipeline and its velocity."""
    velocity = m.velocity_per_day
    return Content("\n").join(
        [
            Content.styled("◆ Sales", "bold $text-secondary"),
            _row("Won · lost", f"{m.won} · {m.lost}", width),
            _row("Win rate", rate_text(m.win_rate), width),
            _row("Revenue", _money(m, m.revenue), width, "bold"),
            _row("  from marketing", _money(m, m.sourced_revenue.marketing), width, "$text-muted"),
            _row("  from sales", _money(m, m.sourced_revenue.sales), width, "$text-muted"),
            _row("Avg deal", _money(m, m.avg_deal_size), width),
            _row("Sales cycle", number_text(m.sales_cycle_days, "d"), width),
            _row("Open now", f"{m.open_deals} · {_money(m, m.pipeline_value)}", width),
            _row("  weighted", _money(m, m.weighted_pipeline), width, "$text-muted"),
            _row(
                "Velocity", UNDEFINED if velocity is None else f"{_money(m, velocity)}/day", width
            ),
        ]
    )


def weekly_revenue(m: Metrics, width: int) -> tuple[list[float], Content]:
    """The last ``width`` weeks of won revenue for the sparkline, and its caption."""
    weeks = [float(amount) for _, amount in m.revenue_by_week][-width:]
    if not weeks:
        return [], Content.styled("Won per week · none", "$text-muted")
    peak = max(m.revenue_by_week[-len(weeks) :], key=lambda item: item[1])[1]
    caption = f"Won per week · {len(weeks)} wk · " + (f"top {_money(m, peak)}" if peak else "none")
    return weeks, Content.styled(caption, "$text-muted")


def budget_content(m: Metrics, width: int) -> Content:
    """Each team's spend as a share of revenue on a gauge against its guidance, then CAC/CLV."""
    lines = [Content.styled("▣ Budget", "bold $text-accent")]
    if m.owner is not None:
        lines.append(Content.styled("Spend is per team, not per owner", "$text-muted"))
    for name, share, guidance in (
        ("Marketing", m.marketing_spend_pct, MARKETING_GUIDANCE),
        ("Sales", m.sales_spend_pct, SALES_GUIDANCE),
    ):
        lines += _gauge_lines(name, share, guidance, width)
    ratio = UNDEFINED if m.clv_to_cac is None else f"{m.clv_to_cac:.1f}×"
    cac = _cost(m, m.cac, m.total_spend)
    lines.append(_row(f"CAC {cac}  CLV {_money(m, m.clv)}", ratio, width))
    return Content("\n").join(lines)


def _gauge_lines(name: str, share: float | None, guidance: Guidance, width: int) -> list[Content]:
    verdict = guidance.verdict(share)
    words = (
        f"{VERDICT_GLYPHS[verdict]} {guidance_text(guidance)}"
        if verdict
        else (f"no revenue · {guidance_text(guidance)}")
    )
    style = "$text-success" if verdict == "within" else "$text-warning"
    cells = gauge(share, guidance, width)
    fill = "$success" if verdict == "within" else "$warning"
    styles = {GAUGE_FILL: fill, GAUGE_OVER: f"bold {fill}", GAUGE_BAND: "$text-muted"}
    drawn = Content.assemble(*((cell, styles.get(cell, "$text-muted")) for cell in cells))
    return [
        _row(f"{name} {rate_text(share)}", words, width, style if verdict else ""),
        drawn.simplify(),
    ]


class Part(Static):
    """One part of the panel, redrawn only when its text changed, and laid out again only
    when its number of lines did: a colleague's change must not repaint the whole screen."""

    shown: tuple[str, tuple[object, ...]] | None = None

    def show(self, content: Content) -> None:
        now = (content.plain, tuple(content.spans))
        if now == self.shown:
            return
        layout = self.shown is None or self.shown[0].count("\n") != now[0].count("\n")
        self.shown = now
        self.update(content, layout=layout)


class MetricsPanel(Widget, can_focus=False):
    """Marketing | Handoff | Sales, then Budget, for the window the board chose."""

    DEFAULT_CSS = """
    MetricsPanel {
        height: auto;
        width: 1fr;
    }
    MetricsPanel > Static {
        height: auto;
        margin-bottom: 1;
    }
    MetricsPanel > #metrics-window {
        text-style: bold;
        margin-bottom: 0;
    }
    MetricsPanel > #metrics-revenue-caption {
        margin-bottom: 0;
    }
    MetricsPanel > Sparkline {
        height: 1;
        margin-bottom: 1;
    }
    MetricsPanel > Sparkline > .sparkline--max-color {
        color: $secondary;
    }
    MetricsPanel > Sparkline > .sparkline--min-color {
        color: $secondary 40%;
    }
    MetricsPanel.-loading > .metrics-group, MetricsPanel.-loading > Sparkline {
        display: none;
    }
    """

    metrics: reactive[Metrics | None] = reactive(None, init=False)
    """The figures to draw; ``None`` while the board is computing them."""
    window_label: reactive[str] = reactive("", init=False)
    """The window in words, such as "last 90 days"."""

    def __init__(
        self,
        pipeline: Pipeline,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.pipeline = pipeline

    def compose(self) -> ComposeResult:
        yield Part(id="metrics-window", markup=False)
        for group in ("marketing", "handoff", "sales"):
            yield Part(id=f"metrics-{group}", classes="metrics-group", markup=False)
        yield Part(id="metrics-revenue-caption", classes="metrics-group", markup=False)
        yield Sparkline([], id="metrics-revenue")
        yield Part(id="metrics-budget", classes="metrics-group", markup=False)

    def on_mount(self) -> None:
        self._draw()

    def on_resize(self, event: Resize) -> None:
        self._draw()

    def watch_metrics(self) -> None:
        self._draw()

    def watch_window_label(self) -> None:
        self._draw()

    def _part(self, selector: str) -> Part:
        return self.query_one(selector, Part)

    def _draw(self) -> None:
        if not self.is_mounted:
            return
        width = self.content_size.width or WIDTH
        label = f"Metrics · {self.window_label}" if self.window_label else "Metrics"
        m = self.metrics
        self.set_class(m is None, "-loading")
        if m is None:
            self._part("#metrics-window").show(
                Content.assemble(label, ("\ncomputing…", "$text-muted"))
            )
            return
        who = f" · {m.owner}" if m.owner else ""
        self._part("#metrics-window").show(Content(fit(label + who, width)))
        self._part("#metrics-marketing").show(marketing_content(m, self.pipeline, width))
        self._part("#metrics-handoff").show(handoff_content(m, width))
        self._part("#metrics-sales").show(sales_content(m, width))
        weeks, caption = weekly_revenue(m, width)
        self._part("#metrics-revenue-caption").show(caption)
        sparkline = self.query_one(Sparkline)
        if list(sparkline.data or []) != list(weeks):
            sparkline.data = weeks
        if sparkline.styles.width is None or sparkline.styles.width.value != max(len(weeks), 1):
            sparkline.styles.width = max(len(weeks), 1)
        self._part("#metrics-budget").show(budget_content(m, width))
