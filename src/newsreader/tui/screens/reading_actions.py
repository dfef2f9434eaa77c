"""The main screen's read/star/filter actions and its saved position (mixed into MainScreen).

Kept apart from the list/text/search wiring so each module stays small; the bindings live on
MainScreen (Textual only collects `BINDINGS` from DOM classes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Label

from newsreader.corpus import Article

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp
    from newsreader.tui.widgets.article_list import ArticleList
    from newsreader.tui.widgets.article_view import ArticleView

FILTERS = ("all", "unread", "starred")


class ReadingActions:
    """r, s, f and the reading position, for a screen with an article list and a text pane."""

    app: NewsreaderApp
    sort_key: str
    filter_mode: str = "all"
    # The whole corpus already sorted off the UI thread by the load worker, for the first fill:
    # (sort key, the corpus list it was made from, the sorted list). 100k titles take 0.7 s.
    presorted: tuple[str, list[Article], list[Article]] | None = None

    if TYPE_CHECKING:  # the screen's widgets, as the screen's read-only properties give them

        @property
        def article_list(self) -> ArticleList: ...

        @property
        def text_view(self) -> ArticleView: ...

    def article_status(self, article: Article) -> tuple[bool, bool]:
        """(read, starred) for the list's glyphs."""
        reading = self.app.reading
        return reading.is_read(article), reading.is_starred(article)

    def article_badge(self, article: Article) -> str | None:
        """The churn badge: how much of the article came from which press release (its
        outlet; the release's title is in `newsreader list --json` and the stories view)."""
        match = self.app.churn.get(getattr(article, "article_id", -1))
        return match.short_label if match is not None else None

    def visible_articles(self) -> list[Article]:
        """The corpus through the current filter."""
        articles = self.app.corpus.articles
        reading = self.app.reading
        if self.filter_mode == "unread":
            return [a for a in articles if not reading.is_read(a)]
        if self.filter_mode == "starred":
            return [a for a in articles if reading.is_starred(a)]
        return list(articles)

    def refill_list(self) -> None:
        """Re-apply filter and sort, keeping the cursor on the same article when it stays."""
        # Used once, by the fill that follows loading: later changes to the corpus (rows
        # merged in place by the watcher or a fetch) must be sorted anew.
        order, self.presorted = self.presorted, None
        if (
            order is not None
            and self.filter_mode == "all"
            and order[0] == self.sort_key
            and order[1] is self.app.corpus.articles
        ):
            self.article_list.set_articles(order[2], self.sort_key, presorted=True)
        else:
            self.article_list.set_articles(self.visible_articles(), self.sort_key)
        self.update_list_status()

    def update_list_status(self) -> None:
        shown, total = len(self.article_list.rows), len(self.app.corpus.articles)
        count = f"{total} articles" if shown == total else f"{shown} of {total} articles"
        where = "" if self.filter_mode == "all" else f" · {self.filter_mode} only (f)"
        self.query_one("#list-status", Label).update(  # type: ignore[attr-defined]
            Text(f"{count}{where} · sorted by {self.sort_key} (o)")
        )

    def _changed(self, article: Article) -> None:
        self.article_list.refresh()
        self.app.update_sub_title()

    def mark_read(self, article: Article | None) -> None:
        """Opening an article reads it."""
        if article is not None and not self.app.reading.is_read(article):
            self.app.reading.set_read(article)
            self._changed(article)

    def action_toggle_read(self) -> None:
        article = self.text_view.article
        if article is not None:
            read = self.app.reading.toggle_read(article)
            self._changed(article)
            self.app.notify("Marked read." if read else "Marked unread.", timeout=2)

    def action_toggle_star(self) -> None:
        article = self.text_view.article
        if article is not None:
            starred = self.app.reading.toggle_star(article)
            self._changed(article)
            self.app.notify("Starred." if starred else "Star removed.", timeout=2)

    def action_cycle_filter(self) -> None:
        self.filter_mode = FILTERS[(FILTERS.index(self.filter_mode) + 1) % len(FILTERS)]
        self.refill_list()
        if not self.article_list.rows:
            self.article_list.empty_message = f"No {self.filter_mode} articles. Press f."
            self.text_view.show_message(f"No {self.filter_mode} articles.")
            self.article_list.refresh()

    def save_position(self, *, now: bool = False) -> None:
        """Remember the article in the text pane and how far down it is."""
        article = self.text_view.article
        if article is not None:
            offset = round(self.text_view.scroll_offset.y)
            self.app.reading.save_position(article, offset, now=now)

    def restore_position(self) -> bool:
        """Back to where the reader left this corpus last time, if that article is still here."""
        saved = self.app.reading.saved_position(self.article_list.rows)
        if saved is None:
            return False
        article, offset = saved
        self.text_view.scroll_when_shown(article, offset)
        return self.article_list.select_article(article)
