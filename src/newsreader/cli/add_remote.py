"""`newsreader add URL` and `newsreader add FILE.jsonl|FILE.csv`: a web page or a dataset into
the library (the network only for the URL). Used by `add_cmd`."""

from __future__ import annotations

import sys
from pathlib import Path

from newsreader.cli.common import CliError, arrivals_json, churn_lines
from newsreader.library import Library, LibraryError


def add_url(library: Library, url: str) -> dict[str, object]:
    """Fetch one page, extract its article and store it (raw page kept); a result line."""
    from newsreader.sources.extract import ExtractError, page_document
    from newsreader.sources.http import FetchError, fetch

    try:
        resp = fetch(url, accept="text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
        if resp.truncated:
            print(f"newsreader: {url}: page over the size cap: cut there", file=sys.stderr)
        doc = page_document(resp.content, resp.url, content_type=resp.content_type, locator=url)
    except (FetchError, ExtractError) as e:
        print(f"newsreader: {url}: {e}", file=sys.stderr)
        return {"url": url, "ok": False, "error": str(e), "line": f"{url}: not added ({e})"}
    try:
        report = library.add_documents("url", url, doc.title, [doc])
    except LibraryError as e:
        raise CliError(str(e)) from None
    state = "added" if report.added else "updated" if report.updated else "unchanged"
    title = doc.title or url
    return {
        "url": url,
        "ok": True,
        "state": state,
        "article_ids": report.article_ids,
        "articles": arrivals_json(library, report.changed_ids),
        "churn_lines": churn_lines(library, report.changed_ids),
        "title": doc.title,
        "outlet": doc.outlet,
        "date": doc.date,
        "line": f"{state}: {title}",
    }


def add_dataset(library: Library, path: Path, *, quiet: bool = False) -> dict[str, object]:
    """Stream a JSONL/CSV export into the library, one article per row; a result line."""
    from newsreader.sources.datasets import DatasetError, read_dataset

    path = path.expanduser().resolve()
    bad: list[str] = []

    def on_error(message: str) -> None:
        bad.append(message)
        print(f"newsreader: {message}", file=sys.stderr)

    def progress(done: int) -> None:
        if not quiet and sys.stderr.isatty():
            print(f"\r{done} rows", end="", file=sys.stderr, flush=True)

    try:
        report = library.add_documents(
            "dataset",
            str(path),
            path.name,
            read_dataset(path, on_error),
            progress=progress,
        )
    except DatasetError as e:
        print(f"newsreader: {e}", file=sys.stderr)
        return {"path": str(path), "ok": False, "error": str(e), "line": f"{path}: not added"}
    except LibraryError as e:
        raise CliError(str(e)) from None
    if not quiet and sys.stderr.isatty():
        print(file=sys.stderr)
    line = (
        f"{path.name}: {report.added} added, {report.updated} updated, "
        f"{report.unchanged} unchanged, {len(bad) + len(report.skipped)} rows skipped"
    )
    return {
        "path": str(path),
        "ok": bool(report.article_ids) or not bad,
        **report.to_json(),
        "articles": arrivals_json(library, report.changed_ids),
        "churn_lines": churn_lines(library, report.changed_ids),
        "bad_rows": len(bad),
        "line": line,
    }
