"""Fetching feeds: newsreader vs newsboat on the same feeds, served locally; and full-text
extraction speed (pages/s).

A local HTTP server (its own process, so it does not compete with the client for the GIL)
serves F feeds of E entries each (RSS 2.0), and one page per entry. Pages are real news pages
when `--pages DIR` names a folder of .html files (cycled; e.g. trafilatura's tests/eval), else
generated news-like pages with navigation, sidebars and scripts.

Measured, each a fresh process, median of `--rounds`, wall and CPU seconds (the process and
the worker processes it waited for; the server's CPU is not counted):
- `newsreader (feeds only)`: `python -c` running `sources.feeds.fetch_feeds(full_text=False)`,
  and the command `newsreader fetch --no-full-text`, which also stores every entry in a fresh
  library (segmentation, metadata, search index, churn check against the bundled seeds).
- `newsboat -x reload` with its default config (reload-threads 1) and with reload-threads 8;
  fresh cache.db every round, temporary HOME.
- full text (one round): `fetch_feeds(full_text=True)` over every entry page, and the command
  `newsreader fetch` storing them; pages/s = pages / wall seconds.

`--before SRC` runs the newsreader rows a second time, in the same run, with another
checkout's source first on the path (e.g. a worktree of main: `--before ../main/src`), so a
change is measured against the code before it under the same load.

    python benchmarks/fetch_bench.py [--feeds 50] [--entries 50] [--pages DIR] [--rounds 3]
        [--before SRC] [--no-full-text]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_WORDS_TEXT = """
    council harbour minister said report growth market police court election vote city company
    shares percent million week government plan energy prices workers union school hospital data
    study researchers water climate storm officials statement spokesperson
"""
WORDS = _WORDS_TEXT.split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 28))]
    return " ".join(words).capitalize() + "."


def synthetic_page(rng: random.Random, title: str) -> bytes:
    paras = "\n".join(
        f"<p>{' '.join(sentence(rng) for _ in range(rng.randint(2, 5)))}</p>" for _ in range(12)
    )
    nav = "".join(f'<li><a href="/s/{w}">{w.title()}</a></li>' for w in WORDS)
    script = "<script>var cfg = {" + ",".join(f'"k{i}": {i}' for i in range(800)) + "};</script>"
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)} | Bench "
        f"Gazette</title><meta property='og:site_name' content='Bench Gazette'>{script}</head>"
        f"<body><nav><ul>{nav}</ul></nav><main><article><h1>{escape(title)}</h1>"
        f"<p class='byline'>By Bench Reporter</p>{paras}</article></main>"
        f"<aside><h2>Most read</h2><ul>{nav}</ul></aside><footer>© Bench Gazette</footer>"
        "</body></html>"
    ).encode()


def build_site(n_feeds: int, n_entries: int, pages_dir: Path | None) -> dict[str, bytes]:
    rng = random.Random(7)
    real = sorted(pages_dir.glob("*.html")) if pages_dir else []
    site: dict[str, bytes] = {}
    for f in range(n_feeds):
        items = []
        for e in range(n_entries):
            title = f"Feed {f} story {e}: {sentence(rng)[:60]}"
            path = f"/page/{f}/{e}.html"
            k = f * n_entries + e
            site[path] = real[k % len(real)].read_bytes() if real else synthetic_page(rng, title)
            date = formatdate(1_700_000_000 + k * 3600, usegmt=True)
            items.append(
                f"<item><title>{escape(title)}</title><link>{{base}}{path}</link>"
                f"<guid>{{base}}{path}</guid><pubDate>{date}</pubDate>"
                f"<description>{escape(sentence(rng) + ' ' + sentence(rng))}</description></item>"
            )
        site[f"/feed/{f}.xml"] = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench feed {f}</title><link>{{base}}/</link>{''.join(items)}</channel></rss>"
        ).encode()
    return site


def serve(site: dict[str, bytes], port_queue: multiprocessing.Queue) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = site.get(self.path.split("?")[0])
            if body is None:
                self.send_error(404)
                return
            body = body.replace(b"{base}", base)
            self.send_response(200)
            ctype = "application/rss+xml" if self.path.endswith(".xml") else "text/html"
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}".encode()
    port_queue.put(server.server_address[1])
    server.serve_forever()


FEEDS_ONLY = """
import sys, time
from newsreader.sources.feeds import fetch_feeds
from newsreader.sources.models import FeedSpec
urls = sys.argv[1:]
results = fetch_feeds([FeedSpec(u) for u in urls], full_text=False)
n = sum(len(r.documents) for r in results)
bad = [r.error for r in results if r.error]
assert n == len(urls) * int(__import__('os').environ['ENTRIES']) and not bad, (n, bad[:3])
"""

FULL_TEXT = """
import sys, time
from newsreader.sources.feeds import fetch_feeds
from newsreader.sources.models import FeedSpec
urls = sys.argv[1:]
t = time.perf_counter()
results = fetch_feeds([FeedSpec(u) for u in urls], full_text=True)
dt = time.perf_counter() - t
docs = [d for r in results for d in r.documents]
full = sum(1 for d in docs if not d.summary_only)
print(f"{len(docs)} {full} {dt:.3f}")
"""


Timing = tuple[float, float]  # (wall, CPU) seconds


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(cmd: list[str], env: dict[str, str], out: list[str] | None = None) -> Timing:
    """Wall and CPU seconds of `cmd` (CPU: it and the children it waited for); its stdout is
    appended to `out` when given."""
    cpu, t = _children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, check=True, env=env, stdout=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if out is not None:
        out.append(done.stdout)
    return wall, _children_cpu() - cpu


def with_source(src: str | None) -> dict[str, str]:
    """The environment that runs newsreader from `src` (None: the installed one)."""
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    return env


def cli_round(urls: list[str], src: str | None, full_text: bool = False) -> Timing:
    """`newsreader fetch [--no-full-text]` into a fresh library (feeds added beforehand)."""
    from newsreader.sources.opml import to_opml

    cli = [sys.executable, "-m", "newsreader"]
    with tempfile.TemporaryDirectory() as home:
        env = {**with_source(src), "NEWSREADER_HOME": home}
        opml = Path(home) / "feeds.opml"
        opml.write_text(to_opml((u, None) for u in urls))
        add = [*cli, "import", "opml", str(opml)]
        subprocess.run(add, check=True, env=env, capture_output=True)
        return timed([*cli, "fetch", *([] if full_text else ["--no-full-text"])], env)


def newsboat_round(urls: list[str], threads: int | None) -> Timing:
    with tempfile.TemporaryDirectory() as home:
        (Path(home) / "urls").write_text("\n".join(urls) + "\n")
        config = Path(home) / "config"
        config.write_text(f"reload-threads {threads}\n" if threads else "")
        env = {**os.environ, "HOME": home}
        cmd = ["newsboat", "-u", f"{home}/urls", "-C", str(config), "-c", f"{home}/cache.db"]
        return timed([*cmd, "-x", "reload"], env)


def median(times: list[Timing]) -> Timing:
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--pages", type=Path, help="folder of real .html pages to serve")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-full-text", action="store_true", help="skip the pages/s runs")
    parser.add_argument("--no-feeds-only", action="store_true", help="only the pages/s runs")
    parser.add_argument("--before", metavar="SRC", help="also run newsreader from this source")
    args = parser.parse_args()

    site = build_site(args.feeds, args.entries, args.pages)
    queue: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(site, queue), daemon=True)
    server.start()
    port = queue.get(timeout=30)
    urls = [f"http://127.0.0.1:{port}/feed/{f}.xml" for f in range(args.feeds)]
    # (label, source): the code before the change first; each round runs both, so both see
    # the same load from whatever else the machine is doing.
    variants = [("before: ", args.before), ("", None)] if args.before else [("", None)]
    times: dict[str, list[Timing]] = {}
    notes: dict[str, str] = {}
    loads = [os.getloadavg()[0]]
    try:
        for _ in range(args.rounds if not args.no_feeds_only else 0):
            for tag, src in variants:
                env = {**with_source(src), "ENTRIES": str(args.entries)}
                label = f"{tag}newsreader fetch_feeds, feeds only"
                times.setdefault(label, []).append(
                    timed([sys.executable, "-c", FEEDS_ONLY, *urls], env)
                )
                label = f"{tag}newsreader fetch --no-full-text (+ library)"
                times.setdefault(label, []).append(cli_round(urls, src))
            if shutil.which("newsboat"):
                for threads in (None, 8):
                    label = f"newsboat -x reload (reload-threads {threads or '1, default'})"
                    times.setdefault(label, []).append(newsboat_round(urls, threads))
            loads.append(os.getloadavg()[0])
        if not shutil.which("newsboat"):
            print("newsboat not installed: apt-get install newsboat", file=sys.stderr)
        if not args.no_full_text:
            for tag, src in variants:
                label = f"{tag}newsreader fetch_feeds, full text"
                out: list[str] = []
                wall, cpu = timed([sys.executable, "-c", FULL_TEXT, *urls], with_source(src), out)
                docs, full, seconds = out[0].split()
                times[label] = [(wall, cpu)]
                notes[label] = (
                    f"{full}/{docs} full text, {int(full) / float(seconds):.1f} pages/s, "
                    f"{int(full) / cpu:.1f} pages per CPU s"
                )
                loads.append(os.getloadavg()[0])
                label = f"{tag}newsreader fetch, full text (+ library)"
                wall, cpu = cli_round(urls, src, full_text=True)
                times[label] = [(wall, cpu)]
                pages = args.feeds * args.entries
                notes[label] = f"{pages / wall:.1f} pages/s, {pages / cpu:.1f} pages per CPU s"
                loads.append(os.getloadavg()[0])
    finally:
        server.terminate()
    kind = f"real pages from {args.pages}" if args.pages else "generated pages"
    print(f"{args.feeds} feeds x {args.entries} entries, {kind}, {os.cpu_count()} CPUs")
    print("load average (1 min) during the run: " + ", ".join(f"{x:.1f}" for x in loads))
    print(f"{'run':<55} {'wall s':>7} {'CPU s':>7}  notes")
    for label, runs in times.items():
        wall, cpu = median(runs)
        print(f"{label:<55} {wall:7.2f} {cpu:7.2f}  {notes.get(label, '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
