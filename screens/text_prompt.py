"""A one-line question in a modal: the handoff note, the reason for sending a deal back."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from board.text import strip_controls
from screens.field_error import FieldError
from screens.key_bar import KeyBar


class TextPrompt(ModalScreen[str | None]):
    """Ask for a line of text; returns it (maybe empty when optional) or None on escape."""

    CSS_PATH = "dialog.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        question: str,
        *,
        required: bool = False,
        placeholder: str = "",
        blink: bool = True,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self.title_text = title
        self.question = question
        self.required = required
        self.placeholder = placeholder
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            # Wrapped, never cut: the question says whether the answer is optional.
            yield Static(self.question, markup=False, classes="dialog-question")
            entry = Input(placeholder=self.placeholder, id="answer", max_length=2000)
            entry.cursor_blink = self.blink
            yield entry
            yield FieldError(id="answer-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("OK (enter)", variant="primary", id="ok")
                yield Button("Cancel (esc)", id="cancel")
        yield KeyBar(pinned=("escape",), hints=[("enter", "OK")])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter answers."""
        event.stop()
        self._answer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """OK answers, Cancel cancels."""
        event.stop()
        if event.button.id == "ok":
            self._answer()
        else:
            self.dismiss(None)

    def _answer(self) -> None:
        text = strip_controls(self.query_one("#answer", Input).value).strip()
        if self.required and not text:
            self.query_one("#answer-error", FieldError).show("A reason is needed.")
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        """Escape: no answer."""
        self.dismiss(None)
