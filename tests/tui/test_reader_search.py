"""Pilot tests of the search view: narrowing, opening a hit, n/N, Esc restoring the list."""

from __future__ import annotations

import threading
from pathlib import Path

from reader_helpers import fruit_corpus, settle, sync, wait_loaded

from newsreader.tui.app import make_app


def result_titles(app) -> set[str]:
    return {h.article.display_title for h in app.main_screen.search_panel.results.hits}


@sync
async def test_typing_refines_the_results(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"apple")
        await settle(pilot, app)
        results = app.main_screen.search_panel.results
        assert {"Apple harvest starts early", "Cherry festival returns"} <= result_titles(app)
        assert results.hits[0].article.display_title == "Apple harvest starts early"
        # One more word: the article with both words comes first, the one with only "apple"
        # is still listed, below it.
        await pilot.press(*" pie")
        await settle(pilot, app)
        titles = [h.article.display_title for h in results.hits]
        assert titles[0] == "Cherry festival returns"
        assert "Apple harvest starts early" in titles[1:]
        assert results.hits[0].score > max(h.score for h in results.hits[1:])
        status = str(app.main_screen.query_one("#search-status").render())
        assert f"in {len(set(titles))} article" in status


@sync
async def test_typo_finds_all_seed_articles() -> None:
    app = make_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"tencent meting")
        await settle(pilot, app)
        hits = app.main_screen.search_panel.results.hits
        assert len({id(h.article) for h in hits}) == 5
        # "tencent" alone reaches all five: the typo must be corrected, not just tolerated.
        best = hits[0]
        assert " ".join(best.article.text[best.start : best.end].lower().split()) == (
            "tencent meeting"
        )
        highlighted = {h.snippet[s:e].lower() for h in hits for s, e in h.snippet_highlights}
        assert "meeting" in highlighted


@sync
async def test_enter_on_a_hit_scrolls_to_it_and_n_moves_on(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        await pilot.press("slash", *"zeppelin")
        await settle(pilot, app)
        assert result_titles(app) == {"Weather diary for the whole season"}
        await pilot.press("enter")
        await pilot.pause()
        view = screen.text_view
        assert app.focused is view
        assert view.scroll_offset.y > 20  # the word is ~80 paragraphs down
        assert "zeppelin" in view.visible_text()
        first = view._current_hit
        text = view.article.text
        spans = screen._spans
        assert len(spans) == 3 and all(text[s:e].lower() == "zeppelin" for s, e in spans)
        await pilot.press("n")
        assert view._current_hit == (first + 1) % 3
        await pilot.press("N", "N")
        assert view._current_hit == (first + 2) % 3
        # The highlighted characters on screen are exactly the hit's.
        y = view.line_of(view._hits[view._current_hit][0]) - round(view.scroll_offset.y)
        strip = view.render_line(y)
        hit_style = view.get_component_rich_style("article-view--current-hit")
        marked = "".join(
            seg.text
            for seg in strip
            if seg.style and seg.style.bgcolor and seg.style.bgcolor == hit_style.bgcolor
        )
        assert marked.lower() == "zeppelin"


@sync
async def test_escape_closes_search_and_restores_the_list(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        await pilot.press("slash", *"banana")
        await settle(pilot, app)
        assert screen.searching
        await pilot.press("escape")
        await pilot.pause()
        assert not screen.searching
        assert app.focused is screen.article_list
        assert screen.query_one("#articles").display
        assert screen.text_view._hits == []


@sync
async def test_stale_results_are_dropped(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        await pilot.press("slash", *"cherry")
        await settle(pilot, app)
        banana = [h for h in app.index.search("banana")]
        screen._apply_hits("banana", banana)  # a late answer to an older query
        assert result_titles(app) == {"Cherry festival returns"}


@sync
async def test_reopening_search_brings_back_the_query(tmp_path: Path) -> None:
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        await pilot.press("slash", *"cherry")
        await settle(pilot, app)
        await pilot.press("escape", "slash")
        await settle(pilot, app)
        assert result_titles(app) == {"Cherry festival returns"}
        await pilot.press(*"banana")  # the old query was selected: typing replaces it
        await settle(pilot, app)
        assert screen.search_panel.input.value == "banana"
        assert result_titles(app) == {"Banana prices fall"}


async def _open_second_hit(tmp_path: Path, *, fast: bool) -> tuple[object, object]:
    """Type a query, then Down Down Enter: typed fast (before the hits arrive) or slowly.

    Returns (the hit the list ended on, the article opened in the text pane)."""
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        index = app.index
        search = index.search
        keys_typed = threading.Event()

        def held_search(*args, **kwargs):  # fast: no hits arrive until the keys are typed
            keys_typed.wait(timeout=10)
            return search(*args, **kwargs)

        if fast:
            index.search = held_search
        await pilot.press("slash", *"apple")
        if not fast:
            await settle(pilot, app)
        await pilot.press("down", "down", "enter")
        keys_typed.set()
        await settle(pilot, app)
        results = app.main_screen.search_panel.results
        assert len(results.hits) >= 3 and results.highlighted == 1
        assert app.focused is app.main_screen.text_view
        return results.hit, app.main_screen.text_view.article


@sync
async def test_keys_typed_ahead_of_the_hits_act_on_them(tmp_path: Path) -> None:
    slow_hit, slow_article = await _open_second_hit(tmp_path / "slow", fast=False)
    fast_hit, fast_article = await _open_second_hit(tmp_path / "fast", fast=True)
    # Down Down Enter picks the second hit (the first Down enters the list on the best one),
    # however fast it is typed.
    assert (fast_hit.start, fast_article.path.name) == (slow_hit.start, slow_article.path.name)


@sync
async def test_the_full_word_patterns_are_compiled_before_the_first_keystroke(
    tmp_path: Path,
) -> None:
    from newsreader.search import tokens

    tokens._full_split.cache_clear()
    tokens._full_word.cache_clear()
    app = make_app([fruit_corpus(tmp_path / "c")])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await app.workers.wait_for_complete()
        assert tokens._full_split.cache_info().currsize == 1
        assert tokens._full_word.cache_info().currsize == 1
