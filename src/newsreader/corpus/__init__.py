"""Loading and cleaning articles. Never imports textual.

The loader (and the decoding and HTML libraries under it) is imported on first use, not with
the package: the TUI needs only the models to draw its first frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsreader.corpus.models import Article, Corpus, Paragraph, Sentence, Skipped

if TYPE_CHECKING:
    from newsreader.corpus.loader import (
        ArticleError,
        iter_files,
        load_article,
        load_corpus,
        parse_text,
    )

_LOADER_NAMES = frozenset(
    {"ArticleError", "iter_files", "load_article", "load_corpus", "parse_text"}
)


def __getattr__(name: str) -> Any:
    if name in _LOADER_NAMES:
        from newsreader.corpus import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Article",
    "ArticleError",
    "Corpus",
    "Paragraph",
    "Sentence",
    "Skipped",
    "iter_files",
    "load_article",
    "load_corpus",
    "parse_text",
]
