"""Loading and cleaning articles. Never imports textual."""

from __future__ import annotations

from newsreader.corpus.loader import ArticleError, iter_files, load_article, load_corpus, parse_text
from newsreader.corpus.models import Article, Corpus, Paragraph, Sentence, Skipped

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
