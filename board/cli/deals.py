"""Deal commands: add, list, show, move, the handoff and its answer, won/lost, edit, rm, log."""

from __future__ import annotations

import sys
from datetime import datetime
from decimal import Decimal

import click

from board import journey, qualifying
from board.cli.completion import (
    complete_criterion,
    complete_deal_id,
    complete_owner,
    complete_stage,
)
from board.cli.context import CommandError, Env, at_option, json_option, pass_env, print_json, say
from board.cli.present import deal_detail, deal_table, event_line, stage_label
from board.codec import deal_to_json, event_to_json
from board.deal import Deal, DealChanges, DealDraft, Status
from board.deal_search import matches_words
from board.money import parse_money
from board.qualification import qualification_of


def _money(ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    if value is None:
        return None
    try:
        return parse_money(value, "amount")
    except Exception as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


value_option = click.option(
    "--value", metavar="AMOUNT", callback=_money, help="Amount: 12500, 12,500.50 or 12.5k."
)
id_argument = click.argument(
    "deal_id", metavar="ID", type=click.IntRange(min=1), shell_complete=complete_deal_id
)


override_option = click.option(
    "--override",
    is_flag=True,
    help="Hand off a deal that misses qualification criteria (needs --reason).",
)


def _note_override(deal: Deal, override: bool) -> None:
    """Say so when --override was not needed: nothing is counted as an override then."""
    last = deal.last_event
    if override and last is not None and not last.data.get("override"):
        say(f"Deal {deal.id} meets the qualification criteria: no override recorded.")


def _report(env: Env, deal: Deal, as_json: bool, message: str) -> None:
    if as_json:
        print_json(deal_to_json(deal, rules=env.settings.qualification))
    else:
        say(message)


@click.command()
@click.argument("title")
@click.option("--company", default="", help="The prospect's company.")
@click.option("--contact", default="", help="The person to talk to.")
@value_option
@click.option(
    "--stage",
    shell_complete=complete_stage,
    help="Stage key (default: the first stage). A sales stage makes it sales-sourced.",
)
@click.option("--owner", shell_complete=complete_owner, help="Login of the owner (default: you).")
@click.option("--source", default="", help="Channel it came from: webinar, seo, ads, referral...")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat for more.")
@click.option("--note", default="", help="Notes.")
@at_option
@json_option
@pass_env
def add(
    env: Env,
    title: str,
    company: str,
    contact: str,
    value: Decimal | None,
    stage: str | None,
    owner: str | None,
    source: str,
    tags: tuple[str, ...],
    note: str,
    at: datetime | None,
    as_json: bool,
) -> None:
    """Add a deal and print its id.

    \b
    Example:
      funnel add "Acme renewal" --company Acme --value 12.5k --source webinar --tag q4
    """
    settings, now = env.settings, env.now()
    draft = DealDraft(
        title=title,
        company=company,
        contact=contact,
        value=value or Decimal("0.00"),
        stage=stage,
        owner=owner,
        source=source,
        tags=tags,
        notes=note,
    )
    # Validate before taking the lock, so bad input never touches the store.
    journey.new_deal(
        draft,
        deal_id=1,
        pipeline=settings.pipeline,
        by=env.user,
        now=now,
        currency=settings.currency,
        at=at,
    )
    deal = env.repo.add(
        lambda new_id: journey.new_deal(
            draft,
            deal_id=new_id,
            pipeline=settings.pipeline,
            by=env.user,
            now=now,
            currency=settings.currency,
            at=at,
        )
    )
    if as_json:
        print_json(deal_to_json(deal, rules=settings.qualification))
    else:
        click.echo(deal.id)


@click.command("list")
@click.option("--stage", shell_complete=complete_stage, help="Only this stage.")
@click.option("--owner", shell_complete=complete_owner, help="Only deals owned by this login.")
@click.option("--mine", is_flag=True, help="Only your deals.")
@click.option(
    "--search",
    default="",
    help="Only deals whose title, company, owner, source or tags hold every word (as / does).",
)
@click.option(
    "--status",
    type=click.Choice(["open", "won", "lost", "all"]),
    default="open",
    show_default=True,
    help="Which deals.",
)
@json_option
@pass_env
def list_deals(
    env: Env,
    stage: str | None,
    owner: str | None,
    mine: bool,
    search: str,
    status: str,
    as_json: bool,
) -> None:
    """List deals, ordered by stage then id.

    \b
    Example:
      funnel list --mine --status all --json
      funnel list --search "acme renewal" --status all
    """
    if owner and mine:
        raise click.UsageError("use --owner or --mine, not both")
    if stage is not None:
        stage = journey.check_stage(env.settings.pipeline, stage)
    deals = env.repo.query(
        status=None if status == "all" else Status(status),
        stage=stage,
        owner=env.user if mine else owner,
    )
    if search.strip():
        deals = [deal for deal in deals if matches_words(deal, search)]
    order = {key: i for i, key in enumerate(env.settings.pipeline.keys)}
    deals.sort(key=lambda d: (order.get(d.stage, len(order)), d.id))
    if as_json:
        rules = env.settings.qualification
        print_json([deal_to_json(deal, history=False, rules=rules) for deal in deals])
    elif deals:
        click.echo(deal_table(deals, env.settings, env.now()))
    else:
        say('No deals match. Add one with: funnel add "Title"')


@click.command()
@id_argument
@json_option
@pass_env
def show(env: Env, deal_id: int, as_json: bool) -> None:
    """Show every field of a deal and its history.

    \b
    Example:
      funnel show 12
    """
    deal = env.repo.get(deal_id)
    if as_json:
        print_json(deal_to_json(deal, rules=env.settings.qualification))
    else:
        click.echo(deal_detail(deal, env.settings, env.now()))


@click.command()
@id_argument
@click.argument("stage", shell_complete=complete_stage)
@click.option("--note", default="", help="A note (kept with a handoff).")
@click.option(
    "--reason",
    default="",
    help="Why, when moving a deal back from sales to marketing, or with --override.",
)
@override_option
@at_option
@json_option
@pass_env
def move(
    env: Env,
    deal_id: int,
    stage: str,
    note: str,
    reason: str,
    override: bool,
    at: datetime | None,
    as_json: bool,
) -> None:
    """Move a deal to a stage (marketing → sales is the handoff).

    \b
    Example:
      funnel move 12 consideration
    """
    settings, now = env.settings, env.now()
    pipeline = settings.pipeline
    target = journey.check_stage(pipeline, stage)
    if override and not reason.strip():
        raise click.UsageError("--override needs --reason TEXT: why it goes to sales anyway")
    deal = env.repo.change(
        deal_id,
        lambda d: journey.move(
            d,
            target,
            pipeline=pipeline,
            by=env.user,
            now=now,
            at=at,
            note=note,
            reason=reason,
            rules=settings.qualification,
            override=override,
        ),
    )
    _note_override(deal, override)
    _report(env, deal, as_json, f"Deal {deal.id} is now in {stage_label(pipeline, deal.stage)}.")


@click.command()
@id_argument
@click.option("--note", default="", help="What sales should know.")
@override_option
@click.option("--reason", default="", help="Why it goes to sales anyway (with --override).")
@at_option
@json_option
@pass_env
def handoff(
    env: Env,
    deal_id: int,
    note: str,
    override: bool,
    reason: str,
    at: datetime | None,
    as_json: bool,
) -> None:
    """Hand a marketing-qualified deal to sales; it waits for sales to accept.

    With [qualification] criteria in the settings, a deal that meets fewer than the
    required number is refused (exit 1, naming the missing ones) unless --override
    --reason says why it goes anyway; the override is kept in the deal's history.

    \b
    Example:
      funnel handoff 12 --note "budget confirmed, wants a demo"
      funnel handoff 14 --override --reason "CFO asked for a call this week"
    """
    settings, now = env.settings, env.now()
    pipeline = settings.pipeline
    if override != bool(reason.strip()):
        raise click.UsageError(
            "--override needs --reason TEXT: why it goes to sales anyway"
            if override
            else "--reason goes with --override (a note for sales is --note)"
        )
    deal = env.repo.change(
        deal_id,
        lambda d: journey.handoff(
            d,
            pipeline=pipeline,
            by=env.user,
            now=now,
            at=at,
            note=note,
            rules=settings.qualification,
            override=reason if override else "",
        ),
    )
    _note_override(deal, override)
    _report(
        env,
        deal,
        as_json,
        f"Deal {deal.id} handed off to sales ({stage_label(pipeline, deal.stage)}).",
    )


@click.command()
@id_argument
@click.argument(
    "criteria",
    metavar="CRITERION...",
    nargs=-1,
    required=True,
    shell_complete=complete_criterion,
)
@click.option("--unset", is_flag=True, help="The deal no longer meets these criteria.")
@at_option
@json_option
@pass_env
def qualify(
    env: Env,
    deal_id: int,
    criteria: tuple[str, ...],
    unset: bool,
    at: datetime | None,
    as_json: bool,
) -> None:
    """Record which agreed qualification criteria a deal meets (see [qualification]).

    \b
    Example:
      funnel qualify 12 budget authority
      funnel qualify 12 timeline --unset
    """
    rules, now = env.settings.qualification, env.now()
    rules.check(criteria)  # a mistyped criterion is refused before the store is opened
    deal = env.repo.change(
        deal_id,
        lambda d: qualifying.qualify(
            d, criteria, rules=rules, by=env.user, now=now, at=at, unset=unset
        ),
    )
    state = qualification_of(deal, rules)
    verdict = "qualified" if state.qualified else f"needs {rules.required} to hand off"
    _report(
        env,
        deal,
        as_json,
        f"Deal {deal.id}: {len(state.met)} of {len(rules.criteria)} criteria met"
        f" (score {state.score}, {verdict}).",
    )


@click.command()
@id_argument
@at_option
@json_option
@pass_env
def accept(env: Env, deal_id: int, at: datetime | None, as_json: bool) -> None:
    """Accept a handed-off deal for sales (it becomes an SQL).

    \b
    Example:
      funnel accept 12
    """
    now = env.now()
    deal = env.repo.change(deal_id, lambda d: journey.accept(d, by=env.user, now=now, at=at))
    _report(env, deal, as_json, f"Deal {deal.id} accepted.")


@click.command()
@id_argument
@click.option("--reason", required=True, help="Why sales sends it back.")
@at_option
@json_option
@pass_env
def reject(env: Env, deal_id: int, reason: str, at: datetime | None, as_json: bool) -> None:
    """Send a handed-off deal back to marketing, saying why.

    \b
    Example:
      funnel reject 12 --reason "no budget this year"
    """
    pipeline, now = env.settings.pipeline, env.now()
    deal = env.repo.change(
        deal_id,
        lambda d: journey.reject(d, pipeline=pipeline, by=env.user, now=now, at=at, reason=reason),
    )
    _report(env, deal, as_json, f"Deal {deal.id} sent back to {pipeline.mql.label}.")


@click.command()
@id_argument
@value_option
@at_option
@json_option
@pass_env
def won(env: Env, deal_id: int, value: Decimal | None, at: datetime | None, as_json: bool) -> None:
    """Close a deal as won (it moves to the customer stage).

    \b
    Example:
      funnel won 12 --value 14,000
    """
    pipeline, now = env.settings.pipeline, env.now()
    deal = env.repo.change(
        deal_id,
        lambda d: journey.win(d, pipeline=pipeline, by=env.user, now=now, at=at, value=value),
    )
    _report(env, deal, as_json, f"Deal {deal.id} won.")


@click.command()
@id_argument
@click.option("--reason", required=True, help="Why it was lost.")
@at_option
@json_option
@pass_env
def lost(env: Env, deal_id: int, reason: str, at: datetime | None, as_json: bool) -> None:
    """Close a deal as lost, saying why.

    \b
    Example:
      funnel lost 12 --reason "went with a competitor"
    """
    now = env.now()
    deal = env.repo.change(
        deal_id, lambda d: journey.lose(d, by=env.user, now=now, at=at, reason=reason)
    )
    _report(env, deal, as_json, f"Deal {deal.id} lost.")


@click.command()
@id_argument
@json_option
@pass_env
def reopen(env: Env, deal_id: int, as_json: bool) -> None:
    """Bring a won or lost deal back to its last open stage.

    \b
    Example:
      funnel reopen 12
    """
    pipeline, now = env.settings.pipeline, env.now()
    deal = env.repo.change(
        deal_id, lambda d: journey.reopen(d, pipeline=pipeline, by=env.user, now=now)
    )
    _report(env, deal, as_json, f"Deal {deal.id} reopened in {stage_label(pipeline, deal.stage)}.")


@click.command()
@id_argument
@click.option("--title", help="New title.")
@click.option("--company", help="New company.")
@click.option("--contact", help="New contact.")
@value_option
@click.option("--owner", shell_complete=complete_owner, help="New owner (a login).")
@click.option("--source", help="New source channel.")
@click.option("--tag", "add_tags", multiple=True, help="Add a tag; repeat for more.")
@click.option("--untag", "remove_tags", multiple=True, help="Remove a tag; repeat for more.")
@click.option("--note", help="Replace the notes.")
@json_option
@pass_env
def edit(
    env: Env,
    deal_id: int,
    title: str | None,
    company: str | None,
    contact: str | None,
    value: Decimal | None,
    owner: str | None,
    source: str | None,
    add_tags: tuple[str, ...],
    remove_tags: tuple[str, ...],
    note: str | None,
    as_json: bool,
) -> None:
    """Change a deal's fields; only the options given change.

    \b
    Example:
      funnel edit 12 --value 15k --owner bob --tag priority
    """
    now = env.now()

    def apply(deal: Deal) -> Deal:
        tags = None
        if add_tags or remove_tags:
            removed = {t.strip().lower() for t in remove_tags}
            tags = tuple(t for t in (*deal.tags, *add_tags) if t.strip().lower() not in removed)
        changes = DealChanges(
            title=title,
            company=company,
            contact=contact,
            value=value,
            owner=owner,
            source=source,
            tags=tags,
            notes=note,
        )
        return journey.edit(deal, changes, by=env.user, now=now)

    deal = env.repo.change(deal_id, apply)
    _report(env, deal, as_json, f"Deal {deal.id} updated.")


@click.command()
@id_argument
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_env
def rm(env: Env, deal_id: int, yes: bool) -> None:
    """Delete a deal for good (its id is never reused).

    \b
    Example:
      funnel rm 12 --yes
    """
    deal = env.repo.get(deal_id)
    if not yes:
        if not sys.stdin.isatty():
            raise CommandError("not deleting without --yes when input is not a terminal", 2)
        from board.text import printable

        click.confirm(f"Delete deal {deal.id} ({printable(deal.title)})?", abort=True, err=True)
    env.repo.delete(deal_id, expected_version=deal.version)
    say(f"Deal {deal_id} deleted.")


@click.command()
@click.argument(
    "deal_id",
    metavar="[ID]",
    required=False,
    type=click.IntRange(min=1),
    shell_complete=complete_deal_id,
)
@click.option(
    "--limit",
    "-n",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="How many of the newest events.",
)
@json_option
@pass_env
def log(env: Env, deal_id: int | None, limit: int, as_json: bool) -> None:
    """Show who did what and when, for one deal or the whole board.

    \b
    Example:
      funnel log 12
    """
    if deal_id is not None:
        env.repo.get(deal_id)  # a clear "not found" rather than an empty log
    events = env.repo.history(deal_id)[-limit:]
    if as_json:
        print_json([{"deal": did, **event_to_json(event)} for did, event in events])
        return
    if not events:
        say("No history yet.")
    for did, event in events:
        click.echo(event_line(did, event, env.settings.pipeline))


COMMANDS = [
    add,
    list_deals,
    show,
    move,
    handoff,
    qualify,
    accept,
    reject,
    won,
    lost,
    reopen,
    edit,
    rm,
    log,
]
