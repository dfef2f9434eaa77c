"""Find shared word runs between two token sequences and chain them into local alignments.

Cost grows with the shared text: hashed k-word shingles give seed pairs, a phrase repeated many
times yields a capped number of pairs, seeds merge into maximal runs per diagonal, and runs are
chained in one pass over a's order. Chains keep their order locally, so moved or reordered
passages become separate chains instead of breaking one global alignment.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from newsreader.progress import check

SHINGLE = 4  # words per seed
MAX_GAP = 6  # words that may be added/dropped/changed between two runs of one chain
PAIR_CAP = 16  # a phrase occurring m x n times with m*n above this is paired in order only


@dataclass(slots=True)
class Run:
    """An exact match of normalised words: a[i:i+n] == b[j:j+n]."""

    i: int
    j: int
    n: int


@dataclass(slots=True)
class Chain:
    """Runs in increasing order on both sides, with small gaps between them."""

    runs: list[Run] = field(default_factory=list)

    @property
    def a_start(self) -> int:
        return self.runs[0].i

    @property
    def a_end(self) -> int:
        return self.runs[-1].i + self.runs[-1].n

    @property
    def b_start(self) -> int:
        return self.runs[0].j

    @property
    def b_end(self) -> int:
        return self.runs[-1].j + self.runs[-1].n

    @property
    def matched(self) -> int:
        return sum(r.n for r in self.runs)


def _shingles(norms: list[str], k: int) -> dict[int, list[int]]:
    index: dict[int, list[int]] = defaultdict(list)
    for i in range(len(norms) - k + 1):
        index[hash(tuple(norms[i : i + k]))].append(i)
    return index


def _seed_pairs(a: list[str], b: list[str], k: int) -> list[tuple[int, int]]:
    ia, ib = _shingles(a, k), _shingles(b, k)
    pairs: list[tuple[int, int]] = []
    for h, pb in ib.items():
        pa = ia.get(h)
        if pa is None:
            continue
        if len(pa) * len(pb) <= PAIR_CAP:
            pairs.extend((i, j) for i in pa for j in pb)
            continue
        # A repeated phrase: pair the t-th occurrence in b with the proportional one in a (and
        # its neighbours), so repetitive texts cost linear, not quadratic, work.
        for t, j in enumerate(pb):
            c = t * len(pa) // len(pb)
            pairs.extend((i, j) for i in pa[max(0, c - 1) : c + 2])
    return pairs


def find_runs(a: list[str], b: list[str], k: int = SHINGLE) -> list[Run]:
    """Maximal exact runs of at least `k` words (fewer when a text is shorter than k)."""
    k = max(1, min(k, len(a), len(b)))
    if not a or not b:
        return []
    pairs = _seed_pairs(a, b, k)
    pairs.sort(key=lambda p: (p[1] - p[0], p[0]))
    runs: list[Run] = []
    seen: set[tuple[int, int]] = set()
    prev_d = prev_i = None
    for i, j in pairs:
        d = j - i
        if d == prev_d and prev_i is not None and i <= prev_i + 1 and runs:
            last = runs[-1]
            last.n = max(last.n, i + k - last.i)
        else:
            runs.append(Run(i, j, k))
        prev_d, prev_i = d, i
    out = []
    for r in runs:
        # grow over words a capped phrase did not seed
        while r.i > 0 and r.j > 0 and a[r.i - 1] == b[r.j - 1]:
            r.i, r.j, r.n = r.i - 1, r.j - 1, r.n + 1
        while r.i + r.n < len(a) and r.j + r.n < len(b) and a[r.i + r.n] == b[r.j + r.n]:
            r.n += 1
        if (r.i, r.j) not in seen:
            seen.add((r.i, r.j))
            out.append(r)
    return out


def chain_runs(
    runs: list[Run], *, gap: int = MAX_GAP, cancel: threading.Event | None = None
) -> list[Chain]:
    """Chain runs in one pass over a's order: each run extends the open chain it continues
    with the smallest gap (a few words on each side), or opens a new one."""
    runs = sorted(runs, key=lambda r: (r.i, r.j))
    active: list[Chain] = []
    done: list[Chain] = []
    for count, r in enumerate(runs):
        if count % 1024 == 0:
            check(cancel)
        still: list[Chain] = []
        for c in active:
            (still if c.a_end >= r.i - gap else done).append(c)
        active = still
        best, best_cost = None, None
        for c in active:
            ga, gb = r.i - c.a_end, r.j - c.b_end
            if ga < -r.n or gb < -r.n or ga > gap or gb > gap or abs(ga - gb) > gap:
                continue
            if r.i + r.n <= c.a_end or r.j + r.n <= c.b_end:
                continue  # nothing new
            cost = max(ga, 0) + max(gb, 0)
            if best_cost is None or cost < best_cost:
                best, best_cost = c, cost
        if best is None:
            active.append(Chain([Run(r.i, r.j, r.n)]))
            continue
        # adjacent exact runs may share words at their border: trim the overlap, keep the run
        over = max(best.a_end - r.i, best.b_end - r.j, 0)
        best.runs.append(Run(r.i + over, r.j + over, r.n - over))
    done.extend(active)
    return done


def select_chains(
    chains: list[Chain], len_a: int, len_b: int, *, min_matched: int, gap: int = MAX_GAP
) -> list[Chain]:
    """Keep chains largest first, trimming words already claimed on either side, so each word
    belongs to at most one passage (a text compared with itself keeps its own diagonal)."""
    used_a = bytearray(len_a)
    used_b = bytearray(len_b)
    kept: list[Chain] = []
    for chain in sorted(chains, key=lambda c: (-c.matched, c.a_start, c.b_start)):
        pieces: list[Run] = []
        for r in chain.runs:
            t = 0
            while t < r.n:
                while t < r.n and (used_a[r.i + t] or used_b[r.j + t]):
                    t += 1
                s = t
                while t < r.n and not used_a[r.i + t] and not used_b[r.j + t]:
                    t += 1
                if t > s:
                    pieces.append(Run(r.i + s, r.j + s, t - s))
        for part in _split_on_gaps(pieces, gap):
            if part.matched < min_matched:
                continue
            # claim the whole extent, so no later chain interleaves inside this one
            used_a[part.a_start : part.a_end] = b"\x01" * (part.a_end - part.a_start)
            used_b[part.b_start : part.b_end] = b"\x01" * (part.b_end - part.b_start)
            kept.append(part)
    return kept


def _split_on_gaps(runs: list[Run], gap: int) -> list[Chain]:
    out: list[Chain] = []
    for r in runs:
        if out:
            last = out[-1]
            ga, gb = r.i - last.a_end, r.j - last.b_end
            if 0 <= ga <= gap and 0 <= gb <= gap:
                last.runs.append(r)
                continue
        out.append(Chain([r]))
    return out
