"""The reader applies the user's config: theme, sort, boilerplate, remapped keys, bad values."""

from __future__ import annotations

from pathlib import Path

from reader_helpers import fruit_corpus, record_notifications, sync, wait_loaded

from newsreader.config import config_path
from newsreader.tui.app import make_app
from newsreader.tui.commands import key_rows


def write_config(text: str) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@sync
async def test_config_theme_sort_boilerplate_and_keys_apply(tmp_path: Path) -> None:
    write_config(
        'theme = "textual-light"\nsort = "title"\nhide_boilerplate = true\n'
        '[keys]\n"reader.search" = "s"\n'
    )
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        assert app.theme == "textual-light"
        assert screen.sort_key == "title"
        assert screen.text_view.hide_boilerplate
        titles = [a.display_title for a in screen.article_list.rows]
        assert titles == sorted(titles, key=str.casefold)
        await pilot.press("s")
        assert screen.searching
        search_row = next(r for r in key_rows(app) if r.binding_id == "reader.search")
        assert search_row.keys == "s"  # the help screen shows the user's key
        assert not app._notifications  # a clean config says nothing


@sync
async def test_bad_config_values_are_reported_and_the_app_starts(tmp_path: Path) -> None:
    write_config('theme = "no-such-theme"\nsort = 3\n[keys]\n"no.such.action" = "x"\n')
    app = make_app([fruit_corpus(tmp_path / "c")])
    notes = record_notifications(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        messages = " | ".join(m for m, _ in notes)
        assert "theme" in messages and "sort" in messages and "no.such.action" in messages
        assert app.main_screen.sort_key == "date"
        assert len(app.main_screen.article_list.rows) == 4


@sync
async def test_default_paths_open_when_no_path_is_given(tmp_path: Path) -> None:
    folder = fruit_corpus(tmp_path / "news")
    write_config(f'default_paths = ["{folder.as_posix()}"]\n')
    app = make_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert len(app.corpus.articles) == 4
        assert app.corpus.name == "news"
