"""The Textual app: owns the corpus, the search index and the marked article; loads in workers.

`make_app(paths)` is the one way to build it, used by the CLI and by the tests alike.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from newsreader.config import Config, load_config, unknown_binding_ids
from newsreader.corpus import Article, Corpus
from newsreader.library.stored import StoredArticle
from newsreader.text import one_line
from newsreader.tui.commands import ReaderCommands, known_binding_ids
from newsreader.tui.messages import (
    CorpusLoaded,
    FeedsFetched,
    FilesChanged,
    FirstPage,
    IndexReady,
    LibraryRefreshed,
    LoadFailed,
    LoadProgress,
)
from newsreader.tui.reading import ReadingState, open_store
from newsreader.tui.screens.main import MainScreen

HERE = Path(__file__).resolve().parent
PROGRESS_INTERVAL = 0.05  # seconds between progress messages: enough to animate, not to flood
MAX_SKIP_NOTES = 3
# The list is drawn before the library looks at its folders (a refresh holds the GIL for a while).
REFRESH_DELAY = 0.25
# Rows read first from a big library (newest first), shown while the rest is read: more than
# a tall terminal shows, so paging down works at once.
FIRST_PAGE = 200
PAGE_WAIT = 1.0  # seconds the load worker waits for the first page to be drawn, at most
SLOW_REFRESH = 1.0  # seconds a refresh runs before its progress is shown


class NewsreaderApp(App[int]):
    """Read a corpus of news articles; search them; compare two of them."""

    # Absolute, so a subclass in another module (tests, tools) finds the stylesheet too. The
    # compare and provenance screens bring their own (`CSS_PATH`) when first shown: parsing
    # every stylesheet before the first frame was time the reader's start did not need.
    CSS_PATH: ClassVar[list[str | Path]] = [HERE / "app.tcss"]
    TITLE = "newsreader"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]
    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {ReaderCommands}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
    ]

    marked: reactive[Article | None] = reactive(None)
    """The article marked with `m`; `c` on another one compares the two (read by compare)."""

    def __init__(self, paths: Sequence[str | Path] = (), *, config: Config | None = None) -> None:
        super().__init__()
        problems: list[str] = []
        if config is None:
            config, problems = load_config()
        self.config = config
        """The user's settings (theme, keys, sort, boilerplate, default folders)."""
        self._config_problems = problems
        if not paths and config.default_paths:
            paths = config.default_paths
        self.paths: list[Path] = [Path(p) for p in paths]
        """The paths this reader was opened on; empty: the whole library."""
        self.corpus: Corpus = Corpus(name=corpus_name(paths))
        # Story clusters are built on first use (t/w/x) and kept until the corpus changes.
        self.stories: list[Any] | None = None
        self.story_facts: dict[int, Any] | None = None
        """The loaded corpus (empty until the load worker reports)."""
        self.index: Any | None = None
        """The search index (`newsreader.search.SearchIndex`) once built, else None."""
        self.loaded = False
        """True once loading and indexing have finished (or failed)."""
        self.reading = ReadingState(None, self.paths, self._write_state)
        """Read marks, stars and the saved position (session-only until the store opens)."""
        self._cancel = threading.Event()
        self._stage = "loading…"
        self._load_requested = False
        self._watch_stop = threading.Event()
        """Set on quit: the folder watcher stops within a fraction of a second."""
        self._watcher: threading.Thread | None = None
        self._fetch_cancel: threading.Event | None = None
        """Set while a fetch (`R`) runs; setting it stops the fetch."""
        self._fetch_new = 0
        self.feed_count = 0
        """Feeds in the library (read at start): `R` is offered only when there are some."""
        self.churn: dict[int, Any] = {}
        """Churn matches (library.churn.ChurnMatch) by article id: the list's badges."""

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen()

    @property
    def main_screen(self) -> MainScreen:
        return self.screen_stack[0]  # type: ignore[return-value]

    def on_mount(self) -> None:
        self.sub_title = f"{self.corpus.name} · loading…"
        self._apply_config()

    def _apply_config(self) -> None:
        """Theme and keymap from the config; each problem is one notification, never fatal."""
        config, problems = self.config, list(self._config_problems)
        if config.theme in self.available_themes:
            self.theme = config.theme
        else:
            problems.append(f"theme {config.theme!r} is not available; using {self.theme}")
        if config.keys:
            # Knowing every binding id imports every screen (~0.1 s): only for a custom keymap.
            known = known_binding_ids(self)
            problems.extend(unknown_binding_ids(config, known))
            self.set_keymap({k: v for k, v in config.keys.items() if k in known})
        for problem in problems:
            self.notify(problem, title="Config", severity="warning", timeout=10, markup=False)

    def start_loading(self) -> None:
        """Start the load worker (the main screen calls this once its widgets exist)."""
        if not self.loaded and not self._load_requested:
            self._load_requested = True
            # After the first frame: the worker holds the GIL much of the time it runs.
            self.call_after_refresh(self.load)

    @property
    def related_index(self) -> LibrarySearch | None:
        """What the compare picker asks for articles like one: the library, once loaded."""
        return self.index if isinstance(self.index, LibrarySearch) else None

    def open_article(self, article: Article) -> None:
        """Bring the reader to the front and show `article` (the palette's "Article: open")."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.main_screen.open_article(article)

    # --- loading ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load(self) -> None:
        """Read every article, then the search index, reporting progress as messages.

        From the library database: a reopen reads rows, a first open parses what is new.
        """
        loaded: list[Corpus] = []
        early: list[ReadingState] = []

        def first_page(library: Any) -> list[Article] | None:
            # Only for the list's default view: the newest first, every article shown.
            screen = self.main_screen
            if screen.sort_key != "date" or screen.filter_mode != "all":
                return None
            newest = library.newest(FIRST_PAGE)
            if newest is None:
                return None
            from newsreader.tui.widgets.article_list import sort_articles

            page = sort_articles(newest, "date")[:FIRST_PAGE]
            reading = ReadingState(open_store(), self.paths, self._write_state)
            early.append(reading)
            message = FirstPage(page, reading, library.count())
            self.post_message(message)
            message.drawn.wait(PAGE_WAIT)
            return page

        def corpus_ready(corpus: Corpus) -> None:
            if corpus.name == "corpus":
                corpus.name = self.corpus.name
            reading = (
                early[0] if early else ReadingState(open_store(), self.paths, self._write_state)
            )
            reading.remember(corpus.articles)
            # Sorted here, off the UI thread (0.7 s for 100k titles), by the list's current key;
            # the list sorts for itself if this cannot be done (the reader closing meanwhile).
            from newsreader.tui.widgets.article_list import sort_articles

            order = None
            with contextlib.suppress(Exception):
                key = self.main_screen.sort_key
                order = (key, sort_articles(corpus.articles, key))
            loaded.append(corpus)
            self.post_message(CorpusLoaded(corpus, reading, order))

        try:
            _, index = read_corpus_and_index(
                self.paths,
                cancel=self._cancel,
                progress=self._throttled("Reading"),
                index_progress=self._throttled("Indexing"),
                on_corpus=corpus_ready,
                first_page=first_page,
            )
        except Exception as error:  # whatever the loader hits, the app stays up and says why
            if loaded:  # the corpus is shown; only search failed
                self.post_message(IndexReady(None, f"{type(error).__name__}: {error}"))
            else:
                self.post_message(LoadFailed(f"{type(error).__name__}: {error}"))
            return
        if self._cancel.is_set():
            return
        churn, feeds = None, 0
        if isinstance(index, LibrarySearch):
            with contextlib.suppress(Exception):  # badges and feeds are extra: never fail
                churn = index.library.churn(index.ids)
                feeds = len(index.library.feeds())
        self.post_message(IndexReady(index, churn=churn, feeds=feeds))
        from newsreader.search.tokens import warm_up

        warm_up()  # here, not in the first keystroke the user types

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_library(self) -> None:
        """Look at the library's folders for new, changed and vanished files; show differences.

        Started once the stored list is drawn: the parser's imports and the folder walk hold
        the GIL, and the user should see the list before we go looking."""
        index = self.index
        if not isinstance(index, LibrarySearch) or self._cancel.is_set():
            return
        # Mostly a quick look; but a new parser re-reads every file (10 min at 100k): then
        # the progress bar says so, once it has taken a while.
        started = time.monotonic()
        throttled = self._throttled("Re-reading the library's files")
        shown = False

        def progress(done: int, total: int) -> None:
            nonlocal shown
            if done < total and time.monotonic() - started >= SLOW_REFRESH:
                shown = True
                throttled(done, total)

        try:
            report = index.library.refresh(cancel=self._cancel, progress=progress)
        except Exception as error:  # a refresh that fails leaves the list as it was
            self.post_message(LibraryRefreshed(None, f"{type(error).__name__}: {error}"))
            return
        finally:
            if shown:
                self.post_message(LoadProgress("", -1, -1))  # done: the bar goes
        if report.changes_view and not self._cancel.is_set():
            fresh = index.library.corpus(name=self.corpus.name)
            churn = index.library.churn()
            self.post_message(LibraryRefreshed(fresh, None, report, churn))

    def _throttled(self, stage: str) -> Callable[[int, int], None]:
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL or done >= total:
                last = now
                self.post_message(LoadProgress(stage, done, total))

        return progress

    def on_load_progress(self, message: LoadProgress) -> None:
        if not self.screen_stack:  # the reader is closing: a late worker report
            return
        stage = message.stage
        if message.total < 0:  # a long refresh ended (a fetch running keeps its bar)
            if not self.fetching:
                self.main_screen.hide_progress()
            return
        if stage.startswith("fetch:"):
            if self._fetch_cancel is None or self._fetch_cancel.is_set():
                return  # a late report of a fetch that ended or is stopping
            stage = f"Fetching {stage[6:]} ({self._fetch_new} new; R stops)"
        self.main_screen.show_progress(stage, message.done, message.total)

    def on_first_page(self, message: FirstPage) -> None:
        if not self.screen_stack or self.corpus.articles:  # closing, or the list came first
            message.drawn.set()
            return
        self.reading = message.reading
        self.sub_title = f"{self.corpus.name} · {message.total} articles · reading…"
        self.main_screen.first_page(message.articles, message.total)
        self.call_after_refresh(message.drawn.set)

    def on_corpus_loaded(self, message: CorpusLoaded) -> None:
        if not self.screen_stack:  # the reader is closing: a late worker report
            return
        self.corpus = message.corpus
        self.stories = self.story_facts = None
        if message.reading is not None:
            self.reading = message.reading
        self._stage = "indexing…"
        self.update_sub_title()
        if message.order is not None:
            key, rows = message.order
            self.main_screen.presorted = (key, message.corpus.articles, rows)
        self.main_screen.corpus_loaded(message.corpus)
        # The list's rows live as long as the reader: out of the collector's way. With 100k
        # rows a full collection scanned them all, 62-74 ms, landing in some keystroke.
        gc.freeze()
        self._notify_skipped()
        for warning in self.reading.warnings():
            self.notify(warning, title="State", severity="warning", markup=False)

    def _write_state(self, write: Callable[[], Any]) -> None:
        """Run a state-store write off the UI thread (a locked database waits up to 5 s)."""
        self.run_worker(write, thread=True, group="state", exit_on_error=False)

    def on_library_refreshed(self, message: LibraryRefreshed) -> None:
        if not self.screen_stack:  # the reader is closing: a late worker report
            return
        if message.corpus is None:
            self.notify(f"Could not refresh: {message.error}", severity="warning", markup=False)
            return
        # Keep the objects the list already holds for rows that did not change, so the cursor,
        # the open article and the marks stay where they are.
        old = {a.article_id: a for a in self.corpus.articles if isinstance(a, StoredArticle)}
        merged: list[Article] = []
        for a in message.corpus.articles:
            assert isinstance(a, StoredArticle)
            kept = old.get(a.article_id)
            same = kept is not None and (kept.content_hash, kept.missing) == (
                a.content_hash,
                a.missing,
            )
            merged.append(kept if kept is not None and same else a)
        message.corpus.articles = merged
        self.corpus = message.corpus
        if message.churn is not None:
            self.churn = message.churn
        self.stories = self.story_facts = None
        self.reading.remember(merged)
        if isinstance(self.index, LibrarySearch):
            self.index.by_id = {a.article_id: a for a in merged if isinstance(a, StoredArticle)}
        self.main_screen.refill_list()
        self.update_sub_title()
        r = message.report
        if r is not None:
            self.notify(
                f"Library updated: {r.added} new, {r.updated} changed, "
                f"{r.newly_missing} missing on disk",
                markup=False,
            )

    def on_index_ready(self, message: IndexReady) -> None:
        if not self.screen_stack:  # the reader is closing: a late worker report
            return
        self.index = message.index
        if message.churn is not None:
            self.churn = message.churn
            self.main_screen.article_list.refresh()
        self.feed_count = message.feeds
        self.main_screen.refresh_bindings()  # the fetch key shows once there are feeds
        # Loaded once the list's first messages (the highlighted article) have been handled
        # and drawn: what tests and the benchmark wait for is what the user sees.
        self.call_after_refresh(self._shown)
        self.main_screen.hide_progress()
        self._stage = ""
        self.update_sub_title()
        if message.error:
            self.notify(f"Search unavailable: {message.error}", severity="warning", markup=False)
        self.main_screen.index_ready()
        if isinstance(self.index, LibrarySearch) and not self._watch_stop.is_set():
            self.start_watching(self.index.library)

    # --- watched folders ----------------------------------------------------------------

    def start_watching(self, library: Any) -> None:
        """Watch the folders on show in a thread of its own (not a Textual worker: it runs
        until quit, and waiting for "all workers done" must keep meaning the loading)."""
        if self._watcher is not None:
            return
        self._watcher = threading.Thread(
            target=self._watch_folders, args=(library,), name="newsreader-watch", daemon=True
        )
        self._watcher.start()

    def stop_watching(self) -> None:
        self._watch_stop.set()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join(timeout=2)

    def _watch_folders(self, library: Any) -> None:
        """Each burst of saved, changed or deleted article files is stored (only those files,
        checked for churn on the way) and its rows merged into the list. Runs until quit."""
        from newsreader.library.watch import roots_for, watch_changes

        stop = self._watch_stop
        roots: Any
        on_tick = None
        if self.paths:
            given = [p.expanduser().resolve() for p in self.paths]
            roots = roots_for([p for p in given if p.is_dir()], [p for p in given if p.is_file()])
        else:
            # The whole library: folders added to it meanwhile (`newsreader add` in another
            # terminal) are watched too, and articles any other process stores (that add, a
            # scheduled `fetch`) join the list.
            def roots() -> list[Any]:
                return roots_for(*library.watched_sources())

            index = self.index
            mark = index.change_mark if isinstance(index, LibrarySearch) else 0

            def on_tick() -> None:
                nonlocal mark
                found = library.changes_since(mark)
                if stop.is_set():
                    return
                if found is None:  # further behind than the library's change log reaches
                    mark = library.change_mark()
                    fresh = library.corpus(name=self.corpus.name)
                    self.post_message(LibraryRefreshed(fresh, None, None, library.churn()))
                    return
                mark, rows, removed = found
                if rows or removed:
                    churn = library.churn([a.article_id for a in rows]) if rows else {}
                    self.post_message(FilesChanged(rows, None, churn, removed))

        def tell(message: str) -> None:
            if not stop.is_set():
                with contextlib.suppress(RuntimeError):  # the app closed meanwhile
                    self.call_from_thread(self.notify, message, severity="warning", markup=False)

        def stored(paths: list[str]) -> None:
            try:
                report = library.update_files(paths, cancel=self._watch_stop)
                ids = [*report.article_ids, *report.gone_ids]
                rows = library.articles(ids) if ids else []
                churn = library.churn(ids) if ids else {}
            except Exception as error:  # one bad batch: say so, keep watching
                tell(f"Could not add changed files: {type(error).__name__}: {error}")
                return
            for skipped in report.skipped:
                tell(f"Skipped {Path(skipped.path).name}: {skipped.reason}")
            if rows and not stop.is_set():
                self.post_message(FilesChanged(rows, report, churn))

        watch_changes(roots, stored, stop=stop, on_error=tell, on_tick=on_tick)

    # --- fetching feeds (R) --------------------------------------------------------------

    @property
    def fetching(self) -> bool:
        return self._fetch_cancel is not None

    def fetch_feeds(self) -> None:
        """Fetch every feed in a worker, new rows merged as each feed completes; while one
        runs, this cancels it. Never at start: the reader opens offline."""
        if self._fetch_cancel is not None:
            self._fetch_cancel.set()
            self.main_screen.show_progress("Stopping the fetch…", 0, 0)
            return
        if not isinstance(self.index, LibrarySearch):
            self.notify("The library is still loading; try again in a moment.", timeout=3)
            return
        self._fetch_cancel = threading.Event()
        self._fetch_new = 0
        self.main_screen.show_progress("Fetching feeds", 0, 0)
        self._fetch_worker(self.index.library, self._fetch_cancel)

    @work(thread=True, exclusive=True, group="fetch", exit_on_error=False)
    def _fetch_worker(self, library: Any, cancel: threading.Event) -> None:
        last = 0.0

        def progress(stage: str, done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_INTERVAL or done >= total:  # 2,500 pages: not 2,500 repaints
                last = now
                self.post_message(LoadProgress(f"fetch:{stage}", done, total))

        try:
            if not library.feeds():
                note = "No feeds yet: add one with `newsreader feed add URL`."
                self.post_message(FeedsFetched(None, [], {}, done=True, note=note))
                return
            for result, report in library.fetch_feeds(cancel=cancel, progress=progress):
                ids = report.changed_ids if report is not None else []
                rows = library.articles(ids) if ids else []
                self.post_message(FeedsFetched(result, rows, library.churn(ids) if ids else {}))
        except Exception as error:  # whatever a fetch hits, the reader stays up and says why
            self.post_message(
                FeedsFetched(None, [], {}, done=True, error=f"{type(error).__name__}: {error}")
            )
            return
        self.post_message(FeedsFetched(None, [], {}, done=True))

    def on_feeds_fetched(self, message: FeedsFetched) -> None:
        if not self.screen_stack:  # the reader is closing: a late worker report
            return
        result = message.result
        if result is not None and result.error is not None:
            # One line per failing feed, naming it; the others go on.
            self.notify(
                f"{one_line(result.label, 60)}: {one_line(result.error, 160)}",
                title="Feed failed",
                severity="error",
                timeout=10,
                markup=False,
            )
        elif result is not None and result.warnings:
            # Fetched, with something to know (cut at the size cap, a wrong charset, items
            # skipped): the same lines `newsreader fetch` prints.
            self.notify(
                f"{one_line(result.label, 60)}: "
                + "; ".join(one_line(w, 120) for w in result.warnings[:3]),
                title="Feed warning",
                severity="warning",
                timeout=8,
                markup=False,
            )
        if message.articles:
            if self.paths:  # a folder view: the feed's articles are in the library, not here
                self._fetch_new += len(message.articles)
            else:
                self._fetch_new += self.merge_rows(message.articles, message.churn)
        if message.done:
            cancelled = self._fetch_cancel is not None and self._fetch_cancel.is_set()
            self._fetch_cancel = None
            self.main_screen.hide_progress()
            if message.error is not None:
                self.notify(f"Fetch failed: {message.error}", severity="error", markup=False)
                return
            if message.note is not None:
                self.notify(message.note, severity="warning", markup=False)
                return
            where = " (in the library, not in this view)" if self.paths else ""
            self.notify(
                f"Fetch {'cancelled' if cancelled else 'done'}: "
                f"{self._fetch_new} new articles{where}.",
                markup=False,
            )

    def on_unmount(self) -> None:
        if self._fetch_cancel is not None:
            self._fetch_cancel.set()
        self._cancel.set()
        self.stop_watching()  # also when the app ends without `q` (a test, a signal)
        gc.unfreeze()  # (a process that opens the reader again, as tests do, collects them)

    def on_files_changed(self, message: FilesChanged) -> None:
        if not self.screen_stack:  # the reader is closing: a late worker report
            return
        self.merge_rows(message.articles, message.churn, message.removed)

    def merge_rows(
        self,
        rows: Sequence[StoredArticle],
        churn: dict[int, Any],
        removed: Sequence[int] = (),
    ) -> int:
        """Put new and changed library rows into the list (unchanged ones keep their objects,
        so the cursor and the open article stay) with their churn badges (`churn`: the
        matches of these rows), and take out the `removed` ids; returns how many rows are
        new."""
        for a in rows:
            self.churn.pop(a.article_id, None)
        self.churn.update(churn)
        gone = set(removed) - {a.article_id for a in rows}
        if gone:
            self._forget_rows(gone)
            if not rows:
                return 0
        position = {
            a.article_id: i
            for i, a in enumerate(self.corpus.articles)
            if isinstance(a, StoredArticle)
        }
        articles = self.corpus.articles
        fresh: list[StoredArticle] = []
        added = 0
        for a in rows:
            i = position.get(a.article_id)
            if i is None:
                position[a.article_id] = len(articles)
                articles.append(a)
                added += 1
            else:
                old = articles[i]
                if (old.content_hash, getattr(old, "missing", False)) == (
                    a.content_hash,
                    a.missing,
                ):
                    continue
                articles[i] = a
            fresh.append(a)
        if not fresh:
            self.main_screen.article_list.refresh()  # badges may still have changed
            return 0
        self.reading.remember(fresh)
        self.stories = self.story_facts = None
        if isinstance(self.index, LibrarySearch):
            self.index.by_id.update((a.article_id, a) for a in fresh)
            if self.index.ids is not None:
                known = set(self.index.ids)
                self.index.ids.extend(a.article_id for a in fresh if a.article_id not in known)
        self.main_screen.refill_list()
        self.update_sub_title()
        return added

    def _forget_rows(self, gone: set[int]) -> None:
        """Rows another process removed (`newsreader remove`): out of the list and search."""
        kept = [
            a
            for a in self.corpus.articles
            if not (isinstance(a, StoredArticle) and a.article_id in gone)
        ]
        if len(kept) == len(self.corpus.articles):
            return
        self.corpus.articles[:] = kept
        for i in gone:
            self.churn.pop(i, None)
        self.stories = self.story_facts = None
        if isinstance(self.index, LibrarySearch):
            for i in gone:
                self.index.by_id.pop(i, None)
            if self.index.ids is not None:
                self.index.ids[:] = [i for i in self.index.ids if i not in gone]
        self.main_screen.refill_list()
        self.update_sub_title()

    def _shown(self) -> None:
        self.loaded = True
        if not self.paths and isinstance(self.index, LibrarySearch):
            self.set_timer(REFRESH_DELAY, self.refresh_library)

    def on_load_failed(self, message: LoadFailed) -> None:
        if not self.screen_stack:  # the reader is closing: a late worker report
            return
        self.loaded = True
        self.main_screen.hide_progress()
        self.main_screen.corpus_loaded(self.corpus)
        self._stage = "load failed"
        self.update_sub_title()
        self.notify(f"Could not load: {message.error}", severity="error", markup=False)

    def update_sub_title(self) -> None:
        """Header: corpus name and counts (articles, unread, starred, skipped), then the stage."""
        c = self.corpus
        unread, starred = self.reading.counts(c.articles)
        parts = [c.name, f"{len(c.articles)} articles", f"{unread} unread"]
        if starred:
            parts.append(f"{starred} starred")
        parts.append(f"{len(c.skipped)} skipped")
        if self._stage:
            parts.append(self._stage)
        self.sub_title = " · ".join(parts)

    def _notify_skipped(self) -> None:
        skipped = self.corpus.skipped
        if not skipped:
            return
        if len(skipped) <= MAX_SKIP_NOTES:
            for s in skipped:
                self.notify(
                    f"Skipped {Path(s.path).name}: {s.reason}", severity="warning", markup=False
                )
            return
        names = ", ".join(Path(s.path).name for s in skipped[:MAX_SKIP_NOTES])
        self.notify(
            f"{len(skipped)} files skipped: {names}, … (`newsreader list` shows why)",
            severity="warning",
            markup=False,
        )

    # --- actions ------------------------------------------------------------------------

    def action_help(self) -> None:
        from newsreader.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        self._cancel.set()  # let the load worker stop at its next batch
        if self._fetch_cancel is not None:
            self._fetch_cancel.set()
        self.stop_watching()
        if isinstance(self.index, LibrarySearch):
            # A worker inside a long query (the refresh reading 100k rows) would hold the exit
            # for seconds: the process waits for its threads.
            with contextlib.suppress(Exception):
                self.index.library.interrupt()
        # Losing the position must never stop the reader from quitting.
        with contextlib.suppress(Exception):
            self.main_screen.save_position(now=True)
            # Marks set just before `q` are still being written: let them land.
            for worker in [w for w in self.workers if w.group == "state"]:
                await worker.wait()
        self.exit(0)


def read_corpus_and_index(
    paths: Sequence[Path],
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    index_progress: Callable[[int, int], None] | None = None,
    on_corpus: Callable[[Corpus], None],
    first_page: Callable[[Any], Sequence[Article] | None] | None = None,
) -> tuple[Corpus, Any | None]:
    """The library view to show (`on_corpus` as soon as it is known), then its search.

    No paths: the whole library (the seeds are added on first run). Paths: those files and
    folders, added to the library on the way (only new or changed files are parsed). Nothing
    is built in memory for search: it runs inside the database.
    """
    from newsreader.library import Library

    library = Library()
    if paths:
        report = library.add_paths(paths, cancel=cancel, progress=progress)
        mark = library.change_mark()  # after this ingest: only what others do from here on
        corpus = library.corpus(report.article_ids, name=corpus_name(paths))
        corpus.skipped = list(report.skipped)
        ids: list[int] | None = report.article_ids
    else:
        # A big library shows its newest articles first: `first_page` reads and shows them
        # (None: not worth it), and the whole list keeps those objects, so the reader's
        # cursor and text pane stay on the article they were on.
        mark = library.change_mark()
        page = first_page(library) if first_page is not None else None
        library.ensure_seeded()
        corpus = library.corpus(name="library")
        if page:
            shown = {a.article_id: a for a in page if isinstance(a, StoredArticle)}
            corpus.articles = [
                shown.get(a.article_id, a) if isinstance(a, StoredArticle) else a
                for a in corpus.articles
            ]
        ids = None
    on_corpus(corpus)
    return corpus, LibrarySearch(library, corpus, ids, mark)


class Similar(NamedTuple):
    """An article like another, and the related index's score (None: the search index's
    order only)."""

    article: Article
    score: float | None


class LibrarySearch:
    """What the search view asks of an index, answered by the library database."""

    def __init__(
        self, library: Any, corpus: Corpus, ids: list[int] | None, change_mark: int = 0
    ) -> None:
        self.library = library
        self.ids = ids
        self.by_id = {a.article_id: a for a in corpus.articles if isinstance(a, StoredArticle)}
        # Where the library's change log stood before the list was read: the watcher asks
        # what changed since (`Library.changes_since`), so nothing done meanwhile is missed.
        self.change_mark = change_mark

    def related(self, article: Article, top: int = 10) -> list[Any]:
        """The articles most like `article` among those listed, best first, as the compare
        picker asks a related index (the library answers; nothing is built in memory)."""
        if not isinstance(article, StoredArticle):
            return []
        # Asked for more: some may be outside this view of the library.
        found = self.library.similar(article.article_id, top * 2 if self.ids else top)
        shown = [Similar(self.by_id[i], score) for i, score in found if i in self.by_id]
        return shown[:top]

    def search(
        self, query: str, *, limit: int = 50, cancel: threading.Event | None = None
    ) -> list[Any]:
        return list(
            self.library.hits(
                query, limit=limit, cancel=cancel, within=self.ids, articles=self.by_id
            )
        )

    def find_in_article(self, query: str, article: Article) -> list[tuple[int, int]]:
        from newsreader.library import fts

        return list(fts.find_in_text(query, article.text))


def corpus_name(paths: Sequence[str | Path]) -> str:
    """A short name for the header: the folder or file name, or "seeds"."""
    if not paths:
        return "library"
    if len(paths) == 1:
        path = Path(paths[0])
        return path.resolve().name or str(path)
    return f"{len(paths)} paths"


def make_app(paths: Sequence[str | Path] = (), *, config: Config | None = None) -> NewsreaderApp:
    """Build the reader on `paths` (files or folders; else the config's default folders, else
    the bundled seeds), with `config` or the user's config file."""
    return NewsreaderApp(paths, config=config)
