"""Formula neutralisation is undone exactly by import."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from board.transfer.formulas import neutralise, restore


def test_cells_that_start_a_formula_get_a_quote() -> None:
    for cell in ("=1+1", "+1", "-1", "@A1", "\tx", "\rx", "＝1", "'x"):
        assert neutralise(cell) == "'" + cell
    for cell in ("", "plain", "1-2", "a=b", " =x"):
        assert neutralise(cell) == cell


@given(st.text())
def test_restore_undoes_neutralise(cell: str) -> None:
    assert restore(neutralise(cell)) == cell
