"""Pilot tests of the reader: start-up, list and text pane, keys, help, quitting."""

from __future__ import annotations

from pathlib import Path

import pytest
from reader_helpers import fruit_corpus, settle, sync, wait_loaded

from newsreader.corpus import load_corpus
from newsreader.tui.app import make_app
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.compare_picker import ComparePicker
from newsreader.tui.screens.help import HelpScreen
from newsreader.tui.widgets.article_list import MARK


@sync
async def test_starts_on_the_seeds_and_lists_every_article(seeds_dir: Path) -> None:
    expected = {a.display_title for a in load_corpus([seeds_dir]).articles}
    app = make_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        rows = app.main_screen.article_list.rows
        assert len(rows) == 5
        assert {a.display_title for a in rows} == expected
        assert "5 articles" in app.sub_title and "0 skipped" in app.sub_title
        # The first article is in the text pane, starting with its title.
        view = app.main_screen.text_view
        assert view.article is rows[0]
        first_line = view.visible_text().splitlines()[0]
        assert first_line and first_line.split()[0] in rows[0].display_title


@sync
async def test_moving_the_cursor_changes_the_text(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        before = screen.text_view.visible_text()
        await pilot.press("j")
        await pilot.pause()
        assert screen.article_list.cursor == 1
        assert screen.text_view.article is screen.article_list.rows[1]
        assert screen.text_view.visible_text() != before
        await pilot.press("k")
        await pilot.pause()
        assert screen.text_view.visible_text() == before


@sync
async def test_a_key_right_after_moving_acts_on_the_article_moved_to(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        first = screen.text_view.article
        screen.article_list.action_cursor_down()  # the text pane follows a message later
        moved_to = screen.article_list.rows[1]
        assert screen.text_view.article is first
        assert screen.target_article is moved_to  # what `m`, `c`, `t`, `w`, `x` act on
        screen.action_mark()
        assert app.marked is moved_to
        await pilot.pause()


@sync
async def test_enter_focuses_the_text_and_escape_comes_back(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        await pilot.press("G", "enter")
        assert app.focused is screen.text_view
        await pilot.press("space")
        await pilot.pause()
        assert screen.text_view.scroll_offset.y > 0
        await pilot.press("g")
        await pilot.pause()
        assert screen.text_view.scroll_offset.y == 0
        await pilot.press("h")
        assert app.focused is screen.article_list


@sync
async def test_sort_cycles_and_keeps_the_article(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        await pilot.press("j")
        chosen = screen.article_list.article
        orders = []
        for _ in range(3):
            await pilot.press("o")
            await pilot.pause()
            orders.append(screen.sort_key)
            assert screen.article_list.article is chosen
        assert sorted(orders) == ["date", "outlet", "title"]
        titles = [a.display_title.casefold() for a in screen.article_list.rows]
        assert screen.sort_key != "title" or titles == sorted(titles)


@sync
async def test_mark_sets_the_apps_marked_article(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        articles = app.main_screen.article_list
        await pilot.press("m")
        assert app.marked is articles.article
        await pilot.pause()
        assert articles.row_text(articles.article, 80).plain.startswith(MARK)
        await pilot.press("m")
        await pilot.pause()
        assert app.marked is None
        assert not articles.row_text(articles.article, 80).plain.startswith(MARK)


@sync
async def test_help_opens_and_closes(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main_screen


@sync
async def test_q_quits(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test() as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert not app.is_running


@sync
async def test_narrow_terminal_stacks_list_over_text(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        assert screen.has_class("-narrow")
        lst, view = screen.article_list.region, screen.text_view.region
        assert lst.height >= 3 and view.height >= 5
        assert lst.bottom <= view.y  # stacked, not side by side
        assert view.width >= 70


@sync
async def test_skipped_files_are_reported_not_fatal(tmp_path: Path) -> None:
    folder = fruit_corpus(tmp_path / "c")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    app = make_app([folder, tmp_path / "missing"])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert "2 skipped" in app.sub_title
        messages = [n.message for n in app._notifications]
        assert any("empty.txt" in m for m in messages)
        assert len(app.main_screen.article_list.rows) == 4


@sync
async def test_a_loader_crash_leaves_the_app_running(tmp_path: Path, monkeypatch) -> None:
    import newsreader.tui.app as app_module

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(app_module, "read_corpus_and_index", broken)
    app = make_app([tmp_path])
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot, app)
        assert app.is_running
        assert any("disk on fire" in n.message for n in app._notifications)
        await pilot.press("j", "enter", "slash", "x")  # keys on an empty reader do not crash
        await settle(pilot, app)


@sync
async def test_command_palette_lists_actions_and_articles(tmp_path: Path) -> None:
    from newsreader.tui.commands import ReaderCommands

    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        provider = ReaderCommands(app.screen)
        found = {hit.text: hit async for hit in provider.discover()}
        assert "Reader: Search" in found and "App: Quit" in found
        before = app.main_screen.sort_key
        found["Reader: Sort"].command()
        await settle(pilot, app)
        assert app.main_screen.sort_key != before
        hits = [hit async for hit in provider.search("cherry festival")]
        opener = next(h for h in hits if h.text == "Article: open Cherry festival returns")
        opener.command()
        await pilot.pause()
        assert app.main_screen.text_view.article.display_title == "Cherry festival returns"
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen is not app.main_screen  # the palette opened


@sync
async def test_c_opens_the_picker_and_marked_pairs_compare_directly(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ComparePicker)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main_screen
        await pilot.press("m", "j", "c")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)


@sync
async def test_mouse_and_tab(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        await pilot.click("#articles", offset=(5, 6))  # rows are 3 lines: row 2
        await pilot.pause()
        assert screen.article_list.cursor == 2
        assert screen.text_view.article is screen.article_list.rows[2]
        await pilot.press("tab")
        assert app.focused is screen.text_view
        await pilot.press("tab")
        assert app.focused is screen.article_list


@sync
async def test_b_hides_and_shows_boilerplate(tmp_path: Path) -> None:
    from newsreader.corpus import Article, Paragraph

    text = "A title\n\nThe real news.\n\nShare this article"
    article = Article(
        path=tmp_path / "x.txt",
        text=text,
        title="A title",
        title_span=(0, 7),
        paragraphs=[Paragraph(0, 7), Paragraph(9, 23), Paragraph(25, len(text), boilerplate=True)],
    )
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        view = app.main_screen.text_view
        view.show_article(article)
        await pilot.pause()
        assert "Share this article" in view.visible_text()
        await pilot.press("b")
        await pilot.pause()
        assert view.hide_boilerplate and "Share this article" not in view.visible_text()
        assert "The real news." in view.visible_text()
        await pilot.press("b")
        await pilot.pause()
        assert "Share this article" in view.visible_text()


@sync
async def test_the_library_shows_what_is_stored_then_what_changed_on_disk(tmp_path: Path) -> None:
    from reader_helpers import record_notifications, wait_until, write_article

    from newsreader.library import Library

    folder = tmp_path / "news"
    folder.mkdir()
    write_article(folder, "a.txt", "Harbour reopens", ["The harbour reopened on Monday."])
    gone = write_article(folder, "b.txt", "Bridge closes", ["The bridge closed for repairs."])
    with Library() as library:
        library.ensure_seeded()
        library.add_paths([folder])
    # While the reader was closed: one file arrives, one vanishes.
    write_article(folder, "c.txt", "Ferry returns", ["The ferry came back to service."])
    gone.unlink()
    app = make_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        seen = record_notifications(app)
        await wait_loaded(pilot, app)
        titles = {a.display_title for a in app.main_screen.article_list.rows}
        assert "Bridge closes" in titles  # stored, so listed whatever the disk says
        # The refresh after the first paint adds the new file and marks the vanished one missing.
        await wait_until(
            pilot,
            lambda: any(a.display_title == "Ferry returns" for a in app.corpus.articles),
            "the new file listed",
        )
        bridge = next(a for a in app.corpus.articles if a.display_title == "Bridge closes")
        assert bridge.missing
        assert any("1 new" in m and "1 missing" in m for m, _ in seen)


@sync
async def test_a_long_refresh_shows_its_progress_then_hides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader_helpers import wait_until, write_article

    import newsreader.tui.app as app_module
    from newsreader.library import Library

    folder = tmp_path / "news"
    folder.mkdir()
    for n in range(3):
        write_article(folder, f"{n}.txt", f"Harbour story {n}", ["The quay reopened."])
    with Library() as library:
        library.ensure_seeded()
        library.add_paths([folder])
    write_article(folder, "new.txt", "Ferry returns", ["The ferry came back to service."])
    monkeypatch.setattr(app_module, "SLOW_REFRESH", 0.0)  # every refresh counts as long
    app = make_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        shown: list[str] = []
        show = app.main_screen.show_progress

        def recording(stage: str, done: int, total: int) -> None:
            shown.append(stage)
            show(stage, done, total)

        app.main_screen.show_progress = recording  # type: ignore[method-assign]
        await wait_loaded(pilot, app)
        await wait_until(
            pilot,
            lambda: any(a.display_title == "Ferry returns" for a in app.corpus.articles),
            "the new file listed",
        )
        await pilot.pause()
        assert "Re-reading the library's files" in shown
        assert not app.main_screen.query_one("#progress").display


@sync
async def test_the_loaded_list_is_kept_out_of_the_garbage_collector(tmp_path: Path) -> None:
    import gc

    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        # A full collection in a keystroke cost 62-74 ms CPU at 100k rows; frozen, ~25 ms.
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0  # given back when the reader closes
