"""The TinyDB backend's layout: open deals in the main file, closed ones in archive blocks."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from board import journey
from board.errors import StoreCorrupt
from storage import open_repository
from storage.tinydb_store import TinyDBRepository
from tests.storage.conftest import T0, P, maker, minutes, won


@pytest.fixture
def repo(store_path: Path) -> TinyDBRepository:
    """A TinyDB repository on a fresh store."""
    return TinyDBRepository(store_path)


def _tables(path: Path) -> dict[str, dict[str, dict[str, object]]]:
    return orjson.loads(path.read_bytes())  # type: ignore[no-any-return]


def _archive(store_path: Path, block: int = 0) -> Path:
    return store_path.with_name("board.archive") / f"closed-{block:05d}.json"


def test_open_deals_live_in_the_main_file_and_closed_ones_in_their_block(
    repo: TinyDBRepository, store_path: Path
) -> None:
    repo.add_many(lambda first: [maker()(first + i) for i in range(1001)])
    repo.change(5, lambda d: journey.lose(d, by="sam", now=T0, reason="price"))
    repo.change(1000, lambda d: journey.lose(d, by="sam", now=T0, reason="timing"))
    main = _tables(store_path)
    assert set(main) == {"_meta", "deals"}
    assert "5" not in main["deals"] and "1000" not in main["deals"] and "1001" in main["deals"]
    assert list(_tables(_archive(store_path, 0))["deals"]) == ["5"]
    assert list(_tables(_archive(store_path, 1))["deals"]) == ["1000"]
    meta = main["_meta"]["1"]
    assert meta["schema"] == 1 and meta["next_deal_id"] == 1002


def test_the_files_are_plain_tinydb_json(repo: TinyDBRepository, store_path: Path) -> None:
    from tinydb import TinyDB

    repo.add(maker("Acme"))
    repo.add(maker("Globex"))
    with TinyDB(store_path, access_mode="r") as db:
        assert [doc["title"] for doc in db.table("deals").all()] == ["Acme", "Globex"]
        assert db.table("deals").get(doc_id=2)["id"] == 2


def test_adding_or_moving_an_open_deal_leaves_the_archive_alone(
    repo: TinyDBRepository, store_path: Path
) -> None:
    repo.add(maker(stage="purchase"))
    repo.change(1, lambda d: journey.win(d, pipeline=P, by="sam", now=T0))
    before = os.stat(_archive(store_path))
    repo.add(maker())
    repo.change(2, lambda d: journey.move(d, "interest", pipeline=P, by="maya", now=T0))
    after = os.stat(_archive(store_path))
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)


def test_the_open_board_reads_only_the_main_file(repo: TinyDBRepository, store_path: Path) -> None:
    repo.add_many(lambda first: [maker()(first), won(maker(stage="purchase")(first + 1))])
    archive = _archive(store_path)
    stat = os.stat(archive)
    # Damage the archive in place without changing its inode, size or mtime: a reader that
    # opened it would notice; the open board must not need to.
    archive.write_bytes(b"x" * stat.st_size)
    os.utime(archive, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert [d.id for d in repo.snapshot(include_closed=False).deals] == [1]
    assert repo.get(1).id == 1
    with pytest.raises(StoreCorrupt, match=r"closed-00000\.json"):
        repo.snapshot()


def test_a_crash_after_the_archive_was_written_on_close(
    repo: TinyDBRepository, store_path: Path
) -> None:
    repo.add(maker(stage="purchase"))
    main_before = store_path.read_bytes()
    closed = repo.change(1, lambda d: journey.win(d, pipeline=P, by="sam", now=minutes(1)))
    store_path.write_bytes(main_before)  # as if the writer died before replacing the main file
    fresh = TinyDBRepository(store_path)
    assert fresh.get(1) == closed
    assert fresh.snapshot(include_closed=False).deals == ()
    assert fresh.snapshot().deals == (closed,)
    fresh.add(maker())  # the next write repairs the main file
    assert "1" not in _tables(store_path)["deals"]
    assert fresh.snapshot().deals[0] == closed


def test_a_crash_before_the_archive_lost_a_reopened_deal(
    repo: TinyDBRepository, store_path: Path
) -> None:
    repo.add(maker(stage="purchase"))
    repo.change(1, lambda d: journey.win(d, pipeline=P, by="sam", now=minutes(1)))
    archive_before = _archive(store_path).read_bytes()
    reopened = repo.change(1, lambda d: journey.reopen(d, pipeline=P, by="sam", now=minutes(2)))
    _archive(store_path).write_bytes(archive_before)  # the archive was never rewritten
    fresh = TinyDBRepository(store_path)
    assert fresh.get(1) == reopened
    assert fresh.snapshot().deals == (reopened,)
    assert fresh.snapshot(include_closed=False).deals == (reopened,)
    fresh.add(maker())
    assert _tables(_archive(store_path))["deals"] == {}


def test_a_crash_after_archiving_a_new_won_deal_never_reuses_its_id(
    repo: TinyDBRepository, store_path: Path
) -> None:
    repo.add(maker())
    main_before = store_path.read_bytes()
    customer = repo.add(maker(stage="customer"))
    store_path.write_bytes(main_before)  # the main file still says the next id is 2
    fresh = TinyDBRepository(store_path)
    assert fresh.get(customer.id) == customer
    assert fresh.add(maker()).id == customer.id + 1


def test_a_missing_archive_file_is_read_as_an_empty_block(
    repo: TinyDBRepository, store_path: Path
) -> None:
    repo.add(maker(stage="purchase"))
    repo.change(1, lambda d: journey.win(d, pipeline=P, by="sam", now=T0))
    repo.add(maker())
    _archive(store_path).rename(store_path.with_name("moved-aside.json"))
    assert [d.id for d in repo.snapshot().deals] == [2]
    assert repo.add(maker()).id == 3


def test_open_repository_gives_the_tinydb_store(store_path: Path) -> None:
    assert isinstance(open_repository(store_path), TinyDBRepository)


def test_unchanged_deals_are_not_decoded_again(repo: TinyDBRepository) -> None:
    repo.add_many(lambda first: [maker(f"Deal {i}")(first + i) for i in range(4)])
    before = repo.snapshot(include_closed=False).deals
    moved = repo.change(2, lambda d: journey.move(d, "interest", pipeline=P, by="maya", now=T0))
    after = repo.snapshot(include_closed=False).deals
    assert after == (before[0], moved, before[2], before[3])
    assert after[0] is before[0] and after[2] is before[2]
