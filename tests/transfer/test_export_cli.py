"""``funnel export``: deterministic bytes, safe CSV cells, atomic files, lossless round trips."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest

from board.codec import deal_from_json
from board.demo import demo_deals
from board.stages import DEFAULT_PIPELINE
from board.transfer.export import BOM, CSV_COLUMNS
from storage import open_repository
from tests.transfer.conftest import FIXTURES, NOW, Funnel


@pytest.fixture
def filled(funnel: Funnel) -> Funnel:
    """A store holding a realistic sample pipeline, with a deleted deal (a gap in the ids)."""
    repo = open_repository(funnel.db)
    repo.add_many(lambda first: demo_deals(DEFAULT_PIPELINE, NOW, count=60, first_id=first))
    repo.delete(7)
    return funnel


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
def test_the_same_store_exports_the_same_bytes(filled: Funnel, fmt: str) -> None:
    first = filled.ok("export", "--format", fmt).stdout_bytes
    second = filled.ok("export", "--format", fmt).stdout_bytes
    assert first == second and len(first) > 1000


def test_csv_has_a_header_and_one_row_per_deal_sorted_by_id(filled: Funnel) -> None:
    rows = list(csv.reader(io.StringIO(filled.ok("export").stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS
    ids = [int(row[0]) for row in rows[1:]]
    assert ids == sorted(ids) and len(ids) == 59 and 7 not in ids


def test_status_selects_the_deals(filled: Funnel) -> None:
    won = [
        json.loads(line)
        for line in filled.ok("export", "--format", "jsonl", "--status", "won").stdout.splitlines()
    ]
    assert won and {deal["status"] for deal in won} == {"won"}


def test_cells_a_spreadsheet_would_run_are_neutralised(funnel: Funnel) -> None:
    for title in ('=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "'quoted", "plain"):
        funnel.ok("add", "--company", "=cmd|' /C calc'!A0", "--", title)
    rows = list(csv.reader(io.StringIO(funnel.ok("export").stdout)))[1:]
    assert [row[1] for row in rows] == [
        '\'=HYPERLINK("http://x")',
        "'+1+2",
        "'-2+3",
        "'@SUM(A1)",
        "''quoted",
        "plain",
    ]
    assert {row[2] for row in rows} == {"'=cmd|' /C calc'!A0"}


def test_excel_adds_a_byte_order_mark(funnel: Funnel) -> None:
    funnel.ok("add", "Crème brûlée", "--company", "Café")
    plain = funnel.ok("export").stdout_bytes
    excel = funnel.ok("export", "--excel").stdout_bytes
    assert not plain.startswith(BOM.encode())
    assert excel == BOM.encode() + plain
    assert "Crème brûlée" in excel.decode("utf-8-sig")


def test_output_file_is_replaced_whole_and_atomically(filled: Funnel, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"x" * 5_000_000)  # an older, longer file: nothing of it may remain
    result = filled.ok("export", "-o", str(target))
    assert json.loads(target.read_bytes()) == json.loads(
        filled.ok("export", "--format", "json").stdout
    )
    assert "Exported 59 deals" in result.stderr and result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["out.json"]


def test_the_format_follows_the_output_extension(filled: Funnel, tmp_path: Path) -> None:
    for name, check in (
        ("a.csv", lambda b: b.startswith(b"id,title")),
        ("a.jsonl", lambda b: b.count(b"\n") == 59),
        ("a.json", lambda b: b.startswith(b"[\n")),
    ):
        filled.ok("export", "-o", str(tmp_path / name))
        assert check((tmp_path / name).read_bytes()), name


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_export_then_import_into_a_fresh_store_gives_identical_deals(
    funnel: Funnel, other: Funnel, tmp_path: Path, fmt: str
) -> None:
    open_repository(funnel.db).add_many(
        lambda first: demo_deals(DEFAULT_PIPELINE, NOW, count=80, first_id=first)
    )
    path = tmp_path / f"pipeline.{fmt}"
    funnel.ok("export", "-o", str(path))
    other.ok("import", str(path))
    original = open_repository(funnel.db).query(status=None)
    assert open_repository(other.db).query(status=None) == original
    assert any(len(deal.history) > 3 for deal in original)


def test_import_renumbers_deals_after_the_store_s_own(
    filled: Funnel, other: Funnel, tmp_path: Path
) -> None:
    path = tmp_path / "pipeline.json"
    filled.ok("export", "-o", str(path))
    other.ok("add", "Already here")
    other.ok("import", str(path))
    copied = open_repository(other.db).query(status=None)
    assert [d.id for d in copied] == list(range(1, 61))
    originals = {d.id: d for d in open_repository(filled.db).query(status=None)}
    for deal, twin in zip(sorted(originals.values(), key=lambda d: d.id), copied[1:], strict=True):
        assert dataclasses.replace(twin, id=deal.id) == deal


def test_keep_ids_is_refused_when_the_ids_are_not_the_next_free_ones(
    filled: Funnel, other: Funnel, tmp_path: Path
) -> None:
    path = tmp_path / "pipeline.json"
    filled.ok("export", "-o", str(path))  # id 7 was deleted: 8 cannot follow 6
    before = other.fingerprint()
    result = other("import", str(path), "--keep-ids")
    assert result.exit_code == 1
    assert (
        result.stderr.count("\n") == 1 and "--keep-ids: deal 8 cannot keep its id" in result.stderr
    )
    assert other.fingerprint() == before


def test_keep_ids_copies_a_gapless_store_exactly(
    funnel: Funnel, other: Funnel, tmp_path: Path
) -> None:
    funnel.ok("import", str(FIXTURES / "hubspot_deals.csv"))
    path = tmp_path / "pipeline.jsonl"
    funnel.ok("export", "-o", str(path))
    other.ok("import", str(path), "--keep-ids")
    assert other.ok("export", "--format", "jsonl").stdout_bytes == path.read_bytes()
    assert [
        deal_from_json(json.loads(line)) for line in path.read_text().splitlines()
    ] == open_repository(other.db).query(status=None)
