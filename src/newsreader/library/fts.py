"""Full-text search inside the library (SQLite FTS5). Being written; see LIBRARY_SCHEMA.md."""

from __future__ import annotations

MIGRATIONS: tuple = ()
