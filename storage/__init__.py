"""Funnel's store: deals and spend as TinyDB files, locked and replaced crash-safely."""

from __future__ import annotations

from pathlib import Path

from storage.backups import DEFAULT_POLICY, BackupPolicy
from storage.repository import Repository, Snapshot, StoreMeta
from storage.tinydb_store import TinyDBRepository

__all__ = [
    "BackupPolicy",
    "Repository",
    "Snapshot",
    "StoreMeta",
    "TinyDBRepository",
    "open_repository",
]


def open_repository(
    path: Path,
    *,
    lock_timeout: float = 5.0,
    currency: str = "USD",
    backups: BackupPolicy | None = DEFAULT_POLICY,
) -> Repository:
    """The repository of the store at ``path`` (a missing store reads as empty).

    ``currency`` is recorded when the first write creates the store; an existing store keeps
    its own. ``backups`` says how often a write first snapshots the store into ``backups/``
    beside it, and how many snapshots are kept (``None``: never). Errors are `board.errors`
    types: `NotFound`, `Conflict`, `StoreLocked` (exit 3), `StoreCorrupt` (exit 4, also for a
    store unsafe to open), and `storage.errors.StoreUnavailable` (exit 5: permissions, disk
    full).
    """
    return TinyDBRepository(path, lock_timeout=lock_timeout, currency=currency, backups=backups)
