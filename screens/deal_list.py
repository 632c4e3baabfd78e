"""The deals of one column, drawn line by line so ten thousand of them cost nothing to mount."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from board.deal import Deal
from board.qualification import NO_RULES
from board.stages import Stage
from screens.deal_card import CARD_HEIGHT, card_lines

_STYLE_OF_ROLE = {
    "title": "title",
    "dim": "dim",
    "value": "good",
    "accepted": "good",
    "won": "good",
    "pending": "warn",
    "rotting": "warn",
    "overdue": "bad",
    "owner": "accent",
    "sourced": "accent",
    "qualified": "good",
    "unqualified": "dim",
}
"""Card roles share a few styles: every component class costs on each restyle."""


class DealList(ScrollView, can_focus=False):
    """A scrolling list of deal cards with one cursor; rendered with the line API."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "deal-list--cursor",
        *(f"deal-list--{name}" for name in set(_STYLE_OF_ROLE.values())),
    }

    DEFAULT_CSS = """
    DealList {
        height: 1fr;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        overflow-y: auto;
        /* The selected card in reverse video of the theme's text: the one pair every theme
           keeps far apart. Its text is black or white (auto); light and ANSI themes get their
           own block in app.tcss, so the pair stays far apart in 256 and 16 colours too.
           Roles on it keep their weight, not their hue. */
        & > .deal-list--cursor {
            background: $foreground;
            color: auto 100%;
        }
        & > .deal-list--title { text-style: bold; }
        & > .deal-list--dim { color: $text-muted; }
        & > .deal-list--good { color: $text-success; }
        & > .deal-list--warn { color: $text-warning; text-style: bold; }
        & > .deal-list--bad { color: $text-error; text-style: bold reverse; }
        & > .deal-list--accent { color: $text-secondary; }
    }
    """

    @dataclass
    class Clicked(Message):
        """A card was clicked: the board selects it."""

        deal_list: DealList
        index: int

    def __init__(self, stage: Stage, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stage = stage
        self.deals: tuple[Deal, ...] = ()
        self.cursor = 0
        """Index of the selected card (meaningful only while there are deals)."""
        self.active = False
        """Whether the board's cursor is in this list (only then is the cursor drawn)."""
        self.now: datetime | None = None
        self.sla_hours = 24
        self.rules = NO_RULES
        """The team's qualification criteria, for the badge of marketing's cards."""
        self._card_cache: dict[tuple[int, int, bool], list[Strip]] = {}
        self._base: Style | None = None

    @property
    def selected(self) -> Deal | None:
        """The deal under the cursor."""
        return self.deals[self.cursor] if self.deals else None

    def show(
        self, deals: tuple[Deal, ...], now: datetime, sla_hours: int, keep: int | None
    ) -> None:
        """Replace the deals; the cursor stays on deal ``keep`` if it is still here."""
        old_cursor = self.cursor
        self.deals = deals
        self.now = now
        self.sla_hours = sla_hours
        index = next((i for i, deal in enumerate(deals) if deal.id == keep), None)
        self.cursor = index if index is not None else min(old_cursor, max(len(deals) - 1, 0))
        self._card_cache.clear()
        self._set_length(len(deals))
        # The card under the cursor may have moved (accepted, undone, a colleague's change):
        # keep it in sight, so the next key acts on a card the person can see.
        self.scroll_to_cursor()
        self.refresh()

    def _set_length(self, count: int) -> None:
        """Make room for ``count`` cards without a layout pass when the scrollbar stays as is.

        ``virtual_size`` lays out the whole screen when set; a list's size does not depend on
        its cards (it fills its column), so only showing or hiding the scrollbar needs one.
        """
        size = Size(self.size.width, count * CARD_HEIGHT)
        room = self.scrollable_content_region.height
        if not self.size or (size.height > room) != (self.virtual_size.height > room):
            self.virtual_size = size
            return
        self.set_reactive(DealList.virtual_size, size)
        if self.show_vertical_scrollbar:
            scrollbar = self.vertical_scrollbar
            scrollbar.window_virtual_size = size.height
            scrollbar.refresh()
        self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def move_cursor(self, index: int) -> None:
        """Put the cursor on card ``index`` (clamped) and scroll it into view."""
        if not self.deals:
            return
        self.cursor = max(0, min(index, len(self.deals) - 1))
        self._card_cache.clear()
        self.scroll_to_cursor()
        self.refresh()

    def scroll_to_cursor(self) -> None:
        """Scroll so the whole selected card is visible."""
        top = self.cursor * CARD_HEIGHT
        height = self.scrollable_content_region.height
        if height <= 0:
            return  # not laid out yet: the resize that follows scrolls
        y = self.scroll_offset.y
        if top < y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif top + CARD_HEIGHT > y + height:
            self.scroll_to(y=top + CARD_HEIGHT - height, animate=False, immediate=True)

    def set_active(self, active: bool) -> None:
        """Show or hide the cursor: only the list holding the board's cursor draws one."""
        if active != self.active:
            self.active = active
            self._card_cache.clear()
            self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._card_cache.clear()
        self._base = None

    @property
    def base_style(self) -> Style:
        """The list's own style, kept: Textual computes it from every ancestor on each call."""
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def on_resize(self, event: events.Resize) -> None:
        """Cards are cut to the width, so a new width means new cards."""
        self._card_cache.clear()
        self.virtual_size = Size(event.size.width, len(self.deals) * CARD_HEIGHT)
        self.scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        """Select the clicked card."""
        index = (event.y + self.scroll_offset.y) // CARD_HEIGHT
        if 0 <= index < len(self.deals):
            self.post_message(self.Clicked(self, index))

    def render_line(self, y: int) -> Strip:
        """One screen line: a line of some card, or blank below the last card."""
        width = self.scrollable_content_region.width
        base = self.base_style
        line = self.scroll_offset.y + y
        index, row = divmod(line, CARD_HEIGHT)
        if index >= len(self.deals) or row == CARD_HEIGHT - 1 or self.now is None:
            return Strip.blank(width, base)
        return self._card(index, width)[row]

    def _card(self, index: int, width: int) -> list[Strip]:
        has_cursor = index == self.cursor and self.active
        key = (index, width, has_cursor)
        cached = self._card_cache.get(key)
        if cached is not None:
            return cached
        assert self.now is not None
        base = (
            self.get_component_rich_style("deal-list--cursor") if has_cursor else (self.base_style)
        )
        marker = "▌" if has_cursor else " "
        role_style = self._role_style
        strips = []
        for pieces in card_lines(
            self.deals[index], self.stage, self.now, self.sla_hours, max(width - 1, 0), self.rules
        ):
            segments = [Segment(marker, base)]
            # On the selected card a role keeps its weight but not its hue: a coloured owner
            # on the cursor's background was unreadable (1.02:1 in 256 colours).
            segments.extend(
                Segment(
                    text,
                    base + (role_style(role).without_color if has_cursor else role_style(role)),
                )
                for text, role in pieces
                if text
            )
            strips.append(Strip(segments).crop_extend(0, width, base))
        if len(self._card_cache) > 256:
            self._card_cache.clear()
        self._card_cache[key] = strips
        return strips

    def _role_style(self, role: str) -> Style:
        if not role:
            return Style()
        return self.get_component_rich_style(f"deal-list--{_STYLE_OF_ROLE[role]}", partial=True)
