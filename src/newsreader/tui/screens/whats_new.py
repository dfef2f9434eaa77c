"""What's new here: only what an article adds beyond its sources, the copied runs collapsed.

Each new part is shown in full; each run of copied text becomes one dim line naming how much
was copied, from which outlet and how (verbatim, edited, rewritten). n/N jump between the new
parts; Enter on a copied line compares the article with the source it came from, there.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from newsreader.corpus import Article
from newsreader.provenance import Novelty, Segment, Story, whats_new
from newsreader.provenance.story import comparisons_for
from newsreader.provenance.timeline import label
from newsreader.reuse.models import Comparison
from newsreader.text import clean_for_display, one_line
from newsreader.tui.styles import PROVENANCE_TCSS
from newsreader.tui.widgets.footer import Footer

KIND_WORDS = {"verbatim": "verbatim", "near": "edited", "paraphrase": "rewritten"}


def sentences_in(article: Article, start: int, end: int) -> int:
    """Sentences of the article overlapping `start:end` (0 when it has no sentence data)."""
    return sum(1 for s in article.sentences if s.start < end and s.end > start)


def readable(article: Article, start: int, end: int) -> str:
    """The article's text from `start` to `end` for display: cleaned, and a space put back
    where two sentences are glued together (`Interpretation.Sun said`)."""
    text = article.text
    cuts = [s.start for s in article.sentences if start < s.start < end]
    out, pos = [], start
    for cut in cuts:
        if not text[cut - 1].isspace():
            out.append(text[pos:cut])
            out.append(" ")
            pos = cut
    out.append(text[pos:end])
    return clean_for_display("".join(out))


def copied_line(article: Article, group: list[Segment], names: dict[str, str]) -> str:
    """`… 3 sentences copied from PR Newswire (verbatim) …` for one run of copied segments."""
    start, end = group[0].start, group[-1].end
    count = sentences_in(article, start, end)
    if count:
        amount = f"{count} sentence{'s' if count != 1 else ''}"
    else:
        words = sum(g.words for g in group)
        amount = f"{words} word{'s' if words != 1 else ''}"
    # In the order of `names` (the origin first, then by date), not alphabetically.
    order = {path: n for n, path in enumerate(names)}
    sources = sorted({src for g in group for src in g.sources}, key=lambda s: order.get(s, 1 << 30))
    who = ", ".join(names.get(s, s) for s in sources[:3])
    if len(sources) > 3:
        who += f" and {len(sources) - 3} more"
    kinds = [KIND_WORDS.get(k, k) for k in sorted({k for g in group for k in g.passage_kinds})]
    return clean_for_display(f"… {amount} copied from {who} ({', '.join(kinds)}) …")


class WhatsNewScreen(Screen[None]):
    """The new parts of one article in full, what it copied collapsed."""

    CSS_PATH = PROVENANCE_TCSS
    AUTO_FOCUS = "#new-list"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "step(1)", "Next new part", id="whats_new.next"),
        Binding("N,p", "step(-1)", "Prev new part", id="whats_new.previous"),
        Binding("enter", "open", "Compare with source", show=False, id="whats_new.open"),
        Binding("escape", "back", "Back", id="whats_new.back"),
    ]

    def __init__(
        self,
        article: Article,
        *,
        story: Story | None = None,
        comparisons: list[Comparison] | None = None,
    ) -> None:
        """Sources are the other members of `story`, or the other sides of `comparisons`."""
        super().__init__()
        self.article = article
        self.story = story
        self.comparisons = comparisons
        self.novelty: Novelty | None = None
        self.groups: list[list[Segment]] = []
        self._names: dict[str, str] = {}
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        yield Static(id="new-title")
        yield OptionList(id="new-list")
        yield Footer()

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#new-list", OptionList)

    def on_mount(self) -> None:
        title = Text("What's new in ", style="bold")
        title.append(one_line(f"{label(self.article)} — {self.article.display_title}", 100))
        title.append("\nComparing with its sources…", style="dim")
        self.query_one("#new-title", Static).update(title)
        self.run_worker(
            self._compute,
            thread=True,
            exclusive=True,
            group="whats_new",
            exit_on_error=False,
            description="what's new",
        )

    def on_unmount(self) -> None:
        self._cancel.set()

    def _compute(self) -> tuple[list[Comparison], Novelty]:
        comparisons = self.comparisons
        if comparisons is None:
            story = self.story
            comparisons = (
                [] if story is None else comparisons_for(self.article, story, self._cancel)
            )
        return comparisons, whats_new(self.article, comparisons)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "whats_new":
            return
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            self._show(*event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.notify(f"Could not compare: {event.worker.error}", severity="error", markup=False)

    def _show(self, comparisons: list[Comparison], novelty: Novelty) -> None:
        self.comparisons, self.novelty = comparisons, novelty
        self._names = {str(a.path.resolve()): one_line(label(a), 30) for a in novelty.sources}
        new = novelty.new
        title = Text("What's new in ", style="bold")
        title.append(one_line(f"{label(self.article)} — {self.article.display_title}", 100))
        origin = self.story.origin.article if self.story is not None else None
        if origin is self.article:
            against = "the story's origin: nothing earlier in it to take text from"
        else:
            names = [
                self._names[str(a.path.resolve())] + (" (origin)" if a is origin else "")
                for a in novelty.sources
            ]
            against = "compared with " + (", ".join(names) or "no sources")
        title.append(
            f"\n{novelty.new_pct:.0f}% new · {len(new)} new part{'s' if len(new) != 1 else ''}"
            f" · {against}",
            style="dim",
        )
        self.query_one("#new-title", Static).update(title)
        self.groups = novelty.blocks()
        options = []
        for group in self.groups:
            seg = group[0]
            if seg.kind == "copied":
                line = copied_line(self.article, group, self._names)
                options.append(Option(Text(line, style="dim italic")))
            else:
                prompt = Text("NEW" + (" · " + ", ".join(seg.labels) if seg.labels else ""))
                prompt.stylize("bold magenta")
                prompt.append("\n" + readable(self.article, seg.start, seg.end))
                options.append(Option(prompt))
        listing = self.option_list
        listing.clear_options()
        if not options:
            listing.add_option(Option("Nothing to show: the article has no body text."))
            return
        listing.add_options(options)
        first_new = self._next_new(-1, 1)
        listing.highlighted = first_new if first_new is not None else 0

    def _next_new(self, index: int, step: int) -> int | None:
        """The next new group after `index` in direction `step`, wrapping; None when none."""
        n = len(self.groups)
        for k in range(1, n + 1):
            i = (index + step * k) % n
            if self.groups[i][0].kind == "new":
                return i
        return None

    def action_step(self, step: int) -> None:
        """Jump to the next (1) or previous (-1) new part."""
        if not self.groups:
            return
        current = self.option_list.highlighted
        index = self._next_new(-1 if current is None else current, step)
        if index is None:
            self.notify("Nothing new here: all of it was found in its sources.", timeout=3)
            return
        self.option_list.highlighted = index
        self.option_list.scroll_to_highlight(top=True)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """On a copied run: compare the article with (the first of) its sources, there."""
        index = self.option_list.highlighted
        if index is None or not 0 <= index < len(self.groups) or not self.comparisons:
            return
        group = self.groups[index]
        if group[0].kind != "copied":
            self.notify(
                "This part is the article's own. Enter on a copied line compares.", timeout=3
            )
            return
        start, end = group[0].start, group[-1].end
        for c in self.comparisons:
            if c.b is not self.article or str(c.a.path.resolve()) not in group[0].sources:
                continue
            inside = [p for p in c.passages if p.b_start < end and p.b_end > start]
            focus = (inside[0].a_start, inside[0].a_end) if inside else None
            from newsreader.tui.screens.compare import CompareScreen

            self.app.push_screen(CompareScreen(c.a, c.b, comparison=c, focus_span=focus))
            return

    def action_back(self) -> None:
        self.dismiss()
