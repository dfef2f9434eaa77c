"""One side of the compare view: an article with its shared passages coloured by kind.

Line-rendered like the text pane (`ArticleView`): the layout (compare_layout.py) is a list of
(start, end) display offsets per wrapped line, and a line becomes a `Strip` only when it is on
screen (then cached), so long articles cost one linear pass. Colours come from
`COMPONENT_CLASSES` (see compare.tcss). Article text only enters `rich.text.Text` as a plain
string, cleaned by `build_document`.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.geometry import Size
from textual.message import Message

from newsreader.tui.widgets.compare_layout import PaneLine, PaneModel, Span, wrap_pane
from newsreader.tui.widgets.line_view import LineView

READABLE_WIDTH = 88
GUTTER_WIDTH = 2


class ComparePane(LineView, can_focus=True):
    """Shows one side of a comparison; keeps the current passage highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_lines(1)", "Down", show=False, id="compare.down"),
        Binding("up,k", "scroll_lines(-1)", "Up", show=False, id="compare.up"),
        Binding("pagedown,space", "page(1)", "Page down", show=False, id="compare.page_down"),
        Binding("pageup,b", "page(-1)", "Page up", show=False, id="compare.page_up"),
        Binding("home,g", "scroll_home", "Top", show=False, id="compare.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="compare.bottom"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "compare-pane--title",
        "compare-pane--boilerplate",
        "compare-pane--verbatim",
        "compare-pane--near",
        "compare-pane--paraphrase",
        "compare-pane--deleted",
        "compare-pane--inserted",
        "compare-pane--fact",
        "compare-pane--current",
        "compare-pane--bar",
        "compare-pane--mark-copied",
        "compare-pane--mark-edited",
        "compare-pane--mark-rewritten",
        "compare-pane--mark-original",
        "compare-pane--mark-boilerplate",
    }

    DEFAULT_CSS = """
    ComparePane {
        overflow-x: hidden;
        overflow-y: scroll;  /* always there, so the wrap width never changes under our feet */
    }
    """

    class Scrolled(Message):
        """The reader scrolled this pane (not a programmatic sync): `top` is the first line."""

        def __init__(self, pane: ComparePane, top: int) -> None:
            super().__init__()
            self.pane = pane
            self.top = top

    class PassageClicked(Message):
        """The reader clicked inside passage `index` in this pane."""

        def __init__(self, pane: ComparePane, index: int) -> None:
            super().__init__()
            self.pane = pane
            self.index = index

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.model: PaneModel | None = None
        self.current: int | None = None
        self._lines: list[PaneLine] = []
        self._line_starts: list[int] = []
        self._by_line: list[list[Span]] = []
        self._wrap_width = 0
        self._quiet_y: int | None = None
        self._message = "Comparing…"

    # --- what to show -------------------------------------------------------------------

    def show_model(self, model: PaneModel | None, message: str = "") -> None:
        """Show one side of a comparison from the top (or a message when None)."""
        self.model = model
        self.current = None
        if message:
            self._message = message
        self._relayout()
        self.sync_to(0)  # quietly: a new model is not the reader scrolling

    def set_current(self, index: int | None) -> None:
        """Highlight passage `index` (an index into the comparison's passages)."""
        if index != self.current:
            self.current = index
            self.clear_lines()
            self.refresh()

    def passage_line(self, index: int) -> int | None:
        """First display line of a passage on this side, or None when it is not shown."""
        if self.model is None:
            return None
        span = self.model.passage_spans[index]
        return None if span is None else self.line_of(span[0])

    def offset_line(self, offset: int) -> int | None:
        """Display line of an article offset on this side, or None when it is not shown."""
        if self.model is None:
            return None
        shown = self.model.document.to_display(offset)
        return None if shown is None else self.line_of(shown)

    def passage_at(self, top: int) -> int | None:
        """The first passage (in this side's text order) that ends on or after line `top`."""
        if self.model is None:
            return None
        best: tuple[int, int] | None = None
        for i, span in enumerate(self.model.passage_spans):
            if span is None or self.line_of(max(span[0], span[1] - 1)) < top:
                continue
            key = (span[0], i)
            if best is None or key < best:
                best = key
        return None if best is None else best[1]

    def passage_at_offset(self, offset: int) -> int | None:
        """The shortest passage holding a display offset (the most specific when they overlap)."""
        if self.model is None:
            return None
        found = [
            (span[1] - span[0], i)
            for i, span in enumerate(self.model.passage_spans)
            if span is not None and span[0] <= offset < span[1]
        ]
        return min(found)[1] if found else None

    def offset_at(self, x: int, y: int) -> int | None:
        """The display offset under a point of the pane (content coordinates), if on text."""
        line_index = self.top_line + y
        if not 0 <= line_index < len(self._lines):
            return None
        start, end, block, _ = self._lines[line_index]
        column = x - GUTTER_WIDTH + round(self.scroll_x)
        if block < 0 or column < 0 or self.model is None:
            return None
        # Cells to characters: wide characters take two cells.
        cells = 0
        for i, ch in enumerate(self.model.document.text[start:end]):
            cells += cell_len(ch)
            if cells > column:
                return start + i
        return None

    def on_click(self, event: Click) -> None:
        point = event.get_content_offset(self)
        offset = None if point is None else self.offset_at(point.x, point.y)
        index = None if offset is None else self.passage_at_offset(offset)
        if index is not None:
            self.post_message(self.PassageClicked(self, index))

    def line_of(self, offset: int) -> int:
        """Index of the display line holding a display offset."""
        return max(0, bisect_right(self._line_starts, offset) - 1)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    @property
    def top_line(self) -> int:
        return round(self.scroll_y)

    def sync_to(self, top: int) -> None:
        """Scroll to line `top` without reporting it as the reader's own scroll."""
        top = max(0, min(top, round(self.max_scroll_y)))
        if top != self.top_line:
            self._quiet_y = top
            self.scroll_to(y=top, animate=False)

    def visible_text(self) -> str:
        """The plain text of the lines on screen (for tests and screen readers)."""
        if self.model is None:
            return self._message
        y0 = self.top_line
        end = min(len(self._lines), y0 + self.scrollable_content_region.height)
        return "\n".join(self._plain(y) for y in range(y0, end))

    # --- layout -------------------------------------------------------------------------

    def on_resize(self) -> None:
        if self._target_width() != self._wrap_width:
            self._relayout()

    def _target_width(self) -> int:
        usable = self.scrollable_content_region.width - GUTTER_WIDTH - 1
        return max(10, min(READABLE_WIDTH, usable))

    def _relayout(self) -> None:
        self._wrap_width = self._target_width()
        if self.model is None:
            self._lines, self._by_line = [], []
        else:
            self._lines, self._by_line = wrap_pane(self.model, self._wrap_width)
        self._line_starts = [line[0] for line in self._lines]
        self.clear_lines()
        width = self._wrap_width + GUTTER_WIDTH
        self.virtual_size = Size(width, max(1, len(self._lines)))
        self.refresh()

    def _plain(self, y: int) -> str:
        if self.model is None or not 0 <= y < len(self._lines):
            return ""
        start, end, _block, gutter = self._lines[y]
        return (gutter[0] + " " + self.model.document.text[start:end]).rstrip()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        top = round(new_value)
        if self._quiet_y is not None and top == self._quiet_y:
            self._quiet_y = None
            return
        if round(old_value) != top:
            self.post_message(self.Scrolled(self, top))

    # --- rendering ----------------------------------------------------------------------

    def empty_message(self) -> str | None:
        return self._message if self.model is None else None

    def line_total(self) -> int:
        return len(self._lines)

    def plain_line(self, index: int) -> str:
        return self._plain(index)

    def _style(self, name: str) -> Style:
        # "current" only adds emphasis (bold, underline) on top of the kind colour, so it must
        # not carry the inherited background; the others are full styles blended with the pane.
        return self.get_component_rich_style(f"compare-pane--{name}", partial=name == "current")

    def line_text(self, index: int, base: Style) -> Text:
        assert self.model is not None
        start, end, block, gutter = self._lines[index]
        char, mark = gutter
        current = None
        if self.current is not None:
            span = self.model.passage_spans[self.current]
            # A blank separator line (start == end) belongs to a passage running across it.
            inside = span is not None and (
                span[0] < start < span[1] if block < 0 else span[0] < end and span[1] > start
            )
            current = span if inside else None
        line = Text(no_wrap=True, end="")
        line.append(char, base + self._style(f"mark-{mark}") if mark else base)
        # A bar beside every line of the current passage: easy to find in both panes.
        line.append("▌" if current else " ", base + self._style("bar") if current else base)
        if block < 0:
            return line
        kind = self.model.document.blocks[block].kind
        plain = self.model.document.text[start:end].rstrip()
        style = base
        if kind in ("title", "boilerplate"):
            style = base + self._style(kind)
        text = Text(plain, style=style, no_wrap=True, end="")
        for s, e, name in self._by_line[index]:
            if s < end and e > start:
                text.stylize(self._style(name), max(0, s - start), min(len(plain), e - start))
        if current is not None:
            text.stylize(
                self._style("current"),
                max(0, current[0] - start),
                min(len(plain), current[1] - start),
            )
        line.append_text(text)
        return line

    # --- actions ------------------------------------------------------------------------

    def action_scroll_lines(self, n: int) -> None:
        self.scroll_relative(y=n, animate=False)

    def action_page(self, n: int) -> None:
        self.scroll_relative(y=n * max(1, self.scrollable_content_region.height - 2), animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)
