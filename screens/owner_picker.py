"""Show one owner's deals: pick from the owners on the board."""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from board.text import printable
from screens.key_bar import KeyBar

EVERYONE = ""
"""What the picker returns for "everyone's deals"."""


class OwnerPicker(ModalScreen[str | None]):
    """Returns an owner's login, `EVERYONE`, or None on escape."""

    CSS_PATH = "dialog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, counts: Counter[str], current: str | None) -> None:
        super().__init__(classes="dialog-screen")
        self.owners = sorted(counts, key=str.casefold)
        self.counts = counts
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Show the deals of", classes="dialog-title")
            options = [Option(Content("Everyone"), id="")]
            options.extend(
                Option(Content(f"{printable(owner)}  ({self.counts[owner]})"), id=owner)
                for owner in self.owners
            )
            yield OptionList(*options, id="owners")
        yield KeyBar(pinned=("escape",), hints=[("↑↓", "Choose"), ("enter", "Show their deals")])

    def on_mount(self) -> None:
        owners = self.query_one("#owners", OptionList)
        if self.current in self.owners:
            owners.highlighted = self.owners.index(self.current) + 1

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter picks the highlighted owner."""
        event.stop()
        self.dismiss(event.option.id or EVERYONE)

    def action_cancel(self) -> None:
        """Escape: keep the current choice."""
        self.dismiss(None)
