"""Moving a team: ``funnel copy --to TARGET`` copies the whole store into an empty one."""

from __future__ import annotations

import click

from board.cli.context import Env, json_option, pass_env, print_json, say, store_target
from board.errors import FunnelError


@click.command()
@click.option(
    "--to",
    "to",
    metavar="PATH|URL",
    required=True,
    help="The empty store to copy into: a store file, or a postgresql:// URL.",
)
@json_option
@pass_env
def copy(env: Env, to: str, as_json: bool) -> None:
    """Copy the whole store (deals with their histories, spend, ids) into an empty store.

    The target may be of either kind: a file store or a PostgreSQL database, so a team moves
    from one to the other. Ids stay as they are, and so do the next ones; a target that was
    ever written is refused (a copy never merges). The source is only read.

    \b
    Example:
      funnel copy --to postgresql://db.example.com/funnel
      funnel --db postgresql://db.example.com/funnel copy --to ~/funnel/board.json
    """
    try:
        target = store_target(to)
    except FunnelError as err:
        raise click.BadParameter(
            str(err).removeprefix("--db / FUNNEL_DB: "), param_hint="'--to'"
        ) from None
    from storage import display_url
    from storage.copy import copy_store

    name = display_url(target) if isinstance(target, str) else str(target)
    if name == env.store_name:
        raise click.BadParameter("the target is the store itself", param_hint="'--to'")
    done = copy_store(env.repo, target, name=name, lock_timeout=env.settings.lock_timeout)
    if as_json:
        print_json(
            {
                "from": env.store_name,
                "to": name,
                "deals": done.deals,
                "spend_entries": done.spend,
                "next_deal_id": done.next_deal_id,
                "next_spend_id": done.next_spend_id,
            }
        )
    else:
        say(
            f"Copied {done.deals} deals and {done.spend} spend entries from {env.store_name}"
            f" to {name}."
        )


COMMANDS = [copy]
