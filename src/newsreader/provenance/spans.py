"""Sets of character spans `(start, end)`: merge, measure, intersect, subtract.

Everything in provenance reasons about which characters of an article are covered by passages,
so these small operations on sorted, disjoint span lists are shared.
"""

from __future__ import annotations

from collections.abc import Iterable

Span = tuple[int, int]


def merge(spans: Iterable[Span]) -> list[Span]:
    """Sorted, disjoint spans covering the same characters (empty spans dropped)."""
    out: list[list[int]] = []
    for s, e in sorted(sp for sp in spans if sp[1] > sp[0]):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def total(spans: Iterable[Span]) -> int:
    """Characters covered (spans need not be merged)."""
    return sum(e - s for s, e in merge(spans))


def intersect(a: list[Span], b: list[Span]) -> list[Span]:
    """Characters in both merged span lists."""
    out = []
    i = j = 0
    while i < len(a) and j < len(b):
        s = max(a[i][0], b[j][0])
        e = min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(a: list[Span], b: list[Span]) -> list[Span]:
    """Characters of merged `a` not in merged `b`."""
    out = []
    j = 0
    for s, e in a:
        cur = s
        while j < len(b) and b[j][1] <= cur:
            j += 1
        k = j
        while k < len(b) and b[k][0] < e:
            if b[k][0] > cur:
                out.append((cur, b[k][0]))
            cur = max(cur, b[k][1])
            k += 1
        if cur < e:
            out.append((cur, e))
    return out


def clip(spans: Iterable[Span], start: int, end: int) -> list[Span]:
    """The parts of `spans` inside `start:end`."""
    return [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]
