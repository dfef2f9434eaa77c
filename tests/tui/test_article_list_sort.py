"""The list's sort keys: the fast path for plain titles orders exactly as the cleaned one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsreader.corpus import Article
from newsreader.tui.widgets.article_list import _one_line, _title_key, sort_articles


def _article(title: str, date: str | None = None, outlet: str | None = None) -> Article:
    return Article(
        path=f"{abs(hash(title))}.txt", text=title, title=title, date=date, outlet=outlet
    )


# Titles as they come: spaces runs, tabs, newlines, controls, bidi overrides, joiners.
TITLES = st.text(
    alphabet=st.sampled_from(
        [*"abcABC É ", "\t", "\n", "\x00", "\x1b", "\x85", "\u202e", "\u200d", "\xa0"]
    ),
    max_size=12,
)


@given(TITLES)
def test_a_title_key_is_its_cleaned_one_line_casefolded(title: str) -> None:
    article = _article(title or "x")
    assert _title_key(article) == _one_line(article.display_title).casefold()


def test_newest_first_then_titles_then_undated() -> None:
    rows = [
        _article("beta", "2024-01-02"),
        _article("Alpha", "2024-01-02"),
        _article("gamma", "2024-03-01"),
        _article("\u202eundated"),
        _article("  Also undated"),
    ]
    assert [a.title for a in sort_articles(rows, "date")] == [
        "gamma",
        "Alpha",
        "beta",
        "  Also undated",
        "\u202eundated",
    ]
