"""The TinyDB store: open deals, spend and metadata in one file, closed deals in an archive."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from board.codec import deal_from_json, deal_to_json, spend_from_json, spend_to_json
from board.deal import Deal, Event, Status
from board.errors import Conflict, InvalidInput, NotFound
from board.spend import Spend
from board.timestamps import iso
from storage.backups import DEFAULT_POLICY, BackupPolicy
from storage.document_lines import StoredDocument, corrupt, decoded
from storage.json_storage import document, documents
from storage.layout import StoreLayout, doc_is_open, doc_version, stamp_of
from storage.meta_doc import meta_from_doc
from storage.repository import Snapshot, StoreMeta
from storage.transaction import Doc, Transaction, transaction


class TinyDBRepository:
    """A `Repository` over TinyDB files (see `storage.layout` for where each thing lives)."""

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float = 5.0,
        currency: str = "USD",
        backups: BackupPolicy | None = DEFAULT_POLICY,
    ) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self.currency = currency
        self.backups = backups
        """When writes snapshot the store first (``None``: never)."""
        self._layout = StoreLayout(path)
        self._by_line: dict[bytes, Deal] = {}

    def _read(self) -> AbstractContextManager[Transaction]:
        return transaction(
            self._layout, write=False, currency=self.currency, timeout=self.lock_timeout
        )

    def _write(self) -> AbstractContextManager[Transaction]:
        return transaction(
            self._layout,
            write=True,
            currency=self.currency,
            timeout=self.lock_timeout,
            backups=self.backups,
        )

    def _decode(self, doc: Doc, deal_id: int) -> Deal:
        layout = self._layout
        where = layout.main if doc_is_open(doc) else layout.archive(layout.block_of(deal_id))
        try:
            deal = deal_from_json(doc)
        except InvalidInput as err:
            raise corrupt(where, f"deal {deal_id} cannot be read ({err})") from None
        if deal.id != deal_id:
            raise corrupt(where, f"the deal stored as {deal_id} says it is deal {deal.id}")
        return deal

    def _decode_spend(self, doc: Doc, spend_id: int) -> Spend:
        try:
            return spend_from_json(doc)
        except (InvalidInput, ValueError) as err:
            raise corrupt(self.path, f"spend entry {spend_id} cannot be read ({err})") from None

    def _deals(self, txn: Transaction, *, closed: bool) -> list[Deal]:
        """Deals in id order, open ones only unless ``closed``."""
        found = self._main_deals(txn)
        if closed:
            for block in txn.archive_blocks():
                for doc in documents(txn.archive(block)):
                    mine = found.get(doc.doc_id)
                    # After `begin` no deal is in two files; were one, its newer copy would win.
                    if mine is None or doc_version(doc) > mine.version:
                        found[doc.doc_id] = self._decode(doc, doc.doc_id)
        return [found[i] for i in sorted(found) if closed or found[i].is_open]

    def _main_deals(self, txn: Transaction) -> dict[int, Deal]:
        # Decoding is most of the cost of reading the board, and an unchanged line decodes to
        # the same immutable deal: keep the last read's deals by line, for the next read.
        cache, kept, found = self._by_line, {}, {}
        for key, value in txn.main_deal_lines().items():
            deal_id = int(key)
            if type(value) is bytes:
                deal = cache.get(value) or self._decode(decoded(value, deal_id, self.path), deal_id)
                kept[value] = deal
            else:
                deal = self._decode(value, deal_id)
            found[deal_id] = deal
        self._by_line = kept
        return found

    def _current(self, txn: Transaction, deal_id: int) -> Deal:
        doc = txn.find(deal_id)
        if doc is None:
            raise NotFound(f"there is no deal {deal_id}")
        return self._decode(doc, deal_id)

    @staticmethod
    def _check_version(deal: Deal, expected: int | None) -> None:
        if expected is not None and deal.version != expected:
            raise Conflict(
                f"deal {deal.id} was changed by {deal.updated_by} at {iso(deal.updated_at)}"
                f" (version {deal.version}, you had {expected}); reload it and try again"
            )

    def meta(self) -> StoreMeta:
        """The store's metadata (creates nothing; a missing store reads as empty)."""
        with self._read() as txn:
            return meta_from_doc(txn.meta_doc, self.path)

    def stamp(self) -> tuple[int, ...]:
        """The main file's inode, size and mtime: every committed write replaces that file."""
        try:
            return stamp_of(os.stat(self.path))
        except FileNotFoundError:
            return ()

    def snapshot(self, *, include_closed: bool = True) -> Snapshot:
        """Everything in one locked read; without closed deals only the main file is read."""
        with self._read() as txn:
            return Snapshot(
                deals=tuple(self._deals(txn, closed=include_closed)),
                spend=self._spend(txn),
                meta=meta_from_doc(txn.meta_doc, self.path),
                stamp=txn.main.stamp or (),
            )

    def get(self, deal_id: int) -> Deal:
        """One deal, open or closed; raises `NotFound`."""
        with self._read() as txn:
            return self._current(txn, deal_id)

    def query(
        self,
        *,
        status: Status | None = Status.OPEN,
        stage: str | None = None,
        owner: str | None = None,
    ) -> list[Deal]:
        """Deals filtered by status (``None`` = all), stage and owner, ordered by id."""
        with self._read() as txn:
            found = []
            for deal in self._deals(txn, closed=status is not Status.OPEN):
                if (
                    (status is None or deal.status is status)
                    and (stage is None or deal.stage == stage)
                    and (owner is None or deal.owner == owner)
                ):
                    found.append(deal)
            return found

    def add(self, make: Callable[[int], Deal]) -> Deal:
        """Allocate the next never-used id under the lock, build the deal with it, store it."""
        return self.add_many(lambda first: [make(first)])[0]

    def add_many(self, make: Callable[[int], Sequence[Deal]]) -> list[Deal]:
        """All-or-nothing bulk add in one locked write; ``make`` receives the first free id."""
        with self._write() as txn:
            first = txn.next_deal_id
            deals = list(make(first))
            ids = [deal.id for deal in deals]
            if ids != list(range(first, first + len(deals))):
                raise ValueError(f"new deals must take the ids from {first} on, in order: {ids}")
            txn.put_many((deal_to_json(deal) for deal in deals), new=True)
            if deals:
                txn.bump_next_deal_id(ids[-1])
            return deals

    def change(
        self,
        deal_id: int,
        apply: Callable[[Deal], Deal],
        *,
        expected_version: int | None = None,
    ) -> Deal:
        """Read-modify-write one deal under the lock; a stale ``expected_version`` conflicts."""
        with self._write() as txn:
            current = self._current(txn, deal_id)
            self._check_version(current, expected_version)
            successor = apply(current)
            if successor.id != current.id or successor.version != current.version + 1:
                raise ValueError(
                    f"a change of deal {deal_id} v{current.version} must give deal {deal_id}"
                    f" v{current.version + 1}, got deal {successor.id} v{successor.version}"
                )
            txn.put_many([deal_to_json(successor)])
            return successor

    def delete(self, deal_id: int, *, expected_version: int | None = None) -> Deal:
        """Remove a deal (its id is never reused); returns what was removed."""
        with self._write() as txn:
            current = self._current(txn, deal_id)
            self._check_version(current, expected_version)
            txn.remove([deal_id])
            return current

    def restore_deleted(self, deal: Deal) -> Deal:
        """Put back a deal removed earlier, under its old id; refused if that id is taken."""
        with self._write() as txn:
            if txn.find(deal.id) is not None:
                raise Conflict(f"deal {deal.id} exists already; it cannot be restored over")
            txn.put_many([deal_to_json(deal)])
            txn.bump_next_deal_id(deal.id)
            return deal

    def history(self, deal_id: int | None = None) -> list[tuple[int, Event]]:
        """Events of one deal, or of every deal, as ``(deal_id, event)`` ordered by time."""
        if deal_id is not None:
            return [(deal_id, event) for event in self.get(deal_id).history]
        events = [(deal.id, event) for deal in self.snapshot().deals for event in deal.history]
        return sorted(events, key=lambda pair: pair[1].at)  # stable: id, then history order

    def _spend(self, txn: Transaction) -> tuple[Spend, ...]:
        entries = [self._decode_spend(doc, doc.doc_id) for doc in documents(txn.spend)]
        return tuple(sorted(entries, key=lambda entry: (entry.on, entry.id)))

    def add_spend(self, make: Callable[[int], Spend]) -> Spend:
        """Record a spend entry under a fresh id."""
        with self._write() as txn:
            spend_id = int(txn.meta_doc["next_spend_id"])
            entry = make(spend_id)
            if entry.id != spend_id:
                raise ValueError(f"a new spend entry must take id {spend_id}, not {entry.id}")
            txn.spend.insert(StoredDocument(spend_to_json(entry), spend_id))
            txn.meta_doc["next_spend_id"] = spend_id + 1
            return entry

    def spend(self) -> list[Spend]:
        """Every spend entry, ordered by day then id."""
        with self._read() as txn:
            return list(self._spend(txn))

    def remove_spend(self, spend_id: int) -> Spend:
        """Delete a spend entry; raises `NotFound`."""
        with self._write() as txn:
            doc = document(txn.spend, spend_id)
            if doc is None:
                raise NotFound(f"there is no spend entry {spend_id}")
            txn.spend.remove(doc_ids=[spend_id])
            return self._decode_spend(doc, spend_id)
