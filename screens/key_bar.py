"""The line of keys under a screen or a dialog: what applies now, and always help and quit.

Textual's footer lays its keys out left to right and cuts what does not fit, so on a
narrow terminal the keys a person needs most (``?`` and ``q``) were the first to go. This
bar pins some keys at the right and fills the rest of the line with as many others as fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len
from textual import events
from textual.actions import parse
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget

Applies = Callable[[str, tuple[object, ...]], bool]
"""Whether an action applies now (keys that do not are left off the bar)."""

KEY_GAP = "  "


def key_entries(
    bindings: Sequence[Binding], display: Callable[[Binding], str], applies: Applies | None
) -> list[tuple[str, str, Binding]]:
    """``(keys, description, first binding)`` per shown action, grouped keys joined."""
    entries: list[tuple[str, str, Binding]] = []
    groups: dict[str, int] = {}
    actions: set[str] = set()
    for binding in bindings:
        if not binding.show or binding.action in actions:
            continue  # one key per action: ``L`` says it, ``shift+→`` is in the help
        actions.add(binding.action)
        _, name, params = parse(binding.action)
        if applies is not None and not applies(name, params):
            continue
        keys = display(binding)
        group = binding.group.description.strip() if binding.group else ""
        if group and group in groups:
            index = groups[group]
            old_keys, label, first = entries[index]
            entries[index] = (f"{old_keys}/{keys}", label, first)
            continue
        if group:
            groups[group] = len(entries)
        entries.append((keys, group or binding.description, binding))
    return entries


Spot = tuple[int, int, Binding]
"""Where a key sits on the line: first cell, the cell after it, and its binding."""


def key_line(
    entries: Sequence[tuple[str, str, Binding]],
    pinned: Sequence[str],
    width: int,
    trailing: Sequence[str] = (),
) -> tuple[Content, list[Spot]]:
    """One line: the pinned keys at the right, the others before them as far as they fit.

    ``trailing`` keys come after the others, so a narrow line drops them first. Returns the
    line and where each key landed on it (for clicks).
    """
    right = [e for e in entries if e[2].key.split(",")[0] in pinned]
    left = [e for e in entries if e not in right]
    left.sort(key=lambda e: e[2].key.split(",")[0] in trailing)  # stable: order kept

    def piece(entry: tuple[str, str, Binding]) -> Content:
        keys, label, _ = entry
        return Content.assemble((keys, "bold $text-accent"), " ", label)

    right_parts = [piece(e) for e in right]
    right_width = sum(p.cell_length for p in right_parts) + cell_len(KEY_GAP) * max(
        len(right_parts) - 1, 0
    )
    room = width - right_width - cell_len(KEY_GAP)
    shown: list[tuple[Content, Binding]] = []
    used = 0
    for entry in left:
        part = piece(entry)
        need = part.cell_length + (cell_len(KEY_GAP) if shown else 0)
        if used + need > room:
            break
        shown.append((part, entry[2]))
        used += need
    gap = max(width - used - right_width, 1)
    pieces: list[Content] = []
    spots: list[Spot] = []
    x = 0
    laid = [*shown, *((p, e[2]) for p, e in zip(right_parts, right, strict=True))]
    for index, (part, binding) in enumerate(laid):
        if index:
            space = gap if index == len(shown) else cell_len(KEY_GAP)
            pieces.append(Content(" " * space))
            x += space
        elif not shown:
            pieces.append(Content(" " * gap))
            x += gap
        pieces.append(part)
        spots.append((x, x + part.cell_length, binding))
        x += part.cell_length
    return Content.assemble(*pieces), spots


class KeyBar(Widget):
    """The keys of its screen, on one line; ``pinned`` keys always show, at the right."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        padding: 0 1;
    }
    """

    def __init__(
        self,
        *,
        pinned: Sequence[str] = ("question_mark", "q"),
        trailing: Sequence[str] = (),
        applies: Applies | None = None,
        hints: Sequence[tuple[str, str]] = (),
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.pinned = tuple(pinned)
        self.trailing = tuple(trailing)
        self.applies = applies
        self.hints = tuple(hints)
        self._targets: dict[int, str] = {}
        self._spots: list[Spot] = []
        """The action a click on each shown binding runs, with its namespace."""
        """``(keys, what they do)`` shown first: keys a focused field handles itself."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def entries(self) -> list[tuple[str, str, Binding]]:
        """What the bar would show, were the line wide enough."""
        screen = self.screen
        self._targets = {}
        bindings = []
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not enabled:
                continue
            bindings.append(binding)
            action = binding.action
            if "." in action.split("(")[0]:
                self._targets[id(binding)] = action  # its own namespace: ``app.quit``
            elif node is screen:
                self._targets[id(binding)] = f"screen.{action}"
            elif node is screen.focused:
                self._targets[id(binding)] = f"focused.{action}"
            elif node is self.app:
                self._targets[id(binding)] = f"app.{action}"
        hints = [(keys, text, Binding(keys, "", text)) for keys, text in self.hints]
        return [*hints, *key_entries(bindings, self.app.get_key_display, self.applies)]

    def render(self) -> Content:
        """The line, fitted to the bar's width."""
        line, self._spots = key_line(
            self.entries(), self.pinned, self.content_region.width, self.trailing
        )
        return line

    async def on_click(self, event: events.Click) -> None:
        """A click on a key runs it, as pressing it would."""
        x = event.x - self.styles.padding.left
        for start, end, binding in self._spots:
            action = self._targets.get(id(binding))
            if start <= x < end and action is not None:
                await self.run_action(action)
                return
