"""JSON and JSON Lines in: Funnel's own export kept whole, other objects read like CSV rows.

An object with a ``history`` key is a deal in Funnel's shape (`board.codec`): it is kept
exactly, history and handoff included, and only renumbered (unless ``--keep-ids``). Any other
object (``funnel list --json`` output, another tool's JSON) is a row: its keys are recognised
as CSV headers are and its history is rebuilt by `replay`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from board.codec import deal_from_json
from board.deal import Deal
from board.errors import InvalidInput
from board.money import CENTS
from board.stages import Pipeline
from board.text import clean_line, clean_login, clean_notes, clean_tag
from board.transfer.build import build
from board.transfer.columns import ColumnPlan, plan_columns
from board.transfer.csv_import import DATE_FIELDS, decode
from board.transfer.dates import decide_order
from board.transfer.export import HANDOFF_COLUMNS
from board.transfer.import_plan import (
    ImportContext,
    ImportOptions,
    ImportPlan,
    Progress,
    RowError,
    build_deals,
    no_progress,
)
from board.transfer.owners import OwnerNames
from board.transfer.rows import RowReader, check_cells
from board.transfer.stage_match import StageMatcher

_HANDOFF_KEYS = {inner: column for column, inner in HANDOFF_COLUMNS.items()}


NESTED_TOO_DEEP = "not a file of deals: its JSON is nested thousands of levels deep"


@dataclass(frozen=True, slots=True)
class Item:
    """One object of the file and where it is (``line 3`` of JSONL, ``item 3`` of an array)."""

    where: str
    doc: Any


def read_items(data: bytes, *, lines: bool) -> tuple[list[Item], list[RowError]]:
    """The file's objects; a JSONL line that is not JSON is an error for that line."""
    text = decode(data)
    if not lines:
        try:
            docs = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"line {exc.lineno}: not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise InvalidInput(NESTED_TOO_DEEP) from None
        if not isinstance(docs, list):
            raise InvalidInput("expected a JSON array of deals (as 'funnel export' writes)")
        return [Item(f"item {n}", doc) for n, doc in enumerate(docs, 1)], []
    items, errors = [], []
    for n, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                items.append(Item(f"line {n}", json.loads(line)))
            except json.JSONDecodeError as exc:
                errors.append(RowError(f"line {n}", f"not valid JSON ({exc.msg})"))
            except RecursionError:
                errors.append(RowError(f"line {n}", NESTED_TOO_DEEP))
    return items, errors


def import_json(
    data: bytes,
    options: ImportOptions,
    context: ImportContext,
    *,
    lines: bool,
    progress: Progress[Item] = no_progress,
) -> ImportPlan:
    """Read a JSON array or JSON Lines file into an import plan."""
    items, errors = read_items(data, lines=lines)
    rows = {id(item): _flatten(item.doc) for item in items if not _is_funnel(item.doc)}
    plans: dict[tuple[str, ...], ColumnPlan | InvalidInput] = {}
    dates: dict[str, list[str]] = {}
    for row in rows.values():
        headers = tuple(row)
        if headers not in plans:
            try:
                plans[headers] = plan_columns(headers, options.maps)
            except InvalidInput as exc:
                plans[headers] = exc
        plan = plans[headers]
        if isinstance(plan, ColumnPlan):
            for name in DATE_FIELDS:
                if name in plan.fields:
                    dates.setdefault(headers[plan.fields[name]], []).append(
                        row[headers[plan.fields[name]]]
                    )
    order = options.date_order or decide_order(dates)
    reader = RowReader(
        context.pipeline,
        currency=context.currency,
        stages=StageMatcher(context.pipeline, options.stage_maps),
        owners=OwnerNames(context.by, options.owner_maps),
        date_order=order,
    )

    def make(item: Item, deal_id: int) -> Deal:
        if _is_funnel(item.doc):
            deal = funnel_deal(item.doc, context.pipeline)
            return deal if options.keep_ids else dataclasses.replace(deal, id=deal_id)
        if not isinstance(item.doc, Mapping):
            raise InvalidInput(f"expected a deal (a JSON object), got {type(item.doc).__name__}")
        if options.keep_ids:
            raise InvalidInput("--keep-ids: only deals exported by Funnel (with history) keep ids")
        row = rows[id(item)]
        headers, cells = tuple(row), list(row.values())
        plan = plans[headers]
        if isinstance(plan, InvalidInput):
            raise plan
        check_cells(headers, cells)
        fields = {name: cells[index] for name, index in plan.fields.items()}
        return build(
            reader.read(fields),
            deal_id=deal_id,
            pipeline=context.pipeline,
            by=context.by,
            now=context.now,
        )

    deals, bad = build_deals(items, make, lambda item: item.where, context.first_id, progress)
    if options.keep_ids:
        deals.sort(key=lambda d: d.id)
        bad += [
            RowError(f"id {after.id}", "appears twice; --keep-ids needs unique ids")
            for before, after in pairwise(deals)
            if before.id == after.id
        ]
    return ImportPlan(deals, errors + bad, keep_ids=options.keep_ids)


def _is_funnel(doc: Any) -> bool:
    return isinstance(doc, Mapping) and "history" in doc


def funnel_deal(doc: Mapping[str, Any], pipeline: Pipeline) -> Deal:
    """A deal in Funnel's shape, checked as strictly as one typed in: stage, text, logins."""
    _check_strings(doc)
    deal = deal_from_json(doc)
    if deal.stage not in pipeline:
        raise InvalidInput(
            f"stage {deal.stage!r} is not a stage of this board ({', '.join(pipeline.keys)})"
        )
    clean_line(deal.title, "title", required=True)
    for name in ("company", "contact"):
        clean_line(getattr(deal, name), name)
    clean_line(deal.source, "source", max_len=40)
    clean_login(deal.owner)
    for tag in deal.tags:
        clean_tag(tag)
    clean_notes(deal.notes)
    if len(deal.currency) != 3 or not deal.currency.isalpha():
        raise InvalidInput(f"currency {deal.currency!r} is not a 3-letter code such as USD")
    if deal.value != deal.value.quantize(CENTS):
        raise InvalidInput(f"value {deal.value} has more than two decimal places")
    return deal


def _check_strings(doc: Mapping[str, Any]) -> None:
    found: list[tuple[str, str]] = []
    _strings(doc, "", found)
    check_cells([path for path, _ in found], [text for _, text in found])


def _strings(value: Any, path: str, found: list[tuple[str, str]]) -> None:
    if isinstance(value, str):
        found.append((path, value))
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            where = f"{path}.{key}" if path else str(key)
            found.append((where, str(key)))
            _strings(inner, where, found)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            _strings(inner, f"{path}[{index}]", found)


def _flatten(doc: Any) -> dict[str, str]:
    if not isinstance(doc, Mapping):
        return {}  # refused by `make`
    row: dict[str, str] = {}
    for key, value in doc.items():
        if key == "handoff" and isinstance(value, Mapping):
            for inner, cell in value.items():
                row[_HANDOFF_KEYS.get(inner, f"handoff_{inner}")] = _cell(cell)
        else:
            row[str(key)] = _cell(value)
    return row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)
