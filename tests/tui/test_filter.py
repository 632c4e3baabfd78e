"""Narrowing the board: / filters as you type, m shows my deals, o picks an owner, esc clears."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from screens.app import FunnelApp
from screens.board_view import BoardView
from screens.owner_picker import OwnerPicker
from tests.tui.conftest import board_of, loaded, make_app, screen_text, type_text


def shown_ids(app: FunnelApp) -> set[int]:
    """Ids of every deal on the board's columns."""
    view = board_of(app).query_one(BoardView)
    return {deal.id for column in view.columns for deal in column.data.deals}


async def test_slash_filters_as_you_type_across_fields(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        assert shown_ids(app) == {1, 2, 3, 4, 5, 6, 7}
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await type_text(pilot, "hoo")
        assert shown_ids(app) == {4}  # title and company
        assert 'showing: "hoo"' in screen_text(app).splitlines()[0]
        await pilot.press("enter")  # back to the board, filter kept
        assert isinstance(app.focused, BoardView)
        assert shown_ids(app) == {4}
        await pilot.press("escape")
        assert shown_ids(app) == {1, 2, 3, 4, 5, 6, 7}
        assert not board_of(app).query_one("#filter").display


async def test_filter_matches_owner_source_and_tags_with_every_word(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        field = board_of(app).query_one("#filter", Input)
        await pilot.press("slash")
        for text, expected in (
            ("lena", {7}),
            ("webinar", {3}),
            ("PRIORITY", {1}),
            ("maya hooli", {4}),
            ("nobody", set()),
        ):
            field.value = text
            await pilot.pause()
            assert shown_ids(app) == expected, text
        await pilot.press("escape")  # escape in the filter line clears it too
        assert shown_ids(app) == {1, 2, 3, 4, 5, 6, 7}
        assert isinstance(app.focused, BoardView)


async def test_m_toggles_my_deals(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("m")
        assert shown_ids(app) == {6}  # sam owns Stark only
        assert "showing: owner sam" in screen_text(app).splitlines()[0]
        await pilot.press("m")
        assert len(shown_ids(app)) == 7


async def test_o_picks_an_owner_and_escape_clears(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        picker = app.screen
        assert isinstance(picker, OwnerPicker)
        assert picker.owners == ["lena", "maya", "sam", "theo"]  # lena: her won deal counts
        await pilot.press("end", "enter")
        assert shown_ids(app) == {2}
        await pilot.press("o", "home", "enter")  # "Everyone"
        assert len(shown_ids(app)) == 7
        await pilot.press("o", "down", "down", "enter")
        assert shown_ids(app) == {1, 3, 4, 5}  # maya
        await pilot.press("escape")
        assert len(shown_ids(app)) == 7


async def test_the_open_count_changes_with_the_board_not_a_frame_later(board_store: Path) -> None:
    from screens.status_line import StatusLine
    from tests.tui.conftest import loaded, make_app

    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        board = await loaded(pilot)
        status = board.query_one(StatusLine)
        assert "6 open" in str(status.content)
        board.action_mine()  # no frame in between: what the person sees next
        assert "1 open" in str(status.content)


async def test_the_panel_says_which_figures_follow_a_typed_filter(board_store: Path) -> None:
    from tests.tui.conftest import loaded, make_app, screen_text, type_text, until

    app = make_app(board_store)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(pilot)
        note = "the metrics below count every deal"
        assert note not in " ".join(screen_text(app).split())
        await pilot.press("slash")
        await type_text(pilot, "acme")

        def panel_text() -> str:
            lines = screen_text(app).splitlines()
            return " ".join(" ".join(line[129:] for line in lines).split())  # past its border

        await until(pilot, lambda: "metrics below count every deal" in panel_text())
        assert "1 open · $12,500" in panel_text()  # the summary follows the filter
        await pilot.press("escape")
        await until(pilot, lambda: "metrics below" not in panel_text())


async def test_while_typing_a_filter_the_key_bar_offers_only_what_works(
    board_store: Path,
) -> None:
    from tests.tui.conftest import loaded, make_app, screen_text, until

    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: "enter Done" in screen_text(app).splitlines()[-1])
        keys = screen_text(app).splitlines()[-1]
        assert "esc Clear" in keys and "q Quit" not in keys  # q is a letter here
        await pilot.press("a", "c", "m", "e", "enter")
        await until(pilot, lambda: "q Quit" in screen_text(app).splitlines()[-1])
        assert "enter Done" not in screen_text(app).splitlines()[-1]
