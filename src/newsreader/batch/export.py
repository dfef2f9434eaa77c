"""The library -> the job's Parquet inputs (DIR/input), streamed in batches of articles.

Every article gets its analysis first (as `derived.ensure` would: new or changed texts are
analysed and stored), then its rows are read in id order a batch at a time and appended to
one `pyarrow.parquet.ParquetWriter` per file, so memory stays flat whatever the library's size.
The files are written into a temporary folder renamed to DIR/input once `_DONE` is in it: a
killed export leaves no DIR/input, and the next run starts it again.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from array import array
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from newsreader.batch.results import DONE, INPUT, mark_done, step_done
from newsreader.library import derived
from newsreader.progress import StageProgress, check, stage

BATCH = 2000  # articles per read and per Parquet row group of article.parquet


def schemas() -> dict[str, Any]:
    """The Parquet schema of each input file (BATCH.md's layout)."""
    import pyarrow as pa

    return {
        "article": pa.schema(
            [
                ("id", pa.int64()),
                ("locator", pa.string()),
                ("date", pa.string()),
                ("content_hash", pa.string()),
                ("chars", pa.int32()),
                ("shingles", pa.int32()),
            ]
        ),
        "term": pa.schema(
            [("article_id", pa.int64()), ("term_id", pa.int64()), ("count", pa.int32())]
        ),
        "shingle": pa.schema([("article_id", pa.int64()), ("hash", pa.int64())]),
        "line": pa.schema(
            [
                ("article_id", pa.int64()),
                ("start", pa.int32()),
                ("end", pa.int32()),
                ("key", pa.int64()),
            ]
        ),
        "body": pa.schema([("article_id", pa.int64()), ("start", pa.int32()), ("end", pa.int32())]),
    }


def prepare(
    conn: sqlite3.Connection,
    *,
    cancel: threading.Event | None = None,
    progress: StageProgress | None = None,
) -> int:
    """Analyse what is new or changed (a new analysis version: everything), as `ensure` does
    before ranking; returns how many articles were analysed."""
    derived.reset_outdated(conn)
    todo = derived.pending_analysis(conn)
    if todo:
        derived.analyse(conn, todo, cancel=cancel, progress=stage(progress, "Analysing"))
    return len(todo)


def _rows(conn: sqlite3.Connection) -> Iterator[list[Any]]:
    """The analysed articles (analysis of their current text), a batch at a time, by id."""
    cursor = conn.execute(
        "SELECT a.id, a.locator, a.date, a.content_hash, n.chars, n.terms, n.counts, "
        "n.shingles, n.lines, n.body FROM article a JOIN analysis n ON n.article_id = a.id "
        "AND n.content_hash = a.content_hash ORDER BY a.id"
    )
    while rows := cursor.fetchmany(BATCH):
        yield rows


def _ints(kind: str, data: bytes) -> array[int]:
    out = array(kind)
    out.frombytes(data)
    return out


def _tables(rows: list[Any]) -> dict[str, Any]:
    """One batch of articles as a pyarrow table per input file."""
    import pyarrow as pa

    arts: dict[str, list[Any]] = {k: [] for k in ("id", "locator", "date", "content_hash")}
    chars, shingle_counts = array("i"), array("i")
    t_ids, t_terms, t_counts = array("q"), array("q"), array("i")
    s_ids, s_hashes = array("q"), array("q")
    l_ids, l_start, l_end, l_key = array("q"), array("i"), array("i"), array("q")
    b_ids, b_start, b_end = array("q"), array("i"), array("i")
    for aid, locator, date, digest, n_chars, terms, counts, shingles, lines, body in rows:
        arts["id"].append(aid)
        arts["locator"].append(locator)
        arts["date"].append(date)
        arts["content_hash"].append(digest)
        chars.append(n_chars)
        t_terms.frombytes(terms)
        t_counts.frombytes(counts)
        t_ids.extend([aid] * (len(terms) // 8))
        hashes = _ints("I", shingles)
        shingle_counts.append(len(hashes))
        s_hashes.fromlist(hashes.tolist())
        s_ids.extend([aid] * len(hashes))
        flat = _ints("q", lines)
        l_start.fromlist(flat[0::3].tolist())
        l_end.fromlist(flat[1::3].tolist())
        l_key.extend(flat[2::3])
        l_ids.extend([aid] * (len(flat) // 3))
        spans = _ints("i", body)
        b_start.extend(spans[0::2])
        b_end.extend(spans[1::2])
        b_ids.extend([aid] * (len(spans) // 2))
    s = schemas()
    return {
        "article": pa.table(
            {**arts, "chars": chars, "shingles": shingle_counts}, schema=s["article"]
        ),
        "term": pa.table(
            {"article_id": t_ids, "term_id": t_terms, "count": t_counts}, schema=s["term"]
        ),
        "shingle": pa.table({"article_id": s_ids, "hash": s_hashes}, schema=s["shingle"]),
        "line": pa.table(
            {"article_id": l_ids, "start": l_start, "end": l_end, "key": l_key},
            schema=s["line"],
        ),
        "body": pa.table({"article_id": b_ids, "start": b_start, "end": b_end}, schema=s["body"]),
    }


def export(
    conn: sqlite3.Connection,
    out_dir: Path,
    *,
    cancel: threading.Event | None = None,
    progress: StageProgress | None = None,
) -> int:
    """Write DIR/input/*.parquet from the library (analysing pending articles first); returns
    the number of articles exported. An input already complete (`_DONE`) is kept as it is."""
    import pyarrow.parquet as pq

    final = out_dir / INPUT
    if step_done(out_dir, INPUT):
        return int(pq.read_metadata(final / "article.parquet").num_rows)
    prepare(conn, cancel=cancel, progress=progress)
    total = int(
        conn.execute(
            "SELECT count(*) FROM article a JOIN analysis n ON n.article_id = a.id "
            "AND n.content_hash = a.content_hash"
        ).fetchone()[0]
    )
    tmp = out_dir / (INPUT + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(final, ignore_errors=True)  # a folder without _DONE: redone from scratch
    tmp.mkdir(parents=True)
    report = stage(progress, "Exporting")
    done = 0
    with ExitStack() as stack:
        writers = {
            name: stack.enter_context(pq.ParquetWriter(tmp / f"{name}.parquet", schema))
            for name, schema in schemas().items()
        }
        for rows in _rows(conn):
            check(cancel)
            for name, table in _tables(rows).items():
                writers[name].write_table(table)
            done += len(rows)
            if report is not None:
                report(done, total)
    check(cancel)
    mark_done(tmp)
    tmp.rename(final)
    if report is not None:
        report(done, total)
    return done


__all__ = ["BATCH", "DONE", "export", "prepare", "schemas"]
