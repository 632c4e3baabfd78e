"""Shell completion of stage keys, deal ids, owners and criteria (bash, zsh and fish via click)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
from click.shell_completion import CompletionItem

from board.cli.context import Env, config_path_for, default_store_path
from board.deal import Deal, Status
from board.errors import FunnelError
from board.settings import load_settings
from board.text import printable

LOCK_WAIT = 0.3
"""Seconds a TAB press waits for a store another process is writing, before offering nothing."""
_OPEN_ONLY = {"move", "handoff", "qualify", "accept", "reject", "won", "lost"}
_CLOSED_ONLY = {"reopen"}


def _env(ctx: click.Context) -> Env:
    root = ctx.find_root()
    if isinstance(root.obj, Env):
        return root.obj
    # Completion runs before the group's callback: build the wiring from the parsed --db,
    # expanding ~ as the callback does, and never wait long for a busy store.
    db = root.params.get("db")
    path = Path(db).expanduser() if db else default_store_path()
    settings = load_settings(config_path_for(path))
    return Env(db=path, _settings=dataclasses.replace(settings, lock_timeout=LOCK_WAIT))


def complete_stage(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Stage keys, with their labels as help."""
    try:
        stages = _env(ctx).settings.pipeline.stages
    except FunnelError:
        return []
    return [CompletionItem(s.key, help=s.label) for s in stages if s.key.startswith(incomplete)]


def complete_criterion(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """The team's qualification criteria not typed yet on the line."""
    try:
        criteria = _env(ctx).settings.qualification.criteria
    except FunnelError:
        return []
    typed = set(ctx.params.get("criteria") or ())
    return [CompletionItem(c) for c in criteria if c.startswith(incomplete) and c not in typed]


def complete_deal_id(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Deal ids with their titles: open deals to work on, closed ones to reopen, else all."""
    command = ctx.command.name or ""
    try:
        deals = _env(ctx).repo.query(status=Status.OPEN if command in _OPEN_ONLY else None)
    except (FunnelError, OSError):
        return []
    wanted: list[Deal] = [d for d in deals if not d.is_open] if command in _CLOSED_ONLY else deals
    return [
        CompletionItem(str(d.id), help=printable(d.title[:60]))
        for d in wanted
        if str(d.id).startswith(incomplete)
    ]


def complete_owner(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Owners of every deal, open or closed: what filters and reassignments choose from."""
    try:
        owners = sorted({d.owner for d in _env(ctx).repo.query(status=None)})
    except (FunnelError, OSError):
        return []
    return [CompletionItem(o) for o in owners if o.startswith(incomplete)]
