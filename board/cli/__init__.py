"""The ``funnel`` command: a click group; with no command it opens the board.

This package is the entry point that wires the plain domain (`board`) to the store
(`storage`) and the screens (`screens`); it is the only part of `board` allowed to import
click, TinyDB or platformdirs. Textual is imported lazily, only when the board opens, so
one-line commands start fast.
"""

from __future__ import annotations

import errno
import importlib
import sys
from pathlib import Path
from typing import Any

import click

from board import __version__
from board.cli.context import CommandError, Env, default_store_path, system_clock
from board.errors import FunnelError
from board.text import printable

EXIT_CODES = """\b
Exit codes:
  0  done
  1  not found, conflict, or refused by a rule
  2  bad usage or bad value
  3  the store stayed locked past the timeout
  4  the store is corrupt (it is left untouched)
  5  the store could not be read or written (permissions, disk full)"""


class FunnelGroup(click.Group):
    """Loads commands lazily; turns every error into one line on stderr and an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = LAZY_COMMANDS.get(cmd_name)
        if module_name and cmd_name not in self.commands:
            module = importlib.import_module(f"board.cli.{module_name}")
            for command in module.COMMANDS:
                self.add_command(command)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as exc:  # suggest among the lazy ones too
            raise click.exceptions.NoSuchCommand(
                exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def main(
        self,
        args: Any = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        # Ctrl-C during a write: before its commit point nothing is written and we say so;
        # after it the write has landed, and the command finishes and reports it.
        from storage import interrupts

        interrupts.install()
        try:
            _check_arguments(sys.argv[1:] if args is None else list(args))
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx else ""
            _error(f"{exc.format_message()}{hint}")
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            _error(exc.format_message())
            sys.exit(exc.exit_code)
        except click.Abort as exc:
            interrupted = isinstance(exc.__cause__, KeyboardInterrupt)
            click.echo("Interrupted; nothing was written." if interrupted else "Aborted.", err=True)
            sys.exit(130 if interrupted else 1)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FunnelError as exc:
            raise CommandError(str(exc), exc.exit_code) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                sys.stderr.close()  # the reader went away (`funnel list | head`): not an error
                raise SystemExit(0) from None
            where = f" ({exc.filename})" if exc.filename else ""
            raise CommandError(f"{exc.strerror or exc}{where}", 5) from None


def _store_file(value: str | None) -> Path | None:
    """``--db`` or ``FUNNEL_DB`` as a path; ``dir/`` is refused (it would make a file ``dir``)."""
    if value is None:
        return None
    if value.endswith(("/", "/.", "/..")) or value in (".", ".."):
        raise click.BadParameter(
            f"{printable(value)!r} names a directory; give the store file in it,"
            f" e.g. {printable(value.rstrip('/') or '/')}/board.json",
            param_hint="'--db' / FUNNEL_DB",
        )
    return Path(value)


def _error(message: str) -> None:
    """The one line of a failure; `printable` keeps whatever it quotes from a terminal."""
    click.echo(f"Error: {printable(message)}", err=True)


def _check_arguments(args: list[str]) -> None:
    """Refuse an argument holding bytes that are not UTF-8 (or a NUL, which no path or
    option can hold) before anything reads it."""
    for n, arg in enumerate(args, 1):
        if isinstance(arg, str) and "\x00" in arg:
            raise click.UsageError(
                f"argument {n} contains a control character (U+0000 NULL), which no"
                " command-line argument can hold"
            )
        if isinstance(arg, str) and any("\ud800" <= ch <= "\udfff" for ch in arg):
            raise click.UsageError(
                f"argument {n} ('{printable(arg)}') is not valid UTF-8; set the terminal to"
                " UTF-8 (e.g. LANG=C.UTF-8) and type it again"
            )


@click.group(
    cls=FunnelGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES,
)
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="FUNNEL_DB",
    callback=lambda ctx, param, value: _store_file(value),
    help="The store file (default: your data dir; env FUNNEL_DB).",
)
@click.version_option(__version__, "--version", prog_name="funnel")
@click.pass_context
def cli(ctx: click.Context, db: Path | None) -> None:
    """Funnel: the customer journey on one board, marketing on the left, sales on the right.

    Run with no command to open the board. Example:

    \b
      funnel add "Acme renewal" --company Acme --value 12.5k --stage consideration
      funnel handoff 1 --note "budget confirmed"
      funnel accept 1
    """
    ctx.obj = Env(db=db.expanduser() if db else default_store_path(), clock=system_clock)
    if ctx.invoked_subcommand is None:
        open_board(ctx.obj)


NO_TERMINAL = (
    "the board needs a terminal (stdin and stdout); in scripts and cron use a command instead,"
    " e.g. `funnel list` (see `funnel --help`)"
)


def open_board(env: Env) -> None:
    """Open the Textual board on the store, or refuse at once where there is no terminal."""
    # Without a terminal Textual would run headless for ever, spinning a core (cron, CI, pipes).
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CommandError(NO_TERMINAL, 2)
    # Imported here, not at the top: Textual costs ~150 ms to import and no one-line
    # command needs it.
    from screens.app import run_board

    run_board(env.repo, env.settings, clock=env.clock, user=env.user)


def main() -> None:
    """Console-script entry point."""
    cli.main(prog_name="funnel")


# Command name → the module of `board.cli` that defines it (in its COMMANDS list). A module
# is imported only when one of its commands runs or help lists them all, so `funnel add`
# does not pay for CSV parsing, metrics or the board. Add new commands here.
LAZY_COMMANDS = {
    **dict.fromkeys(
        (
            "add",
            "list",
            "show",
            "move",
            "handoff",
            "qualify",
            "accept",
            "reject",
            "won",
            "lost",
            "reopen",
            "edit",
            "rm",
            "log",
        ),
        "deals",
    ),
    **dict.fromkeys(("stages", "config", "demo"), "setup"),
    **dict.fromkeys(("export", "import"), "transfer"),
    **dict.fromkeys(("metrics", "spend"), "metrics"),
    "report": "report",
    **dict.fromkeys(("init", "backup", "restore", "doctor"), "team"),
}
