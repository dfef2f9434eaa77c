"""Loading and cleaning articles. Never imports textual."""

from __future__ import annotations

from newsreader.corpus.loader import ArticleError, load_article, load_corpus
from newsreader.corpus.models import Article, Corpus, Paragraph, Sentence, Skipped

__all__ = [
    "Article",
    "ArticleError",
    "Corpus",
    "Paragraph",
    "Sentence",
    "Skipped",
    "load_article",
    "load_corpus",
]
