"""The search view: a query input over a list of hits (article, outlet, snippet).

At most a page of hits (the index's `limit`) is ever shown, so an `OptionList` of two-line
`Text` prompts is cheap; prompts are built from plain strings, so a snippet or title holding
markup is shown literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from newsreader.text import clean_for_display, one_line


class HitPrompt:
    """A hit in two lines: title and outlet, then the snippet cut so the first match shows.

    A Rich renderable rather than a fixed `Text`, because where to cut depends on the width the
    list gives it (narrow terminals would otherwise hide the match off the end of the line).
    """

    def __init__(self, hit: Any) -> None:
        article = hit.article
        self.heading = Text(no_wrap=True, overflow="ellipsis")
        self.heading.append(one_line(article.display_title), style="bold")
        if article.outlet:
            self.heading.append(f"  {one_line(article.outlet)}", style="dim")
        snippet = clean_for_display(hit.snippet).replace("\n", " ")
        self.snippet = Text(snippet, style="italic", no_wrap=True, overflow="ellipsis")
        for start, end in hit.snippet_highlights:
            if 0 <= start < end <= len(snippet):
                self.snippet.stylize("bold reverse", start, end)
        self.first_match = min((s for s, _ in hit.snippet_highlights), default=0)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        snippet = self.snippet
        # Keep a quarter of the line of context before the first match, cut the rest.
        cut = self.first_match - width // 4
        if cut > 0:
            space = snippet.plain.find(" ", cut, self.first_match)
            cut = space + 1 if space >= 0 else cut
            snippet = Text("…", style="italic", no_wrap=True, overflow="ellipsis") + snippet[cut:]
        yield self.heading
        yield snippet


class SearchResults(OptionList):
    """Hits for the current query; Enter opens the hit in the text pane."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="results.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="results.up"),
        Binding("enter,right,l", "select", "Open hit", key_display="⏎", id="results.select"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hits: list[Any] = []
        self.recent: list[str] = []
        """Recent queries, listed instead of hits while the input is empty."""
        self.pending_moves = 0
        """Down presses made in the input before this query's hits arrived."""
        self.pending_open = False
        """Enter pressed before this query's hits arrived: open the hit the moves lead to."""

    def show_recent(self, queries: Sequence[str]) -> None:
        """List earlier queries; choosing one runs it again."""
        self.hits, self.recent = [], list(queries)
        self.pending_moves, self.pending_open = 0, False
        self.clear_options()
        self.add_options(Option(Text(f"↺ {one_line(q)}")) for q in self.recent)
        if self.recent:
            self.highlighted = 0

    @property
    def recent_query(self) -> str | None:
        """The highlighted recent query, when recent queries are listed."""
        if not self.recent or self.highlighted is None:
            return None
        return self.recent[self.highlighted] if self.highlighted < len(self.recent) else None

    def show_hits(self, hits: Sequence[Any]) -> None:
        """Replace the list with `hits` (best first) and highlight the first.

        Keys typed ahead of the hits (Down Down Enter, fast) act on these hits as they would
        have, had the hits been on screen: the reader sees the list only now.
        """
        self.hits, self.recent = list(hits), []
        moves, open_it = self.pending_moves, self.pending_open
        self.pending_moves, self.pending_open = 0, False
        self.clear_options()
        self.add_options(Option(HitPrompt(h)) for h in self.hits)
        if not self.hits:
            return
        # The first Down enters the list on the best hit; each further one moves down one.
        self.highlighted = min(max(0, moves - 1), len(self.hits) - 1)
        if moves:
            self.screen.set_focus(self)
        if open_it:
            self.action_select()

    @property
    def hit(self) -> Any | None:
        """The highlighted hit."""
        if self.highlighted is None or not 0 <= self.highlighted < len(self.hits):
            return None
        return self.hits[self.highlighted]


class SearchPanel(Vertical):
    """Input + status line + results; Esc closes it (the main screen restores the list)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close search", id="search.close"),
    ]

    class Closed(Message):
        """The reader closed the search view."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Search titles, outlets and full text…", id="search-input")
        yield Label("Type to search every article.", id="search-status")
        yield SearchResults(id="search-results")

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    @property
    def results(self) -> SearchResults:
        return self.query_one("#search-results", SearchResults)

    def set_status(self, message: str) -> None:
        self.query_one("#search-status", Label).update(Text(message))

    stale = False
    """The query changed and its hits have not arrived yet: the list shows older ones."""

    def on_input_changed(self, event: Input.Changed) -> None:
        # Not stopped: the screen starts the search on the same message.
        self.stale = bool(event.value.strip())
        self.results.pending_moves, self.results.pending_open = 0, False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.stale:
            event.stop()  # Enter before the hits: open the hit once they are shown
            self.results.pending_open = True

    def show_hits(self, hits: Sequence[Any]) -> None:
        """Show the current query's hits (applying any keys typed ahead of them)."""
        self.stale = False
        self.results.show_hits(hits)

    def key_down(self, event: events.Key) -> None:
        """Down from the input moves into the results, onto the first (best) hit."""
        if self.input.has_focus and self.stale:
            self.results.pending_moves += 1  # for the hits on their way, not the old ones
            event.stop()
        elif self.input.has_focus and self.results.option_count:
            self.screen.set_focus(self.results)
            event.stop()  # else the key reaches the app again and the results' own Down runs

    def key_up(self, event: events.Key) -> None:
        """Up from the first hit goes back to the query."""
        if self.results.has_focus and not self.results.highlighted:
            self.screen.set_focus(self.input)
            event.stop()

    def action_close(self) -> None:
        self.post_message(self.Closed())
