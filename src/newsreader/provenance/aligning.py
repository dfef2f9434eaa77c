"""Aligning many chosen pairs at once: in worker processes when there are enough of them.

Alignment (`compare_articles`) is pure Python and the cost of story clusters, so threads cannot
share it out; processes can. The pairs are chosen first (`clusters.select_pairs`), then sent to
workers in chunks as plain texts and paragraphs (no `Article` identity crosses a process: each
chunk carries the texts it needs once, however many of its pairs use them); each alignment comes
back packed as the library's verdict rows pack it (`pack_passages`) and becomes a `Comparison`
of the caller's own articles again. Results come back in the order of the pairs, so storing
them in batches and reporting progress are the same as aligning here. Few pairs, one CPU,
`NEWSREADER_WORKERS=1` or a pool that fails: aligned here, one by one, with the same results.

The worker hygiene is the parse pool's (store/parse_pool.py): spawned, never forked; Ctrl-C
ignored in workers; a worker exits when its parent is gone.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from newsreader.corpus import Article
from newsreader.corpus.models import unpack_paragraphs
from newsreader.progress import check
from newsreader.reuse import Comparison, compare_articles
from newsreader.reuse.compare import Tokenised
from newsreader.reuse.models import DiffOp, OpName, Part, Passage, PassageKind
from newsreader.reuse.tokens import article_tokens

# A worker costs ~0.5 s to start (interpreter, imports) and an alignment ~5-20 ms: below this
# many pairs the start-up eats the gain.
PARALLEL_MIN = 200
TOKEN_CACHE = 512  # articles whose tokens a worker keeps (~100 kB each)
CHUNK = 32  # pairs per task: ~0.3 s of work, so cancel and progress stay responsive
IN_FLIGHT = 3  # chunks queued per worker: workers never wait, texts are not all held at once

# An article as it crosses to a worker: its key in this run (its position), text, paragraphs
# packed (`corpus.models.pack_paragraphs`: bytes pickle at memory speed; Paragraph objects did not).
Side = tuple[Hashable, str, bytes]
Aligned = tuple[float, float, bytes]  # a_reused_pct, b_reused_pct, pack_passages(passages)


# -- packing -------------------------------------------------------------------------------------

_KINDS: tuple[PassageKind, ...] = ("verbatim", "near", "paraphrase")
_OPS: tuple[OpName, ...] = ("equal", "insert", "delete", "replace")


def pack_passages(passages: Sequence[Passage]) -> bytes:
    """A comparison's passages as one BLOB: the passage and part counts (int32 each), the
    scores (float64: the passages', then every part's in order), then per passage its four
    offsets, kind, op count and part count, each op's kind and four offsets, and each part's
    four offsets and kind (int32)."""
    parts = sum(len(p.parts) for p in passages)
    head = array("i", (len(passages), parts))
    scores = array("d", (p.score for p in passages))
    scores.extend(part.score for p in passages for part in p.parts)
    flat = array("i")
    for p in passages:
        flat.extend((p.a_start, p.a_end, p.b_start, p.b_end, _KINDS.index(p.kind), len(p.diff)))
        flat.append(len(p.parts))
        for op in p.diff:
            flat.extend((_OPS.index(op.op), op.a_start, op.a_end, op.b_start, op.b_end))
        for part in p.parts:
            flat.extend((part.a_start, part.a_end, part.b_start, part.b_end))
            flat.append(_KINDS.index(part.kind))
    return head.tobytes() + scores.tobytes() + flat.tobytes()


def unpack_passages(data: bytes) -> list[Passage]:
    """The passages `pack_passages` packed."""
    head = array("i")
    head.frombytes(data[:8])
    n, n_parts = head
    scores = array("d")
    scores.frombytes(data[8 : 8 + 8 * (n + n_parts)])
    flat = array("i")
    flat.frombytes(data[8 + 8 * (n + n_parts) :])
    out, i, next_part = [], 0, n
    for k in range(n):
        a0, a1, b0, b1, kind, ops, count = flat[i : i + 7]
        i += 7
        diff = tuple(
            DiffOp(_OPS[flat[j]], flat[j + 1], flat[j + 2], flat[j + 3], flat[j + 4])
            for j in range(i, i + 5 * ops, 5)
        )
        i += 5 * ops
        parts = []
        for j in range(i, i + 5 * count, 5):
            parts.append(
                Part(
                    flat[j],
                    flat[j + 1],
                    flat[j + 2],
                    flat[j + 3],
                    _KINDS[flat[j + 4]],
                    scores[next_part],
                )
            )
            next_part += 1
        i += 5 * count
        out.append(Passage(a0, a1, b0, b1, _KINDS[kind], scores[k], diff, tuple(parts)))
    return out


def pack_spans(spans: Iterable[tuple[int, int]]) -> bytes:
    """Spans as one BLOB of int32 (start, end) pairs (the library's `verdict` and `analysis`)."""
    flat = array("i")
    for s, e in spans:
        flat.extend((s, e))
    return flat.tobytes()


def unpack_spans(data: bytes) -> list[tuple[int, int]]:
    flat = array("i")
    flat.frombytes(data)
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]


# -- in a worker ---------------------------------------------------------------------------------


class TokenCache:
    """`article_tokens` of the articles aligned last, by a key the caller gives each article
    (an article is in several chosen pairs, mostly close together in selection order, and
    tokenising was most of an alignment's time). Bounded: tokens are ~100 bytes a word."""

    def __init__(self, size: int = TOKEN_CACHE) -> None:
        self.size = size
        self._found: OrderedDict[Hashable, Tokenised] = OrderedDict()

    def get(self, key: Hashable, article: Article) -> Tokenised:
        found = self._found.get(key)
        if found is not None:
            self._found.move_to_end(key)
            return found
        found = self._found[key] = article_tokens(article)
        if len(self._found) > self.size:
            self._found.popitem(last=False)
        return found

    def tokens(self, keys: Mapping[int, Hashable]) -> Callable[[Article], Tokenised]:
        """`compare_articles`'s `tokens` for articles keyed by `keys` (`id(article)` -> key)."""
        return lambda article: self.get(keys[id(article)], article)


_WORKER_TOKENS = TokenCache()  # in a worker process: kept across the chunks it is given


def align_sides(
    a: Article, b: Article, tokens: Callable[[Article], Tokenised] | None = None
) -> Aligned:
    """One pair aligned, as it crosses back from a worker."""
    found = compare_articles(a, b, tokens=tokens)
    return found.a_reused_pct, found.b_reused_pct, pack_passages(found.passages)


def _align_chunk(chunk: tuple[list[Side], list[tuple[int, int]]]) -> list[Aligned]:
    """In a worker: the chunk's pairs (indexes into its sides), aligned in order."""
    import gc

    gc.disable()  # short-lived, allocation-heavy, no cycles worth collecting
    sides, pairs = chunk
    articles = [
        Article(Path(f"#{key}"), text, paragraphs=unpack_paragraphs(packed))
        for key, text, packed in sides
    ]
    tokens = _WORKER_TOKENS.tokens({id(a): s[0] for a, s in zip(articles, sides, strict=True)})
    return [align_sides(articles[i], articles[j], tokens) for i, j in pairs]


# -- in the caller -------------------------------------------------------------------------------


def worker_count(workers: int | None = None) -> int:
    """`workers` if given, else NEWSREADER_WORKERS, else the CPUs this process may use."""
    from newsreader.store.parse_pool import worker_count as default_count

    return max(1, workers) if workers is not None else default_count()


def align_pairs(
    articles: Sequence[Article],
    pairs: Sequence[tuple[int, int]],
    *,
    cancel: threading.Event | None = None,
    workers: int | None = None,
) -> Iterator[tuple[tuple[int, int], Comparison]]:
    """(pair, comparison of its two articles, the first as side a) for each pair of positions
    into `articles`, in the order given. Stops (`Cancelled`) when `cancel` is set."""
    # (Few pairs, as in a stored run: not even the pool's imports, a quarter of a second.)
    n = worker_count(workers) if len(pairs) >= PARALLEL_MIN else 1
    done = 0
    if n > 1:
        try:
            for item in _in_workers(articles, pairs, n, cancel):
                done += 1
                yield item
            return
        except Exception as e:  # no processes here (sandbox, limits), a crashed worker
            from newsreader.progress import Cancelled

            if isinstance(e, Cancelled):
                raise
            import logging

            logging.getLogger(__name__).warning(
                "aligning in worker processes failed; going on in-process", exc_info=True
            )
    cache = TokenCache()
    keys = {id(articles[p]): p for pair in pairs[done:] for p in pair}
    tokens = cache.tokens(keys)
    for pair in pairs[done:]:
        check(cancel)
        a, b = articles[pair[0]], articles[pair[1]]
        yield pair, compare_articles(a, b, cancel=cancel, tokens=tokens)


def chunks(
    articles: Sequence[Article], pairs: Sequence[tuple[int, int]], size: int | None = None
) -> Iterator[tuple[list[Side], list[tuple[int, int]]]]:
    """The pairs in runs of `size` (`CHUNK`), each with the texts it needs once (a run of
    pairs in selection order shares many articles: an article's own pairs come together)."""
    size = size or CHUNK
    for start in range(0, len(pairs), size):
        where: dict[int, int] = {}
        sides: list[Side] = []
        local = []
        for pair in pairs[start : start + size]:
            ends = []
            for p in pair:
                k = where.get(p)
                if k is None:
                    k = where[p] = len(sides)
                    sides.append((p, *articles[p].packed()))
                ends.append(k)
            local.append((ends[0], ends[1]))
        yield sides, local


def _in_workers(
    articles: Sequence[Article],
    pairs: Sequence[tuple[int, int]],
    n: int,
    cancel: threading.Event | None,
) -> Iterator[tuple[tuple[int, int], Comparison]]:
    from newsreader.store.parse_pool import in_order, worker_pool

    pool = worker_pool(n)
    finished = False
    try:
        done = 0
        for results in in_order(
            pool, _align_chunk, chunks(articles, pairs), in_flight=IN_FLIGHT * n, cancel=cancel
        ):
            for a_pct, b_pct, packed in results:
                check(cancel)  # what the caller did with the last one may have been to cancel
                pair = pairs[done]
                done += 1
                a, b = articles[pair[0]], articles[pair[1]]
                yield pair, comparison_of(a, b, (a_pct, b_pct, packed))
        finished = True
    finally:
        # Done: let the idle workers exit. Cancelled or failed: do not wait for chunks still
        # being aligned.
        pool.shutdown(wait=finished, cancel_futures=not finished)


def comparison_of(a: Article, b: Article, aligned: Aligned) -> Comparison:
    """The `Comparison` of a (side a) and b from what a worker sent back."""
    a_pct, b_pct, packed = aligned
    return Comparison(a, b, a_pct, b_pct, unpack_passages(packed))
