"""The job directory's files, and loading a job's results into the library.

A step (`input`, `related`, `story`) is written into DIR/<step>.tmp and renamed to DIR/<step>
once `_DONE` is in it, so a folder without `_DONE` is never half a result: a restarted job
redoes that step from scratch. DIR/job.json records the engine, the library, the article count
and each step's figures.

`load(library, DIR)` brings the results into the library in one transaction: each exported
article's neighbour list replaces the stored one when the article still has the text (content
hash) it was exported with, and every article its list names does too (else the list stays
pending, ranked again by the next `related`); verdicts are stored where both texts still match.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsreader.library import derived
from newsreader.library.db import LibraryError, transaction
from newsreader.progress import check

if TYPE_CHECKING:
    from newsreader.library import Library


class BatchError(Exception):
    """A batch job cannot run or go on; the message is one line for the user."""


INSTALL_HINT = "pip install 'newsreader[scale]'"
DONE = "_DONE"
INPUT = "input"
RELATED = "related"
STORY = "story"
JOB = "job.json"
NEIGHBOUR_FILE = "neighbour.parquet"
VERDICT_FILE = "verdict.parquet"
_ROWS = 20_000  # rows per batch read from a result file


# -- the job directory ----------------------------------------------------------------------------


def step_done(job_dir: Path, step: str) -> bool:
    return (job_dir / step / DONE).is_file()


def mark_done(folder: Path) -> None:
    (folder / DONE).write_text("done\n", encoding="utf-8")


def begin_step(job_dir: Path, step: str) -> Path:
    """A fresh temporary folder for `step` (what a killed run left of it is thrown away)."""
    tmp = job_dir / f"{step}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(job_dir / step, ignore_errors=True)
    tmp.mkdir(parents=True)
    return tmp


def finish_step(job_dir: Path, step: str, tmp: Path) -> Path:
    """Mark the step's files complete and put them in place (one rename)."""
    mark_done(tmp)
    final = job_dir / step
    tmp.rename(final)
    return final


def read_job(job_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((job_dir / JOB).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def update_job(job_dir: Path, **fields: Any) -> dict[str, Any]:
    """Merge `fields` into DIR/job.json (`figures` merged key by key), written atomically."""
    data = read_job(job_dir)
    figures = {**data.get("figures", {}), **fields.pop("figures", {})}
    data.update(fields)
    data["figures"] = figures
    tmp = job_dir / (JOB + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, job_dir / JOB)
    return data


def read_neighbours(job_dir: Path) -> Iterator[tuple[int, int, int, float, int, int]]:
    """The rows of DIR/related/neighbour.parquet: (article_id, rank, other_id, score,
    shared_chars, shared_sampled), a batch at a time."""
    import pyarrow.parquet as pq

    columns = ["article_id", "rank", "other_id", "score", "shared_chars", "shared_sampled"]
    with pq.ParquetFile(job_dir / RELATED / NEIGHBOUR_FILE) as f:
        for batch in f.iter_batches(batch_size=_ROWS, columns=columns):
            yield from zip(*(batch.column(c).to_pylist() for c in columns), strict=True)


def write_table(path: Path, table: Any) -> None:
    """A pyarrow table as one Parquet file (a temporary name renamed into place)."""
    import pyarrow.parquet as pq

    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


# -- loading into the library ---------------------------------------------------------------


@dataclass
class LoadReport:
    articles: int = 0  # neighbour lists loaded
    changed: int = 0  # articles whose text changed since the export: left pending
    stale: int = 0  # lists naming a changed article: left pending
    verdicts: int = 0  # verdicts stored
    verdicts_skipped: int = 0  # verdicts for a text that has changed since

    def to_json(self) -> dict[str, int]:
        return asdict(self)


def _batches(path: Path, columns: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as f:
        for batch in f.iter_batches(batch_size=_ROWS, columns=columns):
            yield list(zip(*(batch.column(c).to_pylist() for c in columns), strict=True))


def load(library: Library, job_dir: Path, *, cancel: threading.Event | None = None) -> LoadReport:
    """Load a job's neighbours (and verdicts, when its story step is done) into `library`;
    see the module docstring. Raises `LibraryError` (one line) when it cannot."""
    if not step_done(job_dir, RELATED):
        raise LibraryError(f"{job_dir} holds no finished related results to load")
    if library.read_only:
        raise LibraryError(f"the library {library.path} is read-only: nothing can be loaded")
    try:
        return _load(library.conn, job_dir, cancel)
    except sqlite3.Error as e:
        raise LibraryError(f"cannot load {job_dir} into the library {library.path}: {e}") from None


def _load(conn: sqlite3.Connection, job_dir: Path, cancel: threading.Event | None) -> LoadReport:
    report = LoadReport()
    with transaction(conn):
        for sql in (
            "CREATE TEMP TABLE IF NOT EXISTS batch_article "
            "(id INTEGER PRIMARY KEY, content_hash TEXT NOT NULL)",
            "CREATE TEMP TABLE IF NOT EXISTS batch_neighbour (article_id INTEGER, rank INTEGER,"
            " other_id INTEGER, score REAL, shared_chars INTEGER)",
            "CREATE TEMP TABLE IF NOT EXISTS batch_good (id INTEGER PRIMARY KEY)",
            "DELETE FROM batch_article",
            "DELETE FROM batch_neighbour",
            "DELETE FROM batch_good",
        ):
            conn.execute(sql)
        for rows in _batches(job_dir / INPUT / "article.parquet", ["id", "content_hash"]):
            check(cancel)
            conn.executemany("INSERT INTO batch_article VALUES (?, ?)", rows)
        for rows in _batches(
            job_dir / RELATED / NEIGHBOUR_FILE,
            ["article_id", "rank", "other_id", "score", "shared_chars"],
        ):
            check(cancel)
            conn.executemany("INSERT INTO batch_neighbour VALUES (?, ?, ?, ?, ?)", rows)
        # Articles whose text (and analysis) is still the one exported.
        conn.execute(
            "INSERT INTO batch_good SELECT b.id FROM batch_article b "
            "JOIN article a ON a.id = b.id AND a.content_hash = b.content_hash "
            "JOIN analysis n ON n.article_id = b.id AND n.content_hash = b.content_hash"
        )
        exported = int(conn.execute("SELECT count(*) FROM batch_article").fetchone()[0])
        good = int(conn.execute("SELECT count(*) FROM batch_good").fetchone()[0])
        report.changed = exported - good
        # A list naming an article that changed is out of date: that article stays pending.
        conn.execute(
            "DELETE FROM batch_good WHERE id IN (SELECT DISTINCT n.article_id FROM "
            "batch_neighbour n LEFT JOIN batch_good g ON g.id = n.other_id WHERE g.id IS NULL)"
        )
        report.articles = int(conn.execute("SELECT count(*) FROM batch_good").fetchone()[0])
        report.stale = good - report.articles
        check(cancel)
        conn.execute("DELETE FROM neighbour WHERE article_id IN (SELECT id FROM batch_good)")
        conn.execute(
            "INSERT INTO neighbour(article_id, rank, other_id, score, shared_chars) "
            "SELECT n.article_id, n.rank, n.other_id, n.score, n.shared_chars "
            "FROM batch_neighbour n JOIN batch_good g ON g.id = n.article_id"
        )
        conn.execute(
            "UPDATE analysis SET ranked = 1 WHERE article_id IN (SELECT id FROM batch_good)"
        )
        conn.execute(
            "UPDATE analysis SET ranked = 0 WHERE article_id IN (SELECT id FROM batch_article) "
            "AND article_id NOT IN (SELECT id FROM batch_good)"
        )
        # As a full build records it: the library's size when its lists were made.
        derived.mark_built(conn, exported)
        if step_done(job_dir, STORY) and (job_dir / STORY / VERDICT_FILE).is_file():
            _load_verdicts(conn, job_dir / STORY / VERDICT_FILE, report, cancel)
        for table in ("batch_article", "batch_neighbour", "batch_good"):
            conn.execute(f"DELETE FROM {table}")
    return report


# The library's `verdict` row, as DIR/story/verdict.parquet holds it (batch/story.py writes it).
VERDICT_COLUMNS = (
    "a_id",
    "b_id",
    "a_hash",
    "b_hash",
    "a_spans",
    "b_spans",
    "a_pct",
    "b_pct",
    "passages",
)


def _load_verdicts(
    conn: sqlite3.Connection, path: Path, report: LoadReport, cancel: threading.Event | None
) -> None:
    cols = ", ".join(list(VERDICT_COLUMNS))
    for rows in _batches(path, list(VERDICT_COLUMNS)):
        check(cancel)
        # Stored with the lower id as side a (`StoredVerdicts`), only for the current texts.
        fresh = [r for r in rows if r[0] < r[1]]
        report.verdicts_skipped += len(rows) - len(fresh)
        found = {
            (int(r[0]), str(r[1]))
            for r in _current_hashes(conn, {r[0] for r in fresh} | {r[1] for r in fresh})
        }
        keep = [r for r in fresh if (r[0], r[2]) in found and (r[1], r[3]) in found]
        conn.executemany(
            f"INSERT OR REPLACE INTO verdict({cols}) VALUES ({', '.join('?' * 9)})", keep
        )
        report.verdicts += len(keep)
        report.verdicts_skipped += len(fresh) - len(keep)


def _current_hashes(conn: sqlite3.Connection, ids: set[int]) -> list[tuple[int, str]]:
    wanted = sorted(ids)
    out: list[tuple[int, str]] = []
    for i in range(0, len(wanted), 900):
        chunk = wanted[i : i + 900]
        out += conn.execute(
            f"SELECT id, content_hash FROM article WHERE id IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
    return out
