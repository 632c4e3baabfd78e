"""The TinyDB store: a manifest naming the blocks of deals, open and closed ones apart.

See `storage.layout` for the files and `storage.transaction` for how a write commits.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from board.codec import deal_from_json, deal_to_json, spend_from_json, spend_to_json
from board.deal import Deal, Event, Status
from board.errors import Conflict, InvalidInput, NotFound
from board.spend import Spend
from board.timestamps import iso
from storage.backups import DEFAULT_POLICY, BackupPolicy
from storage.document_lines import StoredDocument, corrupt, decoded
from storage.json_storage import document, documents
from storage.layout import BLOCK_SIZE, BlockKey, Kind, StoreLayout, stamp_of
from storage.meta_doc import meta_from_doc
from storage.repository import (
    Changes,
    Cursor,
    Snapshot,
    StoreMeta,
    WriteReceipt,
    numbered_deals,
)
from storage.transaction import Doc, Transaction, transaction

_COMMA = 44


@dataclass(slots=True)
class _Decoded:
    """One generation of a block: a fingerprint of each deal's stored line, and for an open
    block the decoded deal too. Closed blocks keep only the fingerprints, so years of closed
    deals cost a few bytes each between reads, not a deal with its history."""

    generation: int
    deals: dict[int, tuple[int, Deal | None]]


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
        self._decoded: dict[BlockKey, _Decoded] = {}
        """The last generation read of each block, decoded: a block whose file did not change
        is never decoded again, and one that did is decoded only where its lines differ."""
        self.last_write: WriteReceipt | None = None
        """The receipt of the last write made through this object."""

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

    # Decoding ------------------------------------------------------------------------------

    def _where(self, txn: Transaction, key: BlockKey) -> Path:
        return self._layout.block(key, txn.named.get(key, 0))

    def _decode(self, doc: Doc, deal_id: int, where: Path) -> Deal:
        try:
            deal = deal_from_json(doc)
        except InvalidInput as err:
            raise corrupt(where, f"deal {deal_id} cannot be read ({err})") from None
        if deal.id != deal_id:
            raise corrupt(where, f"the deal stored as {deal_id} says it is deal {deal.id}")
        return deal

    def _block_deals(
        self, txn: Transaction, key: BlockKey, *, whole: bool = True
    ) -> dict[int, tuple[int, Deal | None]]:
        """The deals of one block as the transaction sees it, each with its line's fingerprint.

        Only lines that differ from the generation at hand are decoded; the others come from
        it. A closed block's generation holds no deals, so ``whole`` decodes those lines again
        (a full read); without it they stay None (a diff, which needs only what changed).
        """
        generation = txn.named.get(key, 0)
        cached = self._decoded.get(key)
        current = cached is not None and generation and cached.generation == generation
        if current and cached is not None and (key[0] is Kind.OPEN or not whole):
            return cached.deals
        lines = txn.block(key).lines()
        settled = bool(generation) and not txn.block(key).storage.dirty
        return self._decode_block(key, generation if settled else 0, lines, whole=whole)

    def _decode_block(
        self, key: BlockKey, generation: int, lines: dict[str, Any], *, whole: bool
    ) -> dict[int, tuple[int, Deal | None]]:
        """Decode a block's lines (those that differ from the cached generation, or all of
        them if ``whole``), and cache the result as ``generation`` (0: do not cache it)."""
        cached = self._decoded.get(key)
        where = self._layout.block(key, generation)
        keep = key[0] is Kind.OPEN
        old = cached.deals if cached is not None else {}
        fresh: dict[int, tuple[int, Deal | None]] = {}
        for name, value in lines.items():
            deal_id = int(name)
            if type(value) is bytes:
                mark = hash(value[:-1] if value[-1] == _COMMA else value)
                known = old.get(deal_id)
                if known is not None and known[0] == mark and (known[1] is not None or not whole):
                    fresh[deal_id] = known
                    continue
                doc = decoded(value, deal_id, where)
            else:
                mark, doc = 0, dict(value)
            fresh[deal_id] = (mark, self._decode(doc, deal_id, where))
        if generation:
            kept: dict[int, tuple[int, Deal | None]] = (
                fresh if keep else {i: (mark, None) for i, (mark, _) in fresh.items()}
            )
            self._decoded[key] = _Decoded(generation, kept)
        return fresh

    def _deals(self, txn: Transaction, *, closed: bool) -> list[Deal]:
        """Deals in id order, open ones only unless ``closed``."""
        kinds = (Kind.OPEN, Kind.CLOSED) if closed else (Kind.OPEN,)
        found: dict[int, Deal] = {}
        for kind in kinds:
            for key in txn.blocks(kind):
                for deal_id, (_, deal) in self._block_deals(txn, key).items():
                    assert deal is not None  # a whole read decodes every line
                    found[deal_id] = deal
        self._forget_gone(txn)
        return [found[i] for i in sorted(found)]

    def _forget_gone(self, txn: Transaction) -> None:
        for key in [key for key in self._decoded if key not in txn.named]:
            del self._decoded[key]

    def _current(self, txn: Transaction, deal_id: int) -> Deal:
        doc = txn.find(deal_id)
        if doc is None:
            raise NotFound(f"there is no deal {deal_id}")
        kind = Kind.OPEN if doc.get("status", "open") == "open" else Kind.CLOSED
        return self._decode(doc, deal_id, self._where(txn, (kind, deal_id // BLOCK_SIZE)))

    def _decode_spend(self, doc: Doc, spend_id: int) -> Spend:
        try:
            return spend_from_json(doc)
        except (InvalidInput, ValueError) as err:
            raise corrupt(self.path, f"spend entry {spend_id} cannot be read ({err})") from None

    @staticmethod
    def _check_version(deal: Deal, expected: int | None) -> None:
        if expected is not None and deal.version != expected:
            raise Conflict(
                f"deal {deal.id} was changed by {deal.updated_by} at {iso(deal.updated_at)}"
                f" (version {deal.version}, you had {expected}); reload it and try again"
            )

    # Reading -------------------------------------------------------------------------------

    def meta(self) -> StoreMeta:
        """The store's metadata (creates nothing; a missing store reads as empty)."""
        with self._read() as txn:
            return meta_from_doc(txn.meta_doc, self.path)

    def stamp(self) -> tuple[int, ...]:
        """The manifest's inode, size and mtime: every committed write replaces that file."""
        try:
            return stamp_of(os.stat(self.path))
        except FileNotFoundError:
            return ()

    def snapshot(self, *, include_closed: bool = True) -> Snapshot:
        """Everything in one locked read; without closed deals no closed block is read."""
        with self._read() as txn:
            return Snapshot(
                deals=tuple(self._deals(txn, closed=include_closed)),
                spend=self._spend(txn),
                meta=meta_from_doc(txn.meta_doc, self.path),
                stamp=txn.main.stamp or (),
            )

    def changes(
        self,
        since: Cursor | None,
        *,
        include_closed: bool = True,
        take: Callable[[Deal], bool] | None = None,
    ) -> Changes:
        """What changed since ``since``: the manifest, then only the blocks it names anew."""
        kinds = (Kind.OPEN, Kind.CLOSED) if include_closed else (Kind.OPEN,)
        with self._read() as txn:
            cursor = _cursor(txn)
            meta = meta_from_doc(txn.meta_doc, self.path)
            whole = since is None or since.store != cursor.store or txn.legacy is not None
            if whole and (take is None or txn.legacy is not None):
                everything = tuple(self._deals(txn, closed=include_closed))
                return Changes(cursor, everything, frozenset(), self._spend(txn), meta, True)
            if whole:
                # A reader that takes the deals one by one gets the blocks' lines under the
                # lock and decodes them after it: the lock is held for reading the files, not
                # for decoding years of deals, which would keep every writer waiting.
                blocks = [
                    (key, txn.named.get(key, 0), txn.block(key).lines())
                    for kind in kinds
                    for key in txn.blocks(kind)
                ]
                self._forget_gone(txn)
                spend = self._spend(txn)
            else:
                assert since is not None
                return self._changes_since(txn, since, cursor, meta, kinds)
        assert take is not None
        kept: list[Deal] = []
        while blocks:
            key, generation, lines = blocks.pop(0)  # each block's lines let go once decoded
            for _, deal in self._decode_block(key, generation, lines, whole=True).values():
                if deal is not None and take(deal):
                    kept.append(deal)
        kept.sort(key=lambda deal: deal.id)
        return Changes(cursor, tuple(kept), frozenset(), spend, meta, True)

    def _changes_since(
        self,
        txn: Transaction,
        since: Cursor,
        cursor: Cursor,
        meta: StoreMeta,
        kinds: tuple[Kind, ...],
    ) -> Changes:
        seen, now = dict(since.parts), dict(cursor.parts)
        changed = sorted(
            {
                (kind, number)
                for kind in kinds
                for number in _numbers(seen, now, kind)
                if seen.get(_part((kind, number))) != now.get(_part((kind, number)))
            },
            key=lambda key: (key[1], key[0].value),
        )
        deals: dict[int, Deal] = {}
        deleted: set[int] = set()
        for key in changed:
            self._diff(txn, key, seen.get(_part(key), 0), deals, deleted, kinds)
        self._forget_gone(txn)
        deleted -= deals.keys()
        spend = self._spend(txn) if since.spend != cursor.spend else None
        ordered = tuple(deals[i] for i in sorted(deals))
        return Changes(cursor, ordered, frozenset(deleted), spend, meta)

    def _diff(
        self,
        txn: Transaction,
        key: BlockKey,
        seen_generation: int,
        deals: dict[int, Deal],
        deleted: set[int],
        kinds: tuple[Kind, ...],
    ) -> None:
        """Add to ``deals`` and ``deleted`` what changed in one block since a generation."""
        cached = self._decoded.get(key)
        if not seen_generation:
            before: dict[int, tuple[int, Deal | None]] | None = {}
        elif cached is not None and cached.generation == seen_generation:
            before = cached.deals
        else:
            before = None  # that generation is not at hand: everything in the block may differ
        # Against the generation at hand only the lines that differ are decoded; against
        # anything else every line is.
        whole = cached is None or before is not cached.deals
        after = self._block_deals(txn, key, whole=whole) if key in txn.named else {}
        if before is None:
            deals.update((deal_id, deal) for deal_id, (_, deal) in after.items() if deal)
            first = key[1] * BLOCK_SIZE
            others = set().union(
                *(
                    _ids(txn, (kind, key[1]))
                    for kind in kinds
                    if kind is not key[0] and txn.has_block((kind, key[1]))
                )
            )
            deleted.update(set(range(first, first + BLOCK_SIZE)) - after.keys() - others)
            return
        for deal_id, (mark, deal) in after.items():
            known = before.get(deal_id)
            if known is None or known[0] != mark or not mark:
                assert deal is not None  # a line that differs is decoded
                deals[deal_id] = deal
        deleted.update(before.keys() - after.keys())

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

    def history(self, deal_id: int | None = None) -> list[tuple[int, Event]]:
        """Events of one deal, or of every deal, as ``(deal_id, event)`` ordered by time."""
        if deal_id is not None:
            return [(deal_id, event) for event in self.get(deal_id).history]
        events = [(deal.id, event) for deal in self.snapshot().deals for event in deal.history]
        return sorted(events, key=lambda pair: pair[1].at)  # stable: id, then history order

    def _spend(self, txn: Transaction) -> tuple[Spend, ...]:
        entries = [self._decode_spend(doc, doc.doc_id) for doc in documents(txn.spend)]
        return tuple(sorted(entries, key=lambda entry: (entry.on, entry.id)))

    def spend(self) -> list[Spend]:
        """Every spend entry, ordered by day then id."""
        with self._read() as txn:
            return list(self._spend(txn))

    # Writing -------------------------------------------------------------------------------

    def _written(self, txn: Transaction, before: Cursor) -> None:
        self.last_write = WriteReceipt(before, _cursor(txn), txn.main.stamp or self.stamp())

    def _writing(self) -> _Writing:
        return _Writing(self)

    def add(self, make: Callable[[int], Deal]) -> Deal:
        """Allocate the next never-used id under the lock, build the deal with it, store it."""
        return self.add_many(lambda first: [make(first)])[0]

    def add_many(self, make: Callable[[int], Sequence[Deal]]) -> list[Deal]:
        """All-or-nothing bulk add in one locked write; ``make`` receives the first free id."""
        with self._writing() as txn:
            first = txn.next_deal_id
            deals = numbered_deals(make, first)
            txn.add_new(deal_to_json(deal) for deal in deals)  # block by block, as a stream
            if deals:
                txn.bump_next_deal_id(deals[-1].id)
            return deals

    def change(
        self,
        deal_id: int,
        apply: Callable[[Deal], Deal],
        *,
        expected_version: int | None = None,
    ) -> Deal:
        """Read-modify-write one deal under the lock; a stale ``expected_version`` conflicts."""
        with self._writing() as txn:
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
        with self._writing() as txn:
            current = self._current(txn, deal_id)
            self._check_version(current, expected_version)
            txn.remove([deal_id])
            return current

    def restore_deleted(self, deal: Deal) -> Deal:
        """Put back a deal removed earlier, under its old id; refused if that id is taken."""
        with self._writing() as txn:
            if txn.find(deal.id) is not None:
                raise Conflict(f"deal {deal.id} exists already; it cannot be restored over")
            txn.put_many([deal_to_json(deal)])
            txn.bump_next_deal_id(deal.id)
            return deal

    def add_spend(self, make: Callable[[int], Spend]) -> Spend:
        """Record a spend entry under a fresh id."""
        with self._writing() as txn:
            spend_id = int(txn.meta_doc["next_spend_id"])
            entry = make(spend_id)
            if entry.id != spend_id:
                raise ValueError(f"a new spend entry must take id {spend_id}, not {entry.id}")
            txn.spend.insert(StoredDocument(spend_to_json(entry), spend_id))
            txn.meta_doc["next_spend_id"] = spend_id + 1
            return entry

    def remove_spend(self, spend_id: int) -> Spend:
        """Delete a spend entry; raises `NotFound`."""
        with self._writing() as txn:
            doc = document(txn.spend, spend_id)
            if doc is None:
                raise NotFound(f"there is no spend entry {spend_id}")
            txn.spend.remove(doc_ids=[spend_id])
            return self._decode_spend(doc, spend_id)


class _Writing:
    """A write transaction that leaves its receipt on the repository when it commits."""

    def __init__(self, repository: TinyDBRepository) -> None:
        self._repository = repository
        self._context = repository._write()
        self._before: Cursor | None = None
        self._txn: Transaction | None = None

    def __enter__(self) -> Transaction:
        self._txn = self._context.__enter__()
        self._before = _cursor(self._txn)
        return self._txn

    def __exit__(self, *exc: Any) -> bool | None:
        result = self._context.__exit__(*exc)
        if exc[0] is None and self._txn is not None and self._before is not None:
            self._repository._written(self._txn, self._before)
        return result


def _part(key: BlockKey) -> str:
    kind, number = key
    return f"{kind.value}-{number:05d}"


def _numbers(seen: dict[str, int], now: dict[str, int], kind: Kind) -> set[int]:
    prefix = kind.value + "-"
    return {int(name[len(prefix) :]) for name in (*seen, *now) if name.startswith(prefix)}


def _ids(txn: Transaction, key: BlockKey) -> set[int]:
    return {int(name) for name in txn.block(key).lines()}


def _cursor(txn: Transaction) -> Cursor:
    """Where the store stands as this transaction sees it (fingerprints hold in-process only)."""
    meta = txn.meta_doc
    parts: Iterable[tuple[str, int]] = sorted((_part(key), gen) for key, gen in txn.named.items())
    if txn.legacy is not None:
        parts = [("schema-1", hash(txn.main.stamp))]
    return Cursor(
        store=str(meta.get("store_id", meta.get("created_at", ""))),
        position=txn.generation,
        parts=tuple(parts),
        spend=_fingerprint((txn.main.read() or {}).get("spend", {})),
    )


def _fingerprint(table: dict[str, Any]) -> int:
    return hash(
        tuple(
            (key, value if isinstance(value, bytes) else orjson.dumps(value))
            for key, value in sorted(table.items())
        )
    )
