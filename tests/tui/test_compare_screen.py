"""Pilot tests of the compare view on the seeds, with the real reuse engine."""

from __future__ import annotations

import asyncio

import pytest
from reader_helpers import record_notifications, wait_until
from textual.app import App
from textual.selection import Selection
from textual.widgets import Static

from newsreader.corpus import Article, load_corpus
from newsreader.paths import seeds_dir
from newsreader.tui.screens import compare as compare_module
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.widgets.compare_pane import ComparePane


@pytest.fixture(scope="module")
def seeds() -> list[Article]:
    return sorted(load_corpus([seeds_dir()]).articles, key=lambda a: a.path.name)


class CompareApp(App[None]):
    """A bare app with a placeholder screen under the compare view (Esc must return to it)."""

    def __init__(self, a: Article, b: Article) -> None:
        super().__init__()
        self.pair = (a, b)

    def on_mount(self) -> None:
        self.push_screen(CompareScreen(*self.pair))


async def _ready(pilot) -> CompareScreen:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CompareScreen)
    await screen.workers.wait_for_complete()
    await pilot.pause()
    assert screen.comparison is not None
    return screen


def _row(pane: ComparePane, index: int) -> int | None:
    line = pane.passage_line(index)
    return None if line is None else line - pane.top_line


def test_n_walks_passages_and_scrolls_both_panes(seeds: list[Article]) -> None:
    async def run() -> None:
        app = CompareApp(seeds[1], seeds[2])
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await _ready(pilot)
            a, b = screen.pane_a, screen.pane_b
            total = len(screen.comparison.passages)
            assert total >= 4, "the two seeds share several passages"
            seen, tops_a, tops_b, aligned = [], set(), set(), 0
            for _ in range(min(total, 8)):
                await pilot.press("n")
                await pilot.pause()
                seen.append(screen.current)
                tops_a.add(a.top_line)
                tops_b.add(b.top_line)
                assert a.current == b.current == screen.current
                ra, rb = _row(a, screen.current), _row(b, screen.current)
                # The pair is on screen in both panes, on the same row unless a pane hit its end.
                assert ra is not None and 0 <= ra < a.size.height
                assert rb is not None and 0 <= rb < b.size.height
                aligned += ra == rb
            assert seen == list(range(len(seen)))
            assert len(tops_a) > 1 and len(tops_b) > 1, "both panes scrolled"
            assert aligned >= len(seen) // 2
            await pilot.press("N")
            assert screen.current == seen[-2]

            await pilot.press("enter")
            await pilot.pause()
            detail = screen.query_one("#detail", Static)
            assert detail.display
            kind = screen.comparison.passages[screen.current].kind
            assert f"Passage {screen.current + 1}/{total} · {kind}" in str(detail.content)

            left_before = screen.comparison.a
            passage = screen.comparison.passages[screen.current]
            await pilot.press("s")
            await pilot.pause()
            assert screen.comparison.a is seeds[2] and screen.comparison.b is left_before
            swapped = screen.comparison.passages[screen.current]
            assert (swapped.a_start, swapped.b_start) == (passage.b_start, passage.a_start)
            assert "B " in str(screen.query_one("#header-b", Static).content)

            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, CompareScreen)

    asyncio.run(run())


def test_scrolling_one_pane_brings_the_other_along(seeds: list[Article]) -> None:
    async def run() -> None:
        app = CompareApp(seeds[1], seeds[2])
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await _ready(pilot)
            a, b = screen.pane_a, screen.pane_b
            for _ in range(12):
                await pilot.press("down")
            await pilot.pause()
            assert a.top_line == 12
            assert b.top_line > 0, "the other pane followed"
            index = a.passage_at(a.top_line)
            assert index is not None
            assert _row(a, index) == _row(b, index) or b.top_line in (0, round(b.max_scroll_y))
            await pilot.press("tab")
            assert screen.focused is b
            before = a.top_line
            await pilot.press("pagedown")
            await pilot.pause()
            assert a.top_line != before

    asyncio.run(run())


def test_narrow_terminal_stacks_panes(seeds: list[Article]) -> None:
    async def run() -> None:
        app = CompareApp(seeds[1], seeds[2])
        async with app.run_test(size=(80, 40)) as pilot:
            screen = await _ready(pilot)
            assert screen.has_class("-narrow")
            a, b = screen.pane_a.region, screen.pane_b.region
            assert a.x == b.x and a.bottom <= b.y
            await pilot.press("n")
            assert screen.current == 0

    asyncio.run(run())


def test_engine_failure_is_reported(seeds: list[Article], monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(a, b, cancel=None):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(compare_module, "run_comparison", broken)

    async def run() -> None:
        app = CompareApp(seeds[1], seeds[2])
        notes = record_notifications(app)
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(
                pilot,
                lambda: (
                    isinstance(app.screen, CompareScreen)
                    and "failed" in app.screen.pane_a.visible_text()
                ),
                "the failure shown in the pane",
            )
            assert any("engine exploded" in m for m, _ in notes)
            await pilot.press("n", "s", "enter")  # nothing to step through: no crash

    asyncio.run(run())


def test_swap_keeps_the_current_pair_aligned(seeds: list[Article]) -> None:
    async def run() -> None:
        app = CompareApp(seeds[1], seeds[2])
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await _ready(pilot)
            await pilot.press("n", "n", "n")
            await pilot.pause()
            rows_before = (_row(screen.pane_a, screen.current), _row(screen.pane_b, screen.current))
            await pilot.press("s")
            await pilot.pause()
            await pilot.pause()
            a, b = screen.pane_a, screen.pane_b
            rows_after = (_row(a, screen.current), _row(b, screen.current))
            assert rows_after[0] is not None and 0 <= rows_after[0] < a.size.height
            assert rows_after[1] is not None and 0 <= rows_after[1] < b.size.height
            if rows_before[0] == rows_before[1]:
                assert rows_after[0] == rows_after[1]

    asyncio.run(run())


def test_drag_select_in_a_pane_then_ctrl_c_copies_without_a_crash(seeds: list[Article]) -> None:
    async def run() -> None:
        app = CompareApp(seeds[1], seeds[2])
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await _ready(pilot)
            pane = screen.pane_a
            first = pane.get_selection(Selection(None, None))[0].splitlines()[pane.top_line]
            await pilot.mouse_down(pane, offset=(2, 0))
            await pilot.hover(pane, offset=(len(first), 0))
            await pilot.mouse_up(pane, offset=(len(first), 0))
            await pilot.pause()
            selected = app.screen.get_selected_text()
            assert selected is not None and len(selected.strip()) >= 5
            assert selected.strip() in first
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert app.is_running and app.clipboard == selected

    asyncio.run(run())
