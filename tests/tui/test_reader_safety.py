"""Untrusted article text: markup, ANSI escapes and control/bidi characters are never obeyed."""

from __future__ import annotations

from pathlib import Path

from reader_helpers import settle, sync, wait_loaded, wait_until

from newsreader.tui.app import make_app

EVIL_TITLE = "Evil [bold red]x[/] title"
EVIL_BODY = [
    "Click [link=file:///etc/passwd]here[/link] for [bold]bold[/bold] news.",
    "Colour \x1b[31mred\x1b[0m and a bell \x07 and bidi \u202eevil\u202c text.",
    "Rich [on red]background[/] and :smile: emoji code.",
]


def evil_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evil.txt").write_text(
        EVIL_TITLE + "\n\n" + "\n\n".join(EVIL_BODY) + "\n", encoding="utf-8"
    )
    return folder


def screen_strips(view) -> list:
    return [view.render_line(y) for y in range(view.size.height)]


@sync
async def test_markup_in_an_article_is_shown_literally(tmp_path: Path) -> None:
    app = make_app([evil_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, app)
        view = app.main_screen.text_view
        await wait_until(pilot, lambda: view.article is not None, "the article in the pane")
        shown = view.visible_text()
        assert "[bold red]x[/]" in shown
        assert "[link=file:///etc/passwd]here[/link]" in shown
        assert "[bold]bold[/bold]" in shown and "[on red]background[/]" in shown
        assert ":smile:" in shown
        # ESC, BEL and bidi overrides are blanked: same length, nothing for the terminal to obey.
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert " [31mred [0m" in shown
        for strip in screen_strips(view):
            for segment in strip:
                assert "\x1b" not in segment.text
                assert segment.style is None or not segment.style.link, "article text made a link"
            # No markup took effect: every visible character of a line has the same style.
            assert len({seg.style for seg in strip if seg.text.strip()}) <= 1
        # The list row is just as literal.
        row = app.main_screen.article_list.row_text(app.main_screen.article_list.rows[0], 100)
        assert "[bold red]x[/]" in row.plain
        await pilot.press("slash", *"passwd")
        await settle(pilot, app)
        hits = app.main_screen.search_panel.results.hits
        assert hits, "the word inside the markup is still searchable text"
        await pilot.press("enter")
        await pilot.pause()
        assert "[link=file:///etc/passwd]" in view.visible_text()


@sync
async def test_the_palette_shows_titles_literally(tmp_path: Path) -> None:
    from newsreader.tui.commands import ReaderCommands

    app = make_app([evil_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, app)
        provider = ReaderCommands(app.screen)
        hits = [h async for h in provider.search("evil title")]
        article_hits = [h for h in hits if h.text and h.text.startswith("Article:")]
        assert article_hits
        assert "[bold red]x[/]" in str(article_hits[0].match_display)
