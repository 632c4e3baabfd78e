"""The Funnel app: the board on a repository, with an injected clock and user."""

from __future__ import annotations

import gc
import getpass
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import PurePath
from typing import ClassVar

from textual.actions import parse
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from board.settings import Settings
from screens.board_screen import BoardScreen
from storage.repository import Repository


def system_clock() -> datetime:
    """Now, in UTC."""
    return datetime.now(UTC)


class FunnelApp(App[None]):
    """The pipeline board; ``clock`` and ``user`` are injected so tests can pin them."""

    # The board's own sheet is loaded with the app's: the board is the default screen, and
    # Textual reads a screen's CSS_PATH only for screens that are pushed.
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", "board_screen.tcss"]
    TITLE = "Funnel"

    def __init__(
        self,
        repository: Repository,
        settings: Settings,
        *,
        clock: Callable[[], datetime] | None = None,
        user: str | None = None,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        self.repository = repository
        self.settings = settings
        self.clock = clock or system_clock
        self.user = user or getpass.getuser()
        self.cursor_blink = cursor_blink
        if settings.theme in self.available_themes:
            self.theme = settings.theme

    def get_default_screen(self) -> BoardScreen:
        return BoardScreen(
            self.repository,
            self.settings,
            clock=self.clock,
            user=self.user,
            blink=self.cursor_blink,
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every key of the screen is also a command, named as in the footer."""
        from screens.help_screen import KEY_NAMES  # only when the palette opens

        seen: set[str] = set()
        for node, binding, enabled, _tooltip in screen.active_bindings.values():
            if not enabled or not isinstance(binding, Binding) or binding.action in seen:
                continue
            if binding.action in {"app.quit", "app.command_palette", "command_palette"}:
                continue
            _, name, _ = parse(binding.action)
            handler = getattr(node, f"action_{name}", None)
            if not getattr(handler, "__module__", "").startswith("screens."):
                continue  # Textual's own keys (Focus Next, Copy…): not the board's actions
            seen.add(binding.action)
            key = KEY_NAMES.get(binding.key, binding.key)
            # Keys grouped in the footer share a short description; the tooltip tells them apart.
            title = binding.tooltip if binding.group and binding.tooltip else binding.description
            yield SystemCommand(
                title,
                f"{binding.tooltip or binding.description} (key: {key})",
                partial(self.run_action, binding.action, node),
            )
        yield from super().get_system_commands(screen)


def run_board(
    repository: Repository,
    settings: Settings,
    *,
    clock: Callable[[], datetime] | None = None,
    user: str | None = None,
) -> None:
    """Open the board on ``repository`` and return when the person quits."""
    # What is imported by now lives as long as the process: spare the first frame a
    # collector pass over it.
    gc.freeze()
    FunnelApp(repository, settings, clock=clock, user=user).run()
