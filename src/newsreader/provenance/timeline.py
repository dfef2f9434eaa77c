"""Ordering articles by publication date, unknown dates last, and naming them briefly."""

from __future__ import annotations

from collections.abc import Iterable

from newsreader.corpus import Article


def date_key(article: Article) -> tuple[int, str, str]:
    """Sort key: dated articles first (earliest first), then by path for a stable order."""
    if article.date:
        return (0, article.date, str(article.path))
    return (1, "", str(article.path))


def timeline(articles: Iterable[Article]) -> list[Article]:
    """Articles ordered by date, unknown dates last."""
    return sorted(articles, key=date_key)


def label(article: Article) -> str:
    """A short name for a column or a list line: the outlet, else the file name."""
    return article.outlet or article.path.name
