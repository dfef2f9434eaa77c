"""The reader: article list (or search view) on the left, the article's text on the right.

Below 100 columns the panes stack (the app's breakpoints put `-narrow` on the screen).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Header, Input, Label, OptionList, ProgressBar

from newsreader.corpus import Article, Corpus
from newsreader.tui.screens.reading_actions import ReadingActions
from newsreader.tui.widgets.article_list import SORT_KEYS, ArticleList
from newsreader.tui.widgets.article_view import ArticleView
from newsreader.tui.widgets.footer import Footer
from newsreader.tui.widgets.search_results import SearchPanel

if TYPE_CHECKING:
    from newsreader.tui.app import NewsreaderApp

SEARCH_LIMIT = 50
# Keys that work on the whole list: greyed while only a big library's first page is shown.
WHOLE_LIST_ACTIONS = frozenset(
    {"compare", "stories", "whats_new", "matrix", "cycle_filter", "cycle_sort", "fetch_feeds"}
)


class MainScreen(ReadingActions, Screen[None]):
    """List + text pane + search view."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: handled when the key arrives, not after it bubbles, so the characters typed
        # right behind `/` (a fast typist, tmux send-keys) already go to the search input.
        Binding("slash", "search", "Search", priority=True, id="reader.search"),
        Binding("n", "next_hit", "Next hit", id="reader.next_hit"),
        Binding("N", "previous_hit", "Previous hit", show=False, id="reader.previous_hit"),
        Binding("c", "compare", "Compare", id="reader.compare"),
        Binding("m", "mark", "Mark", id="reader.mark"),
        Binding("t", "stories", "Stories", id="reader.stories"),
        # newsboat's key for "reload all feeds"; again while fetching cancels.
        Binding("R", "fetch_feeds", "Fetch feeds", id="reader.fetch"),
        Binding("w", "whats_new", "What's new", show=False, id="reader.whats_new"),
        Binding("x", "matrix", "Release matrix", show=False, id="reader.matrix"),
        Binding("s", "toggle_star", "Star", id="reader.toggle_star"),
        Binding("f", "cycle_filter", "Filter", id="reader.filter"),
        Binding("r", "toggle_read", "Read/unread", show=False, id="reader.toggle_read"),
        Binding("o", "cycle_sort", "Sort", show=False, id="reader.sort"),
        Binding("b", "toggle_boilerplate", "Boilerplate", show=False, id="reader.boilerplate"),
        Binding("space", "text_page_down", "Scroll text", show=False, id="reader.text_page"),
    ]

    app: NewsreaderApp  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.sort_key = SORT_KEYS[0]
        self._query = ""
        self._search_cancel = threading.Event()
        # find_in_article spans for the article in the text pane, and which one is current.
        self._spans: list[tuple[int, int]] = []
        self._span_index: int | None = None
        # While only the first page of a big library is listed: views that need every
        # article wait, and the article the page opened on (to tell if the reader moved).
        self._page_only = False
        self._page_article: Article | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Label("Loading…", id="list-status")
                yield ArticleList(id="articles")
                yield SearchPanel(id="search")
            yield ArticleView(id="text")
        with Horizontal(id="progress"):
            yield Label("Loading…", id="progress-label")
            yield ProgressBar(id="progress-bar", show_eta=False)
        yield Footer()

    # --- widgets ------------------------------------------------------------------------

    @property
    def article_list(self) -> ArticleList:
        return self.query_one("#articles", ArticleList)

    @property
    def text_view(self) -> ArticleView:
        return self.query_one("#text", ArticleView)

    @property
    def search_panel(self) -> SearchPanel:
        return self.query_one("#search", SearchPanel)

    @property
    def searching(self) -> bool:
        return self.query_one("#left").has_class("-searching")

    @property
    def current_article(self) -> Article | None:
        """The article in the text pane."""
        return self.text_view.article

    @property
    def target_article(self) -> Article | None:
        """The article a key acts on (mark, compare, the provenance views): the list's cursor
        while the list has focus (the text pane follows it a message later, so `j c` typed at
        once acts on the article the user moved to), else the article in the text pane."""
        listed = self.article_list
        if self.focused is listed and listed.article is not None:
            return listed.article
        return self.text_view.article

    def on_mount(self) -> None:
        config = self.app.config
        if config.sort in SORT_KEYS:
            self.sort_key = config.sort
        self.text_view.hide_boilerplate = config.hide_boilerplate
        # set_focus, not focus(): it takes effect at once, so keys typed right after `/` or
        # Enter (a fast typist, a paste, tmux send-keys) land in the widget they were meant for.
        self.set_focus(self.article_list)
        self.watch(self.app, "marked", self._marked_changed, init=False)
        self.app.start_loading()

    # --- loading (called by the app as its workers report) ----------------------------------

    def show_progress(self, stage: str, done: int, total: int) -> None:
        self.query_one("#progress").display = True
        self.query_one("#progress-label", Label).update(Text(f"{stage} {done}/{total}"))
        self.query_one("#progress-bar", ProgressBar).update(total=max(1, total), progress=done)

    def hide_progress(self) -> None:
        self.query_one("#progress").display = False

    def first_page(self, articles: list[Article], total: int) -> None:
        """Show the newest articles of a big library while the whole list is read."""
        listed = self.article_list
        listed.status = self.article_status
        listed.badge = self.article_badge
        listed.set_articles(articles, self.sort_key, presorted=True)
        self._page_only = True
        self.query_one("#list-status", Label).update(
            Text(f"newest {len(articles)} of {total} articles · reading the rest…")
        )
        if not self.restore_position():
            self.text_view.show_article(listed.article)
        self._page_article = listed.article
        self.refresh_bindings()

    def corpus_loaded(self, corpus: Corpus) -> None:
        """Fill the list and go back to where the reader was (or the first article), unless
        the reader moved in the first page meanwhile: then it stays on that article."""
        articles = self.article_list
        articles.empty_message = "No articles could be loaded." if not corpus.articles else ""
        articles.status = self.article_status
        articles.badge = self.article_badge
        moved = self._page_only and articles.article is not self._page_article
        self._page_only = False
        self._page_article = None
        self.refill_list()
        self.refresh_bindings()
        # shown, scrolled, when its Highlighted arrives
        restored = False if moved else self.restore_position()
        # Else shown now, not when the list's Highlighted message arrives: keys pressed
        # straight after loading act on the article the user sees.
        if (
            not restored
            and not self.searching
            and self.text_view.article is not self.article_list.article
        ):
            self.text_view.show_article(self.article_list.article)
        if not corpus.articles:
            self.text_view.show_message("No articles. Open a folder: newsreader PATH")

    def index_ready(self) -> None:
        """Re-run a query typed while the index was building."""
        if self.searching and self.search_panel.input.value.strip():
            self._start_search(self.search_panel.input.value)

    # --- list and text ------------------------------------------------------------------

    @on(ArticleList.Highlighted)
    def _article_highlighted(self, event: ArticleList.Highlighted) -> None:
        # Already shown (a re-sort, a restored position arriving first): keep its scroll.
        if not self.searching and event.article is not self.text_view.article:
            self._spans, self._span_index = [], None
            self.text_view.show_article(event.article)

    @on(ArticleList.Selected)
    def _article_selected(self, event: ArticleList.Selected) -> None:
        self.mark_read(event.article)
        self.save_position()
        self.set_focus(self.text_view)

    @on(ArticleView.Back)
    def _back_from_text(self) -> None:
        if self.searching:
            self.set_focus(self.search_panel.results)
        else:
            self.set_focus(self.article_list)

    def open_article(self, article: Article) -> None:
        """Show `article` (from the palette): close search, select it, focus the text."""
        if self.searching:
            self._close_search()
        self.article_list.select_article(article)
        self.text_view.show_article(article)
        self.mark_read(article)
        self.set_focus(self.text_view)

    def _marked_changed(self) -> None:
        self.article_list.marked = self.app.marked
        self.article_list.refresh()

    # --- search -------------------------------------------------------------------------

    def action_search(self) -> None:
        if self.focused is self.search_panel.input:
            self.search_panel.input.insert_text_at_cursor("/")  # `/` is also a character
            return
        self.query_one("#left").add_class("-searching")
        search_input = self.search_panel.input
        self.set_focus(search_input)
        if search_input.value:
            # The last query comes back selected: Enter reuses it, typing replaces it.
            search_input.select_all()
            self._start_search(search_input.value)
        else:
            self._start_search("")  # empty: list the recent searches

    @on(SearchPanel.Closed)
    def _close_search(self) -> None:
        self._search_cancel.set()
        self.query_one("#left").remove_class("-searching")
        self._query = ""
        self._spans, self._span_index = [], None
        self.refresh_bindings()
        article = self.article_list.article
        self.set_focus(self.article_list)
        self.text_view.show_article(article, keep_scroll=article is self.current_article)
        self.text_view.set_hits([])

    @on(Input.Changed, "#search-input")
    def _query_changed(self, event: Input.Changed) -> None:
        self._start_search(event.value)

    def _start_search(self, query: str) -> None:
        self._search_cancel.set()  # a newer keystroke makes the running search stale
        self._search_cancel = threading.Event()
        if not query.strip():
            recent = self.app.reading.recent_searches()
            self.search_panel.results.show_recent(recent)
            self.search_panel.set_status(
                "Recent searches (↓ then Enter runs one)." if recent else "Type to search."
            )
            return
        if self.app.index is None:
            self.search_panel.set_status("Indexing… results appear as soon as it is ready.")
            return
        self._run_search(query, self.app.index, self._search_cancel)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _run_search(self, query: str, index: Any, cancel: threading.Event) -> None:
        try:
            hits = index.search(query, limit=SEARCH_LIMIT, cancel=cancel)
        except Exception as error:  # a search bug must not take the reader down
            self.app.call_from_thread(self.search_panel.set_status, f"Search failed: {error}")
            return
        if not cancel.is_set():
            self.app.call_from_thread(self._apply_hits, query, hits)

    def _apply_hits(self, query: str, hits: list[Any]) -> None:
        # Results of an older query can arrive after a newer one started: drop them.
        if not self.searching or query != self.search_panel.input.value:
            return
        self._query = query
        self.search_panel.show_hits(hits)
        articles = len({id(h.article) for h in hits})
        more = "+" if len(hits) >= SEARCH_LIMIT else ""
        self.search_panel.set_status(
            f"{len(hits)}{more} hits in {articles} articles" if hits else "No matches."
        )

    @on(OptionList.OptionHighlighted, "#search-results")
    def _hit_highlighted(self) -> None:
        self._show_hit(self.search_panel.results.hit)

    @on(OptionList.OptionSelected, "#search-results")
    @on(Input.Submitted, "#search-input")
    def _hit_selected(self) -> None:
        """Enter on a hit (or in the input: the highlighted, best hit) opens it."""
        results = self.search_panel.results
        if (recent := results.recent_query) is not None:
            search_input = self.search_panel.input
            search_input.value = recent
            search_input.cursor_position = len(recent)
            self.set_focus(search_input)
            return
        hit = results.hit
        self._show_hit(hit)
        if hit is not None:
            self.article_list.select_article(hit.article)
            self.mark_read(hit.article)
            self.app.reading.add_search(self._query)
            self.set_focus(self.text_view)

    def _show_hit(self, hit: Any | None) -> None:
        """Put the hit's article in the text pane, every match marked, scrolled to this one."""
        if hit is None:
            return
        view = self.text_view
        view.show_article(hit.article, keep_scroll=hit.article is view.article)
        spans: list[tuple[int, int]] = []
        if self.app.index is not None and self._query:
            try:
                spans = list(self.app.index.find_in_article(self._query, hit.article))
            except Exception:
                spans = []
        if hit.end > hit.start and (hit.start, hit.end) not in spans:
            spans = sorted([*spans, (hit.start, hit.end)])
        self._spans = spans
        self._span_index = next(
            (i for i, s in enumerate(spans) if s == (hit.start, hit.end)),
            0 if spans else None,
        )
        view.set_hits(spans, self._span_index)
        self.refresh_bindings()

    def _step_hit(self, step: int) -> None:
        if not self._spans or self._span_index is None:
            self.notify("No search hits in this article. Press / to search.", timeout=3)
            return
        self._span_index = (self._span_index + step) % len(self._spans)
        self.text_view.set_hits(self._spans, self._span_index)
        if self.searching:
            self.search_panel.set_status(
                f"Hit {self._span_index + 1} of {len(self._spans)} in this article (n/N)"
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """n/N only while there are hits to step through, R only when the library has feeds
        (and only then in the footer)."""
        if action in ("next_hit", "previous_hit"):
            return bool(self._spans)
        if self._page_only and action in WHOLE_LIST_ACTIONS:
            return None  # shown greyed until the whole list is read (a second or two)
        if action == "fetch_feeds":  # no feeds: no key taking room in the footer
            return self.app.feed_count > 0 or self.app.fetching
        return True

    def action_next_hit(self) -> None:
        self._step_hit(1)

    def action_previous_hit(self) -> None:
        self._step_hit(-1)

    # --- other actions ------------------------------------------------------------------

    def action_text_page_down(self) -> None:
        self.text_view.scroll_page_down(animate=False)

    def action_cycle_sort(self) -> None:
        self.sort_key = SORT_KEYS[(SORT_KEYS.index(self.sort_key) + 1) % len(SORT_KEYS)]
        self.refill_list()

    def action_toggle_boilerplate(self) -> None:
        view = self.text_view
        view.hide_boilerplate = not view.hide_boilerplate
        self.notify(
            "Boilerplate hidden." if view.hide_boilerplate else "Boilerplate shown.", timeout=2
        )

    def action_mark(self) -> None:
        article = self.target_article
        if article is None:
            return
        if self.app.marked is article:
            self.app.marked = None
            self.notify("Mark cleared.", timeout=2)
        else:
            self.app.marked = article
            self.notify("Marked. Press c on another article to compare the two.", timeout=3)

    def action_compare(self) -> None:
        """`c`: the marked article beside this one, or a picker of what to compare it with."""
        article = self.target_article
        if article is None:
            return
        marked = self.app.marked
        # Imported on first use: the compare screens are not needed for the first paint.
        if marked is not None and marked is not article:
            from newsreader.tui.screens.compare import CompareScreen

            self.app.push_screen(CompareScreen(marked, article))
            return
        from newsreader.tui.screens.compare_picker import ComparePicker

        self.app.push_screen(ComparePicker(self.app.corpus, article))

    def _provenance(self, what: str) -> None:
        from newsreader.tui.screens.stories import open_provenance

        article = self.target_article
        if article is None and what != "stories":
            return
        open_provenance(self.app, what, article)

    def action_fetch_feeds(self) -> None:
        """`R`: fetch every feed now (the only time the reader uses the network); again: stop."""
        self.app.fetch_feeds()

    def action_stories(self) -> None:
        """`t`: the corpus grouped into stories, each with its origin and a timeline."""
        self._provenance("stories")

    def action_whats_new(self) -> None:
        """`w`: only what this article adds beyond its sources."""
        self._provenance("whats_new")

    def action_matrix(self) -> None:
        """`x`: this article's story origin, paragraph by paragraph, against every outlet."""
        self._provenance("matrix")
