"""NO_COLOR (https://no-color.org): the reader draws in shades of grey only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reader_helpers import fruit_corpus, settle, sync, wait_loaded
from textual.app import App

from newsreader.tui.app import make_app

_HEX = re.compile(r"#([0-9a-fA-F]{6})\b")


async def _colours(folder: Path) -> set[str]:
    """Every colour on screen with a search hit highlighted in the list and the text."""
    app = make_app([folder])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"cherry")
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        return {m.lower() for m in _HEX.findall(app.export_screenshot())}


async def _chrome() -> set[str]:
    """The screenshot's own colours (window buttons, default text), drawn by any app."""
    app: App[None] = App()
    async with app.run_test(size=(120, 40)):
        return {m.lower() for m in _HEX.findall(app.export_screenshot())}


def _grey(colour: str) -> bool:
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return max(r, g, b) - min(r, g, b) <= 2


@sync
async def test_no_color_leaves_only_greys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = fruit_corpus(tmp_path / "c")
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = await _colours(folder) - await _chrome()
    assert any(not _grey(c) for c in coloured)  # the check can tell colour from grey
    monkeypatch.setenv("NO_COLOR", "1")
    plain = await _colours(folder) - await _chrome()
    assert plain and all(_grey(c) for c in plain), sorted(c for c in plain if not _grey(c))
