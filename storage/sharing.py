"""Who may use a store: its owner alone (personal) or one group (a team store), and whether it
is safe to open at all.

A team store lives in a setgid directory its group can write (``2770``): files created there
take the directory's group, and Funnel gives every file it writes mode ``0660``, so any member
can write after any other. Anything else is a personal store: ``0700`` directories, ``0600``
files. The modes are set explicitly (``fchmod``), so the umask never matters.
"""

from __future__ import annotations

import os
import pwd
import stat
from dataclasses import dataclass
from pathlib import Path

from storage.errors import StoreUnsafe
from storage.layout import StoreLayout

TEAM_DIR_MODE = 0o2770
TEAM_FILE_MODE = 0o660
PERSONAL_DIR_MODE = 0o700
PERSONAL_FILE_MODE = 0o600


@dataclass(frozen=True, slots=True)
class Sharing:
    """How a store's files and directories are to be made."""

    group: int | None = None
    """The team's group id; ``None`` for a personal store."""

    @property
    def shared(self) -> bool:
        """Whether this is a team store."""
        return self.group is not None

    @property
    def dir_mode(self) -> int:
        """The mode of a directory the store creates."""
        return TEAM_DIR_MODE if self.shared else PERSONAL_DIR_MODE

    def file_mode(self, existing: int | None = None) -> int:
        """The mode of a file about to replace one of mode ``existing`` (or a new one).

        A team file is always made ``0660`` again, whatever happened to the old one; a personal
        file keeps the mode its owner gave it.
        """
        if self.shared:
            return TEAM_FILE_MODE
        return PERSONAL_FILE_MODE if existing is None else existing


PERSONAL = Sharing()


def is_team_dir(st: os.stat_result) -> bool:
    """Whether a directory's mode makes it a team store's: setgid and group ``rwx``."""
    return bool(st.st_mode & stat.S_ISGID) and st.st_mode & 0o070 == 0o070


def sharing_of(directory: Path) -> Sharing:
    """The sharing of the stores in ``directory`` (personal if it does not exist yet)."""
    try:
        st = os.stat(directory)
    except FileNotFoundError:
        return PERSONAL
    return Sharing(st.st_gid) if is_team_dir(st) else PERSONAL


def login_of(uid: int) -> str:
    """The login of a uid, or ``uid N`` when it has none."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def world_writable(st: os.stat_result) -> bool:
    """Writable by every user, and without the sticky bit that would stop them replacing files."""
    return bool(st.st_mode & stat.S_IWOTH) and not st.st_mode & stat.S_ISVTX


def check_store(layout: StoreLayout) -> Sharing:
    """Refuse a store that is unsafe to open (`StoreUnsafe`); otherwise say how it is shared.

    Two ``stat`` calls, no reading: cheap enough for every command.
    """
    directory = layout.main.parent
    try:
        dir_st = os.stat(directory)
    except FileNotFoundError:
        return PERSONAL
    if world_writable(dir_st):
        raise StoreUnsafe(
            f"{layout.main}: its directory {directory} is writable by every user, so anyone"
            " could replace the store",
            f"run `chmod o-w {directory}` (or move the store)",
        )
    sharing = Sharing(dir_st.st_gid) if is_team_dir(dir_st) else PERSONAL
    for part in (layout.blocks_dir, layout.archive_dir):
        check_part(part, sharing, directory=True)
    try:
        st = os.lstat(layout.main)
    except FileNotFoundError:
        return sharing
    if stat.S_ISLNK(st.st_mode):
        raise StoreUnsafe(
            f"{layout.main} is a symbolic link (to {os.readlink(layout.main)}) and Funnel does"
            " not follow it",
            "point FUNNEL_DB or --db at the real file",
        )
    if not stat.S_ISREG(st.st_mode):
        raise StoreUnsafe(f"{layout.main} is not a regular file", "point --db at a store file")
    if world_writable(st):
        raise StoreUnsafe(
            f"{layout.main} is writable by every user", f"run `chmod o-w {layout.main}`"
        )
    me = os.geteuid()
    if not sharing.shared and st.st_uid != me:
        raise StoreUnsafe(
            f"{layout.main} belongs to {login_of(st.st_uid)}, not to you ({login_of(me)}), and"
            " is not a team store",
            f"if it is yours, run `chown {login_of(me)} {layout.main}`;"
            f" if it is your team's, make {directory} a team directory: `chmod 2770 {directory}`"
            " in the team's group (see docs/team.md)",
        )
    return sharing


def check_part(path: Path, sharing: Sharing, *, directory: bool) -> None:
    """Refuse a file or directory of the store that someone else could have planted.

    It must be what it should be (never a symbolic link), belong to you in a personal store
    (in a team store, to the team's group), and not be writable by every user. A missing one
    is fine: Funnel makes it. Raises `StoreUnsafe` with the fix.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    check_stat(path, st, sharing, directory=directory)


def check_stat(path: Path, st: os.stat_result, sharing: Sharing, *, directory: bool) -> None:
    """`check_part` on a stat result already at hand (an open file's ``fstat``)."""
    kind = "directory" if directory else "regular file"
    if stat.S_ISLNK(st.st_mode):
        raise StoreUnsafe(
            f"{path} is a symbolic link, and Funnel never reads or writes a store through one",
            f"remove it (`rm {path}`) and run `funnel doctor`",
        )
    if (stat.S_ISDIR(st.st_mode) if directory else stat.S_ISREG(st.st_mode)) is False:
        raise StoreUnsafe(f"{path} is not a {kind}", f"move it aside (`mv {path} {path}.odd`)")
    if sharing.shared and st.st_gid != sharing.group:
        raise StoreUnsafe(
            f"{path} is not in the team's group, so someone outside the team could have put"
            " it there",
            f"if it is the team's, `chgrp {sharing.group} {path}`; if not, move it aside",
        )
    me = os.geteuid()
    if not sharing.shared and st.st_uid != me:
        raise StoreUnsafe(
            f"{path} belongs to {login_of(st.st_uid)}, not to you ({login_of(me)}), in your"
            " personal store: someone else put it there",
            f"move it aside (`mv {path} {path}.odd`) and run `funnel doctor`",
        )
    if st.st_mode & stat.S_IWOTH:
        raise StoreUnsafe(f"{path} is writable by every user", f"run `chmod o-w {path}`")
