"""The board's side of qualification: the badge, the Q picker, the gate on L, the override."""

from __future__ import annotations

import re
from pathlib import Path

from board.deal import EventKind
from board.qualification import criteria_met
from board.settings import settings_from_mapping
from screens.app import FunnelApp
from screens.board_view import BoardView
from screens.deal_detail import DealDetail
from screens.lost_reason_picker import LostReasonPicker
from screens.qualification_picker import QualificationPicker
from screens.target_gauges import TargetGauges
from screens.text_prompt import TextPrompt
from storage import open_repository
from tests.tui.conftest import (
    NOW,
    USER,
    loaded,
    screen_text,
    settled,
    stored,
    type_text,
    until,
)

TEAM = settings_from_mapping(
    {
        "qualification": {"criteria": ["budget", "authority", "need", "timeline"], "required": 3},
        "reject_reasons": ["not our segment", "no budget"],
    }
)


def team_app(path: Path) -> FunnelApp:
    """The app with the team's criteria and rejection reasons."""
    return FunnelApp(
        open_repository(path, lock_timeout=1.0),
        TEAM,
        clock=lambda: NOW,
        user=USER,
        cursor_blink=False,
    )


async def test_q_ticks_criteria_in_one_change_and_the_card_shows_them(board_store: Path) -> None:
    app = team_app(board_store)
    async with app.run_test(size=(200, 50)) as pilot:
        await loaded(pilot)
        assert "☐ 0/4 criteria" in screen_text(app)  # Initech, the MQL
        await pilot.press("3", "Q")
        assert isinstance(app.screen, QualificationPicker)
        await pilot.press("space", "down", "space", "down", "down", "space", "enter")
        await settled(pilot)
        initech = stored(board_store, 3)
        assert criteria_met(initech) == {"budget", "authority", "timeline"}
        assert initech.version == 2 and initech.history[-1].kind is EventKind.QUALIFIED
        assert "☑ 3/4 qualified" in screen_text(app)
        await pilot.press("Q", "space", "enter")  # untick budget: one more version
        await settled(pilot)
        assert criteria_met(stored(board_store, 3)) == {"authority", "timeline"}
        assert stored(board_store, 3).version == 3
        await pilot.press("enter")
        assert isinstance(app.screen, DealDetail)
        assert "2 of 4 met (authority, timeline), score 50" in screen_text(app)


async def test_escape_in_the_picker_changes_nothing(board_store: Path) -> None:
    app = team_app(board_store)
    async with app.run_test(size=(200, 50)) as pilot:
        await loaded(pilot)
        await pilot.press("3", "Q", "space", "escape")
        await settled(pilot)
        assert stored(board_store, 3).version == 1


async def test_l_across_the_line_is_refused_with_the_cli_words_and_overridden_with_a_reason(
    board_store: Path,
) -> None:
    app = team_app(board_store)
    async with app.run_test(size=(200, 50)) as pilot:
        await loaded(pilot)
        await pilot.press("3", "L")
        assert isinstance(app.screen, TextPrompt)
        assert app.screen.title_text == "Not qualified: hand off anyway?"
        assert (
            "deal 3 is not qualified: 0 of 3 required criteria met, missing budget,"
            " authority, need, timeline" in app.screen.question
        )
        await pilot.press("enter")  # a reason is required
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("escape")
        await settled(pilot)
        assert stored(board_store, 3).stage == "consideration"
        await pilot.press("L")
        await type_text(pilot, "CFO wants a call")
        await pilot.press("enter")
        await settled(pilot)
        initech = stored(board_store, 3)
        assert initech.stage == "purchase" and initech.awaiting_acceptance
        event = initech.history[-1]
        assert (event.kind, event.data["override"], event.data["reason"]) == (
            EventKind.HANDOFF,
            True,
            "CFO wants a call",
        )


async def test_a_qualified_deal_gets_the_usual_handoff_note(board_store: Path) -> None:
    app = team_app(board_store)
    async with app.run_test(size=(200, 50)) as pilot:
        await loaded(pilot)
        await pilot.press("3", "Q", "space", "down", "space", "down", "space", "enter")
        await settled(pilot)
        await pilot.press("L")
        assert isinstance(app.screen, TextPrompt)
        assert app.screen.title_text == "Hand off to sales"
        await pilot.press("enter")
        await settled(pilot)
        initech = stored(board_store, 3)
        assert initech.stage == "purchase" and "override" not in initech.history[-1].data


async def test_a_rejection_offers_the_team_reasons(board_store: Path) -> None:
    app = team_app(board_store)
    async with app.run_test(size=(200, 50)) as pilot:
        board = await loaded(pilot)
        assert board.query_one(BoardView).select(4)  # Hooli, awaiting acceptance
        await pilot.press("H")
        assert isinstance(app.screen, LostReasonPicker)
        await pilot.press("enter")
        await settled(pilot)
        hooli = stored(board_store, 4)
        assert hooli.handoff is not None and hooli.handoff.reason == "not our segment"


async def test_the_side_panel_shows_this_month_targets_with_the_pace(board_store: Path) -> None:
    settings = settings_from_mapping({"targets": {"mqls": 40, "revenue": 50000}})
    app = FunnelApp(
        open_repository(board_store, lock_timeout=1.0),
        settings,
        clock=lambda: NOW,
        user=USER,
        cursor_blink=False,
    )
    async with app.run_test(size=(160, 60)) as pilot:
        await loaded(pilot)
        gauges = app.screen.query_one(TargetGauges)
        await until(pilot, lambda: gauges.display)
        text = screen_text(app)
        assert "◎ Targets · November 2026" in text
        # MQLs this month: Initech, Hooli, Umbrella; 26 expected 19.5 days into 30.
        assert re.search(r"MQLs +3 / 40", text)
        assert re.search(r"█+·*│·+ 7\.5% ↓ behind", text)
        # Won this month: Wayne, 40,000 of 50,000; the pace (32,500) is behind it.
        assert re.search(r"Revenue +\$40,000 / \$50,000", text)
        assert re.search(r"█+▓█+·+ 80% ✓ on pace", text)


async def test_no_targets_no_gauges(board_store: Path) -> None:
    app = team_app(board_store)
    async with app.run_test(size=(160, 60)) as pilot:
        await loaded(pilot)
        await pilot.pause(0.2)
        assert not app.screen.query_one(TargetGauges).display
        assert "◎ Targets" not in screen_text(app)
