"""The "compare with…" picker: the other articles ranked by how much text they share with one.

Ranking runs in a thread worker. A small corpus is compared exactly, pair by pair (the real
reuse percentages); a large one asks the corpus-wide `RelatedIndex` for candidates and compares
only the best few exactly. Typing filters the list fuzzily by title and outlet.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.fuzzy import FuzzySearch
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from newsreader.corpus import Article, Corpus
from newsreader.reuse.models import Comparison
from newsreader.text import clean_for_display, one_line
from newsreader.tui.screens.compare import CompareScreen, run_comparison
from newsreader.tui.styles import COMPARE_TCSS

EXACT_LIMIT = 60  # up to this many other articles, compare every one exactly
RELATED_TOP = 50  # otherwise: candidates asked of the related index
EXACT_TOP = 12  # ...of which this many are compared exactly
TITLE_CHARS = 120  # fuzzy matching cost grows with candidate length
SHOWN = 200  # rows in the list at most (the best first); typing filters all of them
FUZZY_ALL = 5_000  # above this many articles, the filter first keeps rows holding the words


@dataclass
class Row:
    """One other article and what it shares with the picked one (None: not measured)."""

    article: Article
    rank: int
    this_pct: float | None = None
    that_pct: float | None = None
    shared_chars: int | None = None
    comparison: Comparison | None = None
    similarity: float | None = None  # the related index's score, when it was asked

    @property
    def label(self) -> str:
        title = one_line(self.article.display_title)
        return title[:TITLE_CHARS]

    @cached_property
    def key(self) -> str:
        """Title and outlet, casefolded: what a big list's filter looks words up in."""
        return f"{self.label} {self.article.outlet or ''}".casefold()


def shared_chars(comparison: Comparison) -> int:
    """Characters of side a inside passages (overlaps counted once)."""
    total, end = 0, -1
    for s, e in sorted((p.a_start, p.a_end) for p in comparison.passages):
        if e > end:
            total += e - max(s, end)
            end = e
    return total


def rank_rows(
    article: Article,
    others: list[Article],
    *,
    corpus: Corpus | None = None,
    index: Any | None = None,
    cancel: threading.Event | None = None,
    progress: Any | None = None,
) -> list[Row]:
    """Every other article as a `Row`, most shared text first (no textual: runs in a thread)."""
    similarity: dict[int, float] = {}
    if len(others) <= EXACT_LIMIT:
        candidates, unmeasured = list(others), []
    else:
        if index is None:
            index = related_index(corpus or Corpus(articles=[article, *others]), cancel)
        relations = index.related(article, top=RELATED_TOP)
        # A library's search index gives candidates in order, without a score (None).
        similarity = {id(r.article): r.score for r in relations if r.score is not None}
        order = {id(r.article): n for n, r in enumerate(relations)}
        wanted = {id(a) for a in others}
        candidates = [r.article for r in relations if id(r.article) in wanted][:EXACT_TOP]
        chosen = {id(a) for a in candidates}
        # The rest keeps the index's order (best first), then articles it did not return.
        unmeasured = [a for a in others if id(a) not in chosen]
        unmeasured.sort(key=lambda a: order.get(id(a), len(order)))
    rows = []
    for n, other in enumerate(candidates):
        if cancel is not None and cancel.is_set():
            break
        comparison = run_comparison(article, other, cancel)
        rows.append(
            Row(
                other,
                0,
                comparison.a_reused_pct,
                comparison.b_reused_pct,
                shared_chars(comparison),
                comparison,
                similarity.get(id(other)),
            )
        )
        if progress is not None:
            progress(n + 1, len(candidates))
    # Stable: equal shares keep the related index's order (a similar topic, nothing copied).
    rows.sort(key=lambda r: (-(r.shared_chars or 0), -(r.this_pct or 0.0)))
    rows += [Row(a, 0, similarity=similarity.get(id(a))) for a in unmeasured]
    for n, row in enumerate(rows):
        row.rank = n
    return rows


_INDEX_CACHE: list[tuple[Corpus, int, Any]] = []  # one slot: the last corpus indexed here


def related_index(corpus: Corpus, cancel: threading.Event | None = None) -> Any:
    """The corpus-wide related index, built once per corpus (seconds on thousands of articles)."""
    if _INDEX_CACHE:
        cached, size, index = _INDEX_CACHE[0]
        if cached is corpus and size == len(corpus.articles):
            return index
    from newsreader.reuse import RelatedIndex

    index = RelatedIndex.build(corpus, cancel=cancel)
    _INDEX_CACHE[:] = [(corpus, len(corpus.articles), index)]
    return index


def row_prompt(row: Row, positions: Iterable[int] = ()) -> Text:
    """Two lines: title (matched letters underlined), then outlet, date and what is shared."""
    text = Text(row.label, style="bold", no_wrap=True, overflow="ellipsis")
    for i in positions:
        if i < len(row.label):
            text.stylize("underline reverse", i, i + 1)
    meta = [clean_for_display(m) for m in (row.article.outlet, row.article.date) if m]
    if row.similarity is not None and not row.shared_chars:
        meta.append(f"similar topic ({row.similarity:.2f})")
    if row.shared_chars is None:
        meta.append("not compared")
    elif row.shared_chars == 0:
        meta.append("no shared passages")
    else:
        meta.append(
            f"{row.shared_chars:,} chars shared · {row.this_pct:.0f}% of this, "
            f"{row.that_pct:.0f}% of that"
        )
    text.append("\n  " + " · ".join(meta), style="dim")
    return text


class ComparePicker(ModalScreen[None]):
    """Pick the article to compare `article` with; Enter opens the compare view."""

    CSS_PATH = COMPARE_TCSS
    AUTO_FOCUS = "#picker-filter"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="picker.close"),
        Binding("down", "move(1)", "Down", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Up", show=False, id="picker.up"),
        Binding("enter", "open", "Compare", id="picker.open", priority=True),
    ]

    def __init__(
        self, corpus: Corpus | Iterable[Article], article: Article, *, index: Any | None = None
    ) -> None:
        super().__init__()
        self.article = article
        self.corpus = corpus if isinstance(corpus, Corpus) else Corpus(articles=list(corpus))
        self.others = [a for a in self.corpus.articles if a is not article]
        self.rows = [Row(a, n) for n, a in enumerate(self.others)]
        self.ranked = False
        self._index = index
        self._cancel = threading.Event()
        self._fuzzy = FuzzySearch()
        self._shown: list[Row] = []

    def compose(self) -> ComposeResult:
        title = one_line(self.article.display_title)
        with Vertical(id="picker"):
            yield Static(Text(f"Compare “{title[:80]}” with…"), id="picker-title")
            yield Input(placeholder="Type to filter by title or outlet", id="picker-filter")
            yield OptionList(id="picker-list")
            yield Static(id="picker-status")

    def on_mount(self) -> None:
        self._refill()
        if not self.others:
            self._status("No other article to compare with.")
            return
        self._status(f"Ranking {len(self.others)} articles by shared text…")
        index = self._index if self._index is not None else getattr(self.app, "related_index", None)
        self.run_worker(
            lambda: rank_rows(
                self.article,
                self.others,
                corpus=self.corpus,
                index=index,
                cancel=self._cancel,
                progress=self._progress_from_thread,
            ),
            thread=True,
            exit_on_error=False,
            exclusive=True,
            group="rank",
            description="rank articles by shared text",
        )

    def on_unmount(self) -> None:
        self._cancel.set()

    def _progress_from_thread(self, done: int, total: int) -> None:
        if not self._cancel.is_set():
            self.app.call_from_thread(self._status, f"Comparing… {done}/{total}")

    def _status(self, message: str) -> None:
        self.query_one("#picker-status", Static).update(Text(message))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "rank":
            return
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self.rows = event.worker.result
            self.ranked = True
            sharing = sum(1 for r in self.rows if r.shared_chars)
            compared = sum(1 for r in self.rows if r.shared_chars is not None)
            status = f"{sharing} of {compared} compared articles share text with this one"
            if compared < len(self.rows):
                status += f" (the {compared} most similar of {len(self.rows)})"
            self._status(status)
            self._refill()
        elif event.state == WorkerState.ERROR:
            self._status("Could not rank by shared text; listed in corpus order.")
            self.notify(f"Ranking failed: {event.worker.error}", severity="error", markup=False)

    # --- list and filter ----------------------------------------------------------------

    def _refill(self) -> None:
        """Show the rows matching the filter: best match first, then by shared text."""
        option_list = self.query_one("#picker-list", OptionList)
        keep = option_list.highlighted_option.id if option_list.highlighted_option else None
        query = self.query_one("#picker-filter", Input).value.strip()
        matched: list[tuple[float, Row, Iterable[int]]] = []
        rows: Iterable[Row] = self.rows
        if query and len(self.rows) > FUZZY_ALL:
            # A big library: fuzzy matching every title per keystroke would stall the screen;
            # only rows holding each typed word are scored.
            words = query.casefold().split()
            rows = [r for r in self.rows if all(w in r.key for w in words)]
        for row in rows:
            if not query:
                matched.append((0.0, row, ()))
                if len(matched) == SHOWN:
                    break
                continue
            outlet = clean_for_display(row.article.outlet or "")
            score, positions = self._fuzzy.match(query, f"{row.label} {outlet}")
            if score > 0:
                matched.append((score, row, positions))
        matched.sort(key=lambda m: (-m[0], m[1].rank))
        # An option list of 100k rows takes half a minute to build: the best ones are shown.
        matched = matched[:SHOWN]
        self._shown = [row for _, row, _ in matched]
        option_list.set_options(
            Option(row_prompt(row, positions), id=str(n))
            for n, (_, row, positions) in enumerate(matched)
        )
        if self._shown:
            ids = [str(n) for n in range(len(self._shown))]
            option_list.highlighted = ids.index(keep) if keep in ids and query else 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._refill()

    def action_move(self, delta: int) -> None:
        option_list = self.query_one("#picker-list", OptionList)
        if delta > 0:
            option_list.action_cursor_down()
        else:
            option_list.action_cursor_up()

    def action_open(self) -> None:
        option_list = self.query_one("#picker-list", OptionList)
        if option_list.highlighted is None or not self._shown:
            return
        self._open(self._shown[option_list.highlighted])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(self._shown[event.option_index])

    def _open(self, row: Row) -> None:
        self.app.switch_screen(CompareScreen(self.article, row.article, comparison=row.comparison))
