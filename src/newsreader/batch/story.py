"""The story job: pairs chosen from the neighbours, aligned per partition, edges, stories.

Reads DIR/related/neighbour.parquet and DIR/input (BATCH.md's layout) and writes DIR/story:

- `pair.parquet`: the pairs chosen exactly as the embedded engine chooses them
  (`clusters.Selector`, articles in id order, each one's top `TOP_K` neighbours): sure pairs
  (the same text, no alignment) and at most `MAX_VERIFY` aligned ones per article;
- `verdict.parquet`: each aligned pair's verdict row, the library's `verdict` format (lower id
  as side a), so `batch load` stores them and the library never aligns those pairs again;
- `stories.jsonl`: one story per line, `{"articles": [locator, ...]}` in timeline order, the
  same groups `related --json` prints as clusters.

Alignment runs per partition: `align_partition` is pure (rows in, verdict rows out) for Spark's
`mapPartitions`; the DuckDB engine runs it here over parts of `PART` pairs in worker processes
(`provenance.aligning`), each part written as its own file in DIR/story.work as it finishes, so
a killed job resumes from the parts done. The texts come from DIR/input/text.parquet when the
input has one (the scale corpus writes it), else from the library named in job.json.

Edges are judged with the common lines of DIR/input/line.parquet (short lines found in
enough articles, counted by DuckDB) and the bodies of body.parquet, as `CommonLines` does.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from newsreader.batch.results import (
    DONE,
    STORY,
    VERDICT_COLUMNS,
    BatchError,
    read_job,
    update_job,
)
from newsreader.corpus import Article
from newsreader.corpus.models import unpack_paragraphs
from newsreader.progress import StageProgress, check, stage
from newsreader.provenance.aligning import (
    TokenCache,
    align_pairs,
    align_sides,
    pack_spans,
    unpack_spans,
)
from newsreader.provenance.clusters import TOP_K, Edge, Selector, edge_of
from newsreader.provenance.common_lines import MIN_ARTICLES, SHARE
from newsreader.provenance.linkage import link
from newsreader.provenance.spans import Span, intersect, merge, total

WORK = "story.work"  # pair.parquet and the finished parts of a job not yet done
PART = 2048  # pairs per part file: a killed job loses at most one part per worker
READ_ROWS = 50_000  # rows per batch read from Parquet
PARTITION_ARTICLES = 4096  # articles `align_partition` keeps while a partition runs

Row = tuple[Any, ...]


class StoryJobError(BatchError):
    """The story step cannot run; the message is one line for the user."""


# -- one partition of pairs (pure: Spark calls this in its executors) ---------------------------


def align_partition(rows: Iterable[Row]) -> Iterator[Row]:
    """Verdict rows (`VERDICT_COLUMNS`) for rows of (a_id, b_id, a_text, a_paragraphs_packed,
    b_text, b_paragraphs_packed, a_hash, b_hash): each pair aligned with a as side a. Articles
    seen in the partition are kept while it runs (an article is in several pairs)."""
    made: dict[int, Article] = {}
    keys: dict[int, int] = {}  # id(article) -> its article id, for the token cache
    cache = TokenCache()
    tokens = cache.tokens(keys)

    def article(aid: int, text: str, packed: bytes) -> Article:
        found = made.get(aid)
        if found is None:
            if len(made) >= PARTITION_ARTICLES:
                made.clear()
                keys.clear()
            found = made[aid] = Article(Path(f"#{aid}"), text, paragraphs=unpack_paragraphs(packed))
            keys[id(found)] = aid
        return found

    for a_id, b_id, a_text, a_paras, b_text, b_paras, a_hash, b_hash in rows:
        a = article(a_id, a_text, a_paras)
        b = article(b_id, b_text, b_paras)
        yield verdict_row(a_id, b_id, a_hash, b_hash, align_sides(a, b, tokens))


def verdict_row(
    a_id: int, b_id: int, a_hash: str, b_hash: str, aligned: tuple[float, float, bytes]
) -> Row:
    """A verdict row from an alignment as `aligning` packs it (merged spans of each side)."""
    from newsreader.provenance.aligning import unpack_passages

    a_pct, b_pct, packed = aligned
    passages = unpack_passages(packed)
    a_spans = merge(p.span("a") for p in passages)
    b_spans = merge(p.span("b") for p in passages)
    return (
        a_id,
        b_id,
        a_hash,
        b_hash,
        pack_spans(a_spans),
        pack_spans(b_spans),
        a_pct,
        b_pct,
        packed,
    )


# -- the job -------------------------------------------------------------------------------------


def run_story(
    job_dir: Path,
    *,
    workers: int | None = None,
    cancel: threading.Event | None = None,
    progress: StageProgress | None = None,
) -> dict[str, Any]:
    """Write DIR/story (see the module docstring) on this machine, whichever engine ranked the
    neighbours; returns the step's figures. Done already (DIR/story/_DONE): nothing is redone.
    `progress(stage, done, total)` follows "Selecting", "Aligning" and "Linking"."""
    job_dir = Path(job_dir)
    if (job_dir / STORY / DONE).is_file():
        return dict(read_job(job_dir).get("figures", {}).get("story", {}))
    if (
        not (job_dir / "related" / DONE).is_file()
        and not (job_dir / "related" / "neighbour.parquet").is_file()
    ):
        raise StoryJobError(f"{job_dir} has no related neighbours yet (run the related step)")
    started, cpu = time.monotonic(), time.process_time()
    work = job_dir / WORK
    work.mkdir(parents=True, exist_ok=True)
    articles = _articles(job_dir)
    pairs_file = work / "pair.parquet"
    if not pairs_file.is_file():
        _write_pairs(job_dir, articles, pairs_file, cancel, stage(progress, "Selecting"))
    pairs = _read(pairs_file, ["a_id", "b_id", "score", "sure"])
    figures: dict[str, Any] = {
        "articles": len(articles),
        "pairs": len(pairs),
        "sure": sum(1 for p in pairs if p[3]),
    }
    aligned = [(int(p[0]), int(p[1])) for p in pairs if not p[3]]
    figures["aligned"] = len(aligned)
    figures["missing_texts"] = _align(
        job_dir, articles, aligned, work, workers, cancel, stage(progress, "Aligning")
    )
    check(cancel)
    tmp = job_dir / (STORY + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    shutil.copyfile(pairs_file, tmp / "pair.parquet")
    _concat_parts(work, tmp / "verdict.parquet")
    if progress is not None:
        progress("Linking", 0, 1)
    stories = _stories(job_dir, articles, pairs, tmp / "verdict.parquet")
    with open(tmp / "stories.jsonl", "w", encoding="utf-8") as out:
        for members in stories:
            out.write(json.dumps({"articles": members}, ensure_ascii=False) + "\n")
    figures["stories"] = len(stories)
    figures["wall_s"] = round(time.monotonic() - started, 2)
    figures["cpu_s"] = round(time.process_time() - cpu, 2)  # this process (workers not counted)
    (tmp / DONE).write_text("done\n", encoding="utf-8")
    shutil.rmtree(job_dir / STORY, ignore_errors=True)
    tmp.rename(job_dir / STORY)
    shutil.rmtree(work, ignore_errors=True)
    update_job(job_dir, figures={"story": figures})
    if progress is not None:
        progress("Linking", 1, 1)
    return figures


class _Articles:
    """DIR/input/article.parquet: ids in order, and per id its hash, sampled shingle count,
    locator and date."""

    def __init__(self, rows: list[Row]) -> None:
        rows.sort(key=lambda r: r[0])
        self.ids: list[int] = [int(r[0]) for r in rows]
        self.hash: dict[int, str] = {int(r[0]): str(r[1]) for r in rows}
        self.shingles: dict[int, int] = {int(r[0]): int(r[2]) for r in rows}
        self.locator: dict[int, str] = {int(r[0]): str(r[3]) for r in rows}
        self.date: dict[int, str | None] = {int(r[0]): r[4] for r in rows}

    def __len__(self) -> int:
        return len(self.ids)


def _articles(job_dir: Path) -> _Articles:
    return _Articles(
        _read(
            job_dir / "input" / "article.parquet",
            ["id", "content_hash", "shingles", "locator", "date"],
        )
    )


def _read(path: Path, columns: list[str]) -> list[Row]:
    import pyarrow.parquet as pq

    out: list[Row] = []
    with pq.ParquetFile(path) as f:
        for batch in f.iter_batches(batch_size=READ_ROWS, columns=columns):
            out.extend(zip(*(batch.column(c).to_pylist() for c in columns), strict=True))
    return out


def _neighbour_lists(job_dir: Path) -> Iterator[tuple[int, list[tuple[int, float, int]]]]:
    """(article id, its top `TOP_K` neighbours as (other id, score, shared sampled)) in id
    order, streamed (DuckDB sorts out of core)."""
    import duckdb

    con = duckdb.connect()
    path = str(job_dir / "related" / "neighbour.parquet")
    cur = con.execute(
        "SELECT article_id, other_id, score, shared_sampled FROM read_parquet(?) "
        f"WHERE rank < {TOP_K} ORDER BY article_id, rank",
        [path],
    )
    current: int | None = None
    found: list[tuple[int, float, int]] = []
    while True:
        rows = cur.fetchmany(READ_ROWS)
        if not rows:
            break
        for aid, other, score, shared in rows:
            if aid != current:
                if current is not None:
                    yield current, found
                current, found = aid, []
            found.append((int(other), float(score), int(shared)))
    if current is not None:
        yield current, found
    con.close()


def select_job_pairs(
    job_dir: Path,
    articles: _Articles,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[tuple[int, int, float, bool]]:
    """(a_id, b_id, score, sure) as `clusters.select_pairs` chooses them: the same `Selector`
    over the articles in id order (the library's order), ids as positions."""
    selector = Selector()
    stream = _neighbour_lists(job_dir)
    pending = next(stream, None)
    size = articles.shingles.__getitem__
    for n, aid in enumerate(articles.ids):
        if n % 1024 == 0:
            check(cancel)
            if progress is not None:
                progress(n, len(articles))
        found: list[tuple[int, float, int]] = []
        while pending is not None and pending[0] < aid:
            pending = next(stream, None)  # a list for an article not in the input
        if pending is not None and pending[0] == aid:
            found = [f for f in pending[1] if f[0] in articles.shingles]
            pending = next(stream, None)
        for score, (a, b), sure in selector.choose(aid, found, size):
            yield a, b, score, sure
    if progress is not None:
        progress(len(articles), len(articles))


def _write_pairs(
    job_dir: Path,
    articles: _Articles,
    path: Path,
    cancel: threading.Event | None,
    progress: Callable[[int, int], None] | None,
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [("a_id", pa.int64()), ("b_id", pa.int64()), ("score", pa.float64()), ("sure", pa.bool_())]
    )
    tmp = path.with_name(path.name + ".tmp")
    with pq.ParquetWriter(tmp, schema) as writer:
        rows: list[tuple[int, int, float, bool]] = []
        for row in select_job_pairs(job_dir, articles, cancel, progress):
            rows.append(row)
            if len(rows) >= READ_ROWS:
                writer.write_table(
                    pa.Table.from_pylist(
                        [dict(zip(schema.names, r, strict=True)) for r in rows], schema
                    )
                )
                rows = []
        writer.write_table(
            pa.Table.from_pylist([dict(zip(schema.names, r, strict=True)) for r in rows], schema)
        )
    os.replace(tmp, path)


def _write_table(path: Path, table: Any) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


# -- aligning, part by part ----------------------------------------------------------------------


class _Texts:
    """Articles' texts and packed paragraphs by id: from DIR/input/text.parquet, else from
    the library the job was exported from (read-only)."""

    def __init__(self, job_dir: Path) -> None:
        self.parquet = job_dir / "input" / "text.parquet"
        self.conn: sqlite3.Connection | None = None
        if not self.parquet.is_file():
            library = read_job(job_dir).get("library")
            if not library or not Path(library).is_file():
                raise StoryJobError(
                    f"{job_dir} has no input/text.parquet and names no library to read texts from"
                )
            self.conn = sqlite3.connect(f"file:{library}?mode=ro", uri=True)

    def get(self, ids: list[int]) -> dict[int, tuple[str, bytes, str]]:
        """id -> (text, packed paragraphs, content hash) of those found."""
        out: dict[int, tuple[str, bytes, str]] = {}
        if self.conn is not None:
            for i in range(0, len(ids), 900):
                chunk = ids[i : i + 900]
                marks = ",".join("?" * len(chunk))
                for aid, text, paras, digest in self.conn.execute(
                    f"SELECT id, text, paragraphs, content_hash FROM article WHERE id IN ({marks})",
                    chunk,
                ):
                    out[int(aid)] = (text, paras, digest)
            return out
        import pyarrow.dataset as ds

        table = ds.dataset(self.parquet).to_table(
            columns=["id", "text", "paragraphs"], filter=ds.field("id").isin(ids)
        )
        for aid, text, paras in zip(
            *(table.column(c).to_pylist() for c in ("id", "text", "paragraphs")), strict=True
        ):
            out[int(aid)] = (text, paras, "")
        return out

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def _align(
    job_dir: Path,
    articles: _Articles,
    pairs: list[tuple[int, int]],
    work: Path,
    workers: int | None,
    cancel: threading.Event | None,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Align the pairs part by part into DIR/story.work/part-NNNNN.parquet (parts already
    there are done); returns how many pairs had a text missing or changed (not aligned)."""
    import pyarrow as pa

    texts = _Texts(job_dir)
    missing = 0
    try:
        for number, start in enumerate(range(0, len(pairs), PART)):
            if progress is not None:
                progress(start, len(pairs))
            part = work / f"part-{number:05}.parquet"
            if part.is_file():
                continue
            chunk = pairs[start : start + PART]
            ids = sorted({x for pair in chunk for x in pair})
            found = texts.get(ids)
            local: dict[int, int] = {}
            made: list[Article] = []
            made_ids: list[int] = []
            for aid in ids:
                entry = found.get(aid)
                # A text that changed since the export is not the one the neighbours are for.
                if entry is None or (entry[2] and entry[2] != articles.hash[aid]):
                    continue
                local[aid] = len(made)
                made_ids.append(aid)
                made.append(
                    Article(Path(f"#{aid}"), entry[0], paragraphs=unpack_paragraphs(entry[1]))
                )
            todo = [(local[a], local[b]) for a, b in chunk if a in local and b in local]
            missing += len(chunk) - len(todo)
            rows = []
            for (i, j), comparison in align_pairs(made, todo, cancel=cancel, workers=workers):
                a_id, b_id = made_ids[i], made_ids[j]
                rows.append(
                    verdict_row(
                        a_id,
                        b_id,
                        articles.hash[a_id],
                        articles.hash[b_id],
                        (comparison.a_reused_pct, comparison.b_reused_pct, _packed(comparison)),
                    )
                )
            columns = list(zip(*rows, strict=True)) if rows else [()] * len(VERDICT_COLUMNS)
            _write_table(
                part, pa.table(dict(zip(VERDICT_COLUMNS, _verdict_arrays(columns), strict=True)))
            )
        if progress is not None:
            progress(len(pairs), len(pairs))
    finally:
        texts.close()
    return missing


def _packed(comparison: Any) -> bytes:
    from newsreader.provenance.aligning import pack_passages

    return pack_passages(comparison.passages)


def _verdict_arrays(columns: list[tuple[Any, ...]]) -> list[Any]:
    import pyarrow as pa

    types = [
        pa.int64(),
        pa.int64(),
        pa.string(),
        pa.string(),
        pa.binary(),
        pa.binary(),
        pa.float64(),
        pa.float64(),
        pa.binary(),
    ]
    return [pa.array(list(c), t) for c, t in zip(columns, types, strict=True)]


def _concat_parts(work: Path, out: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    parts = sorted(work.glob("part-*.parquet"))
    schema = pa.schema(
        list(zip(VERDICT_COLUMNS, [a.type for a in _verdict_arrays([()] * 9)], strict=True))
    )
    with pq.ParquetWriter(out, schema) as writer:
        for part in parts:
            writer.write_table(pq.read_table(part).cast(schema))


# -- edges and stories ---------------------------------------------------------------------------


def _common_spans(job_dir: Path, count: int, ids: set[int]) -> dict[int, list[Span]]:
    """Each wanted article's spans of common lines: short lines whose key is in at least
    `max(MIN_ARTICLES, SHARE x articles)` articles (as `CommonLines` counts them)."""
    import duckdb

    least = max(MIN_ARTICLES, round(SHARE * count))
    con = duckdb.connect()
    rows = con.execute(
        "WITH k AS (SELECT key FROM read_parquet(?) GROUP BY key "
        "HAVING count(DISTINCT article_id) >= ?) "
        'SELECT l.article_id, l.start, l."end" FROM read_parquet(?) l JOIN k USING (key)',
        [str(job_dir / "input" / "line.parquet"), least, str(job_dir / "input" / "line.parquet")],
    ).fetchall()
    con.close()
    found: dict[int, list[Span]] = {}
    for aid, s, e in rows:
        if aid in ids:
            found.setdefault(int(aid), []).append((int(s), int(e)))
    return {aid: merge(spans) for aid, spans in found.items()}


def _bodies(job_dir: Path, ids: set[int]) -> dict[int, list[Span]]:
    found: dict[int, list[Span]] = {}
    for aid, s, e in _read(job_dir / "input" / "body.parquet", ["article_id", "start", "end"]):
        if aid in ids:
            found.setdefault(int(aid), []).append((int(s), int(e)))
    return {aid: merge(spans) for aid, spans in found.items()}


def _stories(
    job_dir: Path, articles: _Articles, pairs: list[Row], verdicts: Path
) -> list[list[str]]:
    ids = {int(x) for p in pairs for x in p[:2]}
    common = _common_spans(job_dir, len(articles), ids)
    bodies = _bodies(job_dir, ids)

    def discount(aid: int, covered: list[Span]) -> int:
        spans = common.get(aid)
        return total(covered) - (total(intersect(covered, spans)) if spans else 0)

    def body_chars(aid: int) -> int:
        return max(1, discount(aid, bodies.get(aid, [])))

    covered = {
        (int(r[0]), int(r[1])): (unpack_spans(r[2]), unpack_spans(r[3]))
        for r in _read(verdicts, ["a_id", "b_id", "a_spans", "b_spans"])
    }
    position = {aid: n for n, aid in enumerate(articles.ids)}
    edges: dict[tuple[int, int], Edge] = {}
    for a_id, b_id, score, sure in pairs:
        a, b = int(a_id), int(b_id)
        shorter = min(body_chars(a), body_chars(b))
        edge: Edge | None
        if sure:
            edge = Edge(shorter, 1.0, True, None)
        else:
            spans = covered.get((a, b))
            if spans is None or not spans[0]:
                continue
            least = min(discount(a, spans[0]), discount(b, spans[1]))
            edge = edge_of(least, min(1.0, least / shorter), float(score))
        if edge is not None:
            edges[(position[a], position[b])] = edge
    strong = [(e.share, i, j) for (i, j), e in edges.items() if e.strong]
    weak = [(float(e.least), i, j) for (i, j), e in edges.items() if not e.strong]
    out = []
    for group in link(len(articles), strong, weak):
        members = [articles.ids[n] for n in group]
        members.sort(key=lambda aid: _date_key(articles, aid))
        out.append([articles.locator[aid] for aid in members])
    return out


def _date_key(articles: _Articles, aid: int) -> tuple[int, str, str]:
    """`timeline.date_key` from the exported columns."""
    path = str(Path(articles.locator[aid]))
    date = articles.date[aid]
    return (0, date, path) if date else (1, "", path)


# -- job.json ------------------------------------------------------------------------------------
