"""The compare split view: two articles side by side, shared passages aligned and explained.

The comparison runs in a thread worker (the engine takes a cancel event, set when the screen
goes away); the panes are line-rendered `ComparePane`s. n/N step through passages in the left
article's order and scroll both panes so the pair sits on the same row; scrolling one pane by
hand brings the other to the counterpart of the passage at its top. The worker also finds the
changed facts (marked in both panes, listed in the detail line, stepped through with F), and
`e` exports the comparison as a citable HTML or Markdown record.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from newsreader.corpus import Article
from newsreader.provenance.export import default_export_path, target_problem, write_export
from newsreader.reuse.models import Comparison, Passage, Side
from newsreader.text import clean_for_display
from newsreader.tui.dialogs.confirm import ConfirmDialog
from newsreader.tui.dialogs.export import ExportDialog
from newsreader.tui.screens.compare_facts import (
    FactSet,
    fact_line,
    facts_summary,
    find_facts,
)
from newsreader.tui.styles import COMPARE_TCSS
from newsreader.tui.widgets.compare_layout import PaneModel, build_pane_model
from newsreader.tui.widgets.compare_legend import CompareLegend, header_text
from newsreader.tui.widgets.compare_pane import ComparePane
from newsreader.tui.widgets.footer import Footer


def run_comparison(a: Article, b: Article, cancel: threading.Event | None = None) -> Comparison:
    """The engine's comparison (imported late: the reuse package loads its tables on import)."""
    from newsreader.reuse.compare import compare_articles

    return compare_articles(a, b, cancel=cancel)


def describe_passage(comparison: Comparison, index: int) -> str:
    """One plain line about a passage: position, kind, score and the exact words changed."""
    p = comparison.passages[index]
    changed = p.words_changed(comparison)
    line = (
        f"Passage {index + 1}/{len(comparison.passages)} · {p.kind_label()} · "
        f"score {p.score:.2f} · "
    )
    return clean_for_display(line + changed)


class CompareScreen(Screen[None]):
    """Side-by-side view of what two articles share."""

    CSS_PATH = COMPARE_TCSS
    # Textual annotates this `ClassVar[...] | None`, which mypy reads as an instance variable.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [  # type: ignore[misc]
        (0, "-narrow"),
        (100, "-wide"),
    ]
    AUTO_FOCUS = "#pane-a"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "step(1)", "Next passage", id="compare.next"),
        Binding("N,p", "step(-1)", "Prev passage", id="compare.previous"),
        Binding("enter", "detail", "Detail", id="compare.detail"),
        Binding("F", "next_fact", "Next fact", id="compare.next_fact"),
        Binding("s", "swap", "Swap sides", id="compare.swap"),
        Binding("e", "export", "Export", id="compare.export"),
        Binding("tab", "switch_pane", "Other pane", id="compare.switch_pane"),
        Binding("escape", "back", "Back", id="compare.back"),
    ]

    def __init__(
        self,
        a: Article,
        b: Article,
        *,
        comparison: Comparison | None = None,
        focus_span: tuple[int, int] | None = None,
    ) -> None:
        """Compare `a` (left) with `b`; `focus_span` (offsets in `a`) opens at the first
        passage inside it, e.g. the paragraph picked in the release matrix."""
        super().__init__()
        self.comparison: Comparison | None = comparison
        self.facts: FactSet | None = None
        """Changed facts (found with the comparison as first shown: left read as the source)."""
        self.current: int | None = None
        self._fact_index: int | None = None
        self._focus_span = focus_span
        self._articles = (a, b)
        self._cancel = threading.Event()
        self._detail_shown = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            for side in ("a", "b"):
                with Vertical(id=f"side-{side}", classes="compare-side"):
                    yield Static(id=f"header-{side}", classes="pane-header")
                    yield ComparePane(id=f"pane-{side}")
        yield CompareLegend(id="legend")
        yield Static(id="detail")
        yield Footer()

    @property
    def pane_a(self) -> ComparePane:
        return self.query_one("#pane-a", ComparePane)

    @property
    def pane_b(self) -> ComparePane:
        return self.query_one("#pane-b", ComparePane)

    def on_mount(self) -> None:
        a, b = self._articles
        self._set_headers(a, b, None)
        self.run_worker(
            self._compute,
            thread=True,
            exit_on_error=False,
            exclusive=True,
            group="compare",
            description="compare articles",
        )

    def on_unmount(self) -> None:
        self._cancel.set()

    def _compute(self) -> tuple[Comparison, FactSet, str | None, PaneModel, PaneModel]:
        a, b = self._articles
        comparison = self.comparison  # the picker may have compared them already
        if comparison is None:
            comparison = run_comparison(a, b, self._cancel)
        found, error = find_facts(comparison, self._cancel)
        facts = FactSet(found, list(comparison.passages))
        # Layout is linear in the text but still worth keeping off the UI thread for long pieces.
        models = [build_pane_model(comparison, s, facts.spans(s)) for s in ("a", "b")]
        return comparison, facts, error, models[0], models[1]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "compare":
            return
        if event.state == WorkerState.SUCCESS and event.worker.result is not None:
            comparison, facts, error, model_a, model_b = event.worker.result
            self.facts = facts
            if error:
                self.notify(f"Changed facts unavailable: {error}", severity="warning", markup=False)
            self._show(comparison, model_a, model_b, current=self._focus_passage(comparison))
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                f"Could not compare: {error}", title="Compare", severity="error", markup=False
            )
            for pane in (self.pane_a, self.pane_b):
                pane.show_model(None, "Comparison failed.")

    # --- showing ------------------------------------------------------------------------

    def _show(
        self,
        comparison: Comparison,
        model_a: PaneModel | None = None,
        model_b: PaneModel | None = None,
        current: int | None = None,
    ) -> None:
        self.comparison = comparison
        spans = self.facts.spans if self.facts is not None else lambda side: []
        self.pane_a.show_model(model_a or build_pane_model(comparison, "a", spans("a")))
        self.pane_b.show_model(model_b or build_pane_model(comparison, "b", spans("b")))
        self._set_headers(comparison.a, comparison.b, comparison)
        self.current = None
        if current is not None:
            self._goto(current)
        elif not comparison.passages:
            self.notify("These two articles share no passages.", title="Compare")
        self._update_detail()

    def _set_headers(self, a: Article, b: Article, comparison: Comparison | None) -> None:
        for side, article in (("a", a), ("b", b)):
            pct = None
            if comparison is not None:
                pct = comparison.a_reused_pct if side == "a" else comparison.b_reused_pct
            header = self.query_one(f"#header-{side}", Static)
            other = "B" if side == "a" else "A"
            text = header_text(article, pct, side.upper(), other)
            facts = self.facts
            # On the copy's header: the source is the one the facts were changed from.
            if comparison is not None and facts and (side == "b") != facts.flipped:
                n = len(facts)
                text.append(f" · {n} changed fact{'s' if n != 1 else ''} (F)", "bold")
            header.update(text)

    def _goto(self, index: int, anchor: ComparePane | None = None) -> None:
        """Make passage `index` current on both sides and line the pair up on the same row.

        With an `anchor` (the pane the reader clicked in) that pane stays put and only the
        other one moves.
        """
        self.current = index
        a, b = self.pane_a, self.pane_b
        a.set_current(index)
        b.set_current(index)
        la, lb = a.passage_line(index), b.passage_line(index)
        height = min(a.scrollable_content_region.height, b.scrollable_content_region.height)
        if anchor is not None:
            other = b if anchor is a else a
            here, there = anchor.passage_line(index), other.passage_line(index)
            if here is not None and there is not None:
                other.sync_to(there - (here - anchor.top_line))
        elif la is None or lb is None:
            for pane, line in ((a, la), (b, lb)):
                if line is not None:
                    pane.sync_to(line - height // 3)
        else:
            # The same row in both panes, a third of the way down when both can scroll there.
            row = min(height // 3, la, lb)
            row = max(row, la - round(a.max_scroll_y), lb - round(b.max_scroll_y))
            a.sync_to(la - row)
            b.sync_to(lb - row)
        self._update_detail()

    def _focus_passage(self, comparison: Comparison) -> int | None:
        """The first passage inside the span the screen was opened on (None: start at top)."""
        if self._focus_span is None:
            return None
        start, end = self._focus_span
        self._focus_span = None
        inside = [
            i for i, p in enumerate(comparison.passages) if p.a_start < end and p.a_end > start
        ]
        if inside:
            self._detail_shown = True
        return inside[0] if inside else None

    def _update_detail(self) -> None:
        detail = self.query_one("#detail", Static)
        detail.set_class(self._detail_shown, "-shown")
        if not self._detail_shown or self.comparison is None:
            return
        lines = []
        if self.current is not None:
            lines.append(describe_passage(self.comparison, self.current))
            if self.facts is not None:
                passage = self.comparison.passages[self.current]
                lines.extend("  " + fact_line(f) for f in self.facts.in_passage(passage))
        if self._fact_index is not None and self.facts is not None and self.facts.facts:
            fact = self.facts.facts[self._fact_index]
            if fact.passage is None or self.current is None:
                lines.append(f"Fact {self._fact_index + 1}/{len(self.facts)} · {fact_line(fact)}")
        if not lines and self.facts is not None:
            lines.append(facts_summary(self.facts))
        detail.update(Text("\n".join(lines)))

    def _focused_pane(self) -> ComparePane:
        return self.pane_b if self.focused is self.pane_b else self.pane_a

    # --- keys ---------------------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        """Go to the next (1) or previous (-1) passage, wrapping around at the ends."""
        if self.comparison is None:
            return
        total = len(self.comparison.passages)
        if not total:
            self.notify("No shared passages.", title="Compare")
            return
        if self.current is None:
            start = self.pane_a.passage_at(self.pane_a.top_line)
            index = (start if start is not None else 0) if delta > 0 else total - 1
        else:
            index = (self.current + delta) % total
            if total == 1:
                self.notify("This is the only shared passage.", timeout=2)
            elif index != self.current + delta:
                where = "first" if delta > 0 else "last"
                self.notify(f"Wrapped around to the {where} passage.", timeout=2)
        self._goto(index)

    def action_detail(self) -> None:
        """Show (or hide) the detail line for the current passage."""
        if self.comparison is None or not self.comparison.passages:
            return
        if self.current is None:
            pane = self._focused_pane()
            index = pane.passage_at(pane.top_line)
            self._goto(index if index is not None else 0)
            self._detail_shown = True
        else:
            self._detail_shown = not self._detail_shown
        self._update_detail()

    def action_swap(self) -> None:
        """Put the right article on the left and vice versa, keeping the current passage."""
        if self.comparison is None:
            self._articles = self._articles[::-1]
            return
        swapped = self.comparison.swapped()
        current = None
        if self.current is not None:
            mirrored = self.comparison.passages[self.current].mirrored()
            current = _index_of(swapped.passages, mirrored)
        self._articles = (swapped.a, swapped.b)
        if self.facts is not None:
            self.facts = self.facts.swapped()
        self._show(swapped, current=current)

    def action_switch_pane(self) -> None:
        """Move focus to the other pane."""
        (self.pane_b if self.focused is self.pane_a else self.pane_a).focus()

    def action_back(self) -> None:
        self.dismiss()

    # --- changed facts (F) ------------------------------------------------------------

    def action_next_fact(self) -> None:
        """Go to the next changed fact: its passage when it is in one, else its sentences."""
        facts, comparison = self.facts, self.comparison
        if facts is None or comparison is None:
            return
        if not facts.facts:
            self.notify(facts_summary(facts), title="Compare", timeout=3, markup=False)
            return
        self._fact_index = 0 if self._fact_index is None else (self._fact_index + 1) % len(facts)
        fact = facts.facts[self._fact_index]
        self._detail_shown = True
        index = facts.passage_index(fact, comparison.passages)
        if index is not None:
            self._goto(index)
            return
        self.current = None
        sides: tuple[tuple[ComparePane, Side], ...] = ((self.pane_a, "a"), (self.pane_b, "b"))
        for pane, side in sides:
            pane.set_current(None)
            line = pane.offset_line(facts.span_of(fact, side)[0])
            if line is not None:
                pane.sync_to(line - pane.scrollable_content_region.height // 3)
        self._update_detail()

    # --- export (e) -------------------------------------------------------------------

    def action_export(self) -> None:
        """Ask for a file name, then write the comparison there as HTML or Markdown."""
        comparison = self.comparison
        if comparison is None:
            self.notify("Still comparing: export when the comparison is shown.", timeout=3)
            return

        def chosen(value: str | None) -> None:
            if not value:
                return
            path = Path(value).expanduser()
            if not path.is_file():
                self._export_to(comparison, path)
                return

            def answered(replace: bool | None) -> None:
                if replace:
                    self._export_to(comparison, path)
                else:
                    self.notify("Not exported: the file was left as it was.", timeout=4)

            question = f"{path} already exists. Replace it with this comparison?"
            self.app.push_screen(ConfirmDialog(question), answered)

        self.app.push_screen(ExportDialog(default_export_path(comparison.a, comparison.b)), chosen)

    def _export_to(self, comparison: Comparison, path: Path) -> None:
        folders = {Path(p).expanduser().resolve() for p in getattr(self.app, "paths", ())}
        folders = {f if f.is_dir() else f.parent for f in folders}
        folders |= {comparison.a.path.resolve().parent, comparison.b.path.resolve().parent}
        problem = target_problem(path.resolve(), folders)
        if problem:
            self.notify(problem, title="Export", severity="error", markup=False, timeout=8)
            return

        def write() -> None:
            try:
                written = write_export(comparison, path)
            except (OSError, ValueError) as error:
                reason = getattr(error, "strerror", None) or str(error)
                self.app.call_from_thread(
                    self.notify,
                    f"Could not write {path}: {reason}",
                    title="Export",
                    severity="error",
                    markup=False,
                    timeout=8,
                )
                return
            self.app.call_from_thread(
                self.notify, f"Saved {written}", title="Export", markup=False, timeout=8
            )

        self.run_worker(write, thread=True, group="export", exit_on_error=False)

    # --- mouse and scrolling ----------------------------------------------------------

    def on_compare_pane_passage_clicked(self, event: ComparePane.PassageClicked) -> None:
        """A click on a passage makes it current and shows its detail line."""
        self._detail_shown = True
        self._goto(event.index, anchor=event.pane)

    def on_compare_pane_scrolled(self, event: ComparePane.Scrolled) -> None:
        """Keep the other pane at the counterpart of the passage at the top of this one."""
        source = event.pane
        other = self.pane_b if source is self.pane_a else self.pane_a
        index = source.passage_at(event.top)
        if index is None:
            return
        here, there = source.passage_line(index), other.passage_line(index)
        if here is not None and there is not None:
            other.sync_to(there - (here - event.top))


def _index_of(passages: list[Passage], wanted: Passage) -> int | None:
    for i, p in enumerate(passages):
        if (p.a_start, p.a_end, p.b_start, p.b_end) == (
            wanted.a_start,
            wanted.a_end,
            wanted.b_start,
            wanted.b_end,
        ):
            return i
    return None
