"""Which of the team's agreed criteria a deal meets: tick them, enter saves."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static

from board.qualification import QualificationRules
from screens.key_bar import KeyBar


class CriteriaList(SelectionList[str]):
    """The criteria as tick boxes; space ticks, enter saves the ticks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick", "Tick", show=False),
        Binding("enter", "screen.save", "Save", show=False),
    ]

    def action_tick(self) -> None:
        """Tick or untick the highlighted criterion, at once.

        SelectionList's own toggle goes through a message: a quick "space, enter" would
        save before the tick landed.
        """
        if self.highlighted is not None:
            self.toggle(self.get_option_at_index(self.highlighted).value)


class QualificationPicker(ModalScreen[frozenset[str] | None]):
    """Returns the criteria ticked, or None on escape."""

    CSS_PATH = "dialog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(self, title: str, rules: QualificationRules, met: frozenset[str]) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.rules = rules
        self.met = met

    def compose(self) -> ComposeResult:
        rules = self.rules
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield Static(
                Content(
                    f"{rules.required} of {len(rules.criteria)} needed to hand off."
                    " Space ticks, enter saves, escape cancels."
                ),
                classes="dialog-help",
            )
            yield CriteriaList(
                *((name, name, name in self.met) for name in rules.criteria), id="criteria"
            )
        yield KeyBar(pinned=("escape",), hints=[("space", "Tick"), ("enter", "Save")])

    def on_mount(self) -> None:
        """The cursor on the first criterion."""
        self.query_one(CriteriaList).highlighted = 0

    def action_save(self) -> None:
        """Enter: the ticked criteria are the ones the deal meets."""
        self.dismiss(frozenset(self.query_one(CriteriaList).selected))

    def action_cancel(self) -> None:
        """Escape: change nothing."""
        self.dismiss(None)
