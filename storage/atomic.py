"""Crash-safe file replacement: a private temp file beside the target, fsynced, then renamed.

A crash at any instant leaves either the old file or the new one, never a mix. Temp files are
named ``.<target>.<pid>[.<token>].tmp`` so a later writer can tell whose they were and clean
up after a writer that died.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from storage.layout import FileStamp, stamp_of

NEW_FILE_MODE = 0o600
NEW_DIR_MODE = 0o700
STALE_AFTER = 5.0
"""Seconds after which a temp file is leftover even if its writer's pid is alive (pid reuse)."""

# Test-only crash points. Every durable step of a write (a write, an fsync, a rename, a link, an
# unlink, a mkdir) calls `step` first. With FUNNEL_CRASH_AT=N the process kills itself with
# SIGKILL just before its Nth step (N:INT sends itself Ctrl-C's SIGINT there instead); with
# FUNNEL_CRASH_AT=count it prints each step on stderr ("crash-point N: what path"). The crash
# tests use it to stop a write at every one of its steps in turn.
_CRASH_AT, _, _CRASH_WITH = os.environ.get("FUNNEL_CRASH_AT", "").partition(":")
_steps = 0


def step(what: str, path: Path | str) -> None:
    """Mark one durable step of a write (a crash point for the tests; free otherwise)."""
    if not _CRASH_AT:
        return
    global _steps  # noqa: PLW0603 -- one counter per process, for the crash tests only
    _steps += 1
    if _CRASH_AT == "count":
        print(f"crash-point {_steps}: {what} {path}", file=sys.stderr, flush=True)
    elif _CRASH_AT.isdigit() and _steps == int(_CRASH_AT):
        os.kill(os.getpid(), signal.SIGINT if _CRASH_WITH == "INT" else signal.SIGKILL)


_TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)(?:\.[0-9a-f]+)?\.tmp$")
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


@dataclass(frozen=True, slots=True)
class PendingReplace:
    """New contents written and fsynced to a temp file, waiting to be renamed over the target."""

    temp: Path
    target: Path
    stamp: FileStamp
    """What the target's stamp will be once renamed (a rename keeps inode, size and mtime)."""

    def commit(self) -> None:
        """Rename the temp file over the target and make the rename durable."""
        self.rename()
        fsync_dir(self.target.parent)

    def rename(self) -> None:
        """Rename the temp file over the target (durable once its directory is fsynced)."""
        step("rename", self.target)
        os.replace(self.temp, self.target)

    def abandon(self) -> None:
        """Remove the temp file, leaving the target as it was."""
        self.temp.unlink(missing_ok=True)


def existing_mode(path: Path) -> int | None:
    """The permission bits of an existing file, or ``None`` if there is none."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode) & 0o777
    except FileNotFoundError:
        return None


def _create_temp(target: Path) -> tuple[int, Path]:
    # The plain name first so a leftover is easy to attribute; O_EXCL|O_NOFOLLOW means a file or
    # symlink planted at that name is never opened, we just pick another name.
    pid = os.getpid()
    names = [f".{target.name}.{pid}.tmp"]
    names += [f".{target.name}.{pid}.{os.urandom(4).hex()}.tmp" for _ in range(8)]
    for name in names:
        temp = target.with_name(name)
        try:
            return os.open(temp, _CREATE, NEW_FILE_MODE), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"could not create a temp file beside {target}")


def prepare_replace(
    target: Path, data: bytes, *, mode: int | None = None, group: int | None = None
) -> PendingReplace:
    """Write ``data`` to a fresh temp file beside ``target`` and fsync it.

    ``mode`` defaults to the target's current mode, or 0600 for a new file; it is set with
    fchmod, so the umask does not matter. ``group`` is the group the file must have (a team
    store's); a setgid directory gives it already, so it usually costs nothing.
    """
    if mode is None:
        mode = existing_mode(target)
    step("create", target)
    fd, temp = _create_temp(target)
    try:
        stamp = _fill(fd, data, mode=NEW_FILE_MODE if mode is None else mode, group=group)
    except BaseException:
        os.close(fd)
        temp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return PendingReplace(temp, target, stamp)


def _fill(fd: int, data: bytes, *, mode: int, group: int | None) -> FileStamp:
    """Write ``data`` to a fresh file, give it its mode and group, and make it durable."""
    os.fchmod(fd, mode)
    step("write", f"fd {fd}")
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
    step("fsync", f"fd {fd}")
    os.fsync(fd)
    st = os.fstat(fd)
    if group is not None and st.st_gid != group:
        os.fchown(fd, -1, group)
        os.fchmod(fd, mode)  # chown may drop bits
        os.fsync(fd)
        st = os.fstat(fd)
    return stamp_of(st)


def write_new(
    target: Path, data: bytes, *, mode: int | None = None, group: int | None = None
) -> FileStamp:
    """Create ``target``, which must not exist, with ``data``, durably (not its directory entry).

    For files no reader looks at until a later rename names them (the blocks of a write): no
    temp file is needed. Never opens a file or symlink that is already there.
    """
    step("create", target)
    fd = os.open(target, _CREATE, NEW_FILE_MODE)
    try:
        stamp = _fill(fd, data, mode=NEW_FILE_MODE if mode is None else mode, group=group)
    except BaseException:
        os.close(fd)
        target.unlink(missing_ok=True)
        raise
    os.close(fd)
    return stamp


def write_atomic(
    target: Path, data: bytes, *, mode: int | None = None, group: int | None = None
) -> FileStamp:
    """Replace ``target`` with ``data`` atomically and durably; returns the new file's stamp."""
    pending = prepare_replace(target, data, mode=mode, group=group)
    try:
        pending.commit()
    except BaseException:
        pending.abandon()
        raise
    return pending.stamp


def copy_file(source: Path, target: Path, *, mode: int, group: int | None = None) -> None:
    """Copy ``source`` to a new file ``target`` (never through a symlink), durably."""
    src = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        step("create", target)
        fd = os.open(target, _CREATE, mode)
        try:
            os.fchmod(fd, mode)
            if group is not None and os.fstat(fd).st_gid != group:
                os.fchown(fd, -1, group)
                os.fchmod(fd, mode)
            step("write", target)
            while os.sendfile(fd, src, None, 1 << 24):
                pass
            step("fsync", target)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            target.unlink(missing_ok=True)
            raise
        os.close(fd)
    finally:
        os.close(src)


def fsync_dir(path: Path) -> None:
    """Make renames and new entries in a directory durable."""
    step("fsync-dir", path)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_dir(path: Path, *, mode: int = NEW_DIR_MODE, group: int | None = None) -> None:
    """Create a directory (and missing parents) with exactly ``mode``; leave an existing one be.

    With a ``group``, the new directory is given that group (its parents are not: a team
    store's directory exists before anything is made in it).
    """
    if path.is_dir():
        return
    make_dir(path.parent, mode=NEW_DIR_MODE if group is not None else mode)
    step("mkdir", path)
    try:
        path.mkdir(mode=mode & 0o777)
    except FileExistsError:
        return
    if group is not None and path.stat().st_gid != group:
        os.chown(path, -1, group)
    os.chmod(path, mode)  # mkdir's mode is filtered through the umask


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def stale_temps(directory: Path, *, prefix: str = "") -> list[Path]:
    """Temp files (or snapshot directories) in ``directory`` left behind by crashed writers.

    One is stale when its writer's pid is gone or it is older than `STALE_AFTER` seconds.
    With a ``prefix``, only temp files of the file ``prefix`` or of ``prefix.*`` (its
    snapshots) are considered: another store may share the directory.
    """
    found: list[Path] = []
    if os.path.islink(directory):
        return found  # never look through a planted link
    try:
        entries = list(os.scandir(directory))
    except (FileNotFoundError, NotADirectoryError):
        return found
    now = time.time()
    for entry in entries:
        match = _TEMP_NAME.match(entry.name)
        target = match.group("target") if match else ""
        if not match or (prefix and target != prefix and not target.startswith(prefix + ".")):
            continue
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except FileNotFoundError:
            continue
        if age > STALE_AFTER or not _pid_alive(int(match.group("pid"))):
            found.append(Path(entry.path))
    return found


def remove_stale_temps(directory: Path, *, prefix: str = "") -> list[Path]:
    """Remove the `stale_temps`; call it only while holding the store's lock."""
    removed = stale_temps(directory, prefix=prefix)
    for path in removed:
        step("unlink", path)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)  # never follows a symlink inside
        else:
            path.unlink(missing_ok=True)  # a symlink itself, never its target
    return removed
