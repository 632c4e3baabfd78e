"""A validation message under a form field, taking no room while there is none."""

from __future__ import annotations

from textual.widgets import Static


class FieldError(Static):
    """Shows one message (never markup) or hides itself."""

    DEFAULT_CSS = """
    FieldError {
        color: $text-error;
        height: auto;
        display: none;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False, classes="field-error")

    def show(self, message: str) -> None:
        """Show ``message``; an empty one hides the widget."""
        self.update(message)
        self.display = bool(message)
