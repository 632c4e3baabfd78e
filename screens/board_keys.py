"""The board's keys: what each does, and whether it applies to the selected deal now.

A key that does not apply is left off the key bar; pressed anyway, the board says why.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from board.deal import Deal
from board.qualification import QualificationRules
from board.stages import Pipeline

_MOVE = Binding.Group("Move")
_SELECTED = {"detail", "edit", "delete"}


BOARD_BINDINGS: list[BindingType] = [
    Binding("enter", "detail", "Detail", tooltip="Show every field and the history"),
    Binding("a", "add", "Add", tooltip="Add a deal"),
    Binding("e", "edit", "Edit", tooltip="Edit the selected deal"),
    Binding(
        "H,shift+left",
        "move(-1)",
        "Move deal back",
        group=_MOVE,
        tooltip="Move the deal one stage back (out of sales: a rejection)",
    ),
    Binding(
        "L,shift+right",
        "move(1)",
        "Move deal on",
        group=_MOVE,
        tooltip="Move the deal one stage on (into sales: the handoff)",
    ),
    Binding(
        "Q",
        "qualify",
        "Qualify",
        tooltip="Tick the agreed qualification criteria the deal meets",
    ),
    Binding("A", "accept", "Accept", tooltip="Accept the handoff: sales takes the deal"),
    Binding("W", "win", "Won", tooltip="Mark the deal won"),
    Binding("X", "lose", "Lost", tooltip="Mark the deal lost, saying why"),
    Binding("d", "delete", "Delete", tooltip="Delete the deal (asks first)"),
    Binding(
        "slash",
        "filter",
        "Filter",
        tooltip="Filter as you type: title, company, owner, source, tags",
    ),
    Binding("m", "mine", "Mine", tooltip="Show only my deals, or everyone's again"),
    Binding("o", "owner", "Owner", tooltip="Show one owner's deals"),
    Binding("escape", "clear", "Clear", tooltip="Clear the filter and the owner"),
    Binding("c", "closed", "Closed", tooltip="Find a won or lost deal and reopen it"),
    Binding("u", "undo", "Undo", tooltip="Undo my last change"),
    Binding("U", "redo", "Redo", tooltip="Redo what I undid"),
    Binding("r", "reload", "Reload", tooltip="Read the store again now"),
    Binding("s", "side_panel", "Panel", tooltip="Show or hide the side panel"),
    Binding("w", "window", "Window", tooltip="Cycle the metrics window: 30 d, 90 d, 1 y, all"),
    Binding("question_mark", "help", "Help", tooltip="Show every key"),
    Binding("q", "app.quit", "Quit", tooltip="Quit funnel"),
]
"""The board screen's keys, in the order the key bar and the help list them."""


def move_target(pipeline: Pipeline, stage: str, step: int) -> str | None:
    """The stage one step left or right, if any; from the unknown-stage lane (right of the
    board) a step left goes to the last open stage."""
    if stage not in pipeline:
        return pipeline.keys[-2] if step < 0 else None
    index = pipeline.index(stage) + step
    return pipeline.keys[index] if 0 <= index < len(pipeline.keys) else None


def deal_key_applies(
    action: str,
    parameters: tuple[object, ...],
    deal: Deal | None,
    pipeline: Pipeline,
    rules: QualificationRules,
) -> bool:
    """Whether a key about the selected deal (``deal``, maybe none) can do anything to it.

    ``rules`` are the team's qualification criteria: without any, Q has nothing to tick.
    """
    if action in _SELECTED:
        return deal is not None
    if action == "move":
        if deal is None or not deal.is_open or not isinstance(parameters[0], int):
            return False
        return move_target(pipeline, deal.stage, parameters[0]) is not None
    if action == "accept":
        return deal is not None and deal.awaiting_acceptance
    if action == "qualify":
        return deal is not None and deal.is_open and rules.gated
    if action == "win":
        return (
            deal is not None
            and deal.is_open
            and deal.stage in pipeline
            and pipeline.is_sales(deal.stage)
        )
    if action == "lose":
        return deal is not None and deal.is_open
    return True
