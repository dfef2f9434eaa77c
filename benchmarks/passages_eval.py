"""How readable compare's passages are: whole sentences, or fragments of them?

    python benchmarks/passages_eval.py [--msrp DIR] [--meter DIR] [--pairs N] [--show N]

Prints, per set of article pairs: passages per pair, the share of passages under 6 words (on
the shorter side), the share "adjacent on both sides" (starting within ADJACENT characters of
the previous passage's end on both sides), and the share of those whose cut falls inside a
sentence on either side (pieces of one sentence shown as separate passages; the rest are whole
neighbouring sentences), and compare's time per pair (p50 / p95, wall and CPU). Then how often
the seeds reference's kind (tests/fixtures/seeds-gold.json) is the kind of the passage covering
most of a link, and of the part covering most of it (eval_align reads the passage's kind).

Sets:
- seeds: the 10 pairs of the bundled seed articles (real coverage of one press release).
- fixtures: the repo's own wire/paper and release/coverage test articles.
- msrp: real rewritten news sentences. The Microsoft Research Paraphrase Corpus pairs sentences
  from different outlets' stories on the same event (2004-05); its pairs judged equivalent are
  laid out one sentence per paragraph, PAIR_SENTENCES pairs per article pair, in corpus order.
  The articles are assembled, the rewrites are real. Not bundled (its licence is not ours):
  `--msrp DIR` names a folder holding msr_paraphrase_train.txt / msr_paraphrase_test.txt
  (default benchmarks/data/, which git ignores); the set is skipped when they are missing.
- meter: real wire -> newspaper pairs, the METER corpus (Gaizauskas et al., Sheffield: Press
  Association copy and the British papers' stories on the same court and showbiz news, 1999-2000;
  its copy in github.com/AbeHandler/text-plagiarism, t/meter-corpus). Every newspaper article
  its index lists as wholly or partially derived from PA, paired with each PA story of the same
  catchline. Not bundled (its licence is not ours): `--meter DIR` names the corpus folder
  (default benchmarks/data/meter-corpus, git-ignored); skipped when missing.
- derived: (source, derived) pairs of a corpus from `benchmarks/build_corpus.py 400`: real BBC
  News text edited, reordered, rewritten and spliced by a seeded generator (not human
  rewrites); skipped when that corpus has not been built.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import re
import sys
import time
from pathlib import Path

from newsreader.corpus import load_article
from newsreader.reuse import compare_texts

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ADJACENT = 3  # characters between a passage and the previous one, on each side
SHORT = 6  # words: a passage shorter than this on either side is a fragment
PAIR_SENTENCES = 6
_WORD = re.compile(r"\w+(?:['’\-.]\w+)*")


def inside_sentence(text: str, end: int, start: int) -> bool:
    """Whether a cut between `end` and `start` of one text falls inside a sentence."""
    before = text[:end].rstrip()
    return "\n" not in text[end:start] and not before.endswith((".", "!", "?", '."', ".”"))


def words(text: str) -> int:
    return len(_WORD.findall(text))


def seed_pairs() -> list[tuple[str, str, str]]:
    files = sorted((ROOT / "seeds").glob("*.txt"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    return [
        (f"{files[i].stem[:3]}-{files[j].stem[:3]}", texts[i], texts[j])
        for i, j in itertools.combinations(range(len(files)), 2)
    ]


def fixture_pairs() -> list[tuple[str, str, str]]:
    fx = ROOT / "tests" / "fixtures"

    def read(p: str) -> str:
        return (fx / p).read_text(encoding="utf-8")

    out = [("wire-paper", read("reuse/wire.txt"), read("reuse/paper.txt"))]
    for other in ("daily", "weekly", "gazette"):
        release, other_text = read("provenance/release.txt"), read(f"provenance/{other}.txt")
        out.append((f"release-{other}", release, other_text))
    out.append(("football", read("provenance/football.txt"), read("provenance/football_copy.txt")))
    return out


def msrp_pairs(folder: Path, limit: int) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str]] = []
    for name in ("msr_paraphrase_train.txt", "msr_paraphrase_test.txt"):
        path = folder / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            next(reader, None)
            for row in reader:
                if len(row) == 5 and row[0] == "1":
                    rows.append((row[3], row[4]))
    out = []
    for n in range(0, len(rows) - PAIR_SENTENCES + 1, PAIR_SENTENCES):
        chunk = rows[n : n + PAIR_SENTENCES]
        a = "\n\n".join(x for x, _ in chunk) + "\n"
        b = "\n\n".join(y for _, y in chunk) + "\n"
        out.append((f"msrp{n // PAIR_SENTENCES:04d}", a, b))
        if len(out) >= limit:
            break
    return out


def meter_pairs(folder: Path, limit: int) -> list[tuple[str, str, str]]:
    """(PA story, newspaper story derived from it) pairs of the METER corpus, every
    `len / limit`-th one so that courts and showbiz both appear when `limit` is small."""
    index = folder / "file_index"
    if not index.is_dir():
        return []
    papers = sorted(
        {
            line.strip().removeprefix("meter_corpus/")
            for name in ("wholly_derived.txt", "partially_derived.txt")
            for listing in index.glob(f"*/{name}")
            for line in listing.read_text(encoding="latin-1").splitlines()
            if line.strip()
        }
    )
    out = []
    for rel in papers:
        paper = folder / rel
        if not paper.exists():
            continue
        # newspapers/rawtexts/<domain>/<date>/<catchline>/x.txt -> PA/rawtexts/<same folder>
        wire_dir = folder / "PA" / paper.parent.relative_to(folder / "newspapers")
        for wire in sorted(wire_dir.glob("*.txt")):
            out.append(
                (
                    f"{wire.stem}-{paper.stem}",
                    wire.read_text(encoding="latin-1"),
                    paper.read_text(encoding="latin-1"),
                )
            )
    step = max(1, len(out) // limit) if limit else 1
    return out[::step][:limit] if limit else out


def derived_pairs(folder: Path, limit: int) -> list[tuple[str, str, str]]:
    """(source, derived) pairs of a corpus made by benchmarks/build_corpus.py: real BBC News
    text, edited, reordered, rewritten and spliced by a seeded generator (not human rewrites)."""
    manifest = folder / "manifest.json"
    if not manifest.exists():
        return []
    out = []
    for entry in json.loads(manifest.read_text(encoding="utf-8"))[:limit]:
        derived = load_article(folder / "articles" / entry["path"])
        source = load_article(folder / "articles" / entry["sources"][0])
        out.append((entry["path"], source.text, derived.text))
    return out


def measure(pairs: list[tuple[str, str, str]], show: int) -> dict:
    passages = short = adjacent = inside = 0
    shown = 0
    walls: list[float] = []
    cpus: list[float] = []
    for name, a, b in pairs:
        wall, cpu = time.perf_counter(), time.process_time()
        result = compare_texts(a, b)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        found = sorted(result["passages"], key=lambda p: (p["a_start"], p["b_start"]))
        prev = None
        for p in found:
            passages += 1
            wa, wb = words(a[p["a_start"] : p["a_end"]]), words(b[p["b_start"] : p["b_end"]])
            short += min(wa, wb) < SHORT
            if prev is not None and (
                abs(p["a_start"] - prev["a_end"]) <= ADJACENT
                and abs(p["b_start"] - prev["b_end"]) <= ADJACENT
            ):
                adjacent += 1
                inside += inside_sentence(a, prev["a_end"], p["a_start"]) or inside_sentence(
                    b, prev["b_end"], p["b_start"]
                )
                if shown < show:
                    shown += 1
                    print(
                        f"  adjacent in {name}: {a[prev['a_start'] : prev['a_end']][-40:]!r} | "
                        f"{a[p['a_start'] : p['a_end']][:40]!r} ({prev['kind']}, {p['kind']})"
                    )
            prev = p
    return {
        "pairs": len(pairs),
        "passages": passages,
        "per_pair": passages / len(pairs) if pairs else 0.0,
        "short": short / passages if passages else 0.0,
        "adjacent": adjacent / passages if passages else 0.0,
        "inside": inside / passages if passages else 0.0,
        "wall": (_quantile(walls, 0.5), _quantile(walls, 0.95)),
        "cpu": (_quantile(cpus, 0.5), _quantile(cpus, 0.95)),
    }


def _quantile(xs: list[float], q: float) -> float:
    """In milliseconds."""
    return 1000 * sorted(xs)[round(q * (len(xs) - 1))] if xs else 0.0


def seeds_kinds(gold_path: Path) -> tuple[int, int, int]:
    """(passage kind agrees, part kind agrees, links) over the seeds reference's links that
    compare finds, read the way eval_align reads them: the passage covering most of the link's
    a side, and within it the part covering most of it."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    texts = {n: (ROOT / "seeds" / n).read_text(encoding="utf-8") for n in gold["articles"]}

    def overlap(x: tuple[int, int], y: tuple[int, int]) -> int:
        return max(0, min(x[1], y[1]) - max(x[0], y[0]))

    agree = parts = links = 0
    for a, b in itertools.combinations(sorted(texts), 2):
        found = compare_texts(texts[a], texts[b])["passages"]
        for link in gold["links"]:
            if {link["a"], link["b"]} != {a, b} or link["kind"] == "fragment":
                continue
            sa, sb = (
                (link["a_text"], link["b_text"])
                if link["a"] == a
                else (link["b_text"], link["a_text"])
            )
            ia, ib = texts[a].find(sa), texts[b].find(sb)
            ga, gb = (ia, ia + len(sa)), (ib, ib + len(sb))
            touching = [
                p
                for p in found
                if overlap(ga, (p["a_start"], p["a_end"]))
                and overlap(gb, (p["b_start"], p["b_end"]))
            ]
            if not touching:
                continue
            main = max(touching, key=lambda p: overlap(ga, (p["a_start"], p["a_end"])))
            part = max(
                main.get("parts") or [main], key=lambda p: overlap(ga, (p["a_start"], p["a_end"]))
            )
            links += 1
            agree += main["kind"] == link["kind"]
            parts += part["kind"] == link["kind"]
    return agree, parts, links


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--msrp", type=Path, default=HERE / "data")
    ap.add_argument("--pairs", type=int, default=200, help="msrp article pairs (at most)")
    ap.add_argument("--meter", type=Path, default=HERE / "data" / "meter-corpus")
    ap.add_argument(
        "--meter-pairs", type=int, default=0, help="meter pairs, spread evenly (0: all)"
    )
    ap.add_argument("--show", type=int, default=0, help="print this many adjacent fragments")
    ap.add_argument(
        "--derived",
        type=Path,
        default=HERE / ".work" / "corpus-400",
        help="a corpus from build_corpus.py (its first --pairs derived articles and sources)",
    )
    args = ap.parse_args()
    sets = {"seeds": seed_pairs(), "fixtures": fixture_pairs()}
    msrp = msrp_pairs(args.msrp, args.pairs)
    if msrp:
        sets["msrp"] = msrp
    else:
        print(f"msrp: skipped (no MSRP files in {args.msrp})", file=sys.stderr)
    meter = meter_pairs(args.meter, args.meter_pairs)
    if meter:
        sets["meter"] = meter
    else:
        print(f"meter: skipped (no METER corpus in {args.meter})", file=sys.stderr)
    derived = derived_pairs(args.derived, args.pairs)
    if derived:
        sets["derived"] = derived
    else:
        print(
            f"derived: skipped (run benchmarks/build_corpus.py 400 for {args.derived})",
            file=sys.stderr,
        )
    print(
        f"| set | pairs | passages | per pair | under {SHORT} words | adjacent both sides "
        "| ... of them cut inside a sentence | compare p50 / p95 ms (cpu) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, pairs in sets.items():
        r = measure(pairs, args.show)
        print(
            f"| {name} | {r['pairs']} | {r['passages']} | {r['per_pair']:.2f} | "
            f"{100 * r['short']:.1f}% | {100 * r['adjacent']:.1f}% | {100 * r['inside']:.1f}% | "
            f"{r['wall'][0]:.1f} / {r['wall'][1]:.1f} ({r['cpu'][0]:.1f} / {r['cpu'][1]:.1f}) |"
        )
    agree, parts, links = seeds_kinds(ROOT / "tests" / "fixtures" / "seeds-gold.json")
    print(f"\nseeds kinds agree with the reference: passage {agree}/{links}, part {parts}/{links}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
