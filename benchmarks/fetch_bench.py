"""Fetching feeds: newsreader vs newsboat on the same feeds, served locally; and full-text
extraction speed (pages/s).

A local HTTP server (its own process, so it does not compete with the client for the GIL)
serves F feeds of E entries each (RSS 2.0), and one page per entry. Pages are real news pages
when `--pages DIR` names a folder of .html files (cycled; e.g. trafilatura's tests/eval), else
generated news-like pages with navigation, sidebars and scripts.

Measured, each a fresh process, median of `--rounds`:
- `newsreader (feeds only)`: `python -c` running `sources.feeds.fetch_feeds(full_text=False)`,
  and the command `newsreader fetch --no-full-text`, which also stores every entry in a fresh
  library (segmentation, metadata, search index).
- `newsboat -x reload` with its default config (reload-threads 1) and with reload-threads 8;
  fresh cache.db every round, temporary HOME.
- full text: `fetch_feeds(full_text=True)` over every entry page; pages/s = pages / seconds.

    python benchmarks/fetch_bench.py [--feeds 50] [--entries 50] [--pages DIR] [--rounds 3]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
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


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def cli_round(urls: list[str]) -> float:
    """`newsreader fetch --no-full-text` into a fresh library (feeds added beforehand)."""
    exe = str(Path(sys.executable).with_name("newsreader"))
    from newsreader.sources.opml import to_opml

    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "NEWSREADER_HOME": home}
        opml = Path(home) / "feeds.opml"
        opml.write_text(to_opml((u, None) for u in urls))
        subprocess.run([exe, "import", "opml", str(opml)], check=True, env=env, capture_output=True)
        return timed([exe, "fetch", "--no-full-text"], env=env)


def newsboat_round(urls: list[str], threads: int | None) -> float:
    with tempfile.TemporaryDirectory() as home:
        (Path(home) / "urls").write_text("\n".join(urls) + "\n")
        config = Path(home) / "config"
        config.write_text(f"reload-threads {threads}\n" if threads else "")
        env = {**os.environ, "HOME": home}
        cmd = ["newsboat", "-u", f"{home}/urls", "-C", str(config), "-c", f"{home}/cache.db"]
        return timed([*cmd, "-x", "reload"], env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--pages", type=Path, help="folder of real .html pages to serve")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-full-text", action="store_true", help="skip the pages/s run")
    args = parser.parse_args()

    site = build_site(args.feeds, args.entries, args.pages)
    queue: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(site, queue), daemon=True)
    server.start()
    port = queue.get(timeout=30)
    urls = [f"http://127.0.0.1:{port}/feed/{f}.xml" for f in range(args.feeds)]
    env = {**os.environ, "ENTRIES": str(args.entries)}
    rows: list[tuple[str, float, str]] = []
    try:
        ours = [
            timed([sys.executable, "-c", FEEDS_ONLY, *urls], env=env) for _ in range(args.rounds)
        ]
        rows.append(("newsreader fetch_feeds, feeds only", statistics.median(ours), ""))
        cli = [cli_round(urls) for _ in range(args.rounds)]
        rows.append(("newsreader fetch --no-full-text (CLI + library)", statistics.median(cli), ""))
        if shutil.which("newsboat"):
            for threads in (None, 8):
                times = [newsboat_round(urls, threads) for _ in range(args.rounds)]
                label = f"newsboat -x reload (reload-threads {threads or '1, default'})"
                rows.append((label, statistics.median(times), ""))
        else:
            print("newsboat not installed: apt-get install newsboat", file=sys.stderr)
        if not args.no_full_text:
            out = subprocess.run(
                [sys.executable, "-c", FULL_TEXT, *urls], check=True, capture_output=True, text=True
            ).stdout.split()
            docs, full, seconds = int(out[0]), int(out[1]), float(out[2])
            note = f"{full}/{docs} full text, {full / seconds:.1f} pages/s"
            rows.append(("newsreader fetch_feeds, full text", seconds, note))
    finally:
        server.terminate()
    kind = f"real pages from {args.pages}" if args.pages else "generated pages"
    print(f"{args.feeds} feeds x {args.entries} entries, {kind}, {os.cpu_count()} CPUs")
    print(f"{'run':<50} {'seconds':>8}  notes")
    for label, seconds, note in rows:
        print(f"{label:<50} {seconds:8.2f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
