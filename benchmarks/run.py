"""newsreader benchmark: load, cache, search, compare, related and first paint, against peers.

    .venv/bin/python benchmarks/run.py [--sizes 1000,5000,10000,20000] [--no-peers]

Builds (once, seeded) corpora of real BBC news plus derived articles (see build_corpus.py), runs
every size in fresh subprocesses (measure.py: a cold one with an empty cache and a warm one that
reopens from the cache, so peak RSS is per phase), runs `fzf --filter` and `text-matcher` on the
same paragraphs and article pairs (peers.py), times the first paint on the seeds against a bare
Textual app (paint.py), and prints one Markdown table. Raw numbers go to
benchmarks/.work/results.json; `--markdown FILE` also writes the table and machine there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_corpus  # noqa: E402
import peers  # noqa: E402
from measure import QUERIES  # noqa: E402

ROOT = HERE.parent
PAINT_RUNS = 7


def machine() -> dict:
    def grep(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "?"

    mem_kb = grep("/proc/meminfo", "MemTotal").split()[0]
    return {
        "nproc": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu": grep("/proc/cpuinfo", "model name"),
        "ram_gb": round(int(mem_kb) / 1024 / 1024, 1) if mem_kb.isdigit() else "?",
        "python": platform.python_version(),
        "os": platform.platform(),
        "loadavg_start": os.getloadavg(),
    }


def phase(name: str, corpus_dir: Path, home: Path, out: Path) -> dict:
    env = dict(os.environ, NEWSREADER_HOME=str(home))
    cmd = [sys.executable, str(HERE / "measure.py"), name, str(corpus_dir), str(out)]
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0 or not out.exists():
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1][:200]}
    result = json.loads(out.read_text())
    result["wall_s"] = time.perf_counter() - t
    return result


def run_size(size: int, work: Path, with_peers: bool) -> dict:
    print(f"[{size}] building corpus ...", flush=True)
    corpus_dir = build_corpus.build(size)
    home = work / f"home-{size}"
    res: dict = {"size": size}
    print(f"[{size}] cold phase ...", flush=True)
    res["cold"] = phase("cold", corpus_dir, home, work / f"cold-{size}.json")
    print(f"[{size}] warm phase ...", flush=True)
    res["warm"] = phase("warm", corpus_dir, home, work / f"warm-{size}.json")
    print(f"[{size}] plain load_corpus ...", flush=True)
    res["plain"] = phase("plain", corpus_dir, home, work / f"plain-{size}.json")
    paras = work / f"cold-{size}.paragraphs.txt"
    pairs = work / f"cold-{size}.pairs.json"
    if with_peers and paras.exists():
        fzf = peers.fzf_binary()
        if fzf:
            print(f"[{size}] fzf --filter ...", flush=True)
            res["fzf"] = peers.run_fzf(fzf, paras, QUERIES)
        py = peers.peers_python()
        if py and pairs.exists():
            print(f"[{size}] text-matcher ...", flush=True)
            res["textmatcher"] = peers.run_textmatcher(py, pairs, work / f"tm-{size}.json", 900)
    return res


def first_paint(seeds: Path) -> dict:
    """Median of alternating fresh-process runs of the hello-world and of newsreader."""
    times: dict[str, list[float]] = {"hello": [], "app": []}
    # Bytecode compiled once, as an installed package has it (see paint.py).
    subprocess.run([sys.executable, str(HERE / "paint.py"), "compile"], check=False, timeout=300)
    for _ in range(PAINT_RUNS):
        for mode in times:
            cmd = [sys.executable, str(HERE / "paint.py"), mode, str(seeds)]
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
            if p.returncode != 0:
                return {"error": (p.stderr.strip().splitlines() or ["failed"])[-1][:200]}
            times[mode].append(float(p.stdout.strip().splitlines()[-1]))
    return {mode: statistics.median(v) for mode, v in times.items()}


# --- the table -----------------------------------------------------------------------------------


def _get(d: dict, *keys: str) -> object:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _fmt(v: object, scale: float = 1.0, digits: int = 2) -> str:
    return "n/a" if not isinstance(v, int | float) else f"{v * scale:.{digits}f}"


def _ratio(a: object, b: object) -> str:
    ok = isinstance(a, int | float) and isinstance(b, int | float) and b
    return f"{a / b:.2f}x" if ok else "n/a"


def _sum(*vals: object) -> object:
    return sum(vals) if all(isinstance(v, int | float) for v in vals) else None


def _pair(r: dict, a: tuple[str, ...], b: tuple[str, ...], scale: float, digits: int) -> str:
    return f"{_fmt(_get(r, *a), scale, digits)} / {_fmt(_get(r, *b), scale, digits)}"


def table(results: list[dict], paint: dict) -> str:
    ms = 1000.0
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, fn: Callable[[dict], str]) -> None:
        rows.append((label, [fn(r) for r in results]))

    def secs(r: dict, phase: str, *parts: str) -> str:
        wall = _fmt(_sum(*(_get(r, phase, p, "s") for p in parts)))
        cpu = _sum(*(_get(r, phase, p, "cpu") for p in parts))
        return wall if cpu is None else f"{wall} ({_fmt(cpu)})"

    row("articles (paragraphs)", lambda r: f"{_get(r, 'cold', 'articles')} "
        f"({_get(r, 'cold', 'paragraphs')})")  # fmt: skip
    row("load_corpus, no library, 1 process (s)", lambda r: secs(r, "plain", "load"))
    row("cold: added to the library, list shows (s)", lambda r: secs(
        r, "cold", "load"))  # fmt: skip
    row("cold: search ready after that (s)", lambda r: secs(r, "cold", "index"))
    row("**cold: usable list = corpus + search index (s)**", lambda r: secs(
        r, "cold", "load", "index"))  # fmt: skip
    row("**warm: reopen from the library (s)**", lambda r: secs(r, "warm", "load"))
    row("warm: imports + reopen, fresh process (s)", lambda r: _fmt(
        _sum(_get(r, "warm", "import_s"), _get(r, "warm", "load", "s"))))  # fmt: skip
    row("**warm: reopen + search ready (s)**", lambda r: secs(
        r, "warm", "load", "index"))  # fmt: skip
    row("search per keystroke p50 / p95 (ms)", lambda r: _pair(
        r, ("cold", "search", "p50"), ("cold", "search", "p95"), ms, 1))  # fmt: skip
    row("search per keystroke, CPU p50 / p95 (ms)", lambda r: _pair(
        r, ("cold", "search", "cpu_p50"), ("cold", "search", "cpu_p95"), ms, 1))  # fmt: skip
    row("fzf --filter p50 / p95 (ms)", lambda r: _pair(
        r, ("fzf", "p50"), ("fzf", "p95"), ms, 1))  # fmt: skip
    row("**search p95 / fzf p95**", lambda r: _ratio(
        _get(r, "cold", "search", "p95"), _get(r, "fzf", "p95")))  # fmt: skip
    row("compare p50 / p95 / max (ms, 200 pairs)", lambda r: " / ".join(
        _fmt(_get(r, "cold", "compare", k), ms, 1) for k in ("p50", "p95", "max")))  # fmt: skip
    row("compare, first call in a process (ms)", lambda r: _fmt(
        _get(r, "cold", "compare", "first"), ms, 0))  # fmt: skip
    row("text-matcher per pair p50 (ms)", lambda r: _fmt(_get(r, "textmatcher", "p50"), ms, 1))
    row("compare / text-matcher, 200 pairs total", lambda r: _ratio(
        _get(r, "cold", "compare", "total"), _get(r, "textmatcher", "total")))  # fmt: skip
    row("pairs with reuse found: ours / text-matcher", lambda r: (
        f"{_get(r, 'cold', 'compare', 'found')} / {_get(r, 'textmatcher', 'found')}"))  # fmt: skip
    row("**related, whole corpus (s)**", lambda r: secs(r, "cold", "related"))
    row("related per article (ms)", lambda r: _fmt(
        _div(_get(r, "cold", "related", "s"), _get(r, "size")), ms, 2))  # fmt: skip
    row("related recall@10 (source in top 10)", lambda r: _fmt(
        _get(r, "cold", "related", "recall10"), 100, 0) + "%")  # fmt: skip
    row("**peak RSS, cold run incl. related (MB)**", lambda r: _fmt(
        _get(r, "cold", "peak_rss_mb"), 1, 0))  # fmt: skip
    row("peak RSS, warm reopen + index (MB)", lambda r: _fmt(_get(r, "warm", "peak_rss_mb"), 1, 0))
    row("peak RSS, one parse worker, cold (MB)", lambda r: _fmt(
        _get(r, "cold", "children_peak_rss_mb") or None, 1, 0))  # fmt: skip
    header = "| metric | " + " | ".join(f"{r['size']:,}" for r in results) + " |"
    lines = [header, "|---|" + "---:|" * len(results)]
    lines += [f"| {label} | " + " | ".join(vals) + " |" for label, vals in rows]
    lines.append("")
    if "error" in paint:
        lines.append(f"First paint on the seeds: n/a ({paint['error']})")
    else:
        lines.append(
            f"First paint on the seeds (median of {PAINT_RUNS}, fresh process, imports included): "
            f"newsreader {paint['app'] * ms:.0f} ms, Textual hello-world {paint['hello'] * ms:.0f}"
            f" ms, ratio **{_ratio(paint['app'], paint['hello'])}**"
        )
    lines.append(
        "Seconds are wall time; in brackets, CPU time of the measuring process and its parse "
        "workers (robust to other load on the machine)."
    )
    for r in results:
        fps = {_get(r, p, "loader_fingerprint") for p in ("cold", "warm")}
        if len(fps) > 1:
            lines.append(f"- {r['size']}: the loader changed between the cold and warm runs, "
                         "so the warm run parsed again (not a cache hit).")  # fmt: skip
    errors = sorted({f"{k}: {v['error']}" for r in results for k, v in _errors(r)})
    lines += ["", *[f"- n/a because {e}" for e in errors]] if errors else []
    return "\n".join(lines)


def _div(a: object, b: object) -> object:
    return a / b if isinstance(a, int | float) and isinstance(b, int | float) and b else None


def _errors(r: dict, prefix: str = "") -> Iterator[tuple[str, dict]]:
    for k, v in r.items():
        if isinstance(v, dict):
            if "error" in v:
                yield prefix + k, v
            else:
                yield from _errors(v, prefix + k + ".")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,5000,10000,20000", help="comma-separated sizes")
    ap.add_argument("--no-peers", action="store_true", help="skip fzf and text-matcher")
    ap.add_argument("--no-paint", action="store_true", help="skip the first-paint timing")
    ap.add_argument("--markdown", type=Path, help="also write the table and machine here")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    info = machine()
    results = []
    with tempfile.TemporaryDirectory(prefix="nr-bench-") as tmp:
        for size in sizes:
            results.append(run_size(size, Path(tmp), not args.no_peers))
        paint = {"error": "skipped"} if args.no_paint else first_paint(ROOT / "seeds")
    info["loadavg_end"] = os.getloadavg()
    text = table(results, paint)
    m = info
    machine_line = (
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}, "
        f"{m['os']}; load average {m['loadavg_start'][0]:.1f} at start, "
        f"{m['loadavg_end'][0]:.1f} at end."
    )
    print("\n" + text + "\n\n" + machine_line)
    (HERE / ".work").mkdir(exist_ok=True)
    raw = {"machine": info, "results": results, "paint": paint}
    (HERE / ".work" / "results.json").write_text(json.dumps(raw, indent=1))
    if args.markdown:
        args.markdown.write_text(text + "\n\n" + machine_line + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
