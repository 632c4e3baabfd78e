"""One locked unit of work on a store: its manifest and the blocks it touches.

Each file is read at most once, and only when needed: adding a deal reads the manifest and the
one block the new id falls in. Changes are kept in memory until `Transaction.commit`, which
writes every changed block as a new file of the next generation, then replaces the manifest
(the one commit point), then removes the generations it replaced. A write that dies before
the rename leaves files no manifest names; the next write removes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.table import Table

from storage import interrupts
from storage.atomic import (
    existing_mode,
    fsync_dir,
    make_dir,
    remove_stale_temps,
    step,
    write_atomic,
    write_new,
)
from storage.backups import BackupPolicy, auto_backup, backups_dir
from storage.document_lines import StoredDocument, StoreTable, corrupt
from storage.errors import unavailable
from storage.json_storage import JsonFileStorage, document
from storage.layout import (
    BlockKey,
    Kind,
    StoreLayout,
    block_name,
    block_of,
    kind_of,
    parse_block_name,
)
from storage.legacy import LegacyStore, read_legacy
from storage.meta_doc import (
    META_ID,
    META_TABLE,
    SCHEMA,
    block_generations,
    meta_from_doc,
    new_meta_doc,
    set_block_generations,
)
from storage.migrations import schema_of
from storage.sharing import PERSONAL, Sharing, check_store
from storage.store_lock import store_lock

Doc = dict[str, Any]


def _table(storage: JsonFileStorage, name: str) -> Table:
    # Tables live as long as the transaction, so no cache can outlive what was read under the lock.
    return StoreTable(storage, name, cache_size=0)


class Block:
    """One block of deals as this transaction sees it: its file's lines, changed in memory."""

    def __init__(self, key: BlockKey, path: Path, generation: int, sharing: Sharing) -> None:
        self.key = key
        self.generation = generation
        """The generation of the file read (0: the block has no file yet)."""
        self.storage = JsonFileStorage(path, sharing)
        if not generation:
            self.storage.treat_as_missing()
        self.deals = _table(self.storage, "deals")

    def lines(self) -> dict[str, Any]:
        """The deals as stored: id → the bytes of its line (or a dict, once changed)."""
        tables = self.storage.read()
        if tables is None and self.generation and not self.storage.dirty:
            raise corrupt(self.storage.path, "is missing, and the store's manifest names it")
        return (tables or {}).get("deals", {})

    def holds(self, deal_id: int) -> bool:
        """Whether the block holds that deal (looks at the ids only)."""
        return str(deal_id) in self.lines()


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
        self.spend = _table(self.main, "spend")
        self._meta = _table(self.main, META_TABLE)
        self.meta_doc: Doc = new_meta_doc(currency=currency, now=datetime.now(UTC))
        self.named: dict[BlockKey, int] = {}
        """The blocks the manifest names, with their generations."""
        self._blocks: dict[BlockKey, Block] = {}
        self._meta_as_read: Doc = {}
        self.legacy: LegacyStore | None = None
        """An old store being read (and, by a write, upgraded)."""
        self.base_generation = 0
        """The generation the store had when this transaction read it."""

    def begin(self) -> None:
        """Read the manifest (an old store: all of it), and clear what a crashed write left."""
        if self.write:
            remove_stale_temps(self.layout.main.parent, prefix=self.layout.main.name)
            remove_stale_temps(backups_dir(self.layout), prefix=self.layout.main.name)
        tables = self.main.read()
        schema = schema_of(tables, self.layout.main)
        stored = document(self._meta, META_ID)
        if tables is not None and stored is not None and schema == SCHEMA:
            self.meta_doc = dict(stored)
            meta_from_doc(self.meta_doc, self.layout.main)  # refuse a broken one before using it
            self.named = block_generations(self.meta_doc)
        elif tables is not None and schema < SCHEMA:
            self._read_legacy(tables, schema)
        self.base_generation = int(self.meta_doc.get("generation", 0))
        self._meta_as_read = dict(self.meta_doc)
        if self.write:
            self._remove_unnamed_blocks()

    def _read_legacy(self, tables: dict[str, Any], schema: int) -> None:
        legacy = read_legacy(self.layout, tables, schema, datetime.now(UTC), self.sharing)
        self.legacy = legacy
        self.meta_doc = legacy.meta
        self.main.write({META_TABLE: {}, "spend": legacy.spend})
        self.put_many(legacy.deals.values(), new=True)
        self.main.dirty = False  # reading an old store changes nothing; a write commits it all

    def _remove_unnamed_blocks(self) -> None:
        """Remove block files no manifest names: left by a write that died before its commit."""
        _remove(unnamed_blocks(self.layout, self.named))

    @property
    def next_deal_id(self) -> int:
        """The id the next new deal gets; it only ever grows."""
        return int(self.meta_doc["next_deal_id"])

    def bump_next_deal_id(self, used: int) -> None:
        """Make sure ``used`` is never handed out again."""
        self.meta_doc["next_deal_id"] = max(self.next_deal_id, used + 1)

    @property
    def generation(self) -> int:
        """The store's generation: how many commits it has had."""
        return int(self.meta_doc.get("generation", 0))

    def block(self, key: BlockKey) -> Block:
        """One block, its file read on first use (an empty one if the store has none)."""
        found = self._blocks.get(key)
        if found is None:
            gen = self.named.get(key, 0)
            found = self._blocks[key] = Block(key, self.layout.block(key, gen), gen, self.sharing)
        return found

    def has_block(self, key: BlockKey) -> bool:
        """Whether the store has that block (named by the manifest, or made in this write)."""
        return key in self.named or key in self._blocks

    def blocks(self, kind: Kind) -> list[BlockKey]:
        """Every block of a kind the store has, in order."""
        keys = {key for key in self.named if key[0] is kind}
        keys |= {key for key in self._blocks if key[0] is kind}
        return sorted(keys, key=lambda key: key[1])

    def find(self, deal_id: int) -> Doc | None:
        """The current document of one deal, wherever it lives."""
        number = block_of(deal_id)
        for kind in Kind:
            key = (kind, number)
            if self.has_block(key):
                found = document(self.block(key).deals, deal_id)
                if found is not None:
                    return found
        return None

    def put_many(self, docs: Iterable[Doc], *, new: bool = False) -> None:
        """Store deal documents, each in the block its status and id belong to, and only there.

        ``new`` says the ids were never stored, so no other block needs to be looked at.
        """
        groups: dict[BlockKey, list[Doc]] = {}
        for doc in docs:
            groups.setdefault((kind_of(doc), block_of(doc["id"])), []).append(doc)
        for key, group in groups.items():
            ids = [doc["id"] for doc in group]
            if not new:
                self.remove(ids)
            self.block(key).deals.insert_multiple(StoredDocument(doc, doc["id"]) for doc in group)

    def remove(self, ids: list[int]) -> None:
        """Remove deals from every block that holds them."""
        for number in sorted({block_of(deal_id) for deal_id in ids}):
            for kind in Kind:
                key = (kind, number)
                if not self.has_block(key):
                    continue
                block = self.block(key)
                present = [i for i in ids if block_of(i) == number and block.holds(i)]
                if present:
                    block.deals.remove(doc_ids=present)

    def commit(self) -> None:
        """Write the changed blocks as new files, then the manifest (the commit point)."""
        changed = [block for block in self._blocks.values() if block.storage.dirty]
        upgrading = self.legacy is not None and self.write
        unchanged = not changed and not self.main.dirty and self.meta_doc == self._meta_as_read
        if unchanged and not upgrading:
            return
        if self.backups is not None and self.main.raw is not None and not upgrading:
            named = [block_name(key, gen) for key, gen in sorted(self.named.items(), key=_order)]
            auto_backup(self.layout, self.sharing, self.backups, named)
        interrupts.begin_commit()
        try:
            self._commit(changed, upgrading)
        finally:
            interrupts.end_commit()

    def _commit(self, changed: list[Block], upgrading: bool) -> None:
        sharing, layout = self.sharing, self.layout
        mode = sharing.file_mode(existing_mode(layout.main))
        generation = self.generation + 1
        named = dict(self.named)
        written: list[Path] = []
        try:
            if upgrading:
                assert self.legacy is not None and self.main.raw is not None
                backup = layout.backup(self.legacy.schema)
                write_atomic(backup, self.main.raw, mode=mode, group=sharing.group)
            if changed:
                make_dir(layout.blocks_dir, mode=sharing.dir_mode, group=sharing.group)
            for block in sorted(changed, key=lambda b: (b.key[0].value, b.key[1])):
                if not block.lines():
                    named.pop(block.key, None)  # an emptied block has no file
                    continue
                path = layout.block(block.key, generation)
                write_new(path, block.storage.encode(), mode=mode, group=sharing.group)
                written.append(path)
                named[block.key] = generation
            if written:
                fsync_dir(layout.blocks_dir)
            self.meta_doc["generation"] = generation
            set_block_generations(self.meta_doc, named)
            if document(self._meta, META_ID) is not None:
                self._meta.remove(doc_ids=[META_ID])
            self._meta.insert(StoredDocument(self.meta_doc, META_ID))
            pending = self.main.prepare(mode=mode, group=sharing.group)
        except BaseException:
            self.meta_doc["generation"] = generation - 1
            _remove(written)
            raise
        try:
            interrupts.before_commit_point()
            pending.rename()
        except BaseException:
            self.meta_doc["generation"] = generation - 1
            pending.abandon()
            _remove(written)
            raise
        # The write has landed. What follows only tidies up; a crash here leaves old
        # generations that the next write removes.
        interrupts.passed_commit_point()
        self.main.stamp = pending.stamp
        fsync_dir(layout.main.parent)
        replaced = [
            layout.block(key, gen) for key, gen in self.named.items() if named.get(key) != gen
        ]
        _remove(replaced)
        self.named = named
        self.legacy = None
        self._meta_as_read = dict(self.meta_doc)
        self.main.dirty = False
        for block in changed:
            block.storage.dirty = False
            block.generation = named.get(block.key, 0)


def _order(item: tuple[BlockKey, int]) -> tuple[str, int]:
    (kind, number), _ = item
    return kind.value, number


def _remove(paths: list[Path]) -> None:
    for path in paths:
        step("unlink", path)
        with suppress(FileNotFoundError):
            path.unlink()


def unnamed_blocks(layout: StoreLayout, named: dict[BlockKey, int]) -> list[Path]:
    """Block files in the store's directory that its manifest does not name."""
    wanted = {layout.block(key, gen).name for key, gen in named.items()}
    return [
        layout.blocks_dir / name
        for name in sorted(layout.block_files())
        if name not in wanted and parse_block_name(name) is not None
    ]


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
