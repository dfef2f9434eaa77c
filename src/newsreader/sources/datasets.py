"""News datasets -> documents: JSON Lines and CSV exports, as researchers get them.

Columns are found by name, case-insensitively: title; text, body or content; date or
published; url; outlet, source or media; author. Files are streamed row by row (exports run to
gigabytes), `.gz` included. A bad row gets one line naming the file and row, and is skipped;
the rest are read. Each document's locator is `FILE#row-N` (N counts data rows from 1), which
stays the same when the file is imported again.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import IO

from newsreader.corpus.dates import normalise_date
from newsreader.corpus.decode import normalise_newlines
from newsreader.sources.models import IncomingDocument

COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "maintext", "full_text"),
    "title": ("title", "headline"),
    "date": ("date", "published", "published_at", "publish_date", "date_publish", "pubdate"),
    "url": ("url", "link"),
    "outlet": ("outlet", "source", "media", "media_name", "source_domain", "publisher"),
    "byline": ("author", "authors", "byline"),
}
SUFFIXES = (".jsonl", ".ndjson", ".csv", ".jsonl.gz", ".ndjson.gz", ".csv.gz")

OnError = Callable[[str], None]


class DatasetError(ValueError):
    """A dataset file that cannot be read at all; the message names the file and why."""


def is_dataset(path: Path) -> bool:
    return path.name.lower().endswith(SUFFIXES)


def _open(path: Path) -> IO[str]:
    gz = path.name.lower().endswith(".gz")
    raw = gzip.open(path, "rb") if gz else path.open("rb")  # noqa: SIM115
    # utf-8-sig: spreadsheet exports start with a BOM. Bad bytes are replaced, not fatal: one
    # broken row must not end a million-row import (the text keeps a visible U+FFFD).
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def _text_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):  # authors: ["A", "B"]
        value = ", ".join(str(v) for v in value if v is not None)
    if not isinstance(value, str):
        value = str(value)
    return value


def _pick(row: Mapping[str, object], names: dict[str, str]) -> dict[str, str | None]:
    return {field: _text_value(row.get(key)) for field, key in names.items()}


def _column_names(keys: list[str]) -> dict[str, str]:
    """field -> the row key holding it, first candidate name that is present."""
    lower = {k.strip().lower(): k for k in keys if isinstance(k, str)}
    found = {}
    for field, candidates in COLUMNS.items():
        for name in candidates:
            if name in lower:
                found[field] = lower[name]
                break
    return found


def _document(path: Path, n: int, fields: dict[str, str | None]) -> IncomingDocument | None:
    text = normalise_newlines(fields.get("text") or "").strip()
    if not text:
        return None
    one_line = {k: " ".join(v.split()) or None if v else None for k, v in fields.items()}
    date = one_line.get("date")
    url = one_line.get("url")
    return IncomingDocument(
        locator=f"{path}#row-{n}",
        text=text,
        title=one_line.get("title"),
        outlet=one_line.get("outlet"),
        date=normalise_date(date) if date else None,
        byline=one_line.get("byline"),
        url=url if url and url.startswith(("http://", "https://")) else None,
    )


def read_dataset(path: Path, on_error: OnError | None = None) -> Iterator[IncomingDocument]:
    """`IncomingDocument`s from a JSONL or CSV file, streamed; bad rows go to `on_error`
    (default: stderr) as one line naming the file and row. Raises `DatasetError` when the file
    cannot be read at all (missing, no text column)."""
    path = Path(path)
    report = on_error or (lambda msg: print(f"newsreader: {msg}", file=sys.stderr))
    name = path.name.lower().removesuffix(".gz")
    try:
        if name.endswith(".csv"):
            yield from _read_csv(path, report)
        elif name.endswith((".jsonl", ".ndjson")):
            yield from _read_jsonl(path, report)
        else:
            raise DatasetError(f"{path}: not a dataset (expected .jsonl, .ndjson or .csv)")
    except OSError as e:
        raise DatasetError(f"{path}: {e.strerror or e}") from None
    except EOFError:
        raise DatasetError(f"{path}: the compressed file ends early") from None


def _read_jsonl(path: Path, report: OnError) -> Iterator[IncomingDocument]:
    names: dict[str, str] | None = None
    n = 0
    with _open(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            n += 1
            try:
                row = json.loads(line)
            except ValueError as e:
                report(f"{path}: row {n} (line {lineno}): not JSON ({e}); skipped")
                continue
            if not isinstance(row, dict):
                report(f"{path}: row {n} (line {lineno}): not a JSON object; skipped")
                continue
            # Keys may vary row to row in JSON Lines: look them up per row, cheaply.
            if names is None or any(k not in row for k in names.values()):
                names = _column_names(list(row))
            if "text" not in names:
                wanted = ", ".join(COLUMNS["text"][:3])
                report(f"{path}: row {n} (line {lineno}): no text field ({wanted}); skipped")
                continue
            doc = _document(path, n, _pick(row, names))
            if doc is None:
                report(f"{path}: row {n} (line {lineno}): empty text; skipped")
                continue
            yield doc


def _read_csv(path: Path, report: OnError) -> Iterator[IncomingDocument]:
    # Article bodies are far longer than csv's default 128 KB field limit.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with _open(path) as f:
        sample = f.read(65536)
        f.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(f, dialect=dialect)
        try:
            header = reader.fieldnames or []
        except csv.Error as e:
            raise DatasetError(f"{path}: cannot read the header row ({e})") from None
        names = _column_names(list(header))
        if "text" not in names:
            raise DatasetError(
                f"{path}: no text column (looked for {', '.join(COLUMNS['text'])}; "
                f"found {', '.join(header) or 'none'})"
            )
        n = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as e:
                n += 1
                report(f"{path}: row {n} (line {reader.line_num}): {e}; skipped")
                continue
            n += 1
            if None in row:  # more cells than header columns: misaligned, not trustworthy
                where = f"{path}: row {n} (line {reader.line_num})"
                report(f"{where}: more cells than columns; skipped")
                continue
            doc = _document(path, n, _pick(row, names))
            if doc is None:
                report(f"{path}: row {n} (line {reader.line_num}): empty text; skipped")
                continue
            yield doc
