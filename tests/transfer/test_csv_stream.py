"""A CSV import reads its rows as a stream: the same lines, the same date order, one pass."""

from __future__ import annotations

import gc
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from board.errors import InvalidInput
from board.transfer.csv_import import _lines, _maybe_slashed, import_csv
from board.transfer.dates import _SLASHED
from board.transfer.import_plan import ImportOptions
from tests.cli_runner import Funnel
from tests.transfer.conftest import context


@settings(max_examples=500)
@given(st.text(alphabet='ab,"\r\n\x1c\x85\u2028 '))
def test_lines_are_those_a_csv_reader_gets_from_a_stringio(text: str) -> None:
    assert list(_lines(text)) == list(io.StringIO(text, newline=""))


@settings(max_examples=1_000)
@given(
    st.text(alphabet="0123456789/-.: aApPmM\t", max_size=24),
    st.sampled_from([",", ";", "\t", '"', "\n", ""]),
)
def test_a_slashed_date_cell_is_always_noticed_in_the_text(cell: str, before: str) -> None:
    # The import skips reading every date cell for the order only when the whole text has
    # no place where a slashed date could start.
    if _SLASHED.fullmatch(cell.strip()):
        assert _maybe_slashed(f"{before}{cell}\n")
        assert _maybe_slashed(f"2026-11-20,x{before}{cell}")


def test_iso_dates_alone_need_no_date_order() -> None:
    text = "2026-11-20,2026-11-20 14:30:00,2026-11-20T14:30Z,20.11.2026,12500.00"
    assert not _maybe_slashed(text)
    assert _maybe_slashed("title,date\nA,20-11-2026\n")
    assert _maybe_slashed("1-2-26")


def test_the_date_order_is_proved_by_a_row_after_the_ones_it_decides() -> None:
    rows = "".join(f"D{n},03/04/2026\n" for n in range(50))
    data = f"title,created\n{rows}Last,25/04/2026\n".encode()
    plan = import_csv(data, ImportOptions(), context())
    assert not plan.errors
    assert {(d.created_at.day, d.created_at.month) for d in plan.deals[:-1]} == {(3, 4)}


def test_a_csv_error_after_good_rows_still_refuses_the_file() -> None:
    data = b'title\nA\nB\n"unclosed\n'
    with pytest.raises(InvalidInput, match=r"^line 4: not valid CSV"):
        import_csv(data, ImportOptions(), context())


def test_the_cycle_collector_is_back_on_after_an_import(funnel: Funnel, tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("title\nA\nB\n", encoding="utf-8")
    assert gc.isenabled()
    funnel.ok("import", str(path))
    assert gc.isenabled()
    path.write_text("title,value\nA,abc\n", encoding="utf-8")
    assert funnel("import", str(path)).exit_code == 2
    assert gc.isenabled()


def test_repeated_cells_are_read_once_and_still_refused_in_every_row() -> None:
    data = (
        b"title,value,created,close date,status\n"
        b"A,$1.5k,2026-09-01,2026-09-03,won\n"
        b"B,$1.5k,2026-09-01,2026-09-03,lost\n"
        b"C,abc,2026-09-01,2026-13-03,won\n"
        b"D,abc,2026-09-01,2026-09-03,won\n"
        b"E,$1.5k,2026-09-01,2026-13-03,won\n"
    )
    plan = import_csv(data, ImportOptions(), context())
    assert [error.where for error in plan.errors] == ["line 4", "line 5", "line 6"]
    assert "value 'abc'" in plan.errors[1].message
    assert "'2026-13-03' is not a date" in plan.errors[2].message
    a, b = plan.deals
    assert a.value == b.value == 1500 and a.won_at == b.lost_at
    assert a.value is b.value  # one object for the repeated amount


@settings(max_examples=500)
@given(
    st.from_regex(_SLASHED, fullmatch=True),
    st.sampled_from([",", ";", "\t", '"', "\n", " ", ""]),
    st.sampled_from(["", "2026-11-20 14:30:00,", "Acme,12,500.00,"]),
)
def test_every_slashed_date_is_noticed(cell: str, before: str, start: str) -> None:
    assert _maybe_slashed(f"{start}{before}{cell}\n")
