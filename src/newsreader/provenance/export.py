"""Writing a comparison record to a file: one path for the reader's export and the CLI.

The record itself is `export_html` / `export_markdown`; this module picks the format from the
file name, keeps exports out of the folders being read (an `.html` record there would be loaded
as an article next time) and writes atomically.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

from newsreader.corpus import Article
from newsreader.provenance.export_html import export_html
from newsreader.provenance.export_markdown import export_markdown
from newsreader.reuse.models import Comparison

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
_SLUG = re.compile(r"[^A-Za-z0-9]+")


def _slug(article: Article, limit: int = 32) -> str:
    return _SLUG.sub("-", article.path.stem).strip("-")[:limit] or "article"


def default_export_path(a: Article, b: Article, home: Path | None = None) -> Path:
    """`~/newsreader-compare-<a>-<b>.html`: the home folder, never a folder being read."""
    return (home or Path.home()) / f"newsreader-compare-{_slug(a)}-{_slug(b)}.html"


def target_problem(path: Path, folders: Iterable[Path]) -> str | None:
    """Why `path` is not a good place for an export, or None when it is."""
    if path.suffix.lower() not in FORMATS:
        return f"Give the file a .html or .md extension (not {path.suffix or 'none'})."
    if path.is_dir():
        return f"{path} is a folder; give a file name."
    for folder in folders:
        try:
            path.relative_to(folder)
        except ValueError:
            continue
        return (
            f"{folder} holds the articles being read: a record saved there would be read "
            "as an article next time. Choose another folder."
        )
    return None


def write_export(comparison: Comparison, path: Path, kind: str | None = None) -> Path:
    """Write the record as `kind` ("html" or "markdown"; by default the format the extension
    names); returns the absolute path.

    Written to a temporary file beside the target and renamed, so a failed write never leaves
    half a record behind.
    """
    path = path.expanduser().resolve()
    kind = kind or FORMATS.get(path.suffix.lower())
    if kind not in ("html", "markdown"):
        raise ValueError(f"unknown export format {path.suffix!r} (use .html or .md)")
    content = export_html(comparison) if kind == "html" else export_markdown(comparison)
    fd, tmp = tempfile.mkstemp(prefix=".newsreader-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            # mkstemp makes the file private; a record is meant to be shared like any document.
            os.fchmod(out.fileno(), path.stat().st_mode & 0o777 if path.exists() else 0o644)
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
