"""Selecting text with the mouse and copying it (Textual's own selection, ctrl+c)."""

from __future__ import annotations

from pathlib import Path

from reader_helpers import fruit_corpus, sync, wait_loaded

from newsreader.tui.app import make_app


@sync
async def test_drag_select_in_the_text_pane_then_ctrl_c_copies_without_a_crash(
    tmp_path: Path,
) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        view = app.main_screen.text_view
        assert view.article is not None
        title = view.visible_text().splitlines()[0]
        # Drag across the first line of the text pane (the article title).
        await pilot.mouse_down(view, offset=(0, 0))
        await pilot.hover(view, offset=(len(title), 0))
        await pilot.mouse_up(view, offset=(len(title), 0))
        await pilot.pause()
        selected = app.screen.get_selected_text()
        assert selected is not None and title.startswith(selected.strip())
        assert len(selected.strip()) >= 5
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running and app.clipboard == selected
