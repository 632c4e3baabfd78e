"""Why a deal was lost (or a handoff rejected): pick a common reason or type one."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from board.text import strip_controls
from screens.field_error import FieldError
from screens.key_bar import KeyBar

COMMON_REASONS = (
    "went with a competitor",
    "no budget",
    "no decision",
    "bad timing",
    "price too high",
    "lost contact",
    "not a fit",
)


class LostReasonPicker(ModalScreen[str | None]):
    """Returns the chosen or typed reason, or None on escape."""

    CSS_PATH = "dialog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", "Type another"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self, title: str, *, blink: bool = True, reasons: tuple[str, ...] = COMMON_REASONS
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.blink = blink
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            yield OptionList(*(Option(Content(reason)) for reason in self.reasons), id="reasons")
            other = Input(
                placeholder="or type another reason and press enter", id="other", max_length=2000
            )
            other.cursor_blink = self.blink
            yield other
            yield FieldError(id="other-error")
        yield KeyBar(pinned=("escape",), hints=[("↑↓", "Choose"), ("enter", "Pick")])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a common reason picks it."""
        event.stop()
        self.dismiss(self.reasons[event.option_index])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the text field picks the typed reason."""
        event.stop()
        text = strip_controls(event.value).strip()
        if not text:
            self.query_one("#other-error", FieldError).show("Type a reason or pick one above.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Escape: keep the deal open."""
        self.dismiss(None)
