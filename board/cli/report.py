"""``funnel report``: the one page for the weekly alignment meeting, as Markdown or HTML."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from board.cli.context import Env, pass_env, say
from board.cli.metrics import since_option, until_option
from board.metrics import window_from
from board.text import printable

WEEK_DAYS = 7
FORMATS = {".md": "Markdown", ".markdown": "Markdown", ".html": "HTML", ".htm": "HTML"}


@click.command()
@since_option
@until_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write: .md for Markdown, .html for a self-contained page.",
)
@pass_env
def report(env: Env, since: datetime | None, until: datetime | None, output: Path) -> None:
    """Write the weekly alignment page: targets, funnel, handoff, sources, overrides, waits.

    The window is the last 7 days up to now unless --since/--until say otherwise (as in
    funnel metrics). The HTML page has its charts inline and runs no script: it opens
    offline and prints.

    \b
    Example:
      funnel report -o alignment.html
      funnel report --since 2026-11-01 --until 2026-12-01 -o november.md
    """
    kind = FORMATS.get(output.suffix.lower())
    if kind is None:
        raise click.BadParameter(
            f"{printable(output.name)!r} ends in neither .md nor .html",
            param_hint="'-o' / '--output'",
        )
    settings, now = env.settings, env.now()
    window = window_from(since, until, now=now, days=WEEK_DAYS)
    snapshot = env.repo.snapshot()

    from board.alignment import alignment_report

    page = alignment_report(
        snapshot.deals, snapshot.spend, settings=settings, window=window, now=now
    )
    if kind == "HTML":
        from board.report_html import report_html

        text = report_html(page, settings.pipeline)
    else:
        from board.report_markdown import report_markdown

        text = report_markdown(page, settings.pipeline)
    from storage.atomic import write_atomic  # crash-safe replace, shared with the store

    write_atomic(output, text.encode())
    say(f"Wrote the alignment report ({kind}) to {printable(str(output))}.")


COMMANDS = [report]
