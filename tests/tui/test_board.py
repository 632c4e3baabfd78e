"""What the board shows: bands, columns, headers, cards, badges, the panel, the empty board."""

from __future__ import annotations

from pathlib import Path

from screens.board_view import BoardView
from screens.deal_list import DealList
from screens.stage_column import StageColumn
from tests.tui.conftest import loaded, make_app, screen_text, until


def column(app: object, key: str) -> StageColumn:
    """The column of a stage."""
    from textual.app import App

    assert isinstance(app, App)
    return app.screen.query_one(f"#stage-{key}", StageColumn)


async def test_columns_follow_the_pipeline_with_bands_and_the_handoff_line(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        text = screen_text(app)
        assert "◇ MARKETING" in text and "◆ SALES" in text
        labels = [c.stage.label for c in app.screen.query(StageColumn) if c.display]
        assert labels == ["Awareness", "Interest", "Consideration", "Purchase", "Customer"]
        marketing = [c.stage.key for c in app.screen.query(".band.-marketing StageColumn")]
        sales = [c.stage.key for c in app.screen.query(".band.-sales StageColumn")]
        assert marketing == ["awareness", "interest", "consideration"]
        assert sales == ["purchase", "customer"]
        handoff = app.screen.query_one(".handoff-line")
        band = app.screen.query_one(".band.-sales")
        assert handoff.region.right == band.region.x
        # The handoff line spells its name top to bottom between two double rules.
        down = "".join(line[handoff.region.x + 1] for line in text.splitlines()[1:-1])
        assert "⇢HANDOFF⇢" in down.replace(" ", "")
        assert all(line[handoff.region.x] == "║" for line in text.splitlines()[1:-2])


async def test_header_shows_question_count_value_and_weighted_value(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(200, 40)) as pilot:
        await loaded(pilot)
        header = str(column(app, "purchase").query_one(".stage-header").render())
        # Hooli 20,000 + Umbrella 15,000 + Stark 5,000 = 40,000; weighted at 50% = 20,000
        assert "4 Purchase" in header
        assert "I'm ready to buy" in header
        assert "3 deals $40k" in header
        assert "≈ $20k at 50%" in header


async def test_cards_show_title_company_value_owner_age_and_badges(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(250, 60)) as pilot:
        await loaded(pilot)
        text = screen_text(app)
        assert "Hooli expansion" in text and "Hooli" in text and "$20,000" in text
        assert "@maya" in text
        assert "⇢ accept in 19h" in text  # handed off 5 hours ago, 24 hour SLA
        assert "✓ accepted" in text  # Umbrella
        assert "◷ rotting 40d" in text  # Globex: 40 days in Interest, rot after 21
        assert "★ sales-sourced" in text  # Stark, created in Purchase
        assert "Wayne annual contract" in text and "✓ won" in text
        assert "Soylent migration" not in text  # lost deals leave the board
        purchase = column(app, "purchase").deal_list
        assert purchase.deals[0].title == "Hooli expansion"  # pending first


async def test_an_empty_board_says_how_to_start(store: Path) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        text = screen_text(app)
        assert "Press  a  to add the first deal" in text
        assert 'funnel add "Title"' in text
        assert "funnel demo" in text
        assert app.screen.query_one(BoardView).display  # the stages still show
        assert "◇ MARKETING" in text


async def test_side_panel_toggles_with_s_and_hides_on_narrow_terminals(
    board_store: Path,
) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(140, 40)) as pilot:
        board = await loaded(pilot)
        panel = board.query_one("#side-panel")
        assert panel.display
        text = screen_text(app)
        assert "⇢ Awaiting acceptance (1)" in text
        assert "◆ Sales" in text
        await pilot.press("s")
        assert not panel.display
        await pilot.press("s")
        assert panel.display
        await pilot.resize_terminal(90, 30)
        await until(pilot, lambda: not panel.display)


async def test_deal_list_renders_only_what_is_visible(store: Path) -> None:
    from tests.tui.conftest import create, seed

    seed(store, lambda first: [create(first + i, f"Lead {i}", "awareness") for i in range(2000)])
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        deal_list = column(app, "awareness").query_one(DealList)
        assert len(deal_list.deals) == 2000
        assert deal_list.virtual_size.height == 2000 * 5
        # One widget per column (five stages and the hidden unknown-stage lane), not per deal.
        assert len(app.screen.query(DealList)) == 6
