"""Bringing a pipeline in and out: ``funnel export`` and ``funnel import``."""

from __future__ import annotations

import functools
import gc
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, ParamSpec, TypeVar

import click

from board.cli.context import CommandError, Env, json_option, pass_env, print_json, say
from board.cli.present import deal_table
from board.codec import deal_to_json
from board.deal import Status
from board.text import counted, printable
from board.transfer.csv_import import import_csv
from board.transfer.dates import DateOrder
from board.transfer.export import to_csv, to_json, to_jsonl
from board.transfer.import_plan import ImportContext, ImportOptions, ImportPlan
from board.transfer.json_import import import_json

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")
FORMATS = ("csv", "json", "jsonl")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
PROGRESS_FROM = 2_000
"""Rows from which a terminal gets a progress bar."""
PREVIEW = 5


def _format_of(name: str | None, given: str | None) -> str | None:
    if given:
        return given
    return _EXTENSIONS.get(Path(name).suffix.lower()) if name and name != "-" else None


def _no_cycle_collection(command: Callable[P, R]) -> Callable[P, R]:
    """Python's cycle collector off while an import builds and writes its deals.

    The deals, their histories and their documents are hundreds of thousands of objects that
    all live until the write, and none is in a reference cycle (reference counting frees
    them): the collector would walk them again and again to free nothing, which was about
    half the time of a 100,000-row import.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return command(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return run


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="csv (for sheets), json or jsonl (lossless). Default: from -o, else csv.",
)
@click.option(
    "--status",
    type=click.Choice(["open", "won", "lost", "all"]),
    default="all",
    show_default=True,
    help="Which deals.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write to this file (replaced whole, atomically). Default: stdout.",
)
@click.option("--excel", is_flag=True, help="CSV with a byte-order mark, for Excel.")
@pass_env
def export(env: Env, fmt: str | None, status: str, output: str | None, excel: bool) -> None:
    """Write deals as CSV, JSON or JSON Lines; the same store gives the same bytes.

    JSON and JSON Lines hold every field and the history, and import back losslessly. CSV
    has one row per deal; cells a spreadsheet would run as formulas start with '.

    \b
    Example:
      funnel export --format json -o pipeline.json
      funnel export --status won --excel -o won.csv
    """
    fmt = _format_of(output, fmt) or "csv"
    if excel and fmt != "csv":
        raise click.UsageError("--excel applies to CSV only")
    deals = env.repo.query(status=None if status == "all" else Status(status))
    to_stdout = output is None or output == "-"
    if fmt == "csv":
        data = to_csv(deals, excel=excel, for_terminal=to_stdout)
    else:
        data = to_json(deals) if fmt == "json" else to_jsonl(deals)
    if output is None or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from storage.atomic import write_atomic  # crash-safe replace, shared with the store

    write_atomic(Path(output), data)
    say(f"Exported {counted(len(deals), 'deal')} to {printable(output)}.")


@click.command("import")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="Default: from the file's extension, else from its first character.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Read COLUMN as FIELD (or 'ignore' it); repeat for more.",
)
@click.option(
    "--stage-map",
    "stage_maps",
    multiple=True,
    metavar="THEIRS=STAGE",
    help="Put deals of their stage THEIRS in our STAGE (or won/lost); repeat.",
)
@click.option(
    "--owner-map",
    "owner_maps",
    multiple=True,
    metavar="NAME=LOGIN",
    help="Owner NAME becomes login LOGIN; repeat for more.",
)
@click.option(
    "--date-order",
    type=click.Choice([o.value for o in DateOrder]),
    help="Read slashed dates as day/month (dmy) or month/day (mdy).",
)
@click.option(
    "--keep-ids",
    is_flag=True,
    help="Keep the ids of Funnel's own JSON export (refused if they are taken).",
)
@json_option
@pass_env
@_no_cycle_collection
def import_deals(
    env: Env,
    file: BinaryIO,
    fmt: str | None,
    dry_run: bool,
    maps: tuple[str, ...],
    stage_maps: tuple[str, ...],
    owner_maps: tuple[str, ...],
    date_order: str | None,
    keep_ids: bool,
    as_json: bool,
) -> None:
    """Import deals from CSV (HubSpot, Pipedrive, a sheet), JSON or JSON Lines; '-' is stdin.

    Every row is checked first: bad rows are listed with their line and nothing is written
    (exit 2). Otherwise all deals are added in one write, their history rebuilt at the
    file's dates. See docs/import-export.md for the columns and stages recognised.

    \b
    Example:
      funnel import hubspot-deals.csv --dry-run
      funnel import deals.csv --map "Deal Size=value" --stage-map "Won it=customer"
    """
    name = getattr(file, "name", "-")
    data = file.read()
    fmt = _format_of(name, fmt) or _sniff(data)
    if keep_ids and fmt == "csv":
        raise click.UsageError("--keep-ids applies to Funnel's own JSON and JSON Lines exports")
    settings, now = env.settings, env.now()
    options = ImportOptions(
        maps=maps,
        stage_maps=stage_maps,
        owner_maps=owner_maps,
        date_order=DateOrder(date_order) if date_order else None,
        keep_ids=keep_ids,
    )
    context = ImportContext(
        settings.pipeline,
        env.user,
        now,
        currency=settings.currency,
        first_id=env.repo.meta().next_deal_id,
    )
    if fmt == "csv":
        plan = import_csv(data, options, context, progress=_progress)
    else:
        plan = import_json(data, options, context, lines=fmt == "jsonl", progress=_progress)
    if plan.errors:
        _refuse(plan, as_json)
    if dry_run:
        if keep_ids:
            plan.numbered_from(context.first_id)  # refused now rather than at the real import
        _show_dry_run(env, plan, as_json)
        return
    if not plan.deals:
        say("Nothing to import: the file has no deals.")
        if as_json:
            print_json(_summary(plan, dry_run=False))
        return
    added = env.repo.add_many(plan.numbered_from)
    if as_json:
        print_json({**_summary(plan, dry_run=False), "ids": [added[0].id, added[-1].id]})
    counts = ", ".join(f"{n} {status}" for status, n in plan.by_status().items())
    say(f"Imported {counted(len(added), 'deal')} (ids {added[0].id}–{added[-1].id}): {counts}.")


def _sniff(data: bytes) -> str:
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return {b"[": "json", b"{": "jsonl"}.get(start, "csv")


def _progress(items: Iterable[T], count: int) -> Iterable[T]:
    if count < PROGRESS_FROM or not sys.stderr.isatty():
        return items
    return _with_bar(items, count)


def _with_bar(items: Iterable[T], count: int) -> Iterator[T]:
    with click.progressbar(items, length=count, label="Checking rows", file=sys.stderr) as bar:
        yield from bar


def _summary(plan: ImportPlan, *, dry_run: bool) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "deals": len(plan.deals),
        "by_status": plan.by_status(),
        "by_stage": plan.by_stage(),
        "errors": [{"where": e.where, "message": e.message} for e in plan.errors],
    }


def _refuse(plan: ImportPlan, as_json: bool) -> None:
    for error in plan.errors:
        say(str(error))
    if as_json:
        print_json(_summary(plan, dry_run=False) | {"deals": 0})
    raise CommandError(
        f"{len(plan.errors)} of {plan.rows} rows cannot be imported; nothing was imported", 2
    )


def _show_dry_run(env: Env, plan: ImportPlan, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                **_summary(plan, dry_run=True),
                "notes": plan.notes,
                "preview": [deal_to_json(d) for d in plan.deals[:PREVIEW]],
            }
        )
        return
    statuses = ", ".join(f"{n} {status}" for status, n in plan.by_status().items())
    stages = ", ".join(f"{stage} {n}" for stage, n in plan.by_stage().items())
    click.echo(
        f"Would import {counted(len(plan.deals), 'deal')} ({statuses}); nothing was written."
    )
    if stages:
        click.echo(f"By stage: {printable(stages)}")
    for note in plan.notes:
        click.echo(f"  {printable(note)}")
    if plan.deals:
        click.echo(f"\nThe first {min(PREVIEW, len(plan.deals))} as they would be created:")
        click.echo(deal_table(plan.deals[:PREVIEW], env.settings, env.now()))


COMMANDS = [export, import_deals]
