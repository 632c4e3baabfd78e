"""An edit refused as a conflict keeps what the person typed and shows what clashed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from textual.widgets import Input

from board import journey
from board.deal import DealChanges
from board.edit_merge import merge_edit
from screens.field_error import FieldError
from tests.tui.conftest import (
    NOW,
    board_deals,
    loaded,
    make_app,
    reopen,
    screen_text,
    settled,
    stored,
    type_text,
    until,
)


def test_merge_carries_what_only_i_changed_and_names_the_clashes() -> None:
    base = board_deals(1)[0]
    mine = DealChanges(title=base.title, company="Acme Corp", value=Decimal(99999))
    fresh = journey.edit(
        base, DealChanges(company="ACME Inc", title="Acme 2027"), by="lena", now=NOW
    )
    merged = merge_edit(base, mine, fresh)
    assert merged.carried == DealChanges(value=Decimal(99999))
    assert [(c.field, c.mine, c.theirs) for c in merged.clashes] == [
        ("company", "Acme Corp", "ACME Inc")
    ]


async def test_a_conflicting_edit_reopens_the_form_with_my_changes(board_store: Path) -> None:
    app = make_app(board_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("e")
        await until(pilot, lambda: "Edit deal 1" in screen_text(app))
        form = app.screen
        form.query_one("#company", Input).value = ""
        form.query_one("#value", Input).value = ""
        form.query_one("#company", Input).focus()
        await type_text(pilot, "Acme Corp")
        form.query_one("#value", Input).focus()
        await type_text(pilot, "99999")
        # Meanwhile a colleague renames the deal and its company.
        reopen(board_store).change(
            1,
            lambda d: journey.edit(
                d, DealChanges(company="ACME Inc", title="Acme 2027"), by="lena", now=NOW
            ),
        )
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "lena changed it meanwhile" in screen_text(app))
        form = app.screen
        assert form.query_one("#title", Input).value == "Acme 2027"  # theirs, untouched by me
        assert form.query_one("#value", Input).value == "99999.00"  # mine, kept
        assert form.query_one("#company", Input).value == "ACME Inc"  # the clash: theirs…
        clash = form.query_one("#company-error", FieldError)
        assert clash.display and "you had typed “Acme Corp”" in str(clash.render())  # …and mine
        assert any(n.title == "Changed by someone else" for n in app._notifications)
        await pilot.press("ctrl+s")
        await settled(pilot)
    deal = stored(board_store, 1)
    assert (deal.title, deal.company, deal.value) == ("Acme 2027", "ACME Inc", Decimal(99999))
