"""Pilot tests of the provenance views on the seeds: stories, release matrix, what's new, and
the compare view's changed facts and export."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path
from typing import Any, ClassVar

import pytest
from reader_helpers import record_notifications, wait_loaded, wait_until
from textual.app import App
from textual.screen import Screen
from textual.widgets import Input, Static

from newsreader.corpus import Article, Corpus, load_corpus
from newsreader.paths import seeds_dir
from newsreader.provenance import Story, build_stories, member_facts
from newsreader.provenance.story import sources_for
from newsreader.tui.dialogs.confirm import ConfirmDialog
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.compare_export import ExportDialog
from newsreader.tui.screens.matrix import FIXED_COLUMNS, MatrixScreen
from newsreader.tui.screens.stories import StoriesScreen, open_provenance
from newsreader.tui.screens.whats_new import WhatsNewScreen
from newsreader.tui.styles import COMPARE_TCSS, PROVENANCE_TCSS


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    corpus = load_corpus([seeds_dir()])
    corpus.articles.sort(key=lambda a: a.path.name)
    return corpus


@pytest.fixture(scope="module")
def built(corpus: Corpus) -> tuple[list[Story], dict]:
    """Stories built once for the tests that start from built stories (as the app keeps them)."""
    stories = build_stories(corpus)
    return stories, member_facts(stories)


def seed(corpus: Corpus, prefix: str) -> Article:
    return next(a for a in corpus.articles if a.path.name.startswith(prefix))


class ProvApp(App[None]):
    """A bare app holding a corpus (as the reader does) that opens one screen on start."""

    CSS_PATH: ClassVar[list[str | Path]] = [PROVENANCE_TCSS, COMPARE_TCSS]

    def __init__(self, corpus: Corpus, first: Any, built: tuple | None = None) -> None:
        super().__init__()
        self.corpus = corpus
        self.stories: list[Story] | None = built[0] if built else None
        self.story_facts = built[1] if built else None
        self.first = first

    def on_mount(self) -> None:
        self.first(self)


async def settle(pilot: Any) -> Screen:
    """Until every worker of the app and of the screens on the stack is done."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        for screen in pilot.app.screen_stack:
            await screen.workers.wait_for_complete()
        await pilot.pause()
    return pilot.app.screen


def test_stories_screen_builds_one_story_of_five_with_001_as_origin(corpus: Corpus) -> None:
    async def run() -> None:
        app = ProvApp(corpus, lambda app: app.push_screen(StoriesScreen(app.corpus)))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await settle(pilot)
            assert isinstance(screen, StoriesScreen)
            assert screen.stories is not None and len(screen.stories) == 1
            story = screen.stories[0]
            assert len(story) == 5
            assert story.origin.article.path.name.startswith("001")
            assert app.stories is screen.stories, "kept on the app for the next time"
            assert not screen.query_one("#stories-progress").display
            # A header row, then the five members in date order.
            assert [r.member is None for r in screen.rows] == [True] + [False] * 5
            header = str(screen.option_list.get_option_at_index(0).prompt)
            assert "Story 1 · 5 articles · origin" in header and "why:" in header
            members = [screen.option_list.get_option_at_index(i).prompt for i in range(1, 6)]
            assert "origin" in str(members[0])
            changed = [str(p) for p in members if "millions" in str(p)]
            assert changed and "thousands" in changed[0], "the changed number is listed"
            await pilot.press("escape")
            assert not isinstance(app.screen, StoriesScreen)

            # Reopening uses the kept stories: shown at once, no worker.
            again = StoriesScreen(app.corpus)
            await app.push_screen(again)
            assert again.stories is app.stories
            assert not again.workers

    asyncio.run(run())


def test_enter_on_a_member_compares_it_with_the_origin(corpus: Corpus, built: tuple) -> None:
    async def run() -> None:
        app = ProvApp(corpus, lambda app: app.push_screen(StoriesScreen(app.corpus)), built)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await settle(pilot)
            target = next(
                n for n, r in enumerate(screen.rows) if r.member and not r.member.is_origin
            )
            screen.option_list.highlighted = target
            await pilot.press("enter")
            view = await settle(pilot)
            assert isinstance(view, CompareScreen)
            assert view.comparison.a is screen.rows[target].story.origin.article
            assert view.comparison.b is screen.rows[target].member.article

    asyncio.run(run())


def test_matrix_of_001_has_four_outlet_columns_by_date(corpus: Corpus, built: tuple) -> None:
    async def run() -> None:
        app = ProvApp(corpus, lambda app: app.push_screen(StoriesScreen(app.corpus)), built)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("x")
            screen = await settle(pilot)
            assert isinstance(screen, MatrixScreen)
            assert screen.source.path.name.startswith("001")
            matrix = screen.matrix
            assert matrix is not None and len(matrix.columns) == 4
            assert len(screen.table.columns) == FIXED_COLUMNS + 4
            dates = [c.article.date for c in matrix.columns]
            known = [d for d in dates if d]
            assert known == sorted(known) and dates[: len(known)] == known, "dated first, by date"
            assert screen.table.row_count == len(matrix.rows) >= 5
            marks = {c.mark for r in matrix.rows for c in r.cells}
            assert {"copied", "left out"} <= marks
            legend = str(screen.query_one("#matrix-legend", Static).content)
            assert "copied" in legend and "left out" in legend

            # Enter on a copied cell: the compare view of that pair, at that paragraph.
            r, c = next(
                (r, c)
                for r, row in enumerate(matrix.rows)
                for c, cell in enumerate(row.cells)
                if cell.mark == "copied"
            )
            screen.table.move_cursor(row=r, column=FIXED_COLUMNS + c)
            await pilot.pause()
            detail = str(screen.query_one("#matrix-detail", Static).content)
            assert "copied" in detail
            await pilot.press("enter")
            view = await settle(pilot)
            assert isinstance(view, CompareScreen)
            assert view.comparison.b is matrix.columns[c].article
            assert view.current is not None
            p = view.comparison.passages[view.current]
            row = matrix.rows[r]
            assert p.a_start < row.end and p.a_end > row.start, "opened at the paragraph"
            await pilot.press("escape")
            await pilot.press("escape")
            assert isinstance(app.screen, StoriesScreen)

    asyncio.run(run())


def test_whats_new_for_002_collapses_copied_runs(corpus: Corpus, built: tuple) -> None:
    a002 = seed(corpus, "002")

    async def run() -> None:
        app = ProvApp(corpus, lambda app: open_provenance(app, "whats_new", a002), built)
        async with app.run_test(size=(100, 40)) as pilot:
            screen = await settle(pilot)
            assert isinstance(screen, WhatsNewScreen)
            novelty = screen.novelty
            assert novelty is not None and len(novelty.sources) == 4
            assert novelty.new and novelty.copied
            listing = screen.option_list
            prompts = [
                str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)
            ]
            assert any(p.startswith("NEW") for p in prompts)
            copied = [p for p in prompts if "copied from" in p]
            assert copied and all("\n" not in p for p in copied), "one line per copied run"
            assert any("sentence" in p and "PR Newswire" in p for p in copied)
            # Far fewer lines than the whole text would take at the same width.
            width = listing.scrollable_content_region.width
            full = sum(
                len(textwrap.wrap(a002.text[p.start : p.end], width)) or 1 for p in a002.paragraphs
            )
            assert listing.virtual_size.height < full
            # n/N step between the new parts only.
            first = listing.highlighted
            assert screen.groups[first][0].kind == "new"
            await pilot.press("n")
            assert listing.highlighted != first
            assert screen.groups[listing.highlighted][0].kind == "new"
            await pilot.press("N")
            assert listing.highlighted == first

    asyncio.run(run())


def test_open_provenance_builds_stories_first_then_opens_the_matrix(corpus: Corpus) -> None:
    a002 = seed(corpus, "002")

    async def run() -> None:
        app = ProvApp(corpus, lambda app: open_provenance(app, "matrix", a002))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await settle(pilot)
            assert isinstance(screen, MatrixScreen)
            assert screen.source.path.name.startswith("001"), "the matrix of the story's origin"
            under = app.screen_stack[-2]
            assert isinstance(under, StoriesScreen)
            assert under.rows[under.option_list.highlighted].member.article is a002

    asyncio.run(run())


def _compare_app(corpus: Corpus) -> ProvApp:
    a, b = seed(corpus, "001"), seed(corpus, "002")
    return ProvApp(corpus, lambda app: app.push_screen(CompareScreen(a, b)))


def test_compare_marks_changed_facts_and_f_shows_them(corpus: Corpus) -> None:
    async def run() -> None:
        app = _compare_app(corpus)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await settle(pilot)
            assert isinstance(screen, CompareScreen)
            assert screen.facts is not None and screen.facts.facts
            for pane, word in ((screen.pane_a, "thousands"), (screen.pane_b, "millions")):
                text = pane.model.document.text
                marked = [text[s:e] for s, e, name in pane.model.spans if name == "fact"]
                assert any(word in m for m in marked), (word, marked)
            await pilot.press("F")
            await pilot.pause()
            detail = screen.query_one("#detail", Static)
            assert detail.display
            shown = str(detail.content)
            assert "thousands of online conversations → millions of conversations" in shown
            # The fact's sentence is on screen in both panes.
            assert "millions" in screen.pane_b.visible_text()
            assert "thousands" in screen.pane_a.visible_text()
            # Swapping keeps the facts (source → copy), now drawn on the other sides.
            await pilot.press("s")
            await pilot.pause()
            text_a = screen.pane_a.model.document.text
            marked = [text_a[s:e] for s, e, n in screen.pane_a.model.spans if n == "fact"]
            assert any("millions" in m for m in marked)

    asyncio.run(run())


def test_e_exports_html_with_the_changed_fact(corpus: Corpus, tmp_path: Path) -> None:
    async def run() -> None:
        app = _compare_app(corpus)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("e")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, ExportDialog)
            field = dialog.query_one(Input)
            default = Path(field.value)
            assert default.name.startswith("newsreader-compare-001") and default.suffix == ".html"
            assert default.parent != seeds_dir()
            out = tmp_path / "record.html"
            field.value = str(out)
            await pilot.press("enter")
            await settle(pilot)
            assert out.exists()
            html = out.read_text(encoding="utf-8")
            assert "millions" in html and "thousands of online conversations" in html
            messages = [n.message for n in app._notifications]
            assert any(str(out.resolve()) in m for m in messages)

            # Markdown by extension.
            await pilot.press("e")
            await pilot.pause()
            app.screen.query_one(Input).value = str(tmp_path / "record.md")
            await pilot.press("enter")
            await settle(pilot)
            assert (tmp_path / "record.md").read_text(encoding="utf-8").startswith("# Reuse record")

    asyncio.run(run())


def test_export_asks_before_replacing_a_file(corpus: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "record.html"
    out.write_text("my own notes", encoding="utf-8")

    async def run() -> None:
        app = _compare_app(corpus)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            for answer in ("n", "y"):
                await pilot.press("e")
                await pilot.pause()
                app.screen.query_one(Input).value = str(out)
                await pilot.press("enter")
                await settle(pilot)
                assert isinstance(app.screen, ConfirmDialog)
                assert str(out) in str(app.screen.query_one("#confirm-question").render())
                await pilot.press(answer)
                await settle(pilot)
                assert not isinstance(app.screen, ConfirmDialog)
                if answer == "n":
                    assert out.read_text(encoding="utf-8") == "my own notes"
            assert "thousands of online conversations" in out.read_text(encoding="utf-8")

    asyncio.run(run())


@pytest.mark.parametrize(
    ("target", "expect"),
    [
        ("missing-folder/record.html", "Could not write"),
        ("record.txt", ".html or .md"),
        ("SEEDS/record.html", "holds the articles"),
    ],
)
def test_export_problems_are_reported(
    corpus: Corpus, tmp_path: Path, target: str, expect: str
) -> None:
    path = str(seeds_dir()) + target[5:] if target.startswith("SEEDS") else str(tmp_path / target)

    async def run() -> None:
        app = _compare_app(corpus)
        notes = record_notifications(app)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("e")
            await pilot.pause()
            app.screen.query_one(Input).value = path
            await pilot.press("enter")
            await settle(pilot)
            errors = [m for m, severity in notes if severity == "error"]
            assert any(expect in m for m in errors), errors
            assert not Path(path).exists()

    asyncio.run(run())


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "provenance"


@pytest.fixture(scope="module")
def handmade() -> Corpus:
    corpus = load_corpus([FIXTURES])
    corpus.articles.sort(key=lambda a: a.path.name)
    return corpus


def test_sources_are_the_origin_and_earlier_articles(handmade: Corpus) -> None:
    stories = build_stories(handmade)
    story = next(s for s in stories if len(s) == 4)
    by_name = {a.path.stem: a for a in story.articles}
    assert story.origin.article is by_name["release"]
    assert sources_for(by_name["release"], story) == []
    assert sources_for(by_name["gazette"], story) == [by_name["release"]]
    weekly = sources_for(by_name["weekly"], story)
    assert set(map(id, weekly)) == {id(by_name["release"]), id(by_name["gazette"])}
    assert len(sources_for(by_name["daily"], story)) == 3, "undated: every other member"


def test_stories_on_handmade_texts_list_two_stories_and_the_changed_figure(
    handmade: Corpus,
) -> None:
    async def run() -> None:
        app = ProvApp(handmade, lambda app: app.push_screen(StoriesScreen(app.corpus)))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await settle(pilot)
            assert isinstance(screen, StoriesScreen)
            assert [len(s) for s in screen.stories] == [4, 2]
            prompts = [
                str(screen.option_list.get_option_at_index(i).prompt)
                for i in range(screen.option_list.option_count)
            ]
            assert sum(p.startswith("Story ") for p in prompts) == 2
            assert any("400 rural clinics → 500 rural clinics" in p for p in prompts)
            # w on a header row asks for a member instead of opening anything.
            screen.option_list.highlighted = 0
            await pilot.press("w")
            assert app.screen is screen

    asyncio.run(run())


def test_whats_new_of_the_origin_is_all_new_and_enter_on_a_copy_compares(
    handmade: Corpus,
) -> None:
    async def run() -> None:
        stories = build_stories(handmade)
        story = next(s for s in stories if len(s) == 4)
        weekly = next(a for a in story.articles if a.path.stem == "weekly")

        def first(app: App[None]) -> None:
            app.push_screen(WhatsNewScreen(story.origin.article, story=story))

        app = ProvApp(handmade, first)
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await settle(pilot)
            assert screen.novelty is not None and not screen.novelty.copied
            title = str(screen.query_one("#new-title", Static).content)
            assert "origin" in title
            await pilot.press("escape")

            await app.push_screen(WhatsNewScreen(weekly, story=story))
            screen = await settle(pilot)
            copied = next(i for i, g in enumerate(screen.groups) if g[0].kind == "copied")
            screen.option_list.highlighted = copied
            await pilot.press("enter")
            view = await settle(pilot)
            assert isinstance(view, CompareScreen)
            assert view.comparison.b is weekly and view.current is not None
            p = view.comparison.passages[view.current]
            group = screen.groups[copied]
            assert p.b_start < group[-1].end and p.b_end > group[0].start

    asyncio.run(run())


def test_open_provenance_in_the_real_app_for_the_article_in_the_text_pane() -> None:
    """What the reader's `x` / `w` / `t` keys call, on the article the reader is looking at."""
    from newsreader.tui.app import make_app

    async def run() -> None:
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            # What the reader waits for: the list loaded and an article in the text pane.
            await wait_loaded(pilot, app)
            main = app.main_screen
            await wait_until(pilot, lambda: main.current_article is not None, "an article")
            article = main.current_article
            assert article is not None
            open_provenance(app, "whats_new", article)
            await wait_until(pilot, lambda: isinstance(app.screen, WhatsNewScreen), "what's new")
            screen = await settle(pilot)
            assert isinstance(screen, WhatsNewScreen) and screen.article is article
            assert isinstance(app.screen_stack[-2], StoriesScreen)
            await pilot.press("escape", "escape")
            await wait_until(pilot, lambda: app.screen is main, "the reader again")
            open_provenance(app, "matrix", article)  # stories kept: straight to the matrix
            await wait_until(pilot, lambda: isinstance(app.screen, MatrixScreen), "the matrix")
            assert app.screen_stack[-2] is main

    asyncio.run(run())
