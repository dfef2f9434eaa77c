"""The compare view's legend and pane headers: colours and marks named, titles made safe."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from newsreader.corpus import Article
from newsreader.text import clean_for_display, one_line
from newsreader.tui.widgets.compare_layout import MARK_CHARS
from newsreader.tui.widgets.compare_pane import ComparePane


class CompareLegend(Widget):
    """One line naming the colours and gutter marks; styled by the same classes as the panes."""

    COMPONENT_CLASSES: ClassVar[set[str]] = ComparePane.COMPONENT_CLASSES

    DEFAULT_CSS = """
    CompareLegend {
        height: 1;
    }
    """

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        width = self.size.width
        if y:
            return Strip.blank(width, base)

        text = self._legend(base, compact=False)
        if text.cell_len > width:  # narrow terminals: the same swatches, shorter words
            text = self._legend(base, compact=True)
        return Strip(text.render(self.app.console), text.cell_len).crop_extend(0, width, base)

    def _legend(self, base: Style, *, compact: bool) -> Text:
        def style(name: str) -> Style:
            return self.get_component_rich_style(f"compare-pane--{name}")

        text = Text(no_wrap=True, end="", style=base)
        for kind in ("verbatim", "near", "paraphrase"):
            text.append(f" {kind} ", style(kind))
            text.append(" ")
        text.append("boilerplate", style("boilerplate"))
        text.append("  ")
        text.append("only A" if compact else "only in A", style("deleted"))
        text.append(" ")
        text.append("only B" if compact else "only in B", style("inserted"))
        text.append(" ")
        text.append("fact" if compact else "changed fact", style("fact"))
        text.append(" │" if compact else "  │ ")
        for mark in ("copied", "edited", "rewritten", "original"):
            if compact:
                text.append(" ")
            text.append(MARK_CHARS[mark], style(f"mark-{mark}"))
            if not compact:
                text.append(f" {mark}  ")
        return text


def header_text(
    article: Article, reused_pct: float | None, label: str, other_label: str = ""
) -> Text:
    """Two header lines for a pane: title, then outlet · date · how much of it is shared."""
    title = one_line(article.display_title)
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(f"{label} ", "bold reverse")
    text.append(" " + title, "bold")
    meta = [clean_for_display(m) for m in (article.outlet, article.date) if m]
    if reused_pct is None:
        meta.append("comparing…")
    else:
        meta.append(f"{reused_pct:.0f}% of it shared with {other_label or 'the other'}")
    text.append("\n" + " · ".join(meta), "dim")
    return text
