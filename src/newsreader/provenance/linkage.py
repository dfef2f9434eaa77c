"""From verified edges to stories, without letting one bridging article chain stories together.

Plain connected components (single linkage) merge two stories as soon as one article shares a
paragraph with each: an outlet that mixes two wire stories, or a background paragraph quoted by
a follow-up, then turns dozens of stories into one. Here:

- strong edges are taken best first (the share of the shorter article that is shared);
- an article on its own joins a group when the link is to the group's hub (the member most
  linked inside it), or it links to two or more members, or the two texts are mostly one text;
- two groups merge only when the links between them reach the hub of each group or touch
  two or more members on each side: a story grown around one source does not absorb another
  through a single member that took a bit of both;
- an article left out by these rules, or with only weak edges (a short shared passage), is
  attached as a leaf to the group it is best linked to, and a leaf passes nothing on.
"""

from __future__ import annotations

from collections.abc import Iterable

SAME_TEXT = 0.5  # an edge covering this share of the shorter article joins it anywhere

Edge = tuple[float, int, int]  # (strength, i, j)


class Linkage:
    """Union-find over article positions with the joining rules above."""

    def __init__(self, size: int, strong: Iterable[tuple[int, int]]) -> None:
        self.parent = list(range(size))
        self.members: dict[int, list[int]] = {n: [n] for n in range(size)}
        self.adj: dict[int, set[int]] = {}
        for i, j in strong:
            self.adj.setdefault(i, set()).add(j)
            self.adj.setdefault(j, set()).add(i)

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, ri: int, rj: int) -> None:
        keep, gone = min(ri, rj), max(ri, rj)
        self.parent[gone] = keep
        self.members[keep].extend(self.members.pop(gone))

    def hub(self, root: int) -> int:
        """The member with the most strong links inside its group (lowest position on ties)."""
        group = set(self.members[root])
        return max(sorted(group), key=lambda x: len(self.adj.get(x, set()) & group))

    def _side_ok(self, root: int, touched: set[int]) -> bool:
        return len(touched) >= 2 or self.hub(root) in touched

    def try_join(self, strength: float, i: int, j: int) -> bool:
        """Join the groups of i and j by a strong edge if the rules allow; whether joined."""
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return False
        a, b = self.members[ri], self.members[rj]
        if len(a) > len(b):
            a, b, ri, rj, i, j = b, a, rj, ri, j, i
        bset = set(b)
        touched_a = {x for x in a if self.adj.get(x, set()) & bset}
        touched_b = {y for x in touched_a for y in self.adj[x] & bset}
        if len(a) == 1:
            ok = strength >= SAME_TEXT or len(touched_b) >= 2 or self.hub(rj) in touched_b
        else:
            ok = self._side_ok(ri, touched_a) and self._side_ok(rj, touched_b)
        if ok:
            self.union(ri, rj)
        return ok


def link(size: int, strong: list[Edge], weak: list[Edge]) -> list[list[int]]:
    """Groups (positions) of two or more articles, largest first, ties by first position."""
    linkage = Linkage(size, ((i, j) for _, i, j in strong))
    for strength, i, j in sorted(strong, key=lambda e: (-e[0], e[1], e[2])):
        linkage.try_join(strength, i, j)
    core = {x for group in linkage.members.values() if len(group) > 1 for x in group}
    leaves: set[int] = set()
    # Left over: articles whose strong links the rules kept out (then their best strong link),
    # and articles with weak links only. Each joins as a leaf, which passes nothing on.
    by_strength = sorted(strong, key=lambda e: (-e[0], e[1], e[2]))
    by_chars = sorted(weak, key=lambda e: (-e[0], e[1], e[2]))
    for _, i, j in by_strength + by_chars:
        free_i = i not in core and i not in leaves
        free_j = j not in core and j not in leaves
        if free_i and (j in core or free_j):
            linkage.union(linkage.find(i), linkage.find(j))
            leaves.add(i)
            if free_j:
                leaves.add(j)
        elif free_j and i in core:
            linkage.union(linkage.find(i), linkage.find(j))
            leaves.add(j)
    groups = [sorted(g) for g in linkage.members.values() if len(g) > 1]
    groups.sort(key=lambda g: (-len(g), g[0]))
    return groups
