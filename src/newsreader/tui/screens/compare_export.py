"""Exporting a comparison from the compare view: the dialog asking for the file name.

Choosing the format, checking the target and writing atomically are the provenance package's
(`newsreader.provenance.export`), shared with the `compare --html/--markdown` command.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class ExportDialog(ModalScreen[str | None]):
    """Asks where to save the record; Enter saves, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    DEFAULT_CSS = """
    ExportDialog {
        align: center middle;
    }
    ExportDialog #export {
        width: 90%;
        max-width: 100;
        height: auto;
        border: thick $primary 60%;
        background: $surface;
        padding: 0 1;
    }
    ExportDialog #export-title {
        text-style: bold;
    }
    ExportDialog #export-hint {
        color: $text-muted;
    }
    """

    def __init__(self, default: Path) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="export"):
            yield Static("Export this comparison", id="export-title")
            yield Input(str(self.default), id="export-path", select_on_focus=False)
            yield Static(
                Text(".html: a self-contained page · .md: Markdown · Enter saves, Esc cancels"),
                id="export-hint",
            )

    def on_mount(self) -> None:
        field = self.query_one("#export-path", Input)
        field.focus()
        # The cursor on the file name (before the extension), the usual thing to change.
        field.cursor_position = len(field.value) - len(self.default.suffix)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self.dismiss(value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
