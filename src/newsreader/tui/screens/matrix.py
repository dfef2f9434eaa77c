"""Release vs outlets: the source's paragraphs as rows, the articles reusing it as columns.

Columns are in date order (who published when), each headed by the outlet, its date and how
much of its text came from the source. A cell says what that article did with the paragraph:
copied (verbatim), edited, rewritten or left out; the colours are component classes of
`MatrixTable` (provenance.tcss), and the legend is drawn with the same styles. Enter on a cell
opens the compare view of that pair at that paragraph.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from newsreader.corpus import Article
from newsreader.provenance import Matrix, Story, release_matrix
from newsreader.provenance.matrix import CELL_MARKS
from newsreader.provenance.timeline import label
from newsreader.text import one_line
from newsreader.tui.styles import PROVENANCE_TCSS
from newsreader.tui.widgets.footer import Footer

FIXED_COLUMNS = 2  # "#" and the paragraph snippet, before the outlets
SNIPPET_CHARS = 44
MARK_WORDS = {"copied": "copied", "edited": "edited", "rewritten": "rewritten", "left out": "·"}
LEGEND_WORDS = {
    "copied": "verbatim",
    "edited": "a few words changed",
    "rewritten": "paraphrased",
    "left out": "left out",
}


def mark_class(mark: str) -> str:
    return "matrix--" + mark.replace(" ", "-")


def build_matrix(source: Article, story: Story, cancel: threading.Event | None = None) -> Matrix:
    """The matrix of `source` against the other members of `story` (comparisons cached)."""
    comparisons = []
    for other in story.articles:
        if cancel is not None and cancel.is_set():
            break
        if other is not source:
            comparisons.append(story.comparison(source, other))
    return release_matrix(source, comparisons)


class MatrixTable(DataTable):
    """The matrix grid; its cell colours are component classes so themes can change them."""

    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        mark_class(m) for m in CELL_MARKS
    }

    def mark_style(self, mark: str) -> Style:
        return self.get_component_rich_style(mark_class(mark), partial=True)


class MatrixScreen(Screen[None]):
    """What every outlet did with each paragraph of the source."""

    CSS_PATH = PROVENANCE_TCSS
    AUTO_FOCUS = "#matrix-table"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Compare this pair", show=False, id="matrix.open"),
        Binding("escape", "back", "Back", id="matrix.back"),
    ]

    def __init__(self, source: Article, story: Story) -> None:
        super().__init__()
        self.source = source
        self.story = story
        self.matrix: Matrix | None = None
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        yield Static(id="matrix-title")
        yield MatrixTable(
            id="matrix-table", cursor_type="cell", header_height=2, zebra_stripes=True
        )
        yield Static(id="matrix-legend")
        yield Static(id="matrix-detail")
        yield Footer()

    @property
    def table(self) -> MatrixTable:
        return self.query_one("#matrix-table", MatrixTable)

    def on_mount(self) -> None:
        title = Text("Release vs outlets: ", style="bold")
        title.append(one_line(f"{label(self.source)} — {self.source.display_title}", 100))
        self.query_one("#matrix-title", Static).update(title)
        self.query_one("#matrix-detail", Static).update("Comparing…")
        self.run_worker(
            lambda: build_matrix(self.source, self.story, self._cancel),
            thread=True,
            exclusive=True,
            group="matrix",
            exit_on_error=False,
            description="release matrix",
        )

    def on_unmount(self) -> None:
        self._cancel.set()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "matrix":
            return
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self._show(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.notify(
                f"Could not build the matrix: {event.worker.error}",
                severity="error",
                markup=False,
            )

    def _show(self, matrix: Matrix) -> None:
        self.matrix = matrix
        table = self.table
        table.clear(columns=True)
        table.add_column("#", key="n")
        table.add_column(Text("paragraph of the source"), width=SNIPPET_CHARS, key="para")
        for n, col in enumerate(matrix.columns):
            head = Text(one_line(label(col.article), 16), style="bold")
            head.append(f"\n{col.article.date or 'date ?'} · {col.reused_pct:.0f}%")
            table.add_column(head, key=f"c{n}")
        for n, row in enumerate(matrix.rows, 1):
            snippet = one_line(self.source.text[row.start : row.end], SNIPPET_CHARS)
            cells: list[Text] = [Text(str(n), style="dim"), Text(snippet)]
            for cell in row.cells:
                cells.append(Text(MARK_WORDS[cell.mark], style=table.mark_style(cell.mark)))
            table.add_row(*cells, key=f"r{n}")
        self.query_one("#matrix-legend", Static).update(self._legend())
        if matrix.columns and matrix.rows:
            table.move_cursor(row=0, column=FIXED_COLUMNS)
        self._update_detail()

    def _legend(self) -> Text:
        table = self.table
        text = Text(no_wrap=True, overflow="ellipsis")
        for mark in CELL_MARKS:
            text.append(f" {MARK_WORDS[mark]} ", style=table.mark_style(mark))
            text.append(f"{LEGEND_WORDS[mark]}  ", style="dim")
        text.append("│ outlets by date · % = share of its text from the source", style="dim")
        return text

    def _cell(self) -> tuple[int, int] | None:
        """(row, column) of the cursor in the matrix (column -1: a fixed column)."""
        if self.matrix is None or not self.matrix.rows:
            return None
        coord = self.table.cursor_coordinate
        return coord.row, coord.column - FIXED_COLUMNS

    def _update_detail(self) -> None:
        detail = self.query_one("#matrix-detail", Static)
        where = self._cell()
        if self.matrix is None or where is None:
            none = "No other article reuses this one." if self.matrix else "Comparing…"
            detail.update(none)
            return
        row = self.matrix.rows[where[0]]
        text = Text()
        if where[1] >= 0:
            col = self.matrix.columns[where[1]]
            cell = row.cells[where[1]]
            text.append(one_line(label(col.article), 40), style="bold")
            text.append(
                f": {cell.mark} ({cell.share:.0%} of the paragraph in shared passages)"
                + (" · Enter compares the two here" if cell.mark != "left out" else "")
                + "\n"
            )
        text.append(one_line(self.source.text[row.start : row.end], 600))
        detail.update(text)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._update_detail()

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """Open the compare view of the source and this column's article at this paragraph."""
        where = self._cell()
        if self.matrix is None or where is None or where[1] < 0:
            return
        from newsreader.tui.screens.compare import CompareScreen

        row = self.matrix.rows[where[0]]
        col = self.matrix.columns[where[1]]
        self.app.push_screen(
            CompareScreen(
                self.source,
                col.article,
                comparison=col.comparison,
                focus_span=(row.start, row.end),
            )
        )

    def action_back(self) -> None:
        self.dismiss()
