"""The add and edit forms: inline validation from the journey's rules, and what lands."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from board.deal import EventKind
from screens.deal_form import DealForm, error_field
from screens.field_error import FieldError
from tests.tui.conftest import (
    USER,
    loaded,
    make_app,
    reopen,
    selected_id,
    settled,
    stored,
    type_text,
)


def test_validation_messages_name_their_field() -> None:
    assert error_field("title must not be empty") == "title"
    assert error_field("value 'x' is not an amount (try 12500)") == "value"
    assert error_field("owner must be a login name") == "owner"
    assert error_field("tag 'a b' must not contain spaces or commas") == "tags"
    assert error_field("unknown stage 'x'") == "stage"


async def test_a_adds_a_deal_in_the_stage_of_the_cursor(store: Path) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("2", "a")
        assert isinstance(app.screen, DealForm)
        await type_text(pilot, "Acme renewal")
        await pilot.press("tab")
        await type_text(pilot, "Acme")
        app.screen.query_one("#value").value = "12.5k"  # type: ignore[attr-defined]
        app.screen.query_one("#tags").value = "Priority, q4"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settled(pilot)
        deals = reopen(store).query()
        assert len(deals) == 1
        deal = deals[0]
        assert (deal.title, deal.company, deal.value) == ("Acme renewal", "Acme", Decimal("12500"))
        assert deal.stage == "interest" and deal.owner == USER
        assert deal.tags == ("priority", "q4")
        assert selected_id(app) == deal.id  # the cursor lands on the new deal


async def test_the_add_form_shows_errors_under_the_field_and_saves_nothing(store: Path) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("a", "ctrl+s")
        form = app.screen
        assert isinstance(form, DealForm)
        title_error = form.query_one("#title-error", FieldError)
        assert title_error.display and "title must not be empty" in str(title_error.render())
        await type_text(pilot, "Globex")
        assert not title_error.display  # errors follow the typing once a save was tried
        form.query_one("#value").value = "12,34"  # type: ignore[attr-defined]
        await pilot.pause()
        value_error = form.query_one("#value-error", FieldError)
        assert value_error.display and "not an amount" in str(value_error.render())
        form.query_one("#value").value = "1200"  # type: ignore[attr-defined]
        form.query_one("#owner").value = "not a login!"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        assert app.screen is form
        assert form.query_one("#owner-error", FieldError).display
        await pilot.press("escape")
        await settled(pilot)
        assert reopen(store).query() == []


async def test_e_edits_the_deal_and_records_what_changed(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("e")
        form = app.screen
        assert isinstance(form, DealForm)
        assert form.query_one("#title").value == "Acme renewal"  # type: ignore[attr-defined]
        form.query_one("#title").value = "Acme renewal 2027"  # type: ignore[attr-defined]
        form.query_one("#value").value = "14000"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settled(pilot)
        acme = stored(board_store, 1)
        assert acme.title == "Acme renewal 2027" and acme.value == Decimal("14000")
        event = acme.history[-1]
        assert event.kind is EventKind.EDITED and event.by == USER
        assert set(event.data["changes"]) == {"title", "value"}


async def test_saving_an_unchanged_edit_says_so_and_writes_nothing(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("e", "ctrl+s")
        await settled(pilot)
        assert stored(board_store, 1).version == 1
        assert any("nothing to change" in n.message for n in app._notifications)
