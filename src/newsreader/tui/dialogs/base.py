"""What every dialog shares: a box in the middle of the screen over the view it asks about."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A modal box (compose it inside a container with class `dialog`), a bold title line
    (class `dialog-title`) and a dimmed hint line (class `dialog-hint`)."""

    DEFAULT_CSS = """
    Dialog {
        align: center middle;
    }
    Dialog .dialog {
        width: 90%;
        max-width: 100;
        height: auto;
        border: thick $primary 60%;
        background: $surface;
        padding: 0 1;
    }
    Dialog .dialog-title {
        text-style: bold;
    }
    Dialog .dialog-hint {
        color: $text-muted;
    }
    """
