"""The text pane: one line-rendered scroll view over an article, wrapped at a readable width.

Like toolong's log view: wrapping only computes (start, end) offsets per line in one pass, and a
line becomes a `Strip` only when it is on screen (then cached), so a 1 MB article opens and
scrolls without building a widget or a Rich `Text` for the whole thing. Article text only ever
enters `rich.text.Text` as a plain string: markup and escapes in it are shown, never obeyed.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive

from newsreader.corpus import Article
from newsreader.tui.document import Document, Line, build_document, wrap_document
from newsreader.tui.widgets.line_view import LineView

READABLE_WIDTH = 88


class ArticleView(LineView, can_focus=True):
    """Shows one article; highlights search hits and scrolls to them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "scroll_down", "Down", show=False, id="text.down"),
        Binding("up,k", "scroll_up", "Up", show=False, id="text.up"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="text.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="text.page_up"),
        Binding("g,home", "scroll_home", "Top", show=False, id="text.top"),
        Binding("G,end", "scroll_end", "Bottom", show=False, id="text.bottom"),
        Binding("escape,left,h", "back", "Back to list", id="text.back"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--title",
        "article-view--meta",
        "article-view--boilerplate",
        "article-view--hit",
        "article-view--current-hit",
    }

    DEFAULT_CSS = """
    ArticleView {
        overflow-x: hidden;
    }
    """

    hide_boilerplate: reactive[bool] = reactive(False)
    """Leave boilerplate paragraphs (navigation, share buttons, footers) out of the text."""

    class Back(Message):
        """The reader asked to leave the text pane (Esc, left, h)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.article: Article | None = None
        self.document: Document | None = None
        self._lines: list[Line] = []
        self._line_starts: list[int] = []
        self._wrap_width = 0
        # Hits as display spans (sorted) and the index of the current one.
        self._hits: list[tuple[int, int]] = []
        self._hit_ends: list[int] = []
        self._current_hit: int | None = None
        self._empty_message = "Loading…"
        self._pending_scroll: tuple[Article, int] | None = None

    # --- what to show -------------------------------------------------------------------

    def show_article(self, article: Article | None, *, keep_scroll: bool = False) -> None:
        """Show `article` from the top (or a message when None), with no hits highlighted."""
        if article is not self.article:
            self.article = article
            try:
                self.document = build_document(article) if article is not None else None
            except Exception as error:  # show the rest of the corpus rather than crash
                self.document = None
                self._empty_message = f"Cannot display this article ({type(error).__name__})."
            self._hits, self._hit_ends, self._current_hit = [], [], None
            self._relayout()
        pending = self._pending_scroll
        if pending is not None and article is pending[0]:
            self._pending_scroll = None
            self.scroll_to(0, 0, animate=False)
            self.call_after_refresh(self.scroll_to, y=pending[1], animate=False)
        elif not keep_scroll:
            self.scroll_to(0, 0, animate=False)

    def scroll_when_shown(self, article: Article, y: int) -> None:
        """Open `article` at line `y` the next time it is shown (a restored position): the
        list's highlight messages may show other articles first."""
        self._pending_scroll = (article, y)
        if article is self.article:
            self.show_article(article)

    def show_message(self, message: str) -> None:
        """Show a one-line message instead of an article (loading, empty corpus)."""
        self._empty_message = message
        self.show_article(None)

    def set_hits(self, spans: list[tuple[int, int]], current: int | None = None) -> None:
        """Highlight article spans (offsets into `Article.text`); `current` is scrolled to."""
        if self.document is None:
            return
        mapped = [self.document.span_to_display(s, e) for s, e in spans]
        pairs = sorted((m, i) for i, m in enumerate(mapped) if m is not None)
        self._hits = [m for m, _ in pairs]
        self._hit_ends = [e for _, e in self._hits]
        self._current_hit = None
        if current is not None:
            for n, (_, i) in enumerate(pairs):
                if i == current:
                    self._current_hit = n
        self.clear_lines()
        self.refresh()
        if self._current_hit is not None:
            self.scroll_to_display_offset(self._hits[self._current_hit][0])

    def scroll_to_display_offset(self, offset: int) -> None:
        """Scroll so the line holding a display offset sits a third of the way down."""
        if self.document is None:
            return
        block = self.document.block_at(offset)
        if (
            block is not None
            and self.hide_boilerplate
            and self.document.blocks[block].kind == "boilerplate"
        ):
            self.hide_boilerplate = False  # a hit inside hidden text: show it rather than lie
        y = self.line_of(offset)
        top = max(0, y - self.scrollable_content_region.height // 3)
        self.scroll_to(y=top, animate=False)

    def line_of(self, offset: int) -> int:
        """Index of the display line holding a display offset."""
        return max(0, bisect_right(self._line_starts, offset) - 1)

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def visible_text(self) -> str:
        """The plain text of the lines on screen (for tests and screen readers)."""
        y0 = round(self.scroll_offset.y)
        return "\n".join(
            self.plain_line(y) for y in range(y0, min(len(self._lines), y0 + self.size.height))
        )

    # --- layout -------------------------------------------------------------------------

    def watch_hide_boilerplate(self) -> None:
        self._relayout()

    def on_resize(self) -> None:
        if self._target_width() != self._wrap_width:
            self._relayout()

    def _target_width(self) -> int:
        # Leave room for the scrollbar whether or not it shows, so wrapping never oscillates.
        room = self.size.width - self.styles.gutter.width - self.styles.scrollbar_size_vertical
        return max(10, min(READABLE_WIDTH, room))

    def _relayout(self) -> None:
        self._wrap_width = self._target_width()
        if self.document is None:
            self._lines = []
        else:
            self._lines = wrap_document(
                self.document, self._wrap_width, hide_boilerplate=self.hide_boilerplate
            )
        self._line_starts = [line.start for line in self._lines]
        self.clear_lines()
        self.virtual_size = Size(self._wrap_width, max(1, len(self._lines)))
        self.refresh()

    # --- lines (LineView) ----------------------------------------------------------------

    def empty_message(self) -> str | None:
        return self._empty_message if self.document is None else None

    def line_total(self) -> int:
        return len(self._lines)

    def plain_line(self, index: int) -> str:
        if self.document is None or not 0 <= index < len(self._lines):
            return ""
        line = self._lines[index]
        return self.document.text[line.start : line.end].rstrip()

    def line_text(self, index: int, base: Style) -> Text:
        assert self.document is not None
        line = self._lines[index]
        if line.block < 0:
            return Text("", no_wrap=True, end="")
        kind = self.document.blocks[line.block].kind
        plain = self.document.text[line.start : line.end].rstrip()
        style = base
        if kind in ("title", "meta", "boilerplate"):
            style = base + self.get_component_rich_style(f"article-view--{kind}")
        text = Text(plain, no_wrap=True, end="")
        # A span, not Text(style=...): Rich drops the base style of a Text without spans.
        text.stylize(style)
        # Hits are short and sorted, so their ends are sorted too: start at the first that ends
        # after this line begins.
        for n in range(bisect_right(self._hit_ends, line.start), len(self._hits)):
            h_start, h_end = self._hits[n]
            if h_start >= line.end:
                break
            if h_end <= line.start:
                continue
            name = "current-hit" if n == self._current_hit else "hit"
            text.stylize(
                self.get_component_rich_style(f"article-view--{name}"),
                max(0, h_start - line.start),
                min(len(plain), h_end - line.start),
            )
        return text

    # --- actions ------------------------------------------------------------------------

    def action_back(self) -> None:
        self.post_message(self.Back())

    def action_scroll_down(self) -> None:
        self.scroll_relative(y=1, animate=False)

    def action_scroll_up(self) -> None:
        self.scroll_relative(y=-1, animate=False)

    def action_page_down(self) -> None:
        self.scroll_page_down(animate=False)

    def action_page_up(self) -> None:
        self.scroll_page_up(animate=False)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False)
