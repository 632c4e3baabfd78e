"""Funnel's store: deals and spend as TinyDB files, or in a PostgreSQL database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from board.errors import FunnelError
from storage.backups import DEFAULT_POLICY, BackupPolicy
from storage.repository import Repository, Snapshot, StoreMeta
from storage.tinydb_store import TinyDBRepository

if TYPE_CHECKING:
    from storage.postgres_store import PostgresRepository

__all__ = [
    "BackendMissing",
    "BackupPolicy",
    "Repository",
    "Snapshot",
    "StoreMeta",
    "TinyDBRepository",
    "display_url",
    "is_database_url",
    "open_repository",
]

POSTGRES_EXTRA = "pip install 'funnel-board[postgres]'"


class BackendMissing(FunnelError):
    """The store names a backend whose library is not installed (exit 2)."""

    exit_code = 2


def is_database_url(target: object) -> bool:
    """Whether ``target`` names a PostgreSQL database (``postgresql://`` or ``postgres://``)."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def display_url(url: str) -> str:
    """A database URL as messages show it: scheme, user, host, port and database only (never
    a password, nor options such as ``?password=``)."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{user}{parts.hostname or ''}{port}{parts.path or '/'}"


def open_repository(
    target: Path | str,
    *,
    lock_timeout: float = 5.0,
    currency: str = "USD",
    backups: BackupPolicy | None = DEFAULT_POLICY,
) -> Repository:
    """The repository of the store at ``target`` (a missing store reads as empty).

    ``target`` is a path (a TinyDB store) or a ``postgresql://`` URL (libpq conventions: the
    password comes from ``~/.pgpass``, ``PGPASSWORD`` or a service file, never from us).

    ``currency`` is recorded when the first write creates the store; an existing store keeps
    its own. ``backups`` says how often a write first snapshots the store into ``backups/``
    beside it, and how many snapshots are kept (``None``: never; a database server keeps its
    own). Errors are `board.errors` types: `NotFound`, `Conflict`, `StoreLocked` (exit 3),
    `StoreCorrupt` (exit 4, also for a store unsafe to open or made by a newer Funnel),
    `storage.errors.StoreUnavailable` (exit 5: permissions, disk full, server unreachable) and
    `BackendMissing` (exit 2: a URL without psycopg installed).
    """
    if is_database_url(target):
        return open_postgres(str(target), lock_timeout=lock_timeout, currency=currency)
    return TinyDBRepository(
        Path(target), lock_timeout=lock_timeout, currency=currency, backups=backups
    )


def open_postgres(
    url: str, *, lock_timeout: float = 5.0, currency: str = "USD"
) -> PostgresRepository:
    """The PostgreSQL repository at ``url``; psycopg is imported here, only for a URL."""
    try:
        from storage.postgres_store import PostgresRepository
    except ImportError as exc:
        if (exc.name or "").split(".")[0] != "psycopg":
            raise
        raise BackendMissing(
            f"a PostgreSQL store needs psycopg, which is not installed: {POSTGRES_EXTRA}"
        ) from None
    return PostgresRepository(url, lock_timeout=lock_timeout, currency=currency)
