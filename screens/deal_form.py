"""Add or edit a deal in a modal form; errors appear under the field they concern."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from board import journey
from board.deal import Deal, DealDraft
from board.edit_merge import MergedEdit
from board.errors import FunnelError, InvalidInput
from board.money import money_text, parse_money
from board.settings import Settings
from board.text import printable, strip_controls
from screens.deal_card import fit
from screens.field_error import FieldError
from screens.key_bar import KeyBar

_FIELDS = ("title", "company", "contact", "value", "owner", "source", "tags")
_LABELS = {
    "title": "Title",
    "company": "Company",
    "contact": "Contact",
    "value": "Value",
    "owner": "Owner",
    "source": "Source",
    "tags": "Tags",
    "notes": "Notes",
    "stage": "Stage",
}
_HINTS = {
    "title": "what is being sold, e.g. Acme renewal",
    "value": "12500, 12,500.50 or 12.5k",
    "tags": "comma separated",
    "source": "webinar, seo, referral…",
}


def _as_text(value: object) -> str:
    """A field's value as the form shows it."""
    if isinstance(value, Decimal):
        return money_text(value)
    if isinstance(value, tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def error_field(message: str) -> str:
    """Which form field a validation message is about (its first word names it)."""
    first = message.split(" ", 1)[0].strip("'\"").lower()
    if first in {"tag", "tags"}:
        return "tags"
    if first == "unknown":
        return "stage"
    return first if first in _LABELS else "title"


class DealForm(ModalScreen[DealDraft | None]):
    """The add form (``deal`` is None) or the edit form for ``deal``; escape returns None."""

    CSS_PATH = "deal_form.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("tab", "app.focus_next", "Next field"),
        Binding("shift+tab", "app.focus_previous", "Previous field"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        settings: Settings,
        user: str,
        clock: Callable[[], datetime],
        deal: Deal | None = None,
        *,
        stage: str | None = None,
        blink: bool = True,
        merged: MergedEdit | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.user = user
        self.clock = clock
        self.deal = deal
        self.merged = merged
        """After a conflict: the person's changes carried onto the fresh ``deal``, and clashes."""
        self.stage = stage or settings.pipeline.first.key
        self.blink = blink
        self._tried = False
        self._wrong = "title"

    def compose(self) -> ComposeResult:
        deal = self.deal
        values = {
            "title": deal.title if deal else "",
            "company": deal.company if deal else "",
            "contact": deal.contact if deal else "",
            "value": money_text(deal.value) if deal else "",
            "owner": deal.owner if deal else self.user,
            "source": deal.source if deal else "",
            "tags": ", ".join(deal.tags) if deal else "",
        }
        notes_text = deal.notes if deal else ""
        heading = f"Edit deal {deal.id}" if deal else "Add a deal"
        if self.merged is not None and deal is not None:
            carried = self.merged.carried
            for name in _FIELDS:
                typed = getattr(carried, name)
                if typed is not None:
                    values[name] = _as_text(typed)
            notes_text = carried.notes if carried.notes is not None else notes_text
            heading = (
                f"Edit deal {deal.id}: {printable(deal.updated_by)} changed it meanwhile;"
                " your changes are kept below"
            )
        with Vertical(id="deal-form"):
            yield Static(heading, classes="dialog-title", markup=False)
            with VerticalScroll(id="fields"):
                for name in _FIELDS:
                    yield from self._row(name, values[name])
                    if name == "value" and deal is None:
                        yield from self._stage_row()
                with Horizontal(classes="row"):
                    yield Label(_LABELS["notes"], classes="field-label")
                    notes = TextArea(
                        notes_text,
                        id="notes",
                        compact=True,
                        soft_wrap=True,
                        show_line_numbers=False,
                    )
                    notes.cursor_blink = self.blink
                    yield notes
                yield FieldError(id="notes-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (ctrl+s)", variant="primary", id="save")
                yield Button("Cancel (esc)", id="cancel")
        yield KeyBar(pinned=("ctrl+s", "escape"))

    def _row(self, name: str, value: str) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(_LABELS[name], classes="field-label")
            field = Input(
                value, placeholder=_HINTS.get(name, ""), id=name, compact=True, max_length=10_000
            )
            field.cursor_blink = self.blink
            yield field
        yield FieldError(id=f"{name}-error")

    def _stage_row(self) -> ComposeResult:
        options = [(stage.label, stage.key) for stage in self.settings.pipeline.stages]
        with Horizontal(classes="row"):
            yield Label(_LABELS["stage"], classes="field-label")
            yield Select(options, value=self.stage, allow_blank=False, id="stage", compact=True)
        yield FieldError(id="stage-error")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()
        if self.merged is not None and self.deal is not None:
            who = printable(self.deal.updated_by)
            for clash in self.merged.clashes:
                self.query_one(f"#{clash.field}-error", FieldError).show(
                    f"{who} changed this meanwhile (kept); you had typed"
                    f" “{fit(printable(_as_text(clash.mine)), 40)}”"
                )

    def _text(self, name: str) -> str:
        return strip_controls(self.query_one(f"#{name}", Input).value)

    def draft(self) -> DealDraft:
        """What is typed, checked by the journey's rules; raises `FunnelError` if wrong."""
        raw_value = self._text("value").strip()
        value = parse_money(raw_value) if raw_value else Decimal("0.00")
        stage = self.deal.stage if self.deal else str(self.query_one("#stage", Select).value)
        tags = tuple(tag.strip() for tag in self._text("tags").split(",") if tag.strip())
        draft = DealDraft(
            title=self._text("title"),
            company=self._text("company"),
            contact=self._text("contact"),
            value=value,
            stage=stage,
            owner=self._text("owner").strip() or self.user,
            source=self._text("source"),
            tags=tags,
            notes=strip_controls(self.query_one("#notes", TextArea).text, keep_newlines=True),
        )
        if draft.stage == self.settings.pipeline.customer.key and not value:
            # Added as a customer, a deal is won at once: at $0 it would skew the win rate,
            # the deal size and the revenue.
            raise InvalidInput(
                f"value is needed: a deal added to {self.settings.pipeline.customer.label}"
                " is won at once"
            )
        journey.new_deal(
            draft,
            deal_id=1,
            pipeline=self.settings.pipeline,
            by=self.user,
            now=self.clock(),
            currency=self.settings.currency,
        )
        return draft

    def _check(self) -> DealDraft | None:
        for error in self.query(FieldError):
            error.show("")
        try:
            return self.draft()
        except FunnelError as exc:
            message = str(exc)
            self.query_one(f"#{error_field(message)}-error", FieldError).show(message)
            self._wrong = error_field(message)
            return None

    def on_input_changed(self) -> None:
        """Once a save was tried, errors follow the typing."""
        if self._tried:
            self._check()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in any field saves."""
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save or cancel."""
        event.stop()
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        """Validate and return the draft, or show what is wrong where it is wrong."""
        self._tried = True
        draft = self._check()
        if draft is not None:
            self.dismiss(draft)
        else:
            self.query_one(f"#{self._wrong}").focus()  # straight to what needs fixing

    def action_cancel(self) -> None:
        """Escape: nothing is saved."""
        self.dismiss(None)
