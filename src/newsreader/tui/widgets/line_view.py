"""A scroll view drawn one wrapped line at a time: the base of the text and compare panes.

Like toolong's log view: a line becomes a `Strip` only when it is on screen, and is cached; the
strips carry offsets, so Textual's text selection works (drag, then ctrl+c copies the text as
shown). Subclasses give the lines: how many, the plain text of one, and its styled `Text`.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip


class LineView(ScrollView):
    """Renders `line_text(index, base)` for each line on screen, or `empty_message()`."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._cache: LRUCache[int, Strip] = LRUCache(1024)

    # --- what subclasses give -----------------------------------------------------------

    def empty_message(self) -> str | None:
        """A one-line message shown instead of lines (loading, failed), or None."""
        return None

    def line_total(self) -> int:
        """How many display lines there are."""
        raise NotImplementedError

    def plain_line(self, index: int) -> str:
        """Display line `index` as plain text, as it reads on screen."""
        raise NotImplementedError

    def line_text(self, index: int, base: Style) -> Text:
        """Display line `index` styled (`base` is the widget's own style)."""
        raise NotImplementedError

    # --- rendering ----------------------------------------------------------------------

    def clear_lines(self) -> None:
        """Forget the drawn lines (after a relayout or a change of highlights)."""
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        message = self.empty_message()
        if message is not None:
            # A plain segment: the message is ours, but it is never read as markup either.
            return Strip([Segment(message if y == 0 else "", base)]).crop_extend(0, width, base)
        if index >= self.line_total():
            return Strip.blank(width, base)
        # A selection changes as the mouse moves: those lines are drawn fresh, not cached.
        selection = self.text_selection
        strip = self._cache.get(index) if selection is None else None
        if strip is None:
            strip = self._line_strip(index, base, selection)
            if selection is None:
                self._cache[index] = strip
        # Offsets let Textual map a mouse position to (column, line) for selecting text.
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, index)

    # Not `_render`: Textual's Widget._render() is called without arguments (e.g. on copy).
    def _line_strip(self, index: int, base: Style, selection: Selection | None) -> Strip:
        text = self.line_text(index, base)
        if selection is not None and (span := selection.get_span(index)) is not None:
            start, end = span
            text.stylize(
                self.screen.get_component_rich_style("screen--selection"),
                start,
                len(text) if end == -1 else end,
            )
        # Every segment gets the widget's style under its own: a Text without spans renders
        # unstyled segments, which Textual's NO_COLOR filter cannot read (it crashed on them).
        segments = Segment.apply_style(text.render(self.app.console), base)
        return Strip(segments, text.cell_len)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    # --- selecting text -----------------------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text as shown (wrapped lines joined by newlines)."""
        if self.empty_message() is not None:
            return None
        text = "\n".join(self.plain_line(y) for y in range(self.line_total()))
        return selection.extract(text), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        self._cache.clear()
        self.refresh()
