"""Looking after a store: create a team (or personal) store, snapshot it, restore it, check it."""

from __future__ import annotations

import grp
import os
import sys
from pathlib import Path

import click

from board.cli.context import CommandError, Env, json_option, pass_env, print_json, say
from board.deal import Status
from board.errors import ConfigError, FunnelError
from board.stages import stray_stages
from board.text import printable
from board.timestamps import iso
from storage.backups import BackupPolicy, find_backup, list_backups
from storage.doctor import examine
from storage.layout import StoreLayout
from storage.sharing import login_of
from storage.store_admin import backup_now, create_store
from storage.store_admin import restore as restore_store
from storage.store_check import Finding


def _policy(env: Env) -> BackupPolicy:
    settings = env.settings
    return BackupPolicy(keep=settings.backups_keep, daily_days=settings.backups_daily_days)


def _group_id(name: str) -> int:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        if name.isascii() and name.isdigit() and int(name) < 2**31:  # a gid with no name
            return int(name)
        raise click.BadParameter(
            f"there is no group {name!r} (create it: groupadd {name})", param_hint="--group"
        ) from None


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


@click.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--shared",
    is_flag=True,
    help="A team store: a setgid directory (2770) and files (0660) in one group.",
)
@click.option(
    "--group",
    metavar="GROUP",
    help="The team's group, with --shared (default: your primary group).",
)
@pass_env
def init(env: Env, path: Path | None, shared: bool, group: str | None) -> None:
    """Create an empty store at PATH (default: --db or FUNNEL_DB); never over an existing one.

    Without --shared the store is yours alone: directory 0700, files 0600, whatever the
    umask. With --shared every member of the group can work on it; see docs/team.md.

    \b
    Example:
      funnel init --shared --group sales /srv/funnel/board.json
      funnel init ~/funnel/board.json
    """
    if group is not None and not shared:
        raise click.UsageError("--group goes with --shared")
    store = (path or env.db).expanduser().absolute()
    gid = None
    if shared:
        gid = os.getegid() if group is None else _group_id(group)
        if os.geteuid() != 0 and gid not in (os.getegid(), *os.getgroups()):
            raise CommandError(
                f"you are not in group {_group_name(gid)}; an admin runs `usermod -aG"
                f" {_group_name(gid)} {env.user}`, then you log in again",
                5,
            )
    if gid is not None:
        _refuse_taking_over(store.parent)
    create_store(
        store, group=gid, currency=env.settings.currency, timeout=env.settings.lock_timeout
    )
    if gid is None:
        say(f"Created a personal store at {store} (files 0600: only you can use it).")
    else:
        say(
            f"Created a team store at {store}: directory 2770, files 0660, group"
            f" {_group_name(gid)}.\nEach member adds to ~/.profile:  export FUNNEL_DB={store}"
        )


def _refuse_taking_over(directory: Path) -> None:
    """`init --shared` makes its directory 2770 in the group: never someone else's full one.

    A typo (``~alice`` for ``~/alice``, ``/home/bob`` for ``/home/bob/funnel``) would otherwise
    hand a colleague's files to the whole team.
    """
    try:
        st = os.lstat(directory)
        with os.scandir(directory) as entries:
            empty = next(entries, None) is None
    except FileNotFoundError:
        return  # init makes it, as the caller's
    except OSError as exc:
        raise CommandError(f"{directory}: {exc.strerror}", 5) from None
    if st.st_uid != os.geteuid() and not empty:
        raise CommandError(
            f"{directory} belongs to {login_of(st.st_uid)} and is not empty; a team store there"
            " would give its files to the whole group. Use a new directory of its own"
            f" (e.g. {directory / 'funnel' / 'board.json'})",
            1,
        )


@click.command()
@click.option("--list", "listing", is_flag=True, help="List the snapshots instead, oldest first.")
@json_option
@pass_env
def backup(env: Env, listing: bool, as_json: bool) -> None:
    """Take a snapshot of the store now and print its name (in backups/ beside the store).

    Writes also take one by themselves, at most once a minute. Kept: the newest
    [backups] keep (10), plus the first of each of the last daily_days (14) days.

    \b
    Example:
      funnel backup
      funnel backup --list
    """
    if listing:
        backups = list_backups(StoreLayout(env.db))
        if as_json:
            print_json(
                [
                    {
                        "name": b.name,
                        "taken_at": iso(b.taken_at),
                        "kind": b.kind,
                        "path": str(b.path),
                    }
                    for b in backups
                ]
            )
        elif not backups:
            say(f"No snapshots of {env.db} yet. Take one with: funnel backup")
        for b in [] if as_json else backups:
            click.echo(f"{printable(b.name)}  {iso(b.taken_at)}  {b.kind}")
        return
    taken = backup_now(env.db, _policy(env), timeout=env.settings.lock_timeout)
    if as_json:
        print_json(
            {
                "name": taken.name,
                "taken_at": iso(taken.taken_at),
                "kind": taken.kind,
                "path": str(taken.path),
            }
        )
    else:
        click.echo(printable(taken.name))


@click.command()
@click.argument("snapshot", required=False)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_env
def restore(env: Env, snapshot: str | None, yes: bool) -> None:
    """Put a snapshot back as the store (default: the newest; see `funnel backup --list`).

    The store's current files are kept as a snapshot first, so a restore can be undone by
    restoring that one.

    \b
    Example:
      funnel restore --yes
      funnel restore board.json.2026-11-20T101500.123Z.auto
    """
    chosen = find_backup(StoreLayout(env.db), snapshot)
    if chosen is not None and not yes:
        if not sys.stdin.isatty():
            raise CommandError("not restoring without --yes when input is not a terminal", 2)
        click.confirm(
            printable(
                f"Replace {env.db} with snapshot {chosen.name}"
                f" (taken {iso(chosen.taken_at)})? Its current files are kept as a"
                " snapshot first."
            ),
            abort=True,
            err=True,
        )
    done = restore_store(
        env.db, chosen.name if chosen else snapshot, _policy(env), timeout=env.settings.lock_timeout
    )
    kept = f"; the files it replaced are kept as {done.kept.name}" if done.kept else ""
    say(f"Restored {done.restored.name} as {env.db}{kept}.")


@click.command()
@json_option
@pass_env
@click.pass_context
def doctor(ctx: click.Context, env: Env, as_json: bool) -> None:
    """Check the store: JSON, schema, permissions, leftover temp and lock files, unique ids.

    Prints each problem with its fix. Exit code 0 when the store is healthy, 1 when a
    problem was found (3 if it stayed locked, 5 if it cannot be read at all).

    \b
    Example:
      funnel doctor
      funnel --db /srv/funnel/board.json doctor --json
    """
    extra: list[Finding] = []
    timeout = 5.0
    try:
        timeout = env.settings.lock_timeout
    except ConfigError as err:
        extra.append(Finding("config", env.config_path, str(err), "fix the setting it names"))
    report = examine(env.db, timeout=timeout)
    if report.contents is not None and not extra:
        extra += _stray_stage_findings(env)
    report.findings[:0] = extra
    contents = report.contents
    summary = {
        "store": str(env.db),
        "healthy": report.healthy,
        "shared": report.shared,
        "group": report.group,
        "open_deals": contents.open_deals if contents else None,
        "closed_deals": contents.closed_deals if contents else None,
        "spend_entries": contents.spend if contents else None,
        "snapshots": len(report.backups),
        "newest_snapshot": report.backups[-1].name if report.backups else None,
        "problems": [
            {"check": f.check, "path": str(f.path), "problem": f.problem, "fix": f.fix}
            for f in report.findings
        ],
    }
    if as_json:
        print_json(summary)
    else:
        _print_report(summary)
    if not report.healthy:
        ctx.exit(1)


def _stray_stage_findings(env: Env) -> list[Finding]:
    """Open deals in stages the settings no longer have (the board shows them in a lane)."""
    try:
        deals = env.repo.query(status=Status.OPEN)
    except FunnelError:
        return []  # locked or damaged since `examine` read it: its findings say so
    stray = stray_stages(((deal.id, deal.stage) for deal in deals), env.settings.pipeline)
    return [
        Finding(
            "stages",
            env.db,
            f"{len(ids)} open deal{'s' if len(ids) != 1 else ''} in stage {key!r}, which"
            f" {env.config_path} does not have (deal {', '.join(map(str, ids[:5]))}"
            f"{', ...' if len(ids) > 5 else ''})",
            f"move them to a stage of the settings (funnel move {ids[0]} STAGE),"
            f" or put stage {key!r} back in the settings",
        )
        for key, ids in sorted(stray.items())
    ]


def _print_report(summary: dict[str, object]) -> None:
    kind = f"team store of group {summary['group']}" if summary["shared"] else "personal store"
    counts = ""
    if summary["open_deals"] is not None:
        counts = (
            f", {summary['open_deals']} open deals, {summary['closed_deals']} closed,"
            f" {summary['spend_entries']} spend entries"
        )
    newest = f", newest {summary['newest_snapshot']}" if summary["newest_snapshot"] else ""
    click.echo(
        printable(f"{summary['store']}: {kind}{counts}; {summary['snapshots']} snapshots{newest}")
    )
    problems = summary["problems"]
    assert isinstance(problems, list)
    if not problems:
        click.echo("Healthy: nothing to fix.")
        return
    click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}:")
    for found in problems:
        click.echo(f"- {printable(found['path'])}: {printable(found['problem'])}")
        click.echo(f"  fix: {printable(found['fix'])}")


COMMANDS = [init, backup, restore, doctor]
