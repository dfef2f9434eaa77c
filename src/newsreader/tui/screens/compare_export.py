"""Exporting a comparison from the compare view: the file-name dialog and the `e` action.

Choosing the format, checking the target and writing atomically are the provenance package's
(`newsreader.provenance.export`), shared with the `compare --html/--markdown` command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from newsreader.provenance.export import default_export_path, target_problem, write_export
from newsreader.reuse.models import Comparison
from newsreader.tui.dialogs.confirm import ConfirmDialog


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


class ExportActions:
    """`e` on the compare screen (mixed into CompareScreen, where the binding lives)."""

    comparison: Comparison | None
    app: Any
    notify: Any
    run_worker: Any

    def action_export(self) -> None:
        """Ask for a file name, then write the comparison there as HTML or Markdown."""
        comparison = self.comparison
        if comparison is None:
            self.notify("Still comparing: export when the comparison is shown.", timeout=3)
            return

        def chosen(value: str | None) -> None:
            if not value:
                return
            path = Path(value).expanduser()
            if not path.is_file():
                self._export_to(comparison, path)
                return

            def answered(replace: bool | None) -> None:
                if replace:
                    self._export_to(comparison, path)
                else:
                    self.notify("Not exported: the file was left as it was.", timeout=4)

            question = f"{path} already exists. Replace it with this comparison?"
            self.app.push_screen(ConfirmDialog(question), answered)

        self.app.push_screen(ExportDialog(default_export_path(comparison.a, comparison.b)), chosen)

    def _export_to(self, comparison: Comparison, path: Path) -> None:
        folders = {Path(p).expanduser().resolve() for p in getattr(self.app, "paths", ())}
        folders = {f if f.is_dir() else f.parent for f in folders}
        folders |= {comparison.a.path.resolve().parent, comparison.b.path.resolve().parent}
        problem = target_problem(path.resolve(), folders)
        if problem:
            self.notify(problem, title="Export", severity="error", markup=False, timeout=8)
            return

        def write() -> None:
            try:
                written = write_export(comparison, path)
            except (OSError, ValueError) as error:
                reason = getattr(error, "strerror", None) or str(error)
                self.app.call_from_thread(
                    self.notify,
                    f"Could not write {path}: {reason}",
                    title="Export",
                    severity="error",
                    markup=False,
                    timeout=8,
                )
                return
            self.app.call_from_thread(
                self.notify, f"Saved {written}", title="Export", markup=False, timeout=8
            )

        self.run_worker(write, thread=True, group="export", exit_on_error=False)
