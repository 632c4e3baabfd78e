"""`funnel doctor`: everything that can be wrong with a store, each problem with its fix.

Reads under the store's shared lock (so a colleague's write is never half seen) and writes
nothing: permissions, leftovers of crashed writers, the lock file, the snapshots, and, through
`storage.store_check`, the JSON, the schema and the uniqueness of ids.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from storage.atomic import stale_temps
from storage.backups import Backup, backups_dir, list_backups, odd_backups
from storage.errors import StoreUnsafe
from storage.layout import StoreLayout
from storage.sharing import (
    TEAM_DIR_MODE,
    TEAM_FILE_MODE,
    check_store,
    is_team_dir,
    login_of,
)
from storage.store_check import Contents, Finding, read_contents
from storage.store_lock import store_lock

_GROUP_HELP = (
    "ask an admin to add you to the store's group (`usermod -aG {group} {me}`), then log in again"
)


@dataclass
class Report:
    """What `examine` found."""

    store: Path
    findings: list[Finding] = field(default_factory=list)
    contents: Contents | None = None
    backups: list[Backup] = field(default_factory=list)
    shared: bool = False
    group: str | None = None

    @property
    def healthy(self) -> bool:
        """Whether nothing at all was found."""
        return not self.findings


def _group_name(gid: int) -> str:
    import grp

    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def examine(path: Path, *, timeout: float = 5.0) -> Report:
    """Check the store at ``path`` from every angle; raises only `StoreLocked`."""
    layout = StoreLayout(path)
    report = Report(path)
    add = report.findings.append
    try:
        check_store(layout)
    except StoreUnsafe as err:
        add(Finding("safety", path, err.problem, err.fix))
    if not os.path.lexists(path) and not layout.block_files() and not layout.archive_stamps():
        add(Finding("json", path, "there is no store here", f"create one: `funnel init {path}`"))
        return report
    report.findings += _permissions(layout, report)
    report.findings += _leftovers(layout)
    report.backups = list_backups(layout)
    for odd, why in odd_backups(layout):
        add(
            Finding(
                "backups",
                odd,
                f"{why}; Funnel ignores it",
                f"if nobody on the team made it, remove it (`rm -r {odd}`)",
            )
        )
    if os.path.islink(path):
        return report  # never read through a planted link
    with ExitStack() as stack:
        if os.path.isfile(layout.lock) and not os.path.islink(layout.lock):
            with suppress(PermissionError):  # reported above; read what can be read
                stack.enter_context(store_lock(layout.lock, exclusive=False, timeout=timeout))
        try:
            report.contents = read_contents(layout)
        except OSError as err:
            add(
                Finding(
                    "permissions",
                    Path(err.filename or path),
                    f"cannot be read ({err.strerror})",
                    "see the permission problems above",
                )
            )
            return report
    report.findings += report.contents.findings
    report.findings += _snapshots_possible(layout)
    return report


def _snapshots_possible(layout: StoreLayout) -> Iterator[Finding]:
    """Whether writes can take their automatic snapshots: hard links into ``backups/``."""
    backups = backups_dir(layout)
    try:
        st = os.lstat(backups)
    except FileNotFoundError:
        return  # made by the first write that needs it, like the store's other files
    if not stat.S_ISDIR(st.st_mode):
        return  # reported with the store's directories
    if not os.access(backups, os.W_OK | os.X_OK):
        yield Finding(
            "backups",
            backups,
            "you cannot write in it, so writes go without their automatic snapshots",
            f"chmod u+rwx {backups} (a team store's: chgrp the store's group and chmod 2770)",
        )
    if st.st_dev != os.stat(layout.main.parent).st_dev:
        yield Finding(
            "backups",
            backups,
            "is on another filesystem than the store, so no"
            " snapshot can be a hard link: writes take none",
            f"make {backups} a plain directory beside the store; copy snapshots"
            " elsewhere with `rsync -aH`",
        )


def _permissions(layout: StoreLayout, report: Report) -> Iterator[Finding]:
    directory = layout.main.parent
    dir_st = os.stat(directory)
    me = login_of(os.geteuid())
    files = [layout.main, layout.lock, *(layout.blocks_dir / name for name in layout.block_files())]
    dirs = [d for d in (layout.blocks_dir, backups_dir(layout)) if os.path.lexists(d)]
    if os.statvfs(directory).f_flag & os.ST_RDONLY:
        yield Finding(
            "permissions",
            directory,
            "is on a read-only filesystem: the store can be read, but no change can be saved",
            "remount the filesystem read-write, or copy the store elsewhere"
            " (`cp -a` the folder) and point FUNNEL_DB at the copy",
        )
    elif not os.access(directory, os.W_OK | os.X_OK):
        yield Finding(
            "permissions",
            directory,
            f"you ({me}) cannot write in it, so every change to the store fails",
            f"chmod u+rwx {directory} (a team store's: ask to be added to its group)",
        )
    for path in dirs:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            yield Finding(
                "safety",
                path,
                "is not a directory (a symbolic link?): Funnel will not write through it",
                f"rm {path}",
            )
    if is_team_dir(dir_st):
        report.shared = True
        group = report.group = _group_name(dir_st.st_gid)
        yield from _team_permissions(directory, dir_st, group, files, dirs)
        help_text = _GROUP_HELP.format(group=group, me=me)
    else:
        yield from _personal_permissions(directory, dir_st, files)
        help_text = f"chmod u+rw {layout.main}"
    if os.path.isfile(layout.main) and not os.access(layout.main, os.R_OK | os.W_OK):
        yield Finding("permissions", layout.main, f"you ({me}) cannot read and write it", help_text)


def _team_permissions(
    directory: Path, dir_st: os.stat_result, group: str, files: list[Path], dirs: list[Path]
) -> Iterator[Finding]:
    if dir_st.st_mode & 0o007:
        yield Finding(
            "permissions",
            directory,
            "users outside the group can look inside",
            f"chmod o= {directory}",
        )
    for path in dirs:
        st = os.lstat(path)
        if stat.S_ISDIR(st.st_mode) and (
            stat.S_IMODE(st.st_mode) != TEAM_DIR_MODE or st.st_gid != dir_st.st_gid
        ):
            yield Finding(
                "permissions",
                path,
                f"is not a team directory (setgid 2770 in group {group})",
                f"chgrp {group} {path} && chmod 2770 {path}",
            )
    for path in files:
        file_st = _lstat(path)
        if (
            file_st is not None
            and stat.S_ISREG(file_st.st_mode)
            and (stat.S_IMODE(file_st.st_mode) != TEAM_FILE_MODE or file_st.st_gid != dir_st.st_gid)
        ):
            yield Finding(
                "permissions",
                path,
                f"is not mode 0660 in group {group}, so some of the team cannot use it",
                f"chgrp {group} {path} && chmod 660 {path}",
            )


def _personal_permissions(
    directory: Path, dir_st: os.stat_result, files: list[Path]
) -> Iterator[Finding]:
    if dir_st.st_mode & 0o020 and not dir_st.st_mode & stat.S_ISVTX:
        yield Finding(
            "permissions",
            directory,
            "its group can replace the store's files",
            f"chmod g-w {directory} (or, to share the store, chmod 2770 {directory}:"
            " see docs/team.md)",
        )
    for path in files:
        st = _lstat(path)
        if st is not None and stat.S_ISREG(st.st_mode) and st.st_mode & 0o077:
            yield Finding(
                "permissions",
                path,
                "other users can read it (a personal store)",
                f"chmod 600 {path}",
            )


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None


def _leftovers(layout: StoreLayout) -> Iterator[Finding]:
    places = [
        (layout.main.parent, layout.main.name),
        (backups_dir(layout), layout.main.name),
    ]
    for directory, prefix in places:
        for temp in stale_temps(directory, prefix=prefix):
            yield Finding(
                "temp",
                temp,
                "a temp file left by a writer that was killed",
                f"harmless; the next write removes it (or `rm -r {temp}`)",
            )
    lock = layout.lock
    st = _lstat(lock)
    if st is None:
        return
    if stat.S_ISLNK(st.st_mode):
        yield Finding(
            "lock",
            lock,
            "is a symbolic link, planted by someone: Funnel refuses to lock the store",
            f"rm {lock}",
        )
        return
    if not stat.S_ISREG(st.st_mode):
        yield Finding(
            "lock",
            lock,
            "is not a regular file (a FIFO or a device, planted by someone):"
            " every command refuses the store",
            f"rm {lock}",
        )
        return
    note = _lock_note(lock)
    if note is not None:
        yield Finding(
            "lock",
            lock,
            f"still names {note}, a writer that died while writing;"
            " the lock itself was released with it",
            f"harmless; the next write clears it (or `: > {lock}`)",
        )


def _lock_note(lock: Path) -> str | None:
    """Who a stale note in the lock file names, if its writer is gone from this host."""
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        info = orjson.loads(os.pread(fd, 4096, 0))
        user, pid, host = str(info["user"]), int(info["pid"]), str(info["host"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    finally:
        os.close(fd)
    if host != os.uname().nodename or not 0 < pid <= 2**22:  # not a pid: not Funnel's note
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return f"{user} (pid {pid} on {host})"
    except PermissionError:
        pass
    return None
