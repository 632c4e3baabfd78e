"""Errors only the store raises, each a `board.errors` type so every caller already handles it."""

from __future__ import annotations

import errno
from pathlib import Path

from board.errors import FunnelError, StoreCorrupt


class StoreUnsafe(StoreCorrupt):
    """A store that is not safe to open (a symlink, someone else's, in a world-writable
    directory); nothing is read or written (exit 4, like a corrupt store)."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}; {fix}")
        self.problem = problem
        self.fix = fix


class StoreUnavailable(FunnelError):
    """The store's files could not be read or written: permissions, disk full (exit 5)."""

    exit_code = 5


class StoreExists(FunnelError):
    """A store is already there, and creating one would overwrite it (exit 1)."""


_NOTHING_WRITTEN = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO}


def unavailable(exc: OSError, store: Path, *, writing: bool) -> StoreUnavailable:
    """The one-line error for an `OSError` met while using the store at ``store``."""
    reason = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(store) else ""
    if exc.errno in (errno.EACCES, errno.EPERM):
        hint = "; check the permissions (`funnel doctor` says what to change)"
    elif writing and exc.errno in _NOTHING_WRITTEN:
        hint = "; nothing was changed, the store is as it was"
    else:
        hint = ""
    doing = "write" if writing else "read"
    return StoreUnavailable(f"{store}: cannot {doing} the store: {reason}{where}{hint}")
