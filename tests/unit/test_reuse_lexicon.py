"""Stemming: inflections of one word meet, different words stay apart."""

from __future__ import annotations

import threading

from newsreader.reuse.lexicon import stem

SAME = [
    ("partners", "partnered", "partnering", "partner"),
    ("organization", "organizations"),
    ("company", "companies"),
    ("translated", "translation", "translating"),
    ("announces", "announced", "announcing"),
    ("meeting", "meetings"),
    ("planned", "planning", "plans"),
]
DIFFERENT = [
    ("statement", "states"),
    ("news", "new"),
    ("united", "untied"),
    ("general", "generous"),
]


def test_inflections_of_one_word_share_a_stem() -> None:
    for words in SAME:
        assert len({stem(w) for w in words}) == 1, {w: stem(w) for w in words}


def test_different_words_keep_different_stems() -> None:
    for a, b in DIFFERENT:
        assert stem(a) != stem(b), (a, b)


def test_numbers_and_mixed_tokens_are_left_alone() -> None:
    assert [stem(w) for w in ("10m", "covid-19", "2021", "g7")] == ["10m", "covid-19", "2021", "g7"]


def test_threads_stem_at_once_and_agree() -> None:
    words = [w for group in SAME + DIFFERENT for w in group] * 200
    expected = [stem(w) for w in words]
    results: list[list[str]] = [[] for _ in range(4)]

    def work(n: int) -> None:
        results[n] = [stem(w) for w in words]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results)
