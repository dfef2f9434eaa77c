"""A yes/no question in a modal box: `y` or Enter answers yes, `n` or Esc answers no."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmDialog(ModalScreen[bool]):
    """Dismissed with True (yes) or False (no); the question is shown as plain text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
    }
    ConfirmDialog #confirm {
        width: 90%;
        max-width: 100;
        height: auto;
        border: thick $warning 60%;
        background: $surface;
        padding: 0 1;
    }
    ConfirmDialog #confirm-hint {
        color: $text-muted;
    }
    """

    def __init__(self, question: str, hint: str = "y / Enter: yes · n / Esc: no") -> None:
        super().__init__()
        self.question = question
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            # Text, not markup: the question may hold a file name or other untrusted text.
            yield Static(Text(self.question), id="confirm-question")
            yield Static(Text(self.hint), id="confirm-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
