"""Funnel's store: deals and spend as TinyDB files, locked and replaced crash-safely."""

from __future__ import annotations

from pathlib import Path

from storage.repository import Repository, Snapshot, StoreMeta
from storage.tinydb_store import TinyDBRepository

__all__ = ["Repository", "Snapshot", "StoreMeta", "TinyDBRepository", "open_repository"]


def open_repository(path: Path, *, lock_timeout: float = 5.0, currency: str = "USD") -> Repository:
    """The repository of the store at ``path`` (a missing store reads as empty).

    ``currency`` is recorded when the first write creates the store; an existing store keeps
    its own. Errors are `board.errors` types: `NotFound`, `Conflict`, `StoreLocked` (exit 3),
    `StoreCorrupt` (exit 4).
    """
    return TinyDBRepository(path, lock_timeout=lock_timeout, currency=currency)
