"""What every command shares: where the store and config are, who is acting, the clock, output."""

from __future__ import annotations

import grp
import os
import pwd
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
import orjson

from board.errors import ConfigError, FunnelError
from board.settings import Settings, load_settings
from board.text import TERMINAL_UNSAFE, printable
from board.timestamps import parse_moment, utc

if TYPE_CHECKING:
    from storage.repository import Repository

F = TypeVar("F", bound=Callable[..., Any])

CONFIG_NAME = "funnel.toml"


def os_login() -> str:
    """The OS login of this process (from the uid, so ``$USER`` cannot impersonate anyone)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return f"uid{os.geteuid()}"


def default_store_path() -> Path:
    """``FUNNEL_DB``, else the per-user data dir (``.../funnel/board.json``)."""
    from_env = os.environ.get("FUNNEL_DB")
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    data_dir = _under_home(platformdirs.user_data_dir, "FUNNEL_DB=/path/to/board.json")
    return data_dir / "board.json"


def config_path_for(store: Path) -> Path:
    """``FUNNEL_CONFIG``, else a ``funnel.toml`` beside the store, else the user config dir."""
    from_env = os.environ.get("FUNNEL_CONFIG")
    if from_env:
        return Path(from_env).expanduser()
    beside = store.parent / CONFIG_NAME
    try:
        if beside.exists():
            return beside
    except PermissionError:
        raise _locked_out(store.parent) from None
    import platformdirs

    config_dir = _under_home(platformdirs.user_config_dir, "FUNNEL_CONFIG=/path/to/funnel.toml")
    return config_dir / CONFIG_NAME


def _under_home(where: Callable[..., str], setting: str) -> Path:
    """A per-user directory of platformdirs, refused when there is no home to put it in.

    Without ``HOME`` and without a passwd entry (a container's bare uid) there is no home:
    platformdirs raises, or (older ones) leaves ``~`` unexpanded, so that the store would land
    in ``./~/`` wherever the command ran.
    """
    try:
        directory = Path(where("funnel", appauthor=False))
    except RuntimeError:
        pass
    else:
        if directory.is_absolute():
            return directory
    raise ConfigError(
        f"there is no home directory for uid {os.geteuid()} (no HOME, no passwd entry) to keep"
        f" the store in; set {setting}",
    )


def _locked_out(directory: Path) -> FunnelError:
    """The truth for someone who may not enter a store's directory: whose it is, what to ask."""
    from storage.errors import StoreUnavailable
    from storage.sharing import login_of

    try:
        st = os.stat(directory)
    except OSError:
        return StoreUnavailable(f"{directory}: permission denied: you cannot reach this directory")
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return StoreUnavailable(
        f"{directory}: permission denied: the store there is for group {group} only"
        f" (owner {login_of(st.st_uid)}); an admin runs `usermod -aG {group} {os_login()}`,"
        " then you log in again"
    )


def system_clock() -> datetime:
    """Now, in UTC; ``FUNNEL_NOW`` pins it (for demos, screenshots and end-to-end tests)."""
    pinned = os.environ.get("FUNNEL_NOW")
    if pinned:
        return parse_moment(pinned, "FUNNEL_NOW")
    return utc(datetime.now(UTC))


@dataclass
class Env:
    """The command line's wiring, built once per invocation and passed to commands."""

    db: Path
    clock: Callable[[], datetime] = system_clock
    user: str = field(default_factory=os_login)
    _settings: Settings | None = None
    _repo: Repository | None = None

    @property
    def config_path(self) -> Path:
        """The config file in force (it may not exist)."""
        return config_path_for(self.db)

    @property
    def settings(self) -> Settings:
        """The team settings, read on first use."""
        if self._settings is None:
            self._settings = load_settings(self.config_path)
        return self._settings

    @property
    def repo(self) -> Repository:
        """The store, opened on first use."""
        if self._repo is None:
            from storage import open_repository
            from storage.backups import BackupPolicy

            settings = self.settings
            self._repo = open_repository(
                self.db,
                lock_timeout=settings.lock_timeout,
                currency=settings.currency,
                backups=BackupPolicy(
                    keep=settings.backups_keep, daily_days=settings.backups_daily_days
                ),
            )
        return self._repo

    def now(self) -> datetime:
        """The current instant from the injected clock."""
        return self.clock()


pass_env = click.make_pass_decorator(Env)


def json_option(func: F) -> F:
    """``--json``: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")(func)


def at_option(func: F) -> F:
    """``--at WHEN``: when it happened, for back-dating (not in the future)."""
    return click.option(
        "--at",
        "at",
        metavar="WHEN",
        callback=_parse_at,
        help="When it happened: 2026-11-20 or 2026-11-20T14:30Z (default: now).",
    )(func)


def _parse_at(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_moment(value)
    except FunnelError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


# DEL, the C1 controls (U+009B is CSI on terminals that honour C1) and the bidi controls are
# valid in JSON strings; escape them anyway, as JSON escapes, so that no output of ours can
# drive or reorder a colleague's terminal (orjson already escapes the C0 controls).
_JSON_UNSAFE = re.compile(f"[{TERMINAL_UNSAFE}\u2028\u2029]")


def print_json(data: Any) -> None:
    """Write indented JSON to stdout, terminal-safe."""
    text = orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()
    if not text.isascii():
        text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    sys.stdout.write(text + "\n")


def say(message: str) -> None:
    """A message for the person at the terminal: stderr, so stdout stays clean for scripts.

    Messages quote paths, names and settings; `printable` keeps each line harmless.
    """
    click.echo("\n".join(printable(line) for line in message.split("\n")), err=True)


class CommandError(click.ClickException):
    """A user-facing failure: ``Error: <one line>`` on stderr and a documented exit code."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        # click declares exit_code as a class-level constant; each error here carries its own.
        self.exit_code = exit_code  # type: ignore[misc]
