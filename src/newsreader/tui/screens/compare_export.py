"""Exporting a comparison from the compare view: the file-name dialog and the writer.

The record itself (`export_html` / `export_markdown`) is the provenance package's; this module
picks the format from the file name, keeps exports out of the folders being read (an `.html`
record there would be loaded as an article next time) and writes atomically.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from newsreader.corpus import Article
from newsreader.reuse.models import Comparison

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
_SLUG = re.compile(r"[^A-Za-z0-9]+")


def _slug(article: Article, limit: int = 32) -> str:
    return _SLUG.sub("-", article.path.stem).strip("-")[:limit] or "article"


def default_export_path(a: Article, b: Article, home: Path | None = None) -> Path:
    """`~/newsreader-compare-<a>-<b>.html`: the home folder, never a folder being read."""
    return (home or Path.home()) / f"newsreader-compare-{_slug(a)}-{_slug(b)}.html"


def target_problem(path: Path, folders: Iterable[Path]) -> str | None:
    """Why `path` is not a good place for an export, or None when it is."""
    if path.suffix.lower() not in FORMATS:
        return f"Give the file a .html or .md extension (not {path.suffix or 'none'})."
    if path.is_dir():
        return f"{path} is a folder; give a file name."
    for folder in folders:
        try:
            path.relative_to(folder)
        except ValueError:
            continue
        return (
            f"{folder} holds the articles being read: a record saved there would be read "
            "as an article next time. Choose another folder."
        )
    return None


def write_export(comparison: Comparison, path: Path) -> Path:
    """Write the record in the format the extension names; returns the absolute path.

    Written to a temporary file beside the target and renamed, so a failed write never leaves
    half a record behind.
    """
    from newsreader.provenance import export_html, export_markdown

    path = path.expanduser().resolve()
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ValueError(f"unknown export format {path.suffix!r} (use .html or .md)")
    content = export_html(comparison) if kind == "html" else export_markdown(comparison)
    fd, tmp = tempfile.mkstemp(prefix=".newsreader-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            # mkstemp makes the file private; a record is meant to be shared like any document.
            os.fchmod(out.fileno(), path.stat().st_mode & 0o777 if path.exists() else 0o644)
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


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
            if value:
                self._export_to(comparison, Path(value).expanduser())

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
