"""Moving a team: a whole store copied into an empty one, of either kind.

Deals keep their ids, versions and histories; spend entries their ids; the next ids stay
what they were (an id used once, even by a deal since deleted, is not handed out again). The
target must never have been written (its next ids are both 1): a copy never merges.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from board.codec import deal_to_json, spend_to_json
from storage import is_database_url, open_postgres, open_repository
from storage.document_lines import StoredDocument
from storage.errors import StoreExists
from storage.layout import StoreLayout
from storage.repository import Repository, Snapshot
from storage.transaction import transaction


@dataclass(frozen=True, slots=True)
class Copied:
    """What a copy moved."""

    deals: int
    spend: int
    next_deal_id: int
    next_spend_id: int


def copy_store(
    source: Repository, target: Path | str, *, name: str, lock_timeout: float = 5.0
) -> Copied:
    """Copy everything of ``source`` into the empty store at ``target`` (named ``name`` in
    messages), in one write; refuses (`StoreExists`) a target that was ever written."""
    snapshot = source.snapshot()
    if is_database_url(target):
        repo = open_postgres(
            str(target), lock_timeout=lock_timeout, currency=snapshot.meta.currency
        )
        try:
            repo.load(snapshot, refuse=_not_empty(name))
        finally:
            repo.close()
    else:
        _load_files(Path(target), snapshot, name, lock_timeout)
    check = open_repository(target, lock_timeout=lock_timeout).snapshot()
    if (check.deals, check.spend) != (snapshot.deals, snapshot.spend):
        raise StoreExists(f"{name}: the copy does not read back as the original")
    meta = snapshot.meta
    return Copied(len(snapshot.deals), len(snapshot.spend), meta.next_deal_id, meta.next_spend_id)


def _not_empty(name: str) -> StoreExists:
    return StoreExists(
        f"{name} is not an empty store (it has been written to); a copy goes only into a new"
        " one, it never merges"
    )


def _load_files(path: Path, snapshot: Snapshot, name: str, lock_timeout: float) -> None:
    meta = snapshot.meta
    layout = StoreLayout(path)
    with transaction(layout, write=True, currency=meta.currency, timeout=lock_timeout) as txn:
        if txn.next_deal_id != 1 or int(txn.meta_doc["next_spend_id"]) != 1:
            raise _not_empty(name)
        txn.meta_doc["currency"] = meta.currency
        txn.put_many((deal_to_json(deal) for deal in snapshot.deals), new=True)
        txn.bump_next_deal_id(meta.next_deal_id - 1)
        for entry in snapshot.spend:
            txn.spend.insert(StoredDocument(spend_to_json(entry), entry.id))
        txn.meta_doc["next_spend_id"] = meta.next_spend_id
