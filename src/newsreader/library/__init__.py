"""The library: one SQLite database that the reader and every command answer from.

Sources (folders, files; feeds, pages and datasets next) and their articles (clean text,
metadata, paragraphs with offsets), the search index and what the engine derives (related
neighbours). Never imports textual: the reader and the CLI are faces on top of it.
"""

from newsreader.library.db import LibraryError
from newsreader.library.library import Library, SourceInfo
from newsreader.library.stored import StoredArticle

__all__ = ["Library", "LibraryError", "SourceInfo", "StoredArticle"]
