"""Metrics and the spend ledger: ``funnel metrics`` and ``funnel spend add|list|rm``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import click

from board.cli.completion import complete_owner
from board.cli.context import CommandError, Env, json_option, pass_env, print_json, say
from board.codec import spend_to_json
from board.errors import FunnelError, InvalidInput, NotFound
from board.metrics import Window, compute_metrics, window_from
from board.metrics_groups import DIMENSIONS, Dimension, metrics_by
from board.metrics_json import group_to_json, metrics_to_json, targets_to_json
from board.metrics_report import groups_lines, metrics_report, targets_lines
from board.money import money_display, parse_money
from board.spend import Spend, new_spend
from board.stages import Team
from board.targets import target_progress
from board.text import clean_login, printable
from board.timestamps import iso, parse_moment

TEAMS = click.Choice([team.value for team in Team])


def _parsed(parse: Callable[[str, str], Any]) -> Callable[..., Any]:
    """A click callback that runs a domain parser and reports its error as a bad value."""

    def callback(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
        if value is None:
            return None
        try:
            return parse(
                value,
                f"--{param.name}"
                if param.param_type_name == "option"
                else str(param.human_readable_name).lower(),
            )
        except FunnelError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None

    return callback


def _day(raw: str, field: str) -> datetime:
    moment = parse_moment(raw, field)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


since_option = click.option(
    "--since",
    metavar="DATE",
    callback=_parsed(parse_moment),
    help="Start of the window, included: 2026-10-01 (00:00 UTC).",
)
until_option = click.option(
    "--until",
    metavar="DATE",
    callback=_parsed(parse_moment),
    help="End of the window, excluded: 2026-11-01 (default: now).",
)


@click.command()
@since_option
@until_option
@click.option("--owner", shell_complete=complete_owner, help="Only deals owned by this login.")
@click.option("--mine", is_flag=True, help="Only your deals.")
@click.option(
    "--by",
    type=click.Choice(DIMENSIONS),
    help="Also one row per deal source (with its channel's spend) or per owner.",
)
@json_option
@pass_env
def metrics(
    env: Env,
    since: datetime | None,
    until: datetime | None,
    owner: str | None,
    mine: bool,
    by: Dimension | None,
    as_json: bool,
) -> None:
    """Both teams' numbers for a window: marketing, handoff, sales, budget and targets.

    The window is [--since, --until) in UTC; by default the last metrics_window_days (90)
    up to now. Monthly [targets] are pro-rated to the window. Every figure is defined in
    docs/metrics.md.

    \b
    Example:
      funnel metrics --since 2026-10-01 --until 2026-11-01 --json
      funnel metrics --since 2026-11-01 --by source
    """
    if owner and mine:
        raise click.UsageError("use --owner or --mine, not both")
    if by and (owner or mine):
        raise click.UsageError(f"--by {by} covers every owner's deals: drop --owner/--mine")
    who = env.user if mine else (clean_login(owner, "--owner") if owner else None)
    settings, now = env.settings, env.now()
    window = window_from(since, until, now=now, days=settings.metrics_window_days)
    snapshot = env.repo.snapshot()
    result = compute_metrics(
        snapshot.deals, snapshot.spend, settings=settings, window=window, now=now, owner=who
    )
    # Targets are the team's: one person's figures against them would mislead.
    progress = target_progress(result, settings.targets) if who is None else None
    rows = (
        metrics_by(by, snapshot.deals, snapshot.spend, settings=settings, window=window, now=now)
        if by
        else ()
    )
    if as_json:
        doc = metrics_to_json(result)
        doc["targets"] = None if progress is None else targets_to_json(progress)
        if by:
            doc[f"by_{by}"] = [group_to_json(row, by) for row in rows]
        print_json(doc)
        return
    text = [metrics_report(result, settings.pipeline)]
    if progress:
        text += ["", "Targets (per month, pro-rated to the window)"]
        text += targets_lines(progress, settings.currency)
    if by:
        text += ["", f"By {by}"]
        text += groups_lines(rows, by, settings.currency) if rows else ["  nothing in the window"]
    click.echo("\n".join(text))


@click.group()
def spend() -> None:
    """The spend ledger: what each team spent, for CPL, CAC and budget shares.

    \b
    Example:
      funnel spend add 1,500 --team marketing --channel webinar --on 2026-11-02
      funnel spend list --since 2026-10-01 --team marketing
    """


@spend.command("add")
@click.argument("amount", callback=_parsed(parse_money))
@click.option("--team", type=TEAMS, help="Whose budget it came from (required).")
@click.option(
    "--channel", default="", help="Where it went: webinar, ads, seo... (needed for marketing)."
)
@click.option(
    "--on",
    "on",
    metavar="DATE",
    callback=_parsed(_day),
    help="The day it counts for (default: today, UTC).",
)
@click.option("--note", default="", help="What it was for.")
@json_option
@pass_env
def spend_add(
    env: Env,
    amount: Decimal,
    team: str | None,
    channel: str,
    on: datetime | None,
    note: str,
    as_json: bool,
) -> None:
    """Record spend and print its id.

    \b
    Example:
      funnel spend add 2.5k --team marketing --channel ads --note "November search ads"
    """
    if team is None:  # checked here: click's own message for a missing choice spans lines
        raise click.UsageError("missing --team: marketing or sales")
    now = env.now()
    today = _day(iso(now), "now")
    day = on or today
    if day > today:
        raise InvalidInput(f"--on {iso(day)[:10]} is in the future")
    if team == Team.MARKETING and not channel.strip():
        raise InvalidInput("marketing spend needs --channel (webinar, ads, seo...)")

    def make(spend_id: int) -> Spend:
        return new_spend(
            spend_id=spend_id,
            amount=amount,
            team=team,
            on=day,
            by=env.user,
            now=now,
            channel=channel,
            note=note,
        )

    make(1)  # validate before taking the lock, so bad input never touches the store
    entry = env.repo.add_spend(make)
    if as_json:
        print_json(spend_to_json(entry))
    else:
        click.echo(entry.id)


@spend.command("list")
@click.option(
    "--since", metavar="DATE", callback=_parsed(_day), help="Entries on or after this day."
)
@click.option("--until", metavar="DATE", callback=_parsed(_day), help="Entries before this day.")
@click.option("--team", type=TEAMS, help="Only this team's spend.")
@click.option("--channel", help="Only this channel.")
@json_option
@pass_env
def spend_list(
    env: Env,
    since: datetime | None,
    until: datetime | None,
    team: str | None,
    channel: str | None,
    as_json: bool,
) -> None:
    """List spend entries by day, with totals per team.

    \b
    Example:
      funnel spend list --since 2026-10-01 --until 2026-11-01 --team marketing
    """
    if since is not None and until is not None:
        Window(since, until)  # refuses --since after --until
    wanted = channel.strip().lower() if channel is not None else None
    entries = [
        entry
        for entry in env.repo.spend()
        if (since is None or entry.on >= since)
        and (until is None or entry.on < until)
        and (team is None or entry.team == team)
        and (wanted is None or entry.channel == wanted)
    ]
    if as_json:
        print_json([spend_to_json(entry) for entry in entries])
    elif entries:
        click.echo(spend_table(entries, env.settings.currency))
    else:
        say(
            "No spend matches. Record some with: funnel spend add AMOUNT --team marketing"
            " --channel ads"
        )


@spend.command("rm")
@click.argument("spend_id", metavar="ID", type=click.IntRange(min=1))
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_env
def spend_rm(env: Env, spend_id: int, yes: bool) -> None:
    """Delete a spend entry.

    \b
    Example:
      funnel spend rm 3 --yes
    """
    entry = next((e for e in env.repo.spend() if e.id == spend_id), None)
    if entry is None:
        raise NotFound(f"spend entry {spend_id} not found (see funnel spend list)")
    if not yes:
        if not sys.stdin.isatty():
            raise CommandError("not deleting without --yes when input is not a terminal", 2)
        click.confirm(
            f"Delete spend {entry.id} ({_describe(entry, env.settings.currency)})?",
            abort=True,
            err=True,
        )
    env.repo.remove_spend(spend_id)
    say(f"Spend {spend_id} deleted.")


def _describe(entry: Spend, currency: str) -> str:
    where = f" {printable(entry.channel)}" if entry.channel else ""
    amount = money_display(entry.amount, currency)
    return f"{amount} {entry.team.value}{where} on {iso(entry.on)[:10]}"


def spend_table(entries: list[Spend], currency: str) -> str:
    """One line per entry, columns aligned, then the total of each team."""
    rows = [("ID", "DAY", "TEAM", "CHANNEL", "AMOUNT", "BY", "NOTE")]
    for entry in entries:
        note = printable(entry.note)
        rows.append(
            (
                str(entry.id),
                iso(entry.on)[:10],
                entry.team.value,
                printable(entry.channel),
                money_display(entry.amount, currency),
                entry.by,
                note if len(note) <= 40 else note[:39] + "…",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    right = {0, 4}
    lines = [
        "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]
    lines[0] = click.style(lines[0], bold=True)
    totals = {team: sum((e.amount for e in entries if e.team is team), Decimal(0)) for team in Team}
    lines.append(
        "Total: "
        + ", ".join(
            f"{team.value} {money_display(total, currency)}" for team, total in totals.items()
        )
    )
    return "\n".join(lines)


COMMANDS = [metrics, spend]
