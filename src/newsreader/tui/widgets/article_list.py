"""The article list: one line per article (mark, title, outlet, date), line-rendered.

A `ScrollView` that renders only the rows on screen, so 20k articles cost a list of references
and nothing per row until it is shown (widget-per-row lists lag at ~1k items).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newsreader.corpus import Article
from newsreader.text import clean_for_display

SORT_KEYS = ("date", "outlet", "title")
MARK = "◆"  # the article marked for compare (`m`)
STAR = "★"
UNREAD = "•"
PREFIX_WIDTH = 3  # mark, star/unread, space
DATE_WIDTH = 10


def _one_line(value: str | None) -> str:
    return " ".join(clean_for_display(value or "").split())


def sort_articles(articles: Sequence[Article], key: str) -> list[Article]:
    """Articles ordered by `key`: newest first for date; A–Z otherwise; missing values last."""
    title: Callable[[Article], str] = lambda a: _one_line(a.display_title).casefold()  # noqa: E731
    if key == "date":
        dated = sorted((a for a in articles if a.date), key=title)
        dated.sort(key=lambda a: a.date or "", reverse=True)
        return dated + sorted((a for a in articles if not a.date), key=title)
    if key == "outlet":
        return sorted(articles, key=lambda a: (not a.outlet, (a.outlet or "").casefold(), title(a)))
    return sorted(articles, key=title)


class ArticleList(ScrollView, can_focus=True):
    """A cursor over articles; posts Highlighted as it moves and Selected on Enter or click."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("g,home", "first", "First", show=False, id="list.first"),
        Binding("G,end", "last", "Last", show=False, id="list.last"),
        Binding("enter,right,l", "select", "Read", key_display="⏎", id="list.select"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--outlet",
        "article-list--date",
        "article-list--mark",
        "article-list--star",
        "article-list--unread",
        "article-list--read",
    }

    DEFAULT_CSS = """
    ArticleList {
        overflow-x: hidden;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True)
    """Index of the highlighted row in the current sort order."""

    class Highlighted(Message):
        """The cursor moved onto an article."""

        def __init__(self, article: Article) -> None:
            super().__init__()
            self.article = article

    class Selected(Message):
        """The reader chose an article (Enter, right, l or a double click)."""

        def __init__(self, article: Article) -> None:
            super().__init__()
            self.article = article

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Article] = []
        self.marked: Article | None = None
        # (read, starred) of an article, from the app's reading state; None: all unread.
        self.status: Callable[[Article], tuple[bool, bool]] | None = None
        self.empty_message = "Loading…"
        self._has_outlets = True
        self._has_dates = True

    @property
    def article(self) -> Article | None:
        """The article under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def set_articles(self, articles: Sequence[Article], sort_key: str = "date") -> None:
        """Show `articles` sorted by `sort_key`, keeping the cursor on the same article."""
        current = self.article
        self.rows = sort_articles(articles, sort_key)
        # Columns nobody fills (a corpus without outlets) give their room to the title.
        self._has_outlets = any(a.outlet for a in self.rows)
        self._has_dates = any(a.date for a in self.rows)
        self.virtual_size = Size(0, len(self.rows))
        index = next((i for i, a in enumerate(self.rows) if a is current), 0)
        self.refresh()
        self.move_to(index, force=True)

    def select_article(self, article: Article) -> bool:
        """Move the cursor onto `article`; False when it is not in the list."""
        for i, a in enumerate(self.rows):
            if a is article:
                self.move_to(i)
                return True
        return False

    def move_to(self, index: int, *, force: bool = False) -> None:
        if not self.rows:
            return
        index = max(0, min(len(self.rows) - 1, index))
        if index != self.cursor or force:
            self.cursor = index

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True)
        if (article := self.article) is not None:
            self.post_message(self.Highlighted(article))

    # --- rendering ----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.rows:
            message = self.empty_message if y == 0 else ""
            return Strip([Segment(message, base)]).crop_extend(0, width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        text = self.row_text(self.rows[index], width)
        text.style = base
        if index == self.cursor:
            text.stylize(self.get_component_rich_style("article-list--cursor"))
        return Strip(text.render(self.app.console), width).crop_extend(0, width, base)

    def row_text(self, article: Article, width: int) -> Text:
        """One row: mark, star or unread dot, title (ellipsis), outlet, date, in `width` cells."""
        date_w = DATE_WIDTH if width >= 40 and self._has_dates else 0
        outlet_w = min(14, max(8, width // 6)) if width >= 50 and self._has_outlets else 0
        columns = (outlet_w + 1 if outlet_w else 0) + (date_w + 1 if date_w else 0)
        title_w = max(1, width - PREFIX_WIDTH - columns)
        read, starred = self.status(article) if self.status is not None else (False, False)
        row = Text(no_wrap=True, end="")
        row.append(MARK if article is self.marked else " ", style=self._style("mark"))
        if starred:
            row.append(STAR, style=self._style("star"))
        else:
            row.append(" " if read else UNREAD, style=self._style("unread"))
        row.append(" ")
        title = Text(_one_line(article.display_title), no_wrap=True, end="")
        if read:
            title.stylize(self._style("read"))
        title.truncate(title_w, overflow="ellipsis", pad=True)
        row.append_text(title)
        if outlet_w:
            outlet = Text(_one_line(article.outlet), no_wrap=True, end="")
            outlet.truncate(outlet_w, overflow="ellipsis", pad=True)
            row.append(" ")
            row.append_text(outlet)
            row.stylize(self._style("outlet"), len(row) - outlet_w)
        if date_w:
            row.append(" ")
            row.append(
                _one_line(article.date)[:date_w].ljust(date_w),
                style=self._style("date"),
            )
        return row

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"article-list--{part}")

    # --- input --------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self.scroll_offset.y + offset.y
        if 0 <= index < len(self.rows):
            self.move_to(index)
            if event.chain >= 2:
                self.action_select()

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.rows) - 1)

    def action_select(self) -> None:
        if (article := self.article) is not None:
            self.post_message(self.Selected(article))
