"""Stories: the articles that share text grouped into stories, each with its likely origin.

Stories are built in a thread worker (related index, then verified pairs) with a progress bar,
and kept on the app (`app.stories`) so reopening is instant. Each story is a header row (count,
origin, why) followed by its members as a timeline. Enter on a member compares it with the
origin, `w` shows what it adds, `x` shows the release matrix of the story's origin.

`open_provenance(app, what, article)` is the entry point for the reader's keys and palette.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Label, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from newsreader.corpus import Article, Corpus
from newsreader.progress import StageProgress, throttled
from newsreader.provenance import FactChange, Member, Story, build_stories, member_facts, story_of
from newsreader.provenance.timeline import label
from newsreader.text import one_line
from newsreader.tui.screens.matrix import MatrixScreen
from newsreader.tui.screens.whats_new import WhatsNewScreen
from newsreader.tui.styles import PROVENANCE_TCSS
from newsreader.tui.widgets.footer import Footer

WHATS = ("stories", "whats_new", "matrix")
MAX_FACT_LINES = 3  # changed facts listed under a member (the compare view lists them all)


def _library_stories(
    app: App[Any], corpus: Corpus, cancel: threading.Event, stages: StageProgress
) -> list[Story] | None:
    """Stories from the library's stored neighbours and alignments (computing only what is
    missing), when the reader shows rows of a writable library; else None."""
    from newsreader.library import LibraryError, StoredArticle

    library = getattr(getattr(app, "index", None), "library", None)
    articles = corpus.articles
    if library is None or library.read_only or not articles:
        return None
    if not all(isinstance(a, StoredArticle) for a in articles):
        return None
    stored = [a for a in articles if isinstance(a, StoredArticle)]
    try:
        engine = library.derive(
            [a.article_id for a in stored], cancel=cancel, stages=stages, articles=stored
        )
    except LibraryError:
        return None
    if len(engine.corpus.articles) != len(articles):
        return None  # not every row could be analysed: the in-memory path sees them all
    return build_stories(
        engine.corpus,
        engine.index,
        cancel=cancel,
        stages=stages,
        verdicts=engine.verdicts,
        common=engine.common,
    )


def cached_stories(app: App[Any], corpus: Corpus) -> list[Story] | None:
    """The stories kept on the app, if they were built from this corpus's articles."""
    stories = getattr(app, "stories", None)
    if stories is None:
        return None
    loaded = {id(a) for a in corpus.articles}
    if all(id(m.article) in loaded for s in stories for m in s.members):
        return stories
    return None


def open_provenance(app: App[Any], what: str, article: Article | None = None) -> None:
    """Open a provenance view: "stories", "whats_new" (for `article`) or "matrix" (of the
    origin of `article`'s story). Without built stories, the stories screen builds them first
    and then opens the view asked for on top of itself."""
    if what not in WHATS:
        raise ValueError(f"unknown provenance view {what!r}")
    corpus: Corpus = getattr(app, "corpus", None) or Corpus()
    if not corpus.articles:
        app.notify("No articles loaded yet.", title="Stories", timeout=3)
        return
    stories = cached_stories(app, corpus)
    if what == "stories" or stories is None or article is None:
        app.push_screen(StoriesScreen(corpus, focus=article, then=what))
        return
    open_for_article(app, stories, what, article)


def open_for_article(app: App[Any], stories: list[Story], what: str, article: Article) -> None:
    """Push the matrix or what's-new view for `article`, or say why there is none."""
    story = story_of(stories, article)
    if story is None:
        app.notify(
            "This article shares no text with any other loaded article: it is all its own.",
            title="Stories",
            timeout=4,
        )
        return
    if what == "matrix":
        app.push_screen(MatrixScreen(story.origin.article, story))
    elif what == "whats_new":
        app.push_screen(WhatsNewScreen(article, story=story))


@dataclass(frozen=True)
class RowRef:
    """What one line of the list is: a story header (member None) or one member."""

    story: Story
    member: Member | None


def header_prompt(n: int, story: Story, width: int = 120) -> Text:
    """`Story 1 · 5 articles · origin <outlet — title>` and, dimmed, why it is the origin."""
    origin = story.origin.article
    text = Text(f"Story {n} · {len(story)} articles · origin ", style="bold")
    room = max(20, width - text.cell_len - 1)
    text.append(one_line(f"{label(origin)} — {origin.display_title}", room), style="bold green")
    why = "; ".join(one_line(r) for r in story.origin.reasons) or "no clear signal"
    unsure = "" if story.origin.confident else " (not clearly ahead of the next candidate)"
    text.append(f"\n  why: {why}{unsure}", style="dim")
    return text


def member_prompt(member: Member, facts: Sequence[FactChange] = (), width: int = 120) -> Text:
    """One timeline line: date, outlet, share of the member's text found in the origin, title;
    then a line per fact it changed from the origin."""
    a = member.article
    text = Text("  ", no_wrap=True, overflow="ellipsis")
    text.append(f"{a.date or 'date ?':<10}  ", style="dim" if not a.date else "")
    text.append(f"{one_line(label(a), 18):<18}  ", style="bold")
    if member.is_origin:
        text.append(f"{'origin':>7}  ", style="bold green")
    else:
        text.append(f"{member.reused_pct:>6.0f}%  ")
    text.append(one_line(a.display_title, max(20, width - text.cell_len - 1)))
    for fact in facts[:MAX_FACT_LINES]:
        line = "changed " + one_line(fact.describe(), max(20, width - 44))
        text.append("\n" + " " * 34 + line, style="magenta")
    if len(facts) > MAX_FACT_LINES:
        text.append(f"\n{' ' * 34}… {len(facts) - MAX_FACT_LINES} more changed", style="magenta")
    return text


class StoriesScreen(Screen[None]):
    """Every story in the corpus; the members of each as a timeline."""

    CSS_PATH = PROVENANCE_TCSS
    AUTO_FOCUS = "#stories-list"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Compare with origin", show=False, id="stories.open"),
        Binding("w", "whats_new", "What's new", id="stories.whats_new"),
        Binding("x", "matrix", "Release matrix", id="stories.matrix"),
        Binding("escape", "back", "Back", id="stories.back"),
    ]

    def __init__(
        self, corpus: Corpus, *, focus: Article | None = None, then: str = "stories"
    ) -> None:
        """`focus`: the article to highlight; `then`: "matrix" or "whats_new" opens that view
        for `focus` as soon as the stories are built."""
        super().__init__()
        self.corpus = corpus
        self.stories: list[Story] | None = None
        self.rows: list[RowRef] = []
        self._focus = focus
        self._then = then
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        yield Static("Stories", id="stories-title")
        with Horizontal(id="stories-progress"):
            yield Label("Finding stories…", id="stories-stage")
            yield ProgressBar(id="stories-bar", show_eta=False)
        yield OptionList(id="stories-list")
        yield Footer()

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#stories-list", OptionList)

    def on_mount(self) -> None:
        cached = cached_stories(self.app, self.corpus)
        if cached is not None:
            facts = getattr(self.app, "story_facts", None)
            if facts is not None:
                self._show(cached, facts)
                return
        self.run_worker(
            self._build,
            thread=True,
            exclusive=True,
            group="stories",
            exit_on_error=False,
            description="build stories",
        )

    def on_unmount(self) -> None:
        self._cancel.set()

    def _build(self) -> tuple[list[Story], dict[int, list[FactChange]]]:
        """In the worker thread: the same functions as the `story` command, with progress."""
        stages = throttled(lambda *report: self.app.call_from_thread(self._progress, *report))
        # Stories kept by someone else without their facts: only the facts are left to find.
        stories = cached_stories(self.app, self.corpus)
        if stories is None:
            stories = _library_stories(self.app, self.corpus, self._cancel, stages)
        if stories is None:
            stories = build_stories(self.corpus, cancel=self._cancel, stages=stages)
        return stories, member_facts(stories, cancel=self._cancel, stages=stages)

    def _progress(self, stage: str, done: int, total: int) -> None:
        self.query_one("#stories-stage", Label).update(f"{stage} {done}/{total}")
        self.query_one("#stories-bar", ProgressBar).update(total=max(1, total), progress=done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "stories":
            return
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            stories, facts = event.worker.result
            self.app.stories = stories  # type: ignore[attr-defined]
            self.app.story_facts = facts  # type: ignore[attr-defined]
            self._show(stories, facts)
        elif event.state == WorkerState.ERROR:
            self.query_one("#stories-progress").display = False
            self.notify(
                f"Could not build stories: {event.worker.error}",
                title="Stories",
                severity="error",
                markup=False,
            )

    def _show(self, stories: list[Story], facts: dict[int, list[FactChange]]) -> None:
        self.stories = stories
        self.query_one("#stories-progress").display = False
        in_stories = sum(len(s) for s in stories)
        title = (
            f"{len(stories)} {'story' if len(stories) == 1 else 'stories'} · {in_stories} of "
            f"{len(self.corpus.articles)} articles share text with another"
        )
        self.query_one("#stories-title", Static).update(Text(title))
        options: list[Option | None] = []
        self.rows = []
        width = self.app.size.width - 4  # titles cut to one line: the list reads as a table
        for n, story in enumerate(stories, 1):
            if options:
                options.append(None)
            options.append(Option(header_prompt(n, story, width)))
            self.rows.append(RowRef(story, None))
            for member in story.members:
                changed = facts.get(id(member.article), [])
                options.append(Option(member_prompt(member, changed, width)))
                self.rows.append(RowRef(story, member))
        listing = self.option_list
        listing.clear_options()
        if not stories:
            listing.add_option(Option("No two articles share enough text to be one story."))
            return
        listing.add_options(options)
        listing.highlighted = self._focus_row()
        then, self._then = self._then, "stories"
        if then != "stories" and self._focus is not None:
            open_for_article(self.app, stories, then, self._focus)

    def _focus_row(self) -> int:
        for n, row in enumerate(self.rows):
            if row.member is not None and row.member.article is self._focus:
                return n
        return 0

    @property
    def row(self) -> RowRef | None:
        """The highlighted line (separators are not options, so indexes line up)."""
        index = self.option_list.highlighted
        if index is None or not self.rows or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    # --- keys ---------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """Enter: a member beside the origin; the origin or a header: the release matrix."""
        row = self.row
        if row is None:
            return
        if row.member is None or row.member.is_origin:
            self.action_matrix()
            return
        from newsreader.tui.screens.compare import CompareScreen

        origin = row.story.origin.article
        comparison = row.story.comparison(origin, row.member.article)
        self.app.push_screen(CompareScreen(origin, row.member.article, comparison=comparison))

    def action_matrix(self) -> None:
        row = self.row
        if row is not None:
            open_for_article(self.app, [row.story], "matrix", row.story.origin.article)

    def action_whats_new(self) -> None:
        row = self.row
        if row is None or row.member is None:
            self.notify("Pick an article of the story (↓) to see what it adds.", timeout=3)
            return
        open_for_article(self.app, [row.story], "whats_new", row.member.article)

    def action_back(self) -> None:
        self.dismiss()
