"""The `?` screen: what the reader does, and a table of every key (built from the bindings)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from newsreader.tui.commands import key_rows

HELP_TEXT = Path(__file__).with_name("help.md")


class HelpScreen(ModalScreen[None]):
    """Help text and the key table; any of Esc, q, ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Markdown(HELP_TEXT.read_text(encoding="utf-8"), id="help-text")
            yield Static(self._keys_table(), id="help-keys")

    def _keys_table(self) -> Table:
        """Every key, after the user's keymap; plain `Text` cells, so nothing is markup."""
        table = Table(box=box.SIMPLE_HEAD, expand=True, padding=(0, 1))
        table.add_column("Where", style="bold", no_wrap=True)
        table.add_column("Keys", no_wrap=True)
        table.add_column("Does")
        table.add_column(Text("Id (for [keys] in the config file)"), style="dim", no_wrap=True)
        for row in key_rows(self.app):
            table.add_row(
                Text(row.group), Text(row.keys), Text(row.description), Text(row.binding_id or "")
            )
        return table

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
