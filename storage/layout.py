"""Where everything of a store lives: the main file, its lock, and the archive of closed deals.

A store at ``board.json`` keeps its metadata, open deals and spend in that file, and closed
deals in ``board.archive/closed-NNNNN.json``, one file per block of 1000 ids, so writing an
open deal never rewrites the archive and a closed deal's id names the one file that holds it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BLOCK_SIZE = 1000

FileStamp = tuple[int, int, int]
"""``(inode, size, mtime_ns)`` of a file: changes whenever the file is replaced."""

_ARCHIVE_NAME = re.compile(r"^closed-(\d{5,})\.json$")


def stamp_of(st: os.stat_result) -> FileStamp:
    """The stamp of a file from its stat result."""
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True, slots=True)
class StoreLayout:
    """The paths of one store, derived from the path of its main file."""

    main: Path

    @property
    def lock(self) -> Path:
        """The sidecar lock file (``board.json.lock``)."""
        return self.main.with_name(self.main.name + ".lock")

    @property
    def archive_dir(self) -> Path:
        """The directory of closed deals (``board.archive``)."""
        return self.main.with_name(self.main.stem + ".archive")

    def backup(self, schema: int) -> Path:
        """Where the main file is copied before migrating it from ``schema``."""
        return self.main.with_name(f"{self.main.name}.schema{schema}.bak")

    def archive(self, block: int) -> Path:
        """The archive file of one block of ids."""
        return self.archive_dir / f"closed-{block:05d}.json"

    @staticmethod
    def block_of(deal_id: int) -> int:
        """The block a deal id belongs to."""
        return deal_id // BLOCK_SIZE

    def archive_stamps(self) -> dict[int, FileStamp]:
        """The stamp of every archive file present, by block (stats only, no reading)."""
        stamps: dict[int, FileStamp] = {}
        try:
            entries = list(os.scandir(self.archive_dir))
        except FileNotFoundError:
            return stamps
        for entry in entries:
            match = _ARCHIVE_NAME.match(entry.name)
            if match and entry.is_file(follow_symlinks=False):
                stamps[int(match.group(1))] = stamp_of(entry.stat(follow_symlinks=False))
        return stamps


# The store works on raw documents so that adding one deal never decodes the others. Besides the
# ``id``, these accessors are all it reads of a document; they mirror `board.codec.deal_to_json`,
# and the contract tests check that they agree with it.


def doc_version(doc: Mapping[str, Any]) -> int:
    """The version of a raw deal document."""
    version = doc.get("version", 1)
    return version if isinstance(version, int) else 1


def doc_is_open(doc: Mapping[str, Any]) -> bool:
    """Whether a raw deal document belongs in the main file (not won or lost)."""
    return bool(doc.get("status", "open") == "open")


def newer(first: Mapping[str, Any], second: Mapping[str, Any], *, first_is_main: bool) -> bool:
    """Whether ``first`` wins over ``second``, two copies of one deal left by a crash.

    The higher version wins. On a tie the copy that sits where its status belongs wins (an
    open deal in the main file, a closed one in the archive).
    """
    if doc_version(first) != doc_version(second):
        return doc_version(first) > doc_version(second)
    return doc_is_open(first) == first_is_main
