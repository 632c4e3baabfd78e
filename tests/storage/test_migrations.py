"""Schema migrations: an older file is read as it is and upgraded, with a backup, on first write."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

from board.deal import Status
from board.errors import StoreCorrupt
from storage.meta_doc import SCHEMA
from storage.migrations import LAST_MAIN_FILE_SCHEMA, MIGRATIONS
from storage.tinydb_store import TinyDBRepository
from tests.storage.conftest import block_file, maker


def _event(at: str, kind: str, **data: object) -> dict[str, object]:
    return {"at": at, "by": "maya", "kind": kind, **data}


PRE_RELEASE = {
    "deals": {
        "1": {
            "title": "Acme renewal",
            "value": 1200.5,
            "stage": "interest",
            "owner": "maya",
            "status": "open",
            "created_at": "2026-03-01T10:00:00Z",
            "updated_at": "2026-03-02T10:00:00Z",
            "stage_entered_at": "2026-03-02T10:00:00Z",
            "history": [
                _event("2026-03-01T10:00:00Z", "created", to="awareness"),
                _event("2026-03-02T10:00:00Z", "moved", **{"from": "awareness", "to": "interest"}),
            ],
        },
        "4": {
            "title": "Globex seats",
            "value": 30000,
            "stage": "customer",
            "owner": "sam",
            "status": "won",
            "created_at": "2026-02-01T10:00:00Z",
            "updated_at": "2026-02-03T10:00:00Z",
            "stage_entered_at": "2026-02-03T10:00:00Z",
            "won_at": "2026-02-03T10:00:00Z",
            "history": [_event("2026-02-01T10:00:00Z", "created", to="customer")],
        },
    }
}


@pytest.fixture
def old_store(store_path: Path) -> Path:
    """A store written by a pre-release build (schema 0), as plain indented JSON."""
    store_path.write_text(json.dumps(PRE_RELEASE, indent=2))
    store_path.chmod(0o640)
    return store_path


def test_every_older_schema_has_a_step() -> None:
    assert sorted(MIGRATIONS) == list(range(LAST_MAIN_FILE_SCHEMA))


def test_an_old_store_is_read_without_being_written(old_store: Path) -> None:
    before = old_store.read_bytes()
    repo = TinyDBRepository(old_store)
    deals = repo.snapshot().deals
    assert [(d.id, d.value, d.version, d.currency) for d in deals] == [
        (1, Decimal("1200.50"), 1, "USD"),
        (4, Decimal("30000.00"), 1, "USD"),
    ]
    assert [d.id for d in repo.snapshot(include_closed=False).deals] == [1]
    assert repo.get(4).status is Status.WON
    meta = repo.meta()
    assert (meta.schema, meta.next_deal_id) == (SCHEMA, 5)
    assert old_store.read_bytes() == before
    assert sorted(p.name for p in old_store.parent.iterdir()) == ["board.json", "board.json.lock"]


def test_the_first_write_keeps_a_backup_then_upgrades(old_store: Path) -> None:
    before = old_store.read_bytes()
    repo = TinyDBRepository(old_store)
    expected = repo.snapshot().deals
    added = repo.add(maker("New after the upgrade"))
    assert added.id == 5
    backup = old_store.with_name("board.json.schema0.bak")
    assert backup.read_bytes() == before
    assert backup.stat().st_mode & 0o777 == 0o640
    tables = orjson.loads(old_store.read_bytes())
    assert tables["_meta"]["1"]["schema"] == SCHEMA
    assert "deals" not in tables  # the manifest names blocks; deals live in them
    opened = orjson.loads(block_file(old_store, "open").read_bytes())["deals"]
    assert sorted(opened) == ["1", "5"] and opened["1"]["value"] == "1200.50"
    closed = orjson.loads(block_file(old_store, "closed").read_bytes())["deals"]
    assert list(closed) == ["4"]
    assert TinyDBRepository(old_store).snapshot().deals == (*expected, added)


def test_a_store_from_a_newer_funnel_is_refused(store_path: Path) -> None:
    TinyDBRepository(store_path).add(maker())
    tables = orjson.loads(store_path.read_bytes())
    tables["_meta"]["1"]["schema"] = SCHEMA + 1
    store_path.write_bytes(orjson.dumps(tables))
    before = store_path.read_bytes()
    repo = TinyDBRepository(store_path)
    for operation in (repo.snapshot, repo.meta, lambda: repo.add(maker())):
        with pytest.raises(StoreCorrupt) as caught:
            operation()
        assert f"written by a newer Funnel (schema {SCHEMA + 1}); upgrade Funnel" in str(
            caught.value
        )
        assert caught.value.exit_code == 4
    assert store_path.read_bytes() == before


def test_an_old_store_that_cannot_be_upgraded_is_left_alone(store_path: Path) -> None:
    broken = json.loads(json.dumps(PRE_RELEASE))
    broken["deals"]["1"]["value"] = "a lot"
    store_path.write_text(json.dumps(broken))
    before = store_path.read_bytes()
    repo = TinyDBRepository(store_path)
    with pytest.raises(StoreCorrupt, match="cannot upgrade from schema 0: deal 1"):
        repo.add(maker())
    assert store_path.read_bytes() == before
    assert not os.path.exists(store_path.with_name("board.json.schema0.bak"))


def _line(doc: dict[str, object]) -> bytes:
    return orjson.dumps(doc)


@pytest.fixture
def schema_1_store(store_path: Path) -> Path:
    """A store as the first release wrote it: open deals in the main file, closed in
    board.archive/, and one deal left in both by a write that died between the two files."""
    old = TinyDBRepository(store_path.with_name("scratch.json"))
    old.add(maker("Open one"))
    old.add(maker("Won one", stage="customer"))
    old.add(maker("Left twice"))
    one, won, twice = old.snapshot().deals
    from board.codec import deal_to_json

    newer_twice = deal_to_json(twice) | {"version": 2, "title": "Left twice, newer"}
    main = {
        "_meta": {
            "1": {
                "schema": 1,
                "currency": "EUR",
                "created_at": "2026-01-05T09:00:00Z",
                "next_deal_id": 4,
                "next_spend_id": 2,
                "archives": {"0": [1, 2, 3]},
            }
        },
        "deals": {"1": deal_to_json(one), "3": deal_to_json(twice)},
        "spend": {
            "1": {
                "id": 1,
                "on": "2026-01-06",
                "amount": "100.00",
                "team": "marketing",
                "channel": "ads",
                "note": "",
            }
        },
    }
    store_path.write_bytes(orjson.dumps(main))
    archive = store_path.with_name("board.archive")
    archive.mkdir()
    closed = {"deals": {"2": deal_to_json(won), "3": newer_twice}}
    (archive / "closed-00000.json").write_bytes(orjson.dumps(closed))
    return store_path


def test_a_schema_1_store_reads_as_it_is_and_upgrades_on_its_first_write(
    schema_1_store: Path,
) -> None:
    before = schema_1_store.read_bytes()
    repo = TinyDBRepository(schema_1_store)
    read = repo.snapshot()
    assert [(d.id, d.title) for d in read.deals] == [
        (1, "Open one"),
        (2, "Won one"),
        (3, "Left twice, newer"),  # the higher version of the two copies
    ]
    assert [s.amount for s in read.spend] == [Decimal("100.00")]
    assert read.meta.currency == "EUR" and read.meta.next_deal_id == 4
    assert schema_1_store.read_bytes() == before  # reading writes nothing

    added = repo.add(maker("After the upgrade"))
    assert added.id == 4
    assert schema_1_store.with_name("board.json.schema1.bak").read_bytes() == before
    again = TinyDBRepository(schema_1_store).snapshot()
    assert again.deals == (*read.deals, added) and again.spend == read.spend
    assert again.meta.schema == SCHEMA and again.meta.created_at == read.meta.created_at
    # The old archive stays as it was, beside the backup of the old main file.
    assert (schema_1_store.with_name("board.archive") / "closed-00000.json").exists()
