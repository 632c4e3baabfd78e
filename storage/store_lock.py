"""The store's lock: ``flock`` on a sidecar file, shared for reads, exclusive for writes.

The writer records who holds it (user, pid, host, since) in the lock file, so someone who
waits in vain learns whom to ask. The file is opened with ``O_NOFOLLOW``: a symlink planted at
its path is refused, never followed.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import orjson

from board.errors import StoreLocked
from board.text import printable
from board.timestamps import iso
from storage.atomic import NEW_FILE_MODE
from storage.errors import StoreUnsafe
from storage.sharing import login_of

_FIRST_WAIT = 0.002
_MAX_WAIT = 0.05
_PID_MAX = 2**22  # the kernel's largest pid_max


def _open(path: Path, *, exclusive: bool, mode: int) -> int:
    # A reader needs no write access to the lock file: flock works on a read-only descriptor.
    # O_NONBLOCK: a FIFO planted at the path would otherwise block the open until a writer
    # came; it is opened at once, then refused as not a regular file.
    flags = (os.O_RDWR if exclusive else os.O_RDONLY) | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        try:
            fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            fd = os.open(path, flags)
            _check_regular(fd, path)
            return fd
        os.fchmod(fd, mode)  # the umask may have taken bits away
        return fd
    except OSError:
        if path.is_symlink():
            raise StoreLocked(
                f"{path} is a symbolic link, not a lock file; refusing to follow it (remove it)"
            ) from None
        raise


def _check_regular(fd: int, path: Path) -> None:
    """Refuse a lock path that is not a regular file (a FIFO, a device, a directory)."""
    st = os.fstat(fd)
    if stat.S_ISREG(st.st_mode):
        return
    os.close(fd)
    kind = (
        "a directory"
        if stat.S_ISDIR(st.st_mode)
        else ("a FIFO" if stat.S_ISFIFO(st.st_mode) else "not a regular file")
    )
    raise StoreUnsafe(
        f"{printable(str(path))} is {kind}, not a lock file; Funnel will not use it",
        f"remove it (`rm {printable(str(path))}`); the next command makes a new one",
    )


def _holder(fd: int) -> str:
    """Who holds the lock, from what the writer recorded; a reader records nothing."""
    try:
        info = orjson.loads(os.pread(fd, 4096, 0))
        user, pid, host, since = info["user"], int(info["pid"]), info["host"], info["since"]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return "another process (probably one reading it)"
    if not 0 < pid <= _PID_MAX:  # 0 and -1 would ask about whole process groups
        return "another process (its lock note is not Funnel's)"
    if host == os.uname().nodename:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            # A writer killed while holding it left its note behind; the holder is a reader.
            return "another process (probably one reading it)"
        except PermissionError:
            pass
    # The note is a file the whole group can write: what it says is quoted, never obeyed.
    user, host, since = (printable(str(text))[:80] for text in (user, host, since))
    return f"{user} (pid {pid} on {host}) since {since}"


@contextmanager
def store_lock(
    path: Path, *, exclusive: bool, timeout: float, mode: int = NEW_FILE_MODE
) -> Iterator[None]:
    """Hold the lock at ``path`` for the block, waiting at most ``timeout`` seconds.

    Raises `StoreLocked` naming the holder when the wait runs out. A shared lock on a lock file
    that does not exist yet is skipped when the file cannot be created (a read-only store).
    A lock file made here gets ``mode`` (a team store's is ``0660``, so every member can lock).
    """
    try:
        fd: int | None = _open(path, exclusive=exclusive, mode=mode)
    except OSError as exc:
        # A reader that can neither open nor make the lock file (a read-only directory or
        # filesystem) reads without it: nobody can be writing there either.
        if exclusive or exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        fd = None
    if fd is None:
        yield
        return
    try:
        _acquire(fd, path, exclusive=exclusive, timeout=timeout)
        if exclusive:
            note = {
                "user": login_of(os.geteuid()),
                "pid": os.getpid(),
                "host": os.uname().nodename,
                "since": iso(datetime.now(UTC)),
            }
            os.ftruncate(fd, 0)
            os.pwrite(fd, orjson.dumps(note), 0)
        try:
            yield
        finally:
            if exclusive:
                os.ftruncate(fd, 0)  # the note describes a holder only while one holds it
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _acquire(fd: int, path: Path, *, exclusive: bool, timeout: float) -> None:
    operation = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    deadline = time.monotonic() + timeout
    wait = _FIRST_WAIT
    while True:
        try:
            fcntl.flock(fd, operation)
            return
        except BlockingIOError:
            left = deadline - time.monotonic()
            if left <= 0:
                store = path.with_name(path.name.removesuffix(".lock"))
                raise StoreLocked(
                    f"{store} is locked by {_holder(fd)}; gave up after {timeout:g}s"
                    " (try again when it is done)"
                ) from None
            time.sleep(min(wait, left))
            wait = min(wait * 2, _MAX_WAIT)
