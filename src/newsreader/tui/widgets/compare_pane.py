"""One side of the compare view: an article with its shared passages coloured by kind.

Line-rendered like the text pane (`ArticleView`): the layout is a list of (start, end) display
offsets per wrapped line, and a line becomes a `Strip` only when it is on screen (then cached),
so long articles cost one linear pass. Colours come from `COMPONENT_CLASSES` (see compare.tcss).
Article text only enters `rich.text.Text` as a plain string, cleaned by `build_document`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.widget import Widget

from newsreader.corpus import Article
from newsreader.reuse.models import Comparison, Side
from newsreader.text import clean_for_display, trim_span
from newsreader.tui.document import Document, build_document, wrap_block

READABLE_WIDTH = 88
GUTTER_WIDTH = 2
MARK_CHARS = {"copied": "C", "edited": "E", "rewritten": "R", "original": "·", "boilerplate": " "}
MARK_KINDS = {"verbatim": "copied", "near": "edited", "paraphrase": "rewritten"}
MARK_MIN_SHARE = 0.3  # below this share of a paragraph in passages, the paragraph is "original"
# Which diff runs are marked on which side: words only in a are "deleted" (shown on a), words
# only in b are "inserted" (shown on b); a replacement is marked on both.
_CHANGED_ON = {"a": {"delete", "replace"}, "b": {"insert", "replace"}}

Span = tuple[int, int, str]  # display start, display end, component name (without prefix)
PaneLine = tuple[int, int, int, tuple[str, str]]  # start, end, block (-1: blank), gutter


@dataclass
class PaneModel:
    """One side of a comparison laid out for display (independent of the pane width)."""

    document: Document
    spans: list[Span]  # in paint order: passage kinds first, changed words on top
    passage_spans: list[tuple[int, int] | None]  # display span per passage index (None: hidden)
    block_marks: dict[int, str]  # block index -> copied/edited/rewritten/original/boilerplate


def paragraph_marks(comparison: Comparison, side: Side) -> list[str]:
    """Per paragraph: what it is on this side; uses the engine's marks when it has them."""
    engine = getattr(comparison, "paragraph_marks", None)
    if engine is not None:
        return list(engine(side))
    article = comparison.a if side == "a" else comparison.b
    marks = []
    for para in article.paragraphs:
        if para.boilerplate:
            marks.append("boilerplate")
            continue
        by_kind: dict[str, int] = {}
        for p in comparison.passages:
            s, e = (p.a_start, p.a_end) if side == "a" else (p.b_start, p.b_end)
            n = min(e, para.end) - max(s, para.start)
            if n > 0:
                by_kind[p.kind] = by_kind.get(p.kind, 0) + n
        if sum(by_kind.values()) < MARK_MIN_SHARE * max(1, para.end - para.start):
            marks.append("original")
        else:
            marks.append(MARK_KINDS[max(by_kind, key=lambda k: by_kind[k])])
    return marks


def build_pane_model(
    comparison: Comparison, side: Side, facts: Sequence[tuple[int, int]] = ()
) -> PaneModel:
    """Lay out side `a` or `b` of a comparison: passages, changed words and paragraph marks.

    `facts` are spans (article offsets on this side) of changed facts, painted on top of all.
    """
    article = comparison.a if side == "a" else comparison.b
    text = article.text
    doc = build_document(article)
    passage_spans: list[tuple[int, int] | None] = []
    kind_spans: list[Span] = []
    diff_spans: list[Span] = []
    for p in comparison.passages:
        s, e = (p.a_start, p.a_end) if side == "a" else (p.b_start, p.b_end)
        shown = doc.span_to_display(*trim_span(text, s, e))
        passage_spans.append(shown)
        if shown is None:
            continue
        kind_spans.append((shown[0], shown[1], p.kind))
        if p.kind == "verbatim":
            continue
        for op in p.diff:
            if op.op not in _CHANGED_ON[side]:
                continue
            os_, oe = (op.a_start, op.a_end) if side == "a" else (op.b_start, op.b_end)
            changed = doc.span_to_display(*trim_span(text, os_, oe))
            if changed is not None and changed[0] < changed[1]:
                name = "deleted" if side == "a" else "inserted"
                diff_spans.append((changed[0], changed[1], name))
    fact_spans: list[Span] = []
    for fs, fe in facts:
        shown = doc.span_to_display(*trim_span(text, fs, fe))
        if shown is not None and shown[0] < shown[1]:
            fact_spans.append((shown[0], shown[1], "fact"))

    block_marks: dict[int, str] = {}
    block_starts = [blk.start for blk in doc.blocks]
    for para, mark in zip(article.paragraphs, paragraph_marks(comparison, side), strict=False):
        start, end = trim_span(text, para.start, para.end)
        if start >= end:
            continue
        # The last character, not the first: when a title line opens the paragraph the title
        # is its own block and the paragraph's block starts after it. A hidden paragraph snaps
        # to the next shown block, whose own paragraph comes later and overwrites this.
        last = doc.to_display(end - 1)
        at = None if last is None else bisect_right(block_starts, last) - 1
        if at is not None and at >= 0:
            block_marks[at] = mark
    return PaneModel(doc, kind_spans + diff_spans + fact_spans, passage_spans, block_marks)


def wrap_pane(model: PaneModel, width: int) -> tuple[list[PaneLine], list[list[Span]]]:
    """Wrap every shown block at `width`; also bucket the spans by the lines they touch."""
    doc = model.document
    lines: list[PaneLine] = []
    for i, block in enumerate(doc.blocks):
        if block.kind == "meta":
            continue  # the pane header shows outlet and date
        if lines:
            lines.append((block.start, block.start, -1, (" ", "")))
        mark = model.block_marks.get(i, "")
        first, rest = ((MARK_CHARS[mark], mark), ("▏", mark)) if mark else ((" ", ""), (" ", ""))
        for n, (s, e) in enumerate(wrap_block(doc.text, block.start, block.end, width)):
            lines.append((s, e, i, rest if n else first))
    starts = [line[0] for line in lines]
    by_line: list[list[Span]] = [[] for _ in lines]
    for s, e, name in model.spans:
        first_line = max(0, bisect_right(starts, s) - 1)
        last_line = max(0, bisect_right(starts, max(s, e - 1)) - 1)
        for y in range(first_line, last_line + 1):
            by_line[y].append((s, e, name))
    return lines, by_line


class ComparePane(ScrollView, can_focus=True):
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
        self._cache: LRUCache[int, Strip] = LRUCache(1024)

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
            self._cache.clear()
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
        self._cache.clear()
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

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if self.model is None:
            text = Text(self._message if y == 0 else "", style=base)
            return Strip(text.render(self.app.console)).crop_extend(0, width, base)
        if index >= len(self._lines):
            return Strip.blank(width, base)
        # A selection changes as the mouse moves: those lines are drawn fresh, not cached.
        selection = self.text_selection
        strip = self._cache.get(index) if selection is None else None
        if strip is None:
            strip = self._line_strip(index, base, selection)
            if selection is None:
                self._cache[index] = strip
        # Offsets let Textual map a mouse position to (column, line) for selecting text.
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, index)

    def _style(self, name: str) -> Style:
        # "current" only adds emphasis (bold, underline) on top of the kind colour, so it must
        # not carry the inherited background; the others are full styles blended with the pane.
        return self.get_component_rich_style(f"compare-pane--{name}", partial=name == "current")

    # Not `_render`: Textual's Widget._render() is called without arguments (e.g. on copy).
    def _line_strip(self, index: int, base: Style, selection: Selection | None) -> Strip:
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
            return Strip(line.render(self.app.console), line.cell_len)
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
        if selection is not None and (span := selection.get_span(index)) is not None:
            start, end = span
            line.stylize(
                self.screen.get_component_rich_style("screen--selection"),
                start,
                len(line) if end == -1 else end,
            )
        return Strip(line.render(self.app.console), line.cell_len)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    # --- selecting text -----------------------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text as shown, gutter marks included (wrapped lines joined)."""
        if self.model is None:
            return None
        text = "\n".join(self._plain(y) for y in range(len(self._lines)))
        return selection.extract(text), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._cache.clear()
        self.refresh()

    # --- actions ------------------------------------------------------------------------

    def action_scroll_lines(self, n: int) -> None:
        self.scroll_relative(y=n, animate=False)

    def action_page(self, n: int) -> None:
        self.scroll_relative(y=n * max(1, self.scrollable_content_region.height - 2), animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)


class CompareLegend(Widget):
    """One line naming the colours and gutter marks; styled by the same classes as the panes."""

    COMPONENT_CLASSES: ClassVar[set[str]] = ComparePane.COMPONENT_CLASSES

    DEFAULT_CSS = """
    CompareLegend {
        height: 1;
    }
    """

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        width = self.size.width
        if y:
            return Strip.blank(width, base)

        text = self._legend(base, compact=False)
        if text.cell_len > width:  # narrow terminals: the same swatches, shorter words
            text = self._legend(base, compact=True)
        return Strip(text.render(self.app.console), text.cell_len).crop_extend(0, width, base)

    def _legend(self, base: Style, *, compact: bool) -> Text:
        def style(name: str) -> Style:
            return self.get_component_rich_style(f"compare-pane--{name}")

        text = Text(no_wrap=True, end="", style=base)
        for kind in ("verbatim", "near", "paraphrase"):
            text.append(f" {kind} ", style(kind))
            text.append(" ")
        text.append("boilerplate", style("boilerplate"))
        text.append("  ")
        text.append("only A" if compact else "only in A", style("deleted"))
        text.append(" ")
        text.append("only B" if compact else "only in B", style("inserted"))
        text.append(" ")
        text.append("fact" if compact else "changed fact", style("fact"))
        text.append(" │" if compact else "  │ ")
        for mark in ("copied", "edited", "rewritten", "original"):
            if compact:
                text.append(" ")
            text.append(MARK_CHARS[mark], style(f"mark-{mark}"))
            if not compact:
                text.append(f" {mark}  ")
        return text


def header_text(
    article: Article, reused_pct: float | None, label: str, other_label: str = ""
) -> Text:
    """Two header lines for a pane: title, then outlet · date · how much of it is shared."""
    title = clean_for_display(" ".join(article.display_title.split()))
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(f"{label} ", "bold reverse")
    text.append(" " + title, "bold")
    meta = [clean_for_display(m) for m in (article.outlet, article.date) if m]
    if reused_pct is None:
        meta.append("comparing…")
    else:
        meta.append(f"{reused_pct:.0f}% of it shared with {other_label or 'the other'}")
    text.append("\n" + " · ".join(meta), "dim")
    return text
