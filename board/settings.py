"""Team settings from a TOML file: stages, currency, handoff SLA, lock timeout, metrics window,
the qualification criteria and the monthly targets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from board.errors import ConfigError, InvalidInput
from board.qualification import NO_RULES, QualificationRules, rules_from_config
from board.stages import DEFAULT_PIPELINE, Pipeline, pipeline_from_config
from board.targets import targets_from_config
from board.text import control_in, printable

CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "SEK", "NOK", "DKK", "INR")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a team can configure; defaults suit a small B2B team."""

    pipeline: Pipeline = DEFAULT_PIPELINE
    currency: str = "USD"
    handoff_sla_hours: int = 24
    lock_timeout: float = 5.0
    metrics_window_days: int = 90
    theme: str = "textual-dark"
    backups_keep: int = 10
    backups_daily_days: int = 14
    qualification: QualificationRules = NO_RULES
    targets: Mapping[str, Decimal] = field(default_factory=dict)
    """Monthly targets by name (``mqls``, ``sqls``, ``revenue``...); none by default."""
    reject_reasons: tuple[str, ...] = ()
    """The rejection reasons the team agreed on, offered first when sales rejects a handoff."""
    source: Path | None = field(default=None, compare=False)
    """The file these settings came from, if any."""


def load_settings(path: Path | None) -> Settings:
    """Read settings from a TOML file; a missing file means the defaults."""
    if path is None or not path.exists():
        return Settings()
    import tomllib  # most reps have no config file: do not make every command pay for it

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested thousands of levels deep; not a settings file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    return settings_from_mapping(data, path)


def settings_from_mapping(data: Mapping[str, Any], path: Path | None = None) -> Settings:
    """Validate a parsed config; errors name the file and the key."""
    where = f"{path}: " if path else ""
    _refuse_controls(data, "", where)
    known = {
        "stages",
        "currency",
        "handoff_sla_hours",
        "lock_timeout",
        "metrics_window_days",
        "theme",
        "backups",
        "qualification",
        "targets",
        "reject_reasons",
    }
    for key in data:
        if key not in known:
            raise ConfigError(f"{where}{key}: unknown setting (known: {', '.join(sorted(known))})")
    try:
        pipeline = pipeline_from_config(data["stages"]) if "stages" in data else DEFAULT_PIPELINE
    except ConfigError as exc:
        raise ConfigError(f"{where}{exc}") from None
    currency = data.get("currency", "USD")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isalpha():
        raise ConfigError(f"{where}currency: must be a 3-letter code such as USD, got {currency!r}")
    backups = data.get("backups", {})
    if not isinstance(backups, Mapping):
        raise ConfigError(f"{where}backups: must be a table")
    return Settings(
        pipeline=pipeline,
        currency=currency.upper(),
        handoff_sla_hours=_whole(data, "handoff_sla_hours", 24, 1, 24 * 90, where),
        lock_timeout=_number(data, "lock_timeout", 5.0, 0.1, 600, where),
        metrics_window_days=_whole(data, "metrics_window_days", 90, 1, 3650, where),
        theme=_text(data, "theme", "textual-dark", where),
        backups_keep=_whole(backups, "keep", 10, 1, 1000, f"{where}backups."),
        backups_daily_days=_whole(backups, "daily_days", 14, 0, 3650, f"{where}backups."),
        qualification=rules_from_config(data.get("qualification", {}), where),
        targets=targets_from_config(data.get("targets", {}), where),
        reject_reasons=_reasons(data.get("reject_reasons", []), where),
        source=path,
    )


def _refuse_controls(value: object, at: str, where: str) -> None:
    """Every key and text of the file, refused if it holds a control or bidi character.

    Anyone in the team can edit funnel.toml; its labels and questions reach every colleague's
    terminal, where an escape sequence could rewrite the screen or the clipboard.
    """
    if isinstance(value, str):
        bad = control_in(value)
        if bad:
            raise ConfigError(f"{where}{at}: contains a control character ({bad}); remove it")
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            name = f"{at}.{key}" if at else str(key)
            bad = control_in(str(key))
            if bad:
                raise ConfigError(
                    f"{where}{printable(name)}: a key with a control character ({bad}); remove it"
                )
            _refuse_controls(inner, name, where)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _refuse_controls(inner, f"{at}[{i}]", where)


def _whole(data: Mapping[str, Any], key: str, default: int, low: int, high: int, where: str) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(
            f"{where}{key}: must be a whole number from {low} to {high}, got {value!r}"
        )
    return value


def _number(
    data: Mapping[str, Any], key: str, default: float, low: float, high: float, where: str
) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(f"{where}{key}: must be a number from {low} to {high}, got {value!r}")
    return float(value)


def _text(data: Mapping[str, Any], key: str, default: str, where: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}{key}: must be text, got {value!r}")
    return value


def _reasons(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(r, str) and r.strip() for r in raw):
        raise ConfigError(f"{where}reject_reasons: must be a list of reasons (text), got {raw!r}")
    from board.text import clean_line

    try:
        return tuple(dict.fromkeys(clean_line(r, "reject_reasons", max_len=80) for r in raw))
    except InvalidInput as exc:
        raise ConfigError(f"{where}{exc}") from None
