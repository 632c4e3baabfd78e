"""One locked unit of work on a store: the main file and the archive files it touches.

Each file is read at most once and written at most once, at the end. The order of the writes
keeps every deal on disk at every instant: archive files that gain a deal are renamed into
place first, then the main file, then archive files that only lost one. The main file records
the stamp of every archive file it was written with; an archive whose stamp differs was
written by a transaction that died before its main file, and is reconciled on every read (the
higher version of a deal wins) and repaired by the next write.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from tinydb.table import Table

from storage.atomic import (
    PendingReplace,
    existing_mode,
    make_dir,
    remove_stale_temps,
    write_atomic,
)
from storage.backups import BackupPolicy, auto_backup
from storage.document_lines import StoredDocument, StoreTable
from storage.errors import unavailable
from storage.json_storage import JsonFileStorage, document, documents
from storage.layout import FileStamp, StoreLayout, doc_is_open, newer
from storage.meta_doc import (
    META_ID,
    META_TABLE,
    SCHEMA,
    archive_stamps,
    meta_from_doc,
    new_meta_doc,
)
from storage.migrations import migrate, schema_of
from storage.sharing import PERSONAL, Sharing, check_store
from storage.store_lock import store_lock

Doc = dict[str, Any]


def _table(storage: JsonFileStorage, name: str) -> Table:
    # Tables live as long as the transaction, so no cache can outlive what was read under the lock.
    return StoreTable(storage, name, cache_size=0)


def _get(table: Table, deal_id: int) -> Doc | None:
    return document(table, deal_id)


def _stored(storage: JsonFileStorage) -> dict[str, Any]:
    """The raw deals table of a file, to check which ids it holds without decoding any."""
    return (storage.read() or {}).get("deals", {})


class Transaction:
    """The store as read under one lock; changes are kept in memory until `commit`."""

    def __init__(
        self,
        layout: StoreLayout,
        *,
        write: bool,
        currency: str,
        sharing: Sharing = PERSONAL,
        backups: BackupPolicy | None = None,
    ) -> None:
        self.layout = layout
        self.write = write
        self.sharing = sharing
        self.backups = backups
        """When to snapshot the store before a write (``None``: never)."""
        self.main = JsonFileStorage(layout.main)
        self.deals = _table(self.main, "deals")
        self.spend = _table(self.main, "spend")
        self._meta = _table(self.main, META_TABLE)
        self.meta_doc: Doc = new_meta_doc(currency=currency, now=datetime.now(UTC))
        self._archives: dict[int, tuple[JsonFileStorage, Table]] = {}
        self._present: dict[int, FileStamp] = {}
        self._gained: set[int] = set()
        self._meta_as_read: Doc = {}

    def begin(self) -> None:
        """Read the main file, upgrade an old schema, reconcile archives left by a crash."""
        if self.write:
            remove_stale_temps(self.layout.main.parent, prefix=self.layout.main.name)
            remove_stale_temps(self.layout.archive_dir)
        tables = self.main.read()
        schema = schema_of(tables, self.layout.main)
        if tables is not None and schema < SCHEMA:
            self.main.write(migrate(tables, schema, self.layout.main, datetime.now(UTC)))
        stored = _get(self._meta, META_ID)
        if stored is not None:
            self.meta_doc = dict(stored)
            meta_from_doc(self.meta_doc, self.layout.main)  # refuse a broken one before using it
        self._meta_as_read = dict(self.meta_doc)
        self._present = self.layout.archive_stamps()
        recorded = archive_stamps(self.meta_doc)
        for block, stamp in self._present.items():
            if recorded.get(block) != stamp:
                self._reconcile(block)
        if self.write and tables is not None and schema < SCHEMA:
            self._upgrade(schema)

    def _reconcile(self, block: int) -> None:
        """Drop the losing copy of every deal that a crash left in both files."""
        archive = self.archive(block)
        for key in list(_stored(self._archives[block][0])):
            deal_id = int(key)
            self.bump_next_deal_id(deal_id)
            copy, closed = _get(self.deals, deal_id), _get(archive, deal_id)
            if copy is None or closed is None:
                continue
            if newer(copy, closed, first_is_main=True):
                archive.remove(doc_ids=[deal_id])
            else:
                self.deals.remove(doc_ids=[deal_id])

    def _upgrade(self, schema: int) -> None:
        """Keep a backup of the old file, then write the upgraded store on its own."""
        assert self.main.raw is not None
        mode = self.sharing.file_mode(existing_mode(self.main.path))
        write_atomic(self.layout.backup(schema), self.main.raw, mode=mode, group=self.sharing.group)
        closed = [doc for doc in documents(self.deals) if not doc_is_open(doc)]
        self.put_many(closed)
        self.commit()

    @property
    def next_deal_id(self) -> int:
        """The id the next new deal gets; it only ever grows."""
        return int(self.meta_doc["next_deal_id"])

    def bump_next_deal_id(self, used: int) -> None:
        """Make sure ``used`` is never handed out again."""
        self.meta_doc["next_deal_id"] = max(self.next_deal_id, used + 1)

    def main_deal_lines(self) -> dict[str, Any]:
        """The main file's deals table as stored: unread documents are still their lines."""
        return _stored(self.main)

    def archive(self, block: int) -> Table:
        """The deals table of one archive file, read on first use."""
        if block not in self._archives:
            storage = JsonFileStorage(self.layout.archive(block))
            self._archives[block] = (storage, _table(storage, "deals"))
        return self._archives[block][1]

    def archive_blocks(self) -> list[int]:
        """Every block with an archive file, on disk or created in this transaction."""
        return sorted(self._present.keys() | self._archives.keys())

    def find(self, deal_id: int) -> Doc | None:
        """The current copy of one deal, wherever it lives.

        After `begin` has reconciled the archives a crash left behind, no deal is in two
        files, so a deal found in the main file needs no look at the archive.
        """
        current = _get(self.deals, deal_id)
        block = self.layout.block_of(deal_id)
        if current is not None or (block not in self._present and block not in self._archives):
            return current
        return _get(self.archive(block), deal_id)

    def put_many(self, docs: Iterable[Doc], *, new: bool = False) -> None:
        """Store deal documents, each in the file its status belongs to, and only there.

        ``new`` says the ids were never stored, so no other file needs to be looked at.
        """
        groups: dict[int | None, list[Doc]] = {}
        for doc in docs:
            block = None if doc_is_open(doc) else self.layout.block_of(doc["id"])
            groups.setdefault(block, []).append(doc)
        for block, group in groups.items():
            ids = [doc["id"] for doc in group]
            table = self.deals if block is None else self.archive(block)
            storage = self.main if block is None else self._archives[block][0]
            if not new:
                self._drop(table, storage, ids)
            table.insert_multiple(StoredDocument(doc, doc["id"]) for doc in group)
            if block is not None:
                self._gained.add(block)
            if new:
                continue
            if block is None:
                self._drop_from_archives(ids)
            else:
                self._drop_from_main(ids)

    def remove(self, ids: list[int]) -> None:
        """Remove deals from every file that holds them."""
        self._drop_from_main(ids)
        self._drop_from_archives(ids)

    def _drop_from_main(self, ids: list[int]) -> None:
        self._drop(self.deals, self.main, ids)

    def _drop_from_archives(self, ids: list[int]) -> None:
        for block in sorted({self.layout.block_of(i) for i in ids}):
            if block in self._present or block in self._archives:
                self._drop(self.archive(block), self._archives[block][0], ids)

    @staticmethod
    def _drop(table: Table, storage: JsonFileStorage, ids: list[int]) -> None:
        stored = _stored(storage)
        present = [i for i in ids if str(i) in stored]
        if present:
            table.remove(doc_ids=present)

    def commit(self) -> None:
        """Write what changed: gaining archives, then the main file, then losing archives."""
        archives = [storage for storage, _ in self._archives.values()]
        dirty = self.main.dirty or any(storage.dirty for storage in archives)
        if not dirty and self.meta_doc == self._meta_as_read:
            return
        if self.backups is not None and self.main.raw is not None:
            auto_backup(self.layout, self.sharing, self.backups)
        sharing = self.sharing
        mode = sharing.file_mode(existing_mode(self.main.path))
        stamps = dict(self._present)
        before: list[PendingReplace] = []
        after: list[PendingReplace] = []
        try:
            for block, (storage, _) in sorted(self._archives.items()):
                if storage.dirty:
                    make_dir(self.layout.archive_dir, mode=sharing.dir_mode, group=sharing.group)
                    own = existing_mode(storage.path)
                    file_mode = sharing.file_mode(mode if own is None else own)
                    pending = storage.prepare(mode=file_mode, group=sharing.group)
                    stamps[block] = pending.stamp
                    (before if block in self._gained else after).append(pending)
            self.meta_doc["archives"] = {str(b): list(s) for b, s in sorted(stamps.items())}
            self._meta.remove(doc_ids=[META_ID])
            self._meta.insert(StoredDocument(self.meta_doc, META_ID))
            main = self.main.prepare(mode=mode, group=sharing.group)
        except BaseException:
            for pending in before + after:
                pending.abandon()
            raise
        try:
            for pending in before:
                pending.commit()
            main.commit()
        except BaseException:
            for pending in (main, *after):
                pending.abandon()
            raise
        for pending in after:
            pending.commit()
        self._present = stamps
        self._gained.clear()
        self._meta_as_read = dict(self.meta_doc)
        for storage in (self.main, *archives):
            storage.dirty = False


@contextmanager
def transaction(
    layout: StoreLayout,
    *,
    write: bool,
    currency: str,
    timeout: float,
    backups: BackupPolicy | None = None,
) -> Iterator[Transaction]:
    """Lock the store (exclusively to write), read it, and commit on a clean exit.

    An unsafe store is refused before anything is opened (`StoreUnsafe`); a file that cannot
    be read or written raises `StoreUnavailable` (exit 5), with the store as it was.
    """
    sharing = check_store(layout)
    txn = Transaction(layout, write=write, currency=currency, sharing=sharing, backups=backups)
    try:
        if write:
            make_dir(layout.main.parent)
        elif not layout.main.exists() and not layout.lock.exists():
            txn.main.treat_as_missing()  # nothing stored yet, and reading must create nothing
            yield txn
            return
        with store_lock(layout.lock, exclusive=write, timeout=timeout, mode=sharing.file_mode()):
            txn.begin()
            yield txn
            if write:
                txn.commit()
    except OSError as exc:
        raise unavailable(exc, layout.main, writing=write) from None
