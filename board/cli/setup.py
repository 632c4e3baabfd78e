"""Setting up: the stages in force, the config file, and a sample board."""

from __future__ import annotations

from decimal import Decimal

import click

from board.cli.context import CommandError, Env, json_option, pass_env, print_json, say
from board.codec import JSON
from board.demo import demo_deals
from board.money import money_text
from board.settings import Settings
from board.targets import MONEY_TARGETS
from board.text import printable


def settings_to_json(settings: Settings) -> JSON:
    """The settings in force, as `config show --json` prints them."""
    rules = settings.qualification
    return {
        "source": str(settings.source) if settings.source else None,
        "currency": settings.currency,
        "handoff_sla_hours": settings.handoff_sla_hours,
        "lock_timeout": settings.lock_timeout,
        "metrics_window_days": settings.metrics_window_days,
        "theme": settings.theme,
        "backups": {"keep": settings.backups_keep, "daily_days": settings.backups_daily_days},
        "reject_reasons": list(settings.reject_reasons),
        "qualification": {
            "criteria": list(rules.criteria),
            "required": rules.required,
            "weights": {name: rules.weight(name) for name in rules.criteria},
        },
        "targets": {
            name: money_text(value) if name in MONEY_TARGETS else int(value)
            for name, value in settings.targets.items()
        },
        "stages": [stage_to_json(settings, key) for key in settings.pipeline.keys],
    }


def _toml_list(items: list[str]) -> str:
    import orjson  # TOML strings and JSON strings agree on escapes for what settings allow

    return "[" + ", ".join(orjson.dumps(printable(i)).decode() for i in items) + "]"


def stage_to_json(settings: Settings, key: str) -> JSON:
    """One stage with its team, question, probability and rotting threshold."""
    stage = settings.pipeline.get(key)
    return {
        "key": stage.key,
        "label": stage.label,
        "team": stage.team.value,
        "question": stage.question,
        "lifecycle": stage.lifecycle,
        "probability": float(stage.probability),
        "rot_days": stage.rot_days,
    }


@click.command()
@json_option
@pass_env
def stages(env: Env, as_json: bool) -> None:
    """List the journey's stages, marketing first, with the handoff between them.

    \b
    Example:
      funnel stages --json
    """
    settings = env.settings
    if as_json:
        print_json([stage_to_json(settings, key) for key in settings.pipeline.keys])
        return
    pipeline = settings.pipeline
    for stage in pipeline.stages:
        click.echo(
            f"{stage.key:<16} {printable(stage.label):<16} {stage.team.value:<10} "
            f"{stage.probability:>5.0%}  rots after {stage.rot_days:>3} d  "
            f'"{printable(stage.question)}"'
        )
        if stage.key == pipeline.mql.key:
            click.echo("──── handoff: marketing → sales " + "─" * 40)


@click.group()
def config() -> None:
    """Where the settings live and what they are.

    \b
    Example:
      funnel config show
    """


@config.command("path")
@pass_env
def config_path(env: Env) -> None:
    """Print the config file in force (it may not exist yet).

    \b
    Example:
      funnel config path
    """
    click.echo(printable(str(env.config_path)))


@config.command("show")
@json_option
@pass_env
def config_show(env: Env, as_json: bool) -> None:
    """Print the settings in force (defaults where the file is silent).

    \b
    Example:
      funnel config show --json
    """
    data = settings_to_json(env.settings)
    if as_json:
        print_json(data)
        return
    source = data["source"] or f"defaults (no config file at {env.config_path})"
    click.echo(f"# {printable(str(source))}")
    for key in ("currency", "handoff_sla_hours", "lock_timeout", "metrics_window_days", "theme"):
        click.echo(printable(f"{key} = {data[key]!r}".replace("'", '"')))
    if data["reject_reasons"]:
        click.echo(f"reject_reasons = {_toml_list(data['reject_reasons'])}")
    click.echo(
        f"\n[backups]\nkeep = {data['backups']['keep']}\n"
        f"daily_days = {data['backups']['daily_days']}"
    )
    qualification = data["qualification"]
    if qualification["criteria"]:
        click.echo(
            f"\n[qualification]\ncriteria = {_toml_list(qualification['criteria'])}\n"
            f"required = {qualification['required']}"
        )
        weights = ", ".join(f"{k} = {v}" for k, v in qualification["weights"].items())
        click.echo(f"weights = {{ {weights} }}")
    if data["targets"]:
        click.echo("\n[targets]")
        for name, value in data["targets"].items():
            click.echo(f"{name} = {value}")
    for stage in data["stages"]:
        click.echo("\n[[stages]]")
        for name, value in stage.items():
            shown = f'"{value}"' if isinstance(value, str) else value
            click.echo(printable(f"{name} = {shown}"))


@click.command()
@click.option("--force", is_flag=True, help="Add the sample deals even if the store has deals.")
@click.option(
    "--count",
    type=click.IntRange(1, 100_000),
    default=80,
    show_default=True,
    help="How many deals.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Another seed, another board.")
@pass_env
def demo(env: Env, force: bool, count: int, seed: int) -> None:
    """Fill the store with a realistic sample team pipeline (six months of deals).

    \b
    Example:
      funnel demo
      funnel --db sample.json demo --count 500 --seed 3
    """
    settings, now = env.settings, env.now()
    if not force and env.repo.query(status=None):
        raise CommandError("the store already has deals; add --force to add samples anyway", 1)
    added = env.repo.add_many(
        lambda first: demo_deals(
            settings.pipeline,
            now,
            count=count,
            seed=seed,
            currency=settings.currency,
            first_id=first,
        )
    )
    won = [deal for deal in added if deal.won_at]
    say(
        f"Added {len(added)} sample deals ({len(won)} won, "
        f"{money_text(sum((d.value for d in won), Decimal(0)))} {settings.currency}) "
        f"to {env.db}."
    )


COMMANDS = [stages, config, demo]
