"""The "compare with…" picker: ranking by shared text, filtering, opening the compare view."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App
from textual.widgets import OptionList

from newsreader.corpus import Article, Corpus, load_corpus, parse_text
from newsreader.paths import seeds_dir
from newsreader.tui.screens import compare_picker
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.compare_picker import ComparePicker, rank_rows


@pytest.fixture(scope="module")
def seeds() -> Corpus:
    corpus = load_corpus([seeds_dir()])
    corpus.articles.sort(key=lambda a: a.path.name)
    return corpus


class PickerApp(App[None]):
    def __init__(self, corpus: Corpus, article: Article) -> None:
        super().__init__()
        self.corpus, self.article = corpus, article

    def on_mount(self) -> None:
        self.push_screen(ComparePicker(self.corpus, self.article))


def _hand_made() -> list[Article]:
    base = (
        "The regional water authority said on Monday that reservoir levels had fallen to their "
        "lowest point in a decade after months without significant rain.\n\n"
        "Officials urged households to limit garden watering and to report leaks promptly."
    )
    copy = (
        "Drought warning issued\n\n"
        "The regional water authority said on Monday that reservoir levels had fallen to their "
        "lowest point in a decade after months without significant rain.\n\n"
        "Farmers in the valley say their crops are already suffering."
    )
    unrelated = (
        "A local bakery won a national award for its sourdough bread, the owners said, "
        "crediting a starter kept alive for forty years."
    )
    return [parse_text(t, f"/tmp/{n}.txt") for n, t in enumerate([base, copy, unrelated])]


def test_rank_rows_puts_shared_text_first() -> None:
    base, copy, unrelated = _hand_made()
    rows = rank_rows(base, [unrelated, copy])
    assert [r.article for r in rows] == [copy, unrelated]
    assert rows[0].shared_chars > 100 and rows[0].this_pct > 40
    assert rows[1].shared_chars == 0


def test_rank_rows_large_corpus_uses_the_related_index(monkeypatch) -> None:
    base, copy, unrelated = _hand_made()
    monkeypatch.setattr(compare_picker, "EXACT_LIMIT", 1)
    monkeypatch.setattr(compare_picker, "EXACT_TOP", 1)
    corpus = Corpus(articles=[base, copy, unrelated])
    rows = rank_rows(base, [copy, unrelated], corpus=corpus)
    assert rows[0].article is copy and rows[0].comparison is not None
    assert rows[1].article is unrelated and rows[1].shared_chars is None


def test_picker_ranks_filters_and_opens_compare(seeds: Corpus) -> None:
    article = seeds.articles[1]

    async def run() -> None:
        app = PickerApp(seeds, article)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            picker = app.screen
            assert isinstance(picker, ComparePicker)
            await picker.workers.wait_for_complete()
            await pilot.pause()
            assert picker.ranked
            shared = [r.shared_chars for r in picker.rows]
            assert shared == sorted(shared, reverse=True) and shared[0] > 0
            assert article not in [r.article for r in picker.rows]
            options = picker.query_one(OptionList)
            assert options.option_count == len(seeds.articles) - 1

            # Nonsense filters everything out; a word of one title keeps that article.
            await pilot.press(*"qzxj")
            await pilot.pause()
            assert options.option_count == 0
            await pilot.press(*["backspace"] * 4)
            target = picker.rows[-1].article
            word = max(target.display_title.split(), key=len)[:6]
            await pilot.press(*word)
            await pilot.pause()
            shown = [r.article for r in picker._shown]
            assert target in shown and options.option_count == len(shown)
            await pilot.press(*["down"] * shown.index(target))
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, CompareScreen)
            await app.screen.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen.comparison.b is target
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, (CompareScreen, ComparePicker))

    asyncio.run(run())


def test_picker_escape_closes(seeds: Corpus) -> None:
    async def run() -> None:
        app = PickerApp(seeds, seeds.articles[0])
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            assert not isinstance(app.screen, ComparePicker)

    asyncio.run(run())


def test_a_big_list_shows_the_best_rows_and_the_filter_reaches_every_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compare_picker, "SHOWN", 20)
    monkeypatch.setattr(compare_picker, "FUZZY_ALL", 30)
    articles = [
        parse_text(
            f"Harbour story number {n} {'lighthouse' if n == 70 else 'quay'}\n\nText.",
            f"/tmp/s{n}.txt",
        )
        for n in range(80)
    ]
    corpus = Corpus(articles=articles)

    async def run() -> None:
        app = PickerApp(corpus, articles[0])
        async with app.run_test(size=(100, 30)) as pilot:
            picker = app.screen
            assert isinstance(picker, ComparePicker)
            await picker.workers.wait_for_complete()
            await pilot.pause()
            options = picker.query_one(OptionList)
            assert options.option_count == 20  # of 79: the best ones
            await pilot.press(*"lighthouse")
            await pilot.pause()
            assert [r.article for r in picker._shown] == [articles[70]]  # beyond the first 20

    asyncio.run(run())


def test_a_library_answers_for_candidates_nothing_built_in_memory(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the library the picker's candidates come from the library (its search index when
    the related index was never built): a 100k library must not be indexed in memory."""
    from newsreader.library import Library
    from newsreader.tui.app import LibrarySearch

    folder = tmp_path / "news"
    folder.mkdir()
    for n, article in enumerate(_hand_made()):
        (folder / f"{n}.txt").write_text(article.text, encoding="utf-8")
    monkeypatch.setattr(compare_picker, "EXACT_LIMIT", 1)
    monkeypatch.setattr(compare_picker, "EXACT_TOP", 1)

    def no_memory_index(*args: object, **kwargs: object) -> None:
        raise AssertionError("the related index was built in memory")

    monkeypatch.setattr(compare_picker, "related_index", no_memory_index)
    with Library() as library:
        library.add_paths([folder])
        corpus = library.corpus()
        index = LibrarySearch(library, corpus, None)
        by_name = {a.path.name: a for a in corpus.articles}
        base, copy, unrelated = by_name["0.txt"], by_name["1.txt"], by_name["2.txt"]
        others = [a for a in corpus.articles if a is not base]
        rows = rank_rows(base, others, corpus=corpus, index=index)
        assert rows[0].article is copy and rows[0].comparison is not None
        assert rows[0].similarity is None  # the search index gives an order, not a score
        assert unrelated in [r.article for r in rows]
        # Once `related` built the stored index, its scores come with the candidates.
        library.derive()
        rows = rank_rows(base, others, corpus=corpus, index=index)
        assert rows[0].article is copy and rows[0].similarity is not None
