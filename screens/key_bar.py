"""The line of keys under a screen or a dialog: what applies now, and always help and quit.

Textual's footer lays its keys out left to right and cuts what does not fit, so on a
narrow terminal the keys a person needs most (``?`` and ``q``) were the first to go. This
bar pins some keys at the right and fills the rest of the line with as many others as fit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.cells import cell_len
from textual.actions import parse
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.style import Style
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


def key_line(
    entries: Sequence[tuple[str, str, Binding]],
    pinned: Sequence[str],
    width: int,
    trailing: Sequence[str] = (),
    click: Callable[[Binding], str | None] = lambda _binding: None,
) -> Content:
    """One line: the pinned keys at the right, the others before them as far as they fit.

    ``trailing`` keys come after the others, so a narrow line drops them first; ``click``
    names the action a click on a key runs (None: not clickable).
    """
    right = [e for e in entries if e[2].key.split(",")[0] in pinned]
    left = [e for e in entries if e not in right]
    left.sort(key=lambda e: e[2].key.split(",")[0] in trailing)  # stable: order kept

    def piece(entry: tuple[str, str, Binding]) -> Content:
        keys, label, binding = entry
        text = Content.assemble((keys, "bold $text-accent"), " ", label)
        action = click(binding)
        return text if action is None else text.stylize(Style.from_meta({"@click": action}))

    right_part = Content(KEY_GAP).join(piece(e) for e in right)
    room = width - right_part.cell_length - cell_len(KEY_GAP)
    shown: list[Content] = []
    used = 0
    for entry in left:
        part = piece(entry)
        need = part.cell_length + (cell_len(KEY_GAP) if shown else 0)
        if used + need > room:
            break
        shown.append(part)
        used += need
    left_part = Content(KEY_GAP).join(shown)
    gap = max(width - left_part.cell_length - right_part.cell_length, 1)
    return Content.assemble(left_part, " " * gap, right_part)


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
        entries = self.entries()
        return key_line(
            entries,
            self.pinned,
            self.content_region.width,
            self.trailing,
            click=lambda binding: self._targets.get(id(binding)),
        )
