"""The metrics panel alone, in a tiny app, with the hand-checked October figures."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Sparkline, Static

from board.metrics import Metrics, compute_metrics
from board.metrics_pictures import bar, gauge
from board.metrics_result import MARKETING_GUIDANCE, SALES_GUIDANCE
from screens.metrics_panel import MetricsPanel
from tests.metrics.dataset import NOW, OCTOBER, SETTINGS, october_deals, october_spend

SnapCompare = Callable[..., bool]


def october(owner: str | None = None) -> Metrics:
    return compute_metrics(
        october_deals(), october_spend(), settings=SETTINGS, window=OCTOBER, now=NOW, owner=owner
    )


class PanelApp(App[None]):
    """Just the panel, 36 columns wide as in the board's side panel."""

    CSS = "MetricsPanel { width: 36; padding: 0 1; }"

    def __init__(self, metrics: Metrics | None = None, label: str = "October") -> None:
        super().__init__()
        self.start_metrics, self.start_label = metrics, label

    def compose(self) -> ComposeResult:
        yield MetricsPanel(SETTINGS.pipeline)

    def on_mount(self) -> None:
        panel = self.query_one(MetricsPanel)
        panel.window_label = self.start_label
        panel.metrics = self.start_metrics


def text_of(app: App[None], selector: str) -> str:
    return str(app.query_one(selector, Static).content)


async def test_loading_then_the_figures() -> None:
    app = PanelApp(None)
    async with app.run_test(size=(40, 60)) as pilot:
        panel = app.query_one(MetricsPanel)
        assert text_of(app, "#metrics-window") == "Metrics · October\ncomputing…"
        assert panel.has_class("-loading")
        assert not app.query_one("#metrics-marketing").display
        panel.metrics = october()
        await pilot.pause()
        assert not panel.has_class("-loading")
        assert app.query_one("#metrics-marketing").display
        assert text_of(app, "#metrics-window") == "Metrics · October"


async def test_the_groups_show_the_figures() -> None:
    app = PanelApp(october())
    async with app.run_test(size=(40, 60)):
        marketing = text_of(app, "#metrics-marketing").splitlines()
        assert marketing[0] == "◇ Marketing"
        assert marketing[1].split() == ["Leads", "6", "MQLs", "5", "CPL", "$250"]
        # the funnel: label, conversion from the stage above, bar, deals reaching it
        assert marketing[2].startswith("Awareness") and marketing[2].endswith(" 6")
        assert marketing[3].split()[:2] == ["Interest", "83%"]
        assert "handoff" in marketing[5] and set(marketing[5].replace("handoff", "")) <= {"╌", " "}
        assert marketing[7].split()[:2] == ["Customer", "20%"]
        assert all(len(line) <= 34 for line in marketing)
        handoff = text_of(app, "#metrics-handoff")
        assert handoff.splitlines()[1:4] == [
            "Handoffs".ljust(33) + "8",
            "Accepted (SQLs)".ljust(33) + "3",
            "Rejected".ljust(33) + "1",
        ]
        assert handoff.splitlines()[-1].endswith("⚠ 5")  # flagged by a glyph, not colour only
        sales = text_of(app, "#metrics-sales")
        assert "Win rate" in sales and "57.1%" in sales
        assert "$539.33/day" in sales
        assert app.query_one(Sparkline).data == [6000.0, 0.0, 4000.0, 10000.0, 8000.0]
        assert text_of(app, "#metrics-revenue-caption") == "Won per week · 5 wk · top $10k"
        budget = text_of(app, "#metrics-budget").splitlines()
        assert budget[1].startswith("Marketing 5.4%") and budget[1].endswith("↓ below 6–12%")
        assert budget[2] == gauge(1500 / 28_000, MARKETING_GUIDANCE, 34)
        assert budget[3].endswith("↓ below 15–20%")
        assert budget[-1].split() == ["CAC", "$875", "CLV", "$10k", "11.4×"]


async def test_changing_the_window_label_and_the_figures_redraws() -> None:
    app = PanelApp(october())
    async with app.run_test(size=(40, 60)) as pilot:
        panel = app.query_one(MetricsPanel)
        panel.window_label = "last 30 days"
        panel.metrics = october("maya")
        await pilot.pause()
        assert text_of(app, "#metrics-window") == "Metrics · last 30 days · maya"
        budget = text_of(app, "#metrics-budget")
        assert "Spend is per team, not per owner" in budget
        assert "Marketing —" in budget
        assert "Leads 1  MQLs 0" in text_of(app, "#metrics-marketing")


class NarrowPanelApp(PanelApp):
    """The panel squeezed to 28 columns, no padding."""

    CSS = "MetricsPanel { width: 28; }"


async def test_a_narrow_panel_keeps_every_line_inside() -> None:
    app = NarrowPanelApp(october())
    async with app.run_test(size=(30, 70)) as pilot:
        await pilot.pause()
        for group in ("marketing", "handoff", "sales", "budget"):
            static = app.query_one(f"#metrics-{group}", Static)
            assert static.size.height == len(str(static.content).splitlines()), group


def test_bars_and_gauges_read_without_colour() -> None:
    assert bar(1, 4) == "████"
    assert bar(0.5, 3) == "█▌"
    assert bar(0.001, 10) == "▏"  # a few is not none
    assert bar(0, 10) == ""
    assert gauge(None, MARKETING_GUIDANCE, 12) == "···░░░······"  # 6–12% on a 0–24% scale
    assert gauge(0.10, MARKETING_GUIDANCE, 12) == "█████░······"
    assert gauge(0.5, MARKETING_GUIDANCE, 12) == "███████████»"
    assert gauge(0.16, SALES_GUIDANCE, 8) == "███░····"


@pytest.mark.parametrize("size", [(38, 52)])
def test_snapshot_of_the_panel(snap_compare: SnapCompare, size: tuple[int, int]) -> None:
    assert snap_compare(PanelApp(october()), terminal_size=size)


def test_wide_stage_labels_keep_the_funnel_aligned() -> None:
    from rich.cells import cell_len

    from board.settings import settings_from_mapping
    from screens.metrics_panel import marketing_content

    settings = settings_from_mapping(
        {
            "stages": [
                {"key": "lead", "label": "見込み客リード", "team": "marketing"},
                {"key": "mql", "label": "MQL", "team": "marketing"},
                {"key": "deal", "label": "商談", "team": "sales"},
                {"key": "won", "label": "受注", "team": "sales"},
            ]
        }
    )
    m = compute_metrics([], [], settings=settings, window=OCTOBER, now=NOW)
    lines = str(marketing_content(m, settings.pipeline, 34)).splitlines()[2:]
    funnel = [line for line in lines if "handoff" not in line]
    assert len(funnel) == 4
    assert all(cell_len(line) <= 34 for line in lines)
    assert {cell_len(line) for line in funnel} == {cell_len(funnel[0])}


def test_costs_are_undefined_not_zero_while_no_spend_is_recorded() -> None:
    from screens.metrics_panel import budget_content, marketing_content

    m = compute_metrics(october_deals(), [], settings=SETTINGS, window=OCTOBER, now=NOW)
    assert "CPL —" in marketing_content(m, SETTINGS.pipeline, 34).plain
    assert "CAC —" in budget_content(m, 34).plain
    spent = october()
    assert "CPL —" not in marketing_content(spent, SETTINGS.pipeline, 34).plain
    assert "CAC —" not in budget_content(spent, 34).plain
