"""The HTML benchmark's scoring is the article-extraction-benchmark's (its evaluate.py):
word 4-gram shingles counted with multiplicity, per-page scores averaged."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def html_eval():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import html_eval
    finally:
        sys.path.remove(str(BENCHMARKS))
    return html_eval


def test_shingles_are_word_4grams_with_counts_and_case_kept(html_eval) -> None:
    got = html_eval.shingles("A b, c d! A b c d")
    assert got[("A", "b", "c", "d")] == 2
    assert sum(got.values()) == 5
    assert html_eval.shingles("two words") == {("two", "words"): 1}  # under 4: one shingle
    assert html_eval.shingles(" ,. ") == {}


def test_page_scores(html_eval) -> None:
    truth = "one two three four five six"  # 3 shingles
    tp, fp, fn = html_eval.shingle_counts(truth, "one two three four five seven")
    assert (tp, fp, fn) == (2.0, 1.0, 1.0)
    assert html_eval.page_prf(tp, fp, fn) == (2 / 3, 2 / 3, pytest.approx(2 / 3))
    # Nothing extracted: no precision (left out of the mean), recall 0.
    assert html_eval.page_prf(*html_eval.shingle_counts(truth, "")) == (None, 0.0, 0.0)


def test_summary_averages_pages_and_pools_counts(html_eval) -> None:
    s = html_eval.aeb_summary([(1.0, 0.0, 1.0), (0.0, 0.0, 4.0), (9.0, 1.0, 0.0)])
    assert s["precision"] == pytest.approx((1.0 + 0.9) / 2)  # the empty page has none
    assert s["recall"] == pytest.approx((0.5 + 0.0 + 1.0) / 3)
    assert s["pooled_precision"] == pytest.approx(10 / 11)
    assert s["pooled_recall"] == pytest.approx(10 / 15)
