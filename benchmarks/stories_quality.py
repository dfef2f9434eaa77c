"""Story-cluster quality and speed on the benchmark corpora.

    .venv/bin/python benchmarks/stories_quality.py [--size 1000] [--no-bbc] [--json OUT]

1k corpus (build_corpus.py; manifest.json records each derived article's sources): story count,
size distribution, purity and time. Purity of a story: the share of its members whose recorded
lineage (the article, its sources, their sources ...) meets the origin's lineage, i.e. that
really descend from the same text as the story's origin. `strict` counts only members whose
lineage holds the origin itself (or whose text the origin took).

BBC (all 2,225 originals, written to a temp folder): the exact-duplicate pairs the corpus holds,
how many of them end up in one story, the number and sizes of stories and the time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import build_corpus  # noqa: E402

from newsreader.corpus import load_corpus  # noqa: E402
from newsreader.provenance.clusters import clusters_json  # noqa: E402
from newsreader.provenance.story import build_stories  # noqa: E402
from newsreader.reuse import RelatedIndex  # noqa: E402


def lineages(manifest: list[dict], twins: dict[str, str] | None = None) -> dict[str, set[str]]:
    """Relative path -> itself plus every recorded ancestor. `twins` maps an original to one
    name for its text: the BBC corpus holds exact duplicates, which are one lineage."""
    twins = twins or {}
    sources = {m["path"]: m["sources"] for m in manifest}
    memo: dict[str, set[str]] = {}

    def up(p: str) -> set[str]:
        if p not in memo:
            out = {twins.get(p, p)}
            for s in sources.get(p, []):
                out |= up(s)
            memo[p] = out
        return memo[p]

    for p in sources:
        up(p)
    return memo


CALLS = [0]
CPU = [0.0]


def _count_compares() -> None:
    """Count compare_articles calls made by the clusters module (the cost that matters)."""
    from newsreader.provenance import clusters

    inner = clusters.compare_articles

    def counted(*a, **k):
        CALLS[0] += 1
        return inner(*a, **k)

    clusters.compare_articles = counted


def timed_stories(corpus) -> tuple[list, float, float]:
    CALLS[0] = 0
    t = time.perf_counter()
    index = RelatedIndex.build(corpus)
    t_index = time.perf_counter() - t
    t = time.perf_counter()
    cpu = time.process_time()
    stories = build_stories(corpus, index)
    CPU[0] = time.process_time() - cpu  # wall time suffers when the machine is busy
    return stories, t_index, time.perf_counter() - t


def sizes_summary(stories) -> dict:
    sizes = sorted((len(s) for s in stories), reverse=True)
    hist = Counter(
        "2" if n == 2 else "3-5" if n <= 5 else "6-10" if n <= 10 else "11-30" if n <= 30 else ">30"
        for n in sizes
    )
    return {
        "stories": len(sizes),
        "in_stories": sum(sizes),
        "largest": sizes[:8],
        "median": statistics.median(sizes) if sizes else 0,
        "hist": dict(hist),
    }


def run_1k(size: int) -> dict:
    folder = build_corpus.build(size)
    arts = folder / "articles"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    twins: dict[str, str] = {}
    first: dict[str, str] = {}
    for f in sorted((arts / "bbc").iterdir()):
        rel_f = f"bbc/{f.name}"
        twins[rel_f] = first.setdefault(f.read_text(encoding="utf-8").strip(), rel_f)
    lin = lineages(manifest, twins)
    derived = {m["path"] for m in manifest}
    corpus = load_corpus([arts])
    stories, t_index, t_stories = timed_stories(corpus)

    def rel(a) -> str:
        return a.path.resolve().relative_to(arts.resolve()).as_posix()

    def up(p: str) -> set[str]:
        return lin.get(p, {twins.get(p, p)})

    pure = strict = members = 0
    worst = []
    for s in stories:
        o = rel(s.origin.article)
        ok = ok_strict = 0
        for m in s.members:
            p = rel(m.article)
            if up(p) & up(o):
                ok += 1
            if up(o) <= up(p) or up(p) <= up(o):
                ok_strict += 1
        pure += ok
        strict += ok_strict
        members += len(s)
        worst.append((ok / len(s), len(s)))
    story_of = {rel(m.article): k for k, s in enumerate(stories) for m in s.members}
    # over-splitting: a derived article should share a story with the article it copied most
    with_source = sum(
        1
        for m in manifest
        if m["path"] in story_of and story_of.get(m["sources"][0]) == story_of[m["path"]]
    )
    # chaining: the originals (BBC articles) a story's members descend from; one story should
    # be about one original, so count members descending from its most common one
    on_main = originals = 0
    origin_on_main = 0
    for s in stories:
        roots = Counter(r for m in s.members for r in up(rel(m.article)) if r.startswith("bbc/"))
        if not roots:
            continue
        main = roots.most_common(1)[0][0]
        originals += len(roots)
        on_main += sum(1 for m in s.members if main in up(rel(m.article)))
        origin_on_main += main in up(rel(s.origin.article))
    # the origin guess: a story holding an original (a BBC article, never derived) should have
    # one as its origin
    with_original = [s for s in stories if any(rel(m.article) not in derived for m in s.members)]
    origin_ok = sum(1 for s in with_original if rel(s.origin.article) not in derived)
    # members that share next to nothing with their story's origin (the symptom of chaining)
    thin = sum(
        1
        for s in stories
        for m in s.members
        if not m.is_origin and max(m.reused_pct, m.taken_pct) < 5.0
    )
    out = {
        "articles": len(corpus.articles),
        "members_under_5pct_with_origin": f"{thin}/{members - len(stories)}",
        "origin_is_original": f"{origin_ok}/{len(with_original)}",
        **sizes_summary(stories),
        "purity": round(pure / members, 3) if members else None,
        "purity_main_original": round(on_main / members, 3) if members else None,
        "originals_per_story": round(originals / len(stories), 2) if stories else None,
        "origin_descends_from_main": f"{origin_on_main}/{len(stories)}",
        "purity_strict": round(strict / members, 3) if members else None,
        "impure_stories": sum(1 for r, _ in worst if r < 0.8),
        "derived_in_a_story": sum(
            1 for s in stories for m in s.members if rel(m.article) in derived
        ),
        "derived_total": len(manifest),
        "with_main_source": with_source,
        "index_s": round(t_index, 2),
        "stories_s": round(t_stories, 2),
        "stories_cpu_s": round(CPU[0], 2),
        "compares": CALLS[0],
    }
    return out


def run_bbc() -> dict:
    texts = build_corpus.fetch_bbc()
    with tempfile.TemporaryDirectory(prefix="bbc-stories-") as tmp:
        root = Path(tmp)
        for name, text in texts:
            (root / name.replace("/", "-")).write_text(text, encoding="utf-8")
        corpus = load_corpus([root])
        by_text: dict[str, list[str]] = {}
        for a in corpus.articles:
            by_text.setdefault(a.text.strip(), []).append(str(a.path.resolve()))
        pairs = [
            (g[i], g[j])
            for g in by_text.values()
            for i in range(len(g))
            for j in range(i + 1, len(g))
        ]
        stories, t_index, t_stories = timed_stories(corpus)
        # `newsreader related --json` only needs the clusters (no origins), timed apart
        index = RelatedIndex.build(corpus)
        t = time.perf_counter()
        clusters_json(corpus, index)
        t_clusters = time.perf_counter() - t
        story_of = {
            str(m.article.path.resolve()): k for k, s in enumerate(stories) for m in s.members
        }
        together = sum(1 for a, b in pairs if a in story_of and story_of[a] == story_of.get(b))
        return {
            "articles": len(corpus.articles),
            "dup_pairs": len(pairs),
            "dup_pairs_together": together,
            **sizes_summary(stories),
            "index_s": round(t_index, 2),
            "clusters_json_s": round(t_clusters, 2),
            "stories_s": round(t_stories, 2),
            "stories_cpu_s": round(CPU[0], 2),
            "compares": CALLS[0],
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--no-bbc", action="store_true")
    ap.add_argument("--no-1k", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    _count_compares()
    res = {}
    if not args.no_1k:
        res["derived"] = run_1k(args.size)
        print("derived", json.dumps(res["derived"]), flush=True)
    if not args.no_bbc:
        res["bbc"] = run_bbc()
        print("bbc", json.dumps(res["bbc"]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
