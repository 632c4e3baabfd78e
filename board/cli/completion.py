"""Shell completion of stage keys, deal ids and owners (bash, zsh and fish via click)."""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem

from board.cli.context import Env, default_store_path
from board.errors import FunnelError


def _env(ctx: click.Context) -> Env:
    root = ctx.find_root()
    if isinstance(root.obj, Env):
        return root.obj
    db = root.params.get("db")
    return Env(db=db or default_store_path())


def complete_stage(ctx: click.Context, param: click.Parameter, incomplete: str
                   ) -> list[CompletionItem]:
    """Stage keys, with their labels as help."""
    try:
        stages = _env(ctx).settings.pipeline.stages
    except FunnelError:
        return []
    return [CompletionItem(s.key, help=s.label) for s in stages if s.key.startswith(incomplete)]


def complete_deal_id(ctx: click.Context, param: click.Parameter, incomplete: str
                     ) -> list[CompletionItem]:
    """Open deal ids, with their titles as help."""
    try:
        deals = _env(ctx).repo.query()
    except (FunnelError, OSError):
        return []
    return [CompletionItem(str(d.id), help=d.title[:60]) for d in deals
            if str(d.id).startswith(incomplete)]


def complete_owner(ctx: click.Context, param: click.Parameter, incomplete: str
                   ) -> list[CompletionItem]:
    """Owners of open deals."""
    try:
        owners = sorted({d.owner for d in _env(ctx).repo.query(status=None)})
    except (FunnelError, OSError):
        return []
    return [CompletionItem(o) for o in owners if o.startswith(incomplete)]
