"""Every key of the board on one page, built from the bindings so it never goes stale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from screens.key_bar import KeyBar

HelpSection = tuple[str, Sequence[tuple[str, str]]]
"""A titled list of ``(keys, what they do)``."""

KEY_NAMES = {
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
    "shift+left": "shift+←",
    "shift+right": "shift+→",
    "slash": "/",
    "question_mark": "?",
    "escape": "esc",
    "pageup": "pgup",
    "pagedown": "pgdn",
}
"""How keys are written for people."""

DEAL_ACTIONS = {
    "closed",
    "detail",
    "add",
    "edit",
    "move(-1)",
    "move(1)",
    "qualify",
    "accept",
    "win",
    "lose",
    "delete",
    "undo",
    "redo",
}


def key_rows(bindings: Sequence[Binding], display: dict[str, str]) -> list[tuple[str, str]]:
    """``(keys, description)`` per action; keys of one action are joined with a slash."""
    by_action: dict[str, tuple[list[str], str]] = {}
    for binding in bindings:
        keys, _ = by_action.setdefault(binding.action, ([], binding.tooltip or binding.description))
        for key in binding.key.split(","):
            shown = display.get(key.strip(), key.strip())
            if shown not in keys:
                keys.append(shown)
    return [(" / ".join(keys), text) for keys, text in by_action.values()]


def board_help(navigation: Sequence[Binding], board: Sequence[Binding]) -> list[HelpSection]:
    """The board's keys in three sections: moving around, deals, the view."""
    moving = [b for b in navigation if not b.action.startswith("jump")]
    return [
        (
            "Move around",
            [
                *key_rows(moving, KEY_NAMES),
                ("1 … 9", "Jump to stage 1 to 9"),
                ("click", "Select a card"),
            ],
        ),
        ("Deals", key_rows([b for b in board if b.action in DEAL_ACTIONS], KEY_NAMES)),
        (
            "View",
            [
                *key_rows([b for b in board if b.action not in DEAL_ACTIONS], KEY_NAMES),
                ("ctrl+p", "Command palette: every action by name"),
            ],
        ),
    ]


def help_content(sections: Sequence[HelpSection]) -> Content:
    """Sections of aligned key and description lines."""
    lines: list[Content] = []
    for title, rows in sections:
        if lines:
            lines.append(Content(""))
        lines.append(Content.styled(title, "bold underline"))
        for keys, text in rows:
            lines.append(Content.assemble((f"  {keys:<22}", "bold $text-accent"), text))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """The keys of the board; escape or ? closes it."""

    CSS_PATH = "help_screen.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll(1)", "Scroll", key_display="↑↓"),
        Binding("up,k", "scroll(-1)", "Scroll", show=False),
        Binding("pagedown,space", "scroll(10)", "Page", show=False),
        Binding("pageup", "scroll(-10)", "Page up", show=False),
        Binding("escape,question_mark,q", "close", "Close"),
    ]

    def __init__(self, sections: Sequence[HelpSection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static("Funnel keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(help_content(self.sections), id="keys")
            yield Static(
                "Every action is also in the command palette (ctrl+p). "
                "From a shell: funnel --help.",
                classes="help-footer",
            )
        yield KeyBar(pinned=("escape",))

    def action_scroll(self, lines: int) -> None:
        """Scroll the keys: help longer than the terminal reads to its end."""
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        """Back to the board."""
        self.dismiss(None)
