"""The article list: each article as a mail client shows a message, line-rendered.

The title takes up to two lines across the whole width (after the mark, star or unread dot),
so it reads in full at the widths people use; beneath it, dimmed, outlet · date · byline, and
"missing" when the file is gone from disk; an article that reused a press release starts that
line with a badge ("72% from PR Newswire: …"). A
`ScrollView` that renders only the lines on screen, so 100k articles cost a list of references
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
from newsreader.text import clean_for_display, one_line

SORT_KEYS = ("date", "outlet", "title")
MARK = "◆"  # the article marked for compare (`m`)
STAR = "★"
UNREAD = "•"
PREFIX_WIDTH = 3  # mark, star/unread, space
TITLE_LINES = 2
ROW_HEIGHT = TITLE_LINES + 1  # the title, then the outlet · date · byline line
BADGE_WIDTH = 48  # the churn badge leaves room for the outlet and date after it


def _one_line(value: str | None) -> str:
    return " ".join(clean_for_display(value or "").split())


def _title_key(article: Article) -> str:
    title = article.display_title
    # Most titles are printable (no controls, bidi marks, joiners, or whitespace but single
    # spaces), which is all `_one_line` changes: their key is just the casefold, ten times
    # cheaper over 100k titles than cleaning each.
    if not title.isprintable() or "  " in title or title[:1] == " " or title[-1:] == " ":
        title = _one_line(title)
    return title.casefold()


def sort_articles(articles: Sequence[Article], key: str) -> list[Article]:
    """Articles ordered by `key`: newest first for date; A–Z otherwise; missing values last."""
    title: Callable[[Article], str] = _title_key
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
        "article-list--byline",
        "article-list--missing",
        "article-list--churn",
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
        # The churn badge of an article (raw text; cleaned here), or None.
        self.badge: Callable[[Article], str | None] | None = None
        self.empty_message = "Loading…"

    @property
    def article(self) -> Article | None:
        """The article under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def set_articles(
        self, articles: Sequence[Article], sort_key: str = "date", *, presorted: bool = False
    ) -> None:
        """Show `articles` sorted by `sort_key` (already, when `presorted`), keeping the cursor
        on the same article."""
        current = self.article
        self.rows = list(articles) if presorted else sort_articles(articles, sort_key)
        self.virtual_size = Size(0, ROW_HEIGHT * len(self.rows))
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
        for line in range(ROW_HEIGHT):
            self.refresh_line(ROW_HEIGHT * new + line)
        self.scroll_to_region(Region(0, ROW_HEIGHT * new, 1, ROW_HEIGHT), animate=False, force=True)
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
        index, line = divmod(index, ROW_HEIGHT)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        article = self.rows[index]
        if line < TITLE_LINES:
            text = self.title_lines(article, width)[line]
        else:
            text = self.detail_text(article, width)
        text.style = base
        if index == self.cursor:
            text.stylize(self.get_component_rich_style("article-list--cursor"))
        strip = Strip(text.render(self.app.console), width).crop_extend(0, width, base)
        # A line of bare padding (a short title's empty second line) renders with no style at
        # all, which Textual's NO_COLOR filter cannot take: give every segment the base style.
        return strip.apply_style(base)

    def title_lines(self, article: Article, width: int) -> list[Text]:
        """The title wrapped into `TITLE_LINES` lines of `width` (the last one cut with an
        ellipsis), the first after the mark and the star or unread dot."""
        room = max(1, width - PREFIX_WIDTH)
        wrapped = self._title(article).wrap(self.app.console, room, overflow="fold")
        out = [self._prefix(article)]
        out += [Text(" " * PREFIX_WIDTH, no_wrap=True, end="") for _ in range(TITLE_LINES - 1)]
        for line, text in zip(out, wrapped, strict=False):
            text.rstrip()
            line.append_text(text)
        if len(wrapped) > TITLE_LINES:
            out[-1].append(" …")
        for line in out:
            line.truncate(width, overflow="ellipsis", pad=True)
        return out

    def row_text(self, article: Article, width: int) -> Text:
        """Mark, star or unread dot, then the title on one line, cut to `width`."""
        row = self._prefix(article)
        title = self._title(article)
        title.truncate(max(1, width - PREFIX_WIDTH), overflow="ellipsis", pad=True)
        row.append_text(title)
        return row

    def _prefix(self, article: Article) -> Text:
        read, starred = self.status(article) if self.status is not None else (False, False)
        row = Text(no_wrap=True, end="")
        row.append(MARK if article is self.marked else " ", style=self._style("mark"))
        if starred:
            row.append(STAR, style=self._style("star"))
        else:
            row.append(" " if read else UNREAD, style=self._style("unread"))
        row.append(" ")
        return row

    def _title(self, article: Article) -> Text:
        title = Text(_one_line(article.display_title), end="")
        read = self.status(article)[0] if self.status is not None else False
        if read:
            title.stylize(self._style("read"))
        return title

    def detail_text(self, article: Article, width: int) -> Text:
        """The second line, under the title: (churn badge ·) outlet · date · byline (· missing)."""
        row = Text(" " * PREFIX_WIDTH, no_wrap=True, end="")
        badge = self.badge(article) if self.badge is not None else None
        parts = [
            (one_line(badge, BADGE_WIDTH) if badge else None, "churn"),
            (article.outlet, "outlet"),
            (article.date, "date"),
            (article.byline, "byline"),
            ("missing on disk" if getattr(article, "missing", False) else None, "missing"),
        ]
        first = True
        for value, part in parts:
            if not value:
                continue
            if not first:
                row.append(" · ", style=self._style("date"))
            row.append(_one_line(value), style=self._style(part))
            first = False
        if first:
            row.append("—", style=self._style("date"))
        row.truncate(width, overflow="ellipsis", pad=True)
        return row

    def _style(self, part: str) -> Style:
        return self.get_component_rich_style(f"article-list--{part}")

    # --- input --------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (self.scroll_offset.y + offset.y) // ROW_HEIGHT
        if 0 <= index < len(self.rows):
            self.move_to(index)
            if event.chain >= 2:
                self.action_select()

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(1, self.scrollable_content_region.height // ROW_HEIGHT - 1))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.rows) - 1)

    def action_select(self) -> None:
        if (article := self.article) is not None:
            self.post_message(self.Selected(article))
