"""Where everything of a store lives: the manifest, its lock, and the blocks of deals.

A store at ``board.json`` is its **manifest**: the metadata, the spend ledger, and the name of
every block file the store is made of. Deals live in blocks of 1000 ids under
``board.blocks/``, open and closed ones apart, each block file named by the generation (the
manifest's commit number) that wrote it:

    board.json                          the manifest: the one commit point of every write
    board.blocks/open-00012.g000341.json    open deals 12000-12999, as written by commit 341
    board.blocks/closed-00012.g000298.json  closed deals 12000-12999, as written by commit 298

A block file is never changed once written: a write puts the blocks it changes in new files
of the next generation, then replaces the manifest (an atomic rename, the commit point), then
removes the generations no manifest names any more. So a crash at any instant leaves the
store exactly as before or exactly as after the write, and a reader who knows which block
generations it has read knows what changed by reading the manifest alone.

Stores written by earlier versions (schema 1: open deals in the main file, closed ones in
``board.archive/``) are read as they are and upgraded by the first write.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

BLOCK_SIZE = 1000

FileStamp = tuple[int, int, int]
"""``(inode, size, mtime_ns)`` of a file: changes whenever the file is replaced."""


class Kind(Enum):
    """Which deals a block holds: open ones, or won and lost ones."""

    OPEN = "open"
    CLOSED = "closed"


BlockKey = tuple[Kind, int]
"""A block: its kind and its number (ids ``number * BLOCK_SIZE`` to the next thousand)."""

_BLOCK_NAME = re.compile(r"^(open|closed)-(\d{5,})\.g(\d{6,})\.json$")
_LEGACY_ARCHIVE_NAME = re.compile(r"^closed-(\d{5,})\.json$")


def stamp_of(st: os.stat_result) -> FileStamp:
    """The stamp of a file from its stat result."""
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def block_of(deal_id: int) -> int:
    """The block number a deal id belongs to."""
    return deal_id // BLOCK_SIZE


def block_name(key: BlockKey, generation: int) -> str:
    """The file name of one generation of a block."""
    kind, number = key
    return f"{kind.value}-{number:05d}.g{generation:06d}.json"


def parse_block_name(name: str) -> tuple[BlockKey, int] | None:
    """The block and generation a file name stands for, or ``None`` if it is not a block's."""
    match = _BLOCK_NAME.match(name)
    if match is None:
        return None
    return (Kind(match.group(1)), int(match.group(2))), int(match.group(3))


@dataclass(frozen=True, slots=True)
class StoreLayout:
    """The paths of one store, derived from the path of its manifest."""

    main: Path

    @property
    def lock(self) -> Path:
        """The sidecar lock file (``board.json.lock``)."""
        return self.main.with_name(self.main.name + ".lock")

    @property
    def blocks_dir(self) -> Path:
        """The directory of block files (``board.blocks``)."""
        return self.main.with_name(self.main.stem + ".blocks")

    @property
    def archive_dir(self) -> Path:
        """Where schema 1 kept closed deals (``board.archive``); kept after an upgrade."""
        return self.main.with_name(self.main.stem + ".archive")

    def backup(self, schema: int) -> Path:
        """Where the main file is copied before upgrading it from ``schema``."""
        return self.main.with_name(f"{self.main.name}.schema{schema}.bak")

    def block(self, key: BlockKey, generation: int) -> Path:
        """The file of one generation of a block."""
        return self.blocks_dir / block_name(key, generation)

    def block_files(self) -> dict[str, os.stat_result]:
        """Every block file present, by name (stats only, never following a link)."""
        return _scan(self.blocks_dir, _BLOCK_NAME)

    def archive(self, block: int) -> Path:
        """A schema 1 archive file."""
        return self.archive_dir / f"closed-{block:05d}.json"

    def archive_stamps(self) -> dict[int, FileStamp]:
        """The stamp of every schema 1 archive file present, by block."""
        return {
            int(name[7:-5]): stamp_of(st)
            for name, st in _scan(self.archive_dir, _LEGACY_ARCHIVE_NAME).items()
        }


def _scan(directory: Path, pattern: re.Pattern[str]) -> dict[str, os.stat_result]:
    found: dict[str, os.stat_result] = {}
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return found
    for entry in entries:
        if pattern.match(entry.name) and entry.is_file(follow_symlinks=False):
            found[entry.name] = entry.stat(follow_symlinks=False)
    return found


# The store works on raw documents so that adding one deal never decodes the others. Besides the
# ``id``, these accessors are all it reads of a document; they mirror `board.codec.deal_to_json`,
# and the contract tests check that they agree with it.


def doc_version(doc: Mapping[str, Any]) -> int:
    """The version of a raw deal document."""
    version = doc.get("version", 1)
    return version if isinstance(version, int) else 1


def doc_is_open(doc: Mapping[str, Any]) -> bool:
    """Whether a raw deal document is an open deal (not won or lost)."""
    return bool(doc.get("status", "open") == "open")


def kind_of(doc: Mapping[str, Any]) -> Kind:
    """The kind of block a raw deal document belongs in."""
    return Kind.OPEN if doc_is_open(doc) else Kind.CLOSED


def newer(first: Mapping[str, Any], second: Mapping[str, Any], *, first_is_main: bool) -> bool:
    """Whether ``first`` wins over ``second``, two copies of one deal a schema 1 crash left.

    The higher version wins. On a tie the copy that sits where its status belongs wins (an
    open deal in the main file, a closed one in the archive).
    """
    if doc_version(first) != doc_version(second):
        return doc_version(first) > doc_version(second)
    return doc_is_open(first) == first_is_main
