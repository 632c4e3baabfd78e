"""The TinyDB backend's layout: a manifest naming immutable blocks, open and closed apart."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from board import journey
from board.errors import StoreCorrupt
from storage import open_repository
from storage.tinydb_store import TinyDBRepository
from tests.storage.conftest import T0, P, block_file, maker, won


@pytest.fixture
def repo(store_path: Path) -> TinyDBRepository:
    """A TinyDB repository on a fresh store."""
    return TinyDBRepository(store_path)


def _tables(path: Path) -> dict[str, dict[str, dict[str, object]]]:
    return orjson.loads(path.read_bytes())  # type: ignore[no-any-return]


def _blocks(store_path: Path) -> list[str]:
    return sorted(p.name for p in store_path.with_name("board.blocks").iterdir())


def test_deals_live_in_blocks_of_a_thousand_ids_open_and_closed_apart(
    repo: TinyDBRepository, store_path: Path
) -> None:
    repo.add_many(lambda first: [maker()(first + i) for i in range(1001)])
    repo.change(5, lambda d: journey.lose(d, by="sam", now=T0, reason="price"))
    repo.change(1000, lambda d: journey.lose(d, by="sam", now=T0, reason="timing"))
    main = _tables(store_path)
    assert "_meta" in main and "deals" not in main  # the manifest holds no deal
    meta = main["_meta"]["1"]
    assert meta["schema"] == 2 and meta["next_deal_id"] == 1002 and meta["generation"] == 3
    assert meta["open"] == {"0": 2, "1": 3} and meta["closed"] == {"0": 2, "1": 3}
    assert _blocks(store_path) == [
        "closed-00000.g000002.json",
        "closed-00001.g000003.json",
        "open-00000.g000002.json",
        "open-00001.g000003.json",
    ]
    assert list(_tables(block_file(store_path, "closed", 0))["deals"]) == ["5"]
    assert list(_tables(block_file(store_path, "closed", 1))["deals"]) == ["1000"]
    assert "5" not in _tables(block_file(store_path, "open", 0))["deals"]
    assert list(_tables(block_file(store_path, "open", 1))["deals"]) == ["1001"]


def test_the_files_are_plain_tinydb_json(repo: TinyDBRepository, store_path: Path) -> None:
    from tinydb import TinyDB

    repo.add(maker("Acme"))
    repo.add(maker("Globex"))
    with TinyDB(block_file(store_path, "open"), access_mode="r") as db:
        assert [doc["title"] for doc in db.table("deals").all()] == ["Acme", "Globex"]
        assert db.table("deals").get(doc_id=2)["id"] == 2
    with TinyDB(store_path, access_mode="r") as db:
        assert db.table("_meta").get(doc_id=1)["next_deal_id"] == 3


def test_a_write_touches_only_its_blocks_and_never_changes_a_file_in_place(
    repo: TinyDBRepository, store_path: Path
) -> None:
    repo.add_many(lambda first: [maker()(first + i) for i in range(2500)])
    repo.change(1, lambda d: journey.lose(d, by="sam", now=T0, reason="price"))
    files = {
        name: os.stat(store_path.with_name("board.blocks") / name) for name in _blocks(store_path)
    }
    repo.add(maker())  # id 2501: block 2 only
    repo.change(1500, lambda d: journey.move(d, "interest", pipeline=P, by="maya", now=T0))
    now = _blocks(store_path)
    kept = sorted(set(files) & set(now))
    assert kept == ["closed-00000.g000002.json", "open-00000.g000002.json"]
    assert [n for n in now if n not in files] == [
        "open-00001.g000004.json",
        "open-00002.g000003.json",
    ]
    for name in kept:
        st = os.stat(store_path.with_name("board.blocks") / name)
        assert (st.st_ino, st.st_mtime_ns) == (files[name].st_ino, files[name].st_mtime_ns)


def test_the_open_board_reads_no_closed_block(repo: TinyDBRepository, store_path: Path) -> None:
    repo.add_many(lambda first: [maker()(first), won(maker(stage="purchase")(first + 1))])
    block_file(store_path, "closed").write_bytes(b"not json")
    assert [d.id for d in repo.snapshot(include_closed=False).deals] == [1]
    assert repo.get(1).id == 1
    with pytest.raises(StoreCorrupt, match=r"closed-00000\.g000001\.json"):
        repo.snapshot()


def test_a_block_the_manifest_names_must_be_there(repo: TinyDBRepository, store_path: Path) -> None:
    repo.add(maker(stage="customer"))
    repo.add(maker())
    closed = block_file(store_path, "closed")
    closed.rename(store_path.with_name("moved-aside.json"))
    with pytest.raises(StoreCorrupt, match="is missing, and the store's manifest names it"):
        repo.snapshot()
    assert [d.id for d in repo.snapshot(include_closed=False).deals] == [2]


def test_files_no_manifest_names_are_ignored_and_removed_by_the_next_write(
    repo: TinyDBRepository, store_path: Path
) -> None:
    repo.add(maker())
    blocks = store_path.with_name("board.blocks")
    stray = blocks / "open-00000.g000002.json"  # what a writer that died before its commit left
    stray.write_bytes(b'{"deals":{"1":{"id":1,"title":"half-written"}}}')
    assert repo.get(1).title == "Acme renewal"
    assert repo.add(maker("Next")).id == 2  # its commit is generation 2: the stray goes first
    assert repo.get(1).title == "Acme renewal"
    assert _blocks(store_path) == ["open-00000.g000002.json"]


def test_open_repository_gives_the_tinydb_store(store_path: Path) -> None:
    assert isinstance(open_repository(store_path), TinyDBRepository)


def test_unchanged_deals_are_not_decoded_again(repo: TinyDBRepository) -> None:
    repo.add_many(lambda first: [maker(f"Deal {i}")(first + i) for i in range(4)])
    before = repo.snapshot(include_closed=False).deals
    moved = repo.change(2, lambda d: journey.move(d, "interest", pipeline=P, by="maya", now=T0))
    after = repo.snapshot(include_closed=False).deals
    assert after == (before[0], moved, before[2], before[3])
    assert after[0] is before[0] and after[2] is before[2]
