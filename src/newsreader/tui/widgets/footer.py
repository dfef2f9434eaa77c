"""The key footer: the screen's keys on one line, drawn as text."""

from __future__ import annotations

from typing import Any, ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

PINNED = ("help", "command_palette")  # actions kept at the right end, whatever the width


class Key(NamedTuple):
    """One key as the footer shows it."""

    binding: Binding
    display: str
    enabled: bool
    tooltip: str


class Placed(NamedTuple):
    """A key's cells on the line: [start, end)."""

    start: int
    end: int
    key: Key


def cells(key: Key) -> int:
    """The width a key takes: " KEY description "."""
    description = key.binding.description
    return len(key.display) + 2 + (len(description) + 1 if description else 0)


def place(keys: list[Key], width: int) -> list[Placed]:
    """Where each key goes on a line `width` cells wide: keys in order from the left, the
    pinned ones (help, the command palette) at the right end; keys that do not fit are left
    out, the pinned ones last."""
    pinned = [k for k in keys if k.binding.action in PINNED]
    right = sum(cells(k) for k in pinned)
    while pinned and right > width:
        right -= cells(pinned.pop(0))
    placed: list[Placed] = []
    x = 0
    for key in keys:
        if key.binding.action in PINNED:
            continue
        if x + cells(key) > width - right:
            break
        placed.append(Placed(x, x + cells(key), key))
        x += cells(key)
    x = width - right
    for key in pinned:
        placed.append(Placed(x, x + cells(key), key))
        x += cells(key)
    return placed


class Footer(Widget, can_focus=False):
    """The keys the screen offers now, on one line, drawn as text and clickable.

    Textual's own footer is a widget per key, all rebuilt (styles applied anew to each) on
    every change of the bindings. Opening the reader changes them four or five times within a
    few frames (focus, screen stack, list loaded, search ready): those rebuilds were about a
    third of the time from the list's rows read to the list painted. Here a change is one
    repaint. Help and the command palette stay at the right end when the line is too narrow
    for every key (they had fallen off at 120 columns)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"footer--key", "footer--description"}
    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        .footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._placed: list[Placed] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        self.refresh()

    def keys(self) -> list[Key]:
        """The keys to show, in the order they are bound: one per action (its first key)."""
        app = self.app
        seen: set[str] = set()
        keys: list[Key] = []
        palette: Key | None = None
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = Key(binding, app.get_key_display(binding), enabled, tooltip)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            keys.append(Key(binding, app.get_key_display(binding), enabled, tooltip))
        if palette is not None:
            keys.append(palette)
        return keys

    def render(self) -> Text:
        self._placed = place(self.keys(), self.size.width)
        key_style = self.get_component_rich_style("footer--key", partial=True)
        description_style = self.get_component_rich_style("footer--description", partial=True)
        dim = Style(dim=True)
        line = Text(no_wrap=True, overflow="crop")
        for start, _end, key in self._placed:
            if start > len(line):
                line.append(" " * (start - len(line)))
            extra = dim if not key.enabled else Style()
            line.append(f" {key.display} ", key_style + extra)
            if key.binding.description:
                line.append(f"{key.binding.description} ", description_style + extra)
        return line

    def key_at(self, x: int) -> Key | None:
        """The key drawn at cell `x`, if any."""
        return next((p.key for p in self._placed if p.start <= x < p.end), None)

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.binding.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self.key_at(event.x)
        self.tooltip = (key.tooltip or key.binding.description) if key is not None else None
