"""The key footer: keys drawn as one line of text, kept current, clickable; help and the
command palette stay on screen however narrow the terminal."""

from __future__ import annotations

import itertools
from pathlib import Path

from reader_helpers import fruit_corpus, settle, sync, wait_loaded
from textual.binding import Binding

from newsreader.tui.app import make_app
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.widgets.footer import Footer, Key, cells, place


def _key(action: str, key: str, description: str) -> Key:
    return Key(Binding(key, action, description), key, True, "")


KEYS = [
    _key("search", "/", "Search"),
    _key("compare", "c", "Compare"),
    _key("stories", "t", "Stories"),
    _key("help", "?", "Help"),
    _key("command_palette", "^p", "palette"),
]


def test_keys_go_left_to_right_with_help_and_the_palette_at_the_right_end() -> None:
    placed = place(KEYS, 80)
    assert [p.key.binding.action for p in placed] == [
        "search",
        "compare",
        "stories",
        "help",
        "command_palette",
    ]
    assert placed[0].start == 0
    assert placed[-1].end == 80
    for before, after in itertools.pairwise(placed[:3]):  # the left-hand keys touch
        assert before.end == after.start
    assert all(p.end - p.start == cells(p.key) for p in placed)


def test_a_narrow_line_drops_the_last_keys_first_and_help_last() -> None:
    right = cells(KEYS[3]) + cells(KEYS[4])
    width = cells(KEYS[0]) + cells(KEYS[1]) + right  # no room for "t Stories"
    assert [p.key.binding.action for p in place(KEYS, width)] == [
        "search",
        "compare",
        "help",
        "command_palette",
    ]
    assert [p.key.binding.action for p in place(KEYS, right)] == ["help", "command_palette"]
    assert [p.key.binding.action for p in place(KEYS, cells(KEYS[4]))] == ["command_palette"]
    assert place(KEYS, 3) == []


@sync
async def test_the_footer_follows_the_screen_and_a_click_runs_the_key(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        footer = app.main_screen.query_one(Footer)

        def shown() -> str:  # what is on screen, not what a new render would give
            return footer.render_line(0).text

        line = shown()
        assert "/ Search" in line and "c Compare" in line
        assert line.rstrip().endswith("? Help  ^p palette")
        await pilot.press("slash")  # search open: its own keys
        await settle(pilot, app)
        assert "esc Close search" in shown()
        await pilot.press("escape")
        await settle(pilot, app)
        line = shown()
        assert "esc Close search" not in line
        help_at = line.index("? Help")
        await pilot.click(Footer, offset=(help_at + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
