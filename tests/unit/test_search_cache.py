"""The on-disk search index cache (store/search_cache.py) and the combined corpus+index load."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.search import SearchIndex
from newsreader.store import cache as cache_mod
from newsreader.store import parse_pool
from newsreader.store.cache import (
    load_corpus_and_index,
    load_corpus_cached,
    load_search_index_cached,
    save_search_index,
)
from newsreader.store.search_cache import search_cache_file

TEXTS = [
    "Harbour bridge reopens\n\nThe harbour bridge reopened on Monday after repairs. Traffic "
    "was light.",
    "Council approves budget\n\nThe city council approved its budget. The harbour gets new "
    "cranes and the bridge a new coat of paint.",
    "Storm closes schools\n\nA storm closed every school in the region on Tuesday. Buses "
    "were cancelled.",
]


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for i, text in enumerate(TEXTS):
        (folder / f"a{i}.txt").write_text(text, encoding="utf-8")
    return folder


def _hits(index: SearchIndex, query: str) -> list[tuple[str, int, int]]:
    return [(str(h.article.path), h.start, h.end) for h in index.search(query)]


def _no_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> SearchIndex:
        raise AssertionError("the index was built again")

    monkeypatch.setattr(SearchIndex, "build", fail)


def test_second_open_loads_the_saved_index(tmp_path: Path, monkeypatch) -> None:
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    corpus = load_corpus_cached([folder], cache_dir=cache)
    built = load_search_index_cached(corpus, [folder], cache_dir=cache)
    assert search_cache_file([folder], cache).exists()
    _no_build(monkeypatch)
    again = load_corpus_cached([folder], cache_dir=cache)
    loaded = load_search_index_cached(again, [folder], cache_dir=cache)
    assert loaded.complete
    assert _hits(loaded, "harbour bridge") == _hits(built, "harbour bridge") != []


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_a_damaged_index_file_is_rebuilt(tmp_path: Path, damage: bytes | None) -> None:
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    corpus = load_corpus_cached([folder], cache_dir=cache)
    expected = _hits(load_search_index_cached(corpus, [folder], cache_dir=cache), "storm")
    path = search_cache_file([folder], cache)
    data = path.read_bytes()
    # Truncated, replaced, or one byte flipped in the payload (the CRC must catch it).
    path.write_bytes(damage if damage is not None else data[:-5] + b"\x00" + data[-4:])
    assert _hits(load_search_index_cached(corpus, [folder], cache_dir=cache), "storm") == expected


def test_a_changed_article_invalidates_the_index(tmp_path: Path) -> None:
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    corpus = load_corpus_cached([folder], cache_dir=cache)
    load_search_index_cached(corpus, [folder], cache_dir=cache)
    # Same length, other words: text lengths alone would not notice.
    (folder / "a2.txt").write_text(TEXTS[2].replace("torm", "lood"), encoding="utf-8")
    changed = load_corpus_cached([folder], cache_dir=cache)
    index = load_search_index_cached(changed, [folder], cache_dir=cache)
    assert _hits(index, "storm") == []
    assert _hits(index, "flood") != []


def test_combined_load_matches_separate_build(tmp_path: Path, monkeypatch) -> None:
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    seen = []
    corpus, index = load_corpus_and_index([folder], cache_dir=cache, on_corpus=seen.append)
    assert seen == [corpus]
    assert index is not None and index.complete
    reference = SearchIndex.build(corpus)
    for query in ("harbour", "bridge paint", "schools"):
        assert _hits(index, query) == _hits(reference, query)
    assert save_search_index(corpus, [folder], index, cache)
    _no_build(monkeypatch)
    _, loaded = load_corpus_and_index([folder], cache_dir=cache)
    assert loaded is not None
    assert _hits(loaded, "harbour") == _hits(reference, "harbour")


def test_combined_load_indexes_while_parsing_in_workers(tmp_path: Path, monkeypatch) -> None:
    """Many files go to the parse workers; the index is built as they arrive."""
    folder, cache = _folder(tmp_path), tmp_path / "cache"
    monkeypatch.setattr(parse_pool, "PARALLEL_MIN", 2)
    monkeypatch.setattr(parse_pool, "worker_count", lambda: 2)
    built = []
    real = SearchIndex.incremental.__func__

    def spy(cls: type[SearchIndex]) -> SearchIndex:
        built.append(True)
        return real(cls)

    monkeypatch.setattr(SearchIndex, "incremental", classmethod(spy))
    corpus, index = load_corpus_and_index([folder], cache_dir=cache)
    assert built and index is not None
    assert [id(a) for a in index.articles] == [id(a) for a in corpus.articles]
    assert _hits(index, "council budget") == _hits(SearchIndex.build(corpus), "council budget")
    assert cache_mod.load_corpus_cached([folder], cache_dir=cache).articles[0].text == TEXTS[0]
