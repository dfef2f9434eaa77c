"""The scale corpus: a batch job's input (DIR/input/*.parquet) for up to millions of articles.

The articles are those `build_corpus.py` makes for the same size and seed (real BBC News text
plus derived churn, `build_corpus.generate`), but no file is written and no library is made:
each text goes through the loader (decode, parse, the corpus-wide repeated-line flags) and the
engine's `Analyser` in a pool of worker processes, and the rows the library would store
(`library/derived.py`: term counts, sampled shingles, short lines, body spans) are streamed to
Parquet in the batch job's input layout (docs/ARCHITECTURE.md, issue 15), plus `text.parquet`
(id, text, packed paragraphs) for the alignment step.

    python benchmarks/scale_corpus.py 100000 [--out DIR] [--workers 2]

Resumable: the corpus is written in parts of `--part` articles (each renamed into place when
complete); a restarted build replays the seeded generator (cheap) and analyses only the parts
that are missing, then merges the parts into one file per table and writes DIR/input/_DONE.

The loader's corpus-wide pass (short label-like lines in 3+ articles are furniture) needs every
article's lines before any is final; here it is computed once from the first `--prefix`
articles (a line repeated there is repeated in the whole; a line that only becomes repeated
later is missed, which the library's ingest would have caught) and applied to every article.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import shutil
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_corpus  # noqa: E402

VERSION = "1"  # of the rows written: a new one refuses to resume older parts
TABLES = ("article", "term", "shingle", "line", "body", "text")
HTML_SUFFIXES = (".html", ".htm")

_repeated: set[str] = set()  # in each worker: the corpus-wide repeated lines


def _schemas() -> dict[str, Any]:
    import pyarrow as pa

    i32, i64 = pa.int32(), pa.int64()
    return {
        "article": pa.schema(
            [("id", i64), ("locator", pa.string()), ("date", pa.string()),
             ("content_hash", pa.string()), ("chars", i32), ("shingles", i32)]
        ),
        "term": pa.schema([("article_id", i64), ("term_id", i64), ("count", i32)]),
        "shingle": pa.schema([("article_id", i64), ("hash", i64)]),
        "line": pa.schema([("article_id", i64), ("start", i32), ("end", i32), ("key", i64)]),
        "body": pa.schema([("article_id", i64), ("start", i32), ("end", i32)]),
        "text": pa.schema([("id", i64), ("text", pa.string()), ("paragraphs", pa.binary())]),
    }  # fmt: skip


def _parse(rel: str, text: str) -> Any:
    """The loader's per-file pipeline on a generated text (as `load_article` reads a file)."""
    from newsreader.corpus.decode import decode_bytes
    from newsreader.corpus.loader import parse_text

    decoded = decode_bytes(text.encode("utf-8"))
    is_html = rel.endswith(HTML_SUFFIXES)
    article = parse_text(decoded.text, Path(rel), html=is_html or None)
    article.encoding = decoded.encoding
    return article


def short_lines_of(chunk: list[tuple[int, str, str]]) -> list[list[str]]:
    """Worker: each article's short lines (what the corpus-wide repeated-line pass counts)."""
    from newsreader.corpus.loader import short_lines

    return [short_lines(_parse(rel, text)) for _, rel, text in chunk]


def _init(repeated: set[str]) -> None:
    global _repeated
    _repeated = repeated


def analyse_chunk(chunk: list[tuple[int, str, str]]) -> dict[str, Any]:
    """Worker: the input rows of a chunk of (id, locator, text), as Arrow tables by name."""
    import pyarrow as pa

    from newsreader.corpus.loader import flag_lines
    from newsreader.corpus.models import pack_paragraphs
    from newsreader.provenance.common_lines import body_spans, line_units
    from newsreader.reuse.related import Analyser, term_id

    analyser = Analyser()
    cols: dict[str, dict[str, list[Any]]] = {
        name: {f.name: [] for f in schema} for name, schema in _schemas().items()
    }
    art, term, shingle, line, body, text_t = (cols[t] for t in TABLES)
    for aid, rel, text in chunk:
        article = _parse(rel, text)
        if not article.paragraphs:
            continue  # the loader skips a text without paragraphs
        if _repeated:
            flag_lines([article], _repeated)
        found = analyser(article)
        art["id"].append(aid)
        art["locator"].append(rel)
        art["date"].append(article.date)
        art["content_hash"].append(article.content_hash)
        art["chars"].append(found.chars)
        art["shingles"].append(len(found.shingles))
        for stem, count in found.terms.items():
            term["article_id"].append(aid)
            term["term_id"].append(term_id(stem))
            term["count"].append(count)
        for h in sorted(found.shingles):
            shingle["article_id"].append(aid)
            shingle["hash"].append(h)
        for s, e, key in line_units(article.text):
            line["article_id"].append(aid)
            line["start"].append(s)
            line["end"].append(e)
            line["key"].append(key)
        for s, e in body_spans(article):
            body["article_id"].append(aid)
            body["start"].append(s)
            body["end"].append(e)
        text_t["id"].append(aid)
        text_t["text"].append(article.text)
        text_t["paragraphs"].append(pack_paragraphs(article.paragraphs))
    schemas = _schemas()
    return {name: pa.table(cols[name], schema=schemas[name]) for name in TABLES}


def _chunks(
    size: int, seed: int, chunk: int, limit: int | None = None
) -> Iterator[list[tuple[int, str, str]]]:
    """The generated articles as chunks of (id, locator, text); ids count from 1."""
    out: list[tuple[int, str, str]] = []
    for n, (rel, text, _sources, _ops) in enumerate(build_corpus.generate(size, seed), 1):
        out.append((n, rel, text))
        if len(out) == chunk:
            yield out
            out = []
        if limit is not None and n >= limit:
            break
    if out:
        yield out


def _bounded(pool: ProcessPoolExecutor, fn: Any, items: Iterator[Any], ahead: int) -> Iterator[Any]:
    """`pool.map` in order with at most `ahead` chunks in flight (map would generate and queue
    the whole corpus at once)."""
    pending: collections.deque[Future[Any]] = collections.deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _usage() -> dict[str, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu_self_s": me.ru_utime + me.ru_stime,
        "cpu_children_s": kids.ru_utime + kids.ru_stime,
        "rss_self_mb": me.ru_maxrss / 1024,
        "rss_child_max_mb": kids.ru_maxrss / 1024,
    }


def _write_part(path: Path, tables: list[dict[str, Any]]) -> None:
    """One part (a folder with a file per table), renamed into place when complete."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for name in TABLES:
        pq.write_table(
            pa.concat_tables(t[name] for t in tables), tmp / f"{name}.parquet",
            compression="zstd", row_group_size=1 << 20,
        )  # fmt: skip
    tmp.rename(path)


def _merge(parts: list[Path], into: Path) -> None:
    """Each table's parts streamed into one Parquet file (row group by row group)."""
    import pyarrow.parquet as pq

    tmp = into.with_name(into.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    schemas = _schemas()
    for name in TABLES:
        with pq.ParquetWriter(tmp / f"{name}.parquet", schemas[name], compression="zstd") as w:
            for part in parts:
                f = pq.ParquetFile(part / f"{name}.parquet")
                for g in range(f.num_row_groups):
                    w.write_table(f.read_row_group(g))
    (tmp / "_DONE").write_text("")
    shutil.rmtree(into, ignore_errors=True)
    tmp.rename(into)


def build(
    size: int,
    out: Path,
    *,
    seed: int = 2005,
    workers: int = 2,
    chunk: int = 250,
    part: int = 20000,
    prefix: int = 50000,
) -> dict[str, Any]:
    """Build (or finish building) the scale corpus of `size` articles under `out`."""
    if part % chunk:
        raise SystemExit(f"--part must be a multiple of {chunk}")
    started = time.time()
    wall0, usage0 = time.perf_counter(), _usage()
    out.mkdir(parents=True, exist_ok=True)
    stamp = {"version": VERSION, "size": size, "seed": seed, "part": part, "prefix": prefix}
    stamp_file = out / "scale-stamp.json"
    if stamp_file.is_file() and json.loads(stamp_file.read_text()) != stamp:
        raise SystemExit(f"{out} holds another build ({stamp_file.read_text()}); remove it first")
    stamp_file.write_text(json.dumps(stamp))
    if (out / "input" / "_DONE").is_file():
        print(f"{out}/input is complete")
        return json.loads((out / "scale.json").read_text())
    parts_dir = out / "parts"
    parts_dir.mkdir(exist_ok=True)
    n_parts = -(-size // part)
    done = {p.name for p in parts_dir.iterdir() if p.is_dir() and not p.name.endswith(".tmp")}
    ctx = get_context("spawn")  # workers never inherit the generator's growing pool
    repeated_file = out / "repeated.json"
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        if repeated_file.is_file():
            repeated = set(json.loads(repeated_file.read_text()))
        else:
            from newsreader.corpus.boilerplate import corpus_repeated

            lines: list[list[str]] = []
            head = _chunks(size, seed, chunk, limit=min(size, prefix))
            for found in _bounded(pool, short_lines_of, head, 2 * workers + 2):
                lines.extend(found)
            repeated = corpus_repeated(lines)
            repeated_file.write_text(json.dumps(sorted(repeated)))
            print(f"repeated lines from the first {len(lines)} articles: {len(repeated)}")
    t_prefix = time.perf_counter() - wall0
    with ProcessPoolExecutor(
        workers, mp_context=ctx, initializer=_init, initargs=(repeated,)
    ) as pool:
        per_part = part // chunk
        todo = (
            (k, c)
            for k, c in enumerate(_chunks(size, seed, chunk))
            if f"part-{k // per_part:05d}" not in done
        )
        current: list[dict[str, Any]] = []
        made = 0
        t0 = time.perf_counter()
        for k, tables in _bounded(pool, _keyed, todo, 2 * workers + 2):
            current.append(tables)
            made += tables["article"].num_rows
            last_of_part = (k + 1) % per_part == 0 or (k + 1) * chunk >= size
            if last_of_part:
                _write_part(parts_dir / f"part-{k // per_part:05d}", current)
                current = []
                rate = made / (time.perf_counter() - t0)
                print(
                    f"part {k // per_part + 1}/{n_parts}: {made} articles this run, "
                    f"{rate:.0f}/s, load {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
    parts = sorted(p for p in parts_dir.iterdir() if p.is_dir() and not p.name.endswith(".tmp"))
    assert len(parts) == n_parts, f"{len(parts)} parts of {n_parts}"
    t_merge = time.perf_counter()
    _merge(parts, out / "input")
    t_end = time.perf_counter()
    usage = _usage()
    figures = {
        "size": size,
        "articles": _rows(out / "input" / "article.parquet"),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "wall_s": round(t_end - wall0, 1),
        "prefix_s": round(t_prefix, 1),
        "merge_s": round(t_end - t_merge, 1),
        "cpu_s": round(
            usage["cpu_self_s"] + usage["cpu_children_s"]
            - usage0["cpu_self_s"] - usage0["cpu_children_s"], 1
        ),
        "rss_self_mb": round(usage["rss_self_mb"]),
        "rss_worker_max_mb": round(usage["rss_child_max_mb"]),
        "disk_input_mb": round(_disk(out / "input") / 2**20),
        "parts_resumed": len(done),
        "workers": workers,
        "load_end": round(os.getloadavg()[0], 2),
    }  # fmt: skip
    (out / "scale.json").write_text(json.dumps(figures, indent=1))
    shutil.rmtree(parts_dir)
    return figures


def _keyed(item: tuple[int, list[tuple[int, str, str]]]) -> tuple[int, dict[str, Any]]:
    return item[0], analyse_chunk(item[1])


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def _disk(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", type=int, nargs="+")
    ap.add_argument("--out", type=Path, help="job dir (default benchmarks/.work/scale-SIZE)")
    ap.add_argument("--seed", type=int, default=2005)
    ap.add_argument("--workers", type=int, default=max(1, (os.cpu_count() or 2)))
    ap.add_argument("--part", type=int, default=20000, help="articles per resumable part")
    ap.add_argument("--prefix", type=int, default=50000, help="articles for the repeated lines")
    args = ap.parse_args()
    for size in args.size:
        out = args.out or build_corpus.WORK / f"scale-{size}"
        figures = build(
            size, out, seed=args.seed, workers=args.workers, part=args.part, prefix=args.prefix
        )
        print(json.dumps(figures))
        print(f"| {size} | {figures['wall_s']} | {figures['cpu_s']} | {figures['rss_self_mb']} | "
              f"{figures['rss_worker_max_mb']} | {figures['disk_input_mb']} |")  # fmt: skip


if __name__ == "__main__":
    main()
