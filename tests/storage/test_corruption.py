"""A store file that cannot be read is reported in one line and never written over."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from board import journey
from board.errors import StoreCorrupt
from storage.repository import Repository
from tests.storage.conftest import T0, OpenRepository, block_file, maker

ADVICE = "restore a backup with `funnel restore`, or move the file aside"


def _damaged(valid: bytes, needle: bytes = b"Acme") -> dict[str, bytes]:
    return {
        "empty": b"",
        "blank": b" \n",
        "truncated": valid[: len(valid) // 2],
        "not-json": b"these are my deals\n",
        "array": b"[]",
        "null": b"null",
        "string": b'"deals"',
        "number": b"42",
        "invalid-utf8": valid.replace(needle, needle[:2] + b"\xff\xfe" + needle[2:], 1),
        "bom": b"\xef\xbb\xbf" + valid,
        "garbage-appended": valid + b"\x00garbage",
        "table-not-object": b'{"deals": []}',
        "document-not-object": b'{"deals": {"1": 5}}',
        "broken-meta": b'{"_meta": {"1": {"schema": 1}}, "deals": {}}',
    }


CASES = list(_damaged(b"{}"))

OPERATIONS: dict[str, Callable[[Repository], object]] = {
    "snapshot": lambda repo: repo.snapshot(),
    "changes": lambda repo: repo.changes(None),
    "open-board": lambda repo: repo.snapshot(include_closed=False),
    "meta": lambda repo: repo.meta(),
    "add": lambda repo: repo.add(maker()),
    "change": lambda repo: repo.change(
        2, lambda d: journey.lose(d, by="sam", now=T0, reason="price")
    ),
}


def _store(backend: OpenRepository, path: Path) -> Repository:
    """Deal 1 won (closed block), deal 2 open, titled Acme so the damage can hit a document."""
    repo = backend(path)
    repo.add(maker("Acme", stage="customer"))
    repo.add(maker("Acme too"))
    return repo


def _check_refused(repo: Repository, target: Path, operation: str) -> None:
    before = target.read_bytes()
    with pytest.raises(StoreCorrupt) as caught:
        OPERATIONS[operation](repo)
    message = str(caught.value)
    assert str(target) in message and ADVICE in message and "\n" not in message
    assert caught.value.exit_code == 4
    assert target.read_bytes() == before


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("case", CASES)
def test_a_damaged_manifest_is_refused_and_left_as_it_is(
    backend: OpenRepository, store_path: Path, case: str, operation: str
) -> None:
    repo = _store(backend, store_path)
    store_path.write_bytes(_damaged(store_path.read_bytes(), b"USD")[case])
    _check_refused(repo, store_path, operation)


# Which operations read which block: deal 1 is in the closed block, deal 2 in the open one, a
# new deal goes in the open one, and losing deal 2 moves it to the closed one. An operation
# that needs a damaged block refuses; the others never read it (the write path does not check
# the whole store: `funnel doctor` does) and leave it exactly as it was.
READS = {
    "open": {"snapshot", "changes", "open-board", "add", "change"},
    "closed": {"snapshot", "changes", "change"},
}


@pytest.mark.parametrize("kind", sorted(READS))
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("case", [c for c in CASES if c != "broken-meta"])
def test_a_damaged_block_is_refused_by_what_reads_it_and_left_as_it_is(
    backend: OpenRepository, store_path: Path, case: str, operation: str, kind: str
) -> None:
    repo = _store(backend, store_path)
    block = block_file(store_path, kind)
    block.write_bytes(_damaged(block.read_bytes())[case])
    if operation in READS[kind]:
        _check_refused(repo, block, operation)
    else:
        before = block.read_bytes()
        OPERATIONS[operation](repo)
        assert block.read_bytes() == before


def test_the_get_of_a_closed_deal_opens_its_block_and_says_so(
    backend: OpenRepository, store_path: Path
) -> None:
    repo = _store(backend, store_path)
    block = block_file(store_path, "closed")
    block.write_bytes(b"[]")
    with pytest.raises(StoreCorrupt, match="closed-00000"):
        repo.get(1)


def test_a_damaged_document_is_reported_when_read_and_carried_over_by_writes(
    backend: OpenRepository, store_path: Path
) -> None:
    repo = _store(backend, store_path)
    block = block_file(store_path, "open")
    valid = block.read_bytes()
    start = valid.index(b'"2":{')
    end = valid.index(b"\n", start)
    damaged_line = b'"2":{"id":2,"title":"Acme too",,}'
    block.write_bytes(valid[:start] + damaged_line + valid[end:])
    with pytest.raises(StoreCorrupt, match="document 2 is not valid JSON"):
        repo.snapshot(include_closed=False)
    with pytest.raises(StoreCorrupt, match="document 2"):
        repo.get(2)
    repo.add(maker("Added anyway"))  # adding never decodes deal 2, and writes it back as read
    assert damaged_line in block_file(store_path, "open").read_bytes()
