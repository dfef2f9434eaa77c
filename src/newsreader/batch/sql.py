"""The related-neighbour step as SQL: `RelatedIndex.related` for every article, relationally.

Each step is one SELECT over the input views (`article`, `term`, `shingle`, from DIR/input) and
earlier steps, in SQL both DuckDB and Spark SQL accept: window functions, CTE-free subqueries,
LN, SQRT, EXP, ROUND, LEAST, GREATEST, TRY_CAST; no QUALIFY, no engine-only functions.

What it reproduces (reuse/related.py): weights are log tf x idf over terms in more than one
article, L2-normalised and kept as FLOAT (float32, like the embedded engine's arrays: the float32
rounding also absorbs the last-bit differences of a sum taken in another order); an article's
query is its `QUERY_TERMS` heaviest terms in at most `MAX_POSTINGS` articles (its heaviest terms
in at most `FALLBACK_POSTINGS` when fewer than a quarter of that qualify); candidates are the
articles sharing query terms, by the summed query weight (ties as the embedded engine meets
them: the first query term that found them, then id), the best `CANDIDATES` plus every article
with the same text; each is scored exactly (cosine over all shared terms, then the shared
sampled shingles' boost), ranked by `rank_key` (identical first, score to two decimals, date
distance, exact score, locator) and the top `K` kept.

The steps from `focus` on only look at the articles `focus` names (each article's neighbours
depend on its own rows and the global weights), so an engine may run them once per slice of
article ids (`focus_sql(lo, hi)`) to keep memory flat; `RELATED_STEPS` as a whole ranks every
article at once.
"""

from __future__ import annotations

from newsreader.library.derived import K
from newsreader.reuse.related import (
    COPY_SATURATION,
    COPY_WEIGHT,
    FALLBACK_POSTINGS,
    MAX_POSTINGS,
    QUERY_TERMS,
    RESCORE,
)

CANDIDATES = max(K * RESCORE, K + 5)  # rescored per article, as `related(article, K)` does
FALLBACK = QUERY_TERMS // 4  # fewer rare terms than this: the heaviest in FALLBACK_POSTINGS
NO_DATE = 10**6  # the date distance when either date is unknown (`related._date_distance`)
# Candidate sums are compared at this many decimals: the same terms summed in another order
# may differ in the last bits, and equal sums must tie (then the embedded engine's order).
SUM_DECIMALS = 9

_TOTAL = "SELECT COUNT(*) AS n FROM article"

_DF = "SELECT term_id, COUNT(*) AS df FROM term GROUP BY term_id"

_RAW = """
SELECT t.article_id, t.term_id, d.df,
       (1.0 + LN(t.count)) * LN(CAST(n.n AS DOUBLE) / d.df) AS x
FROM term t
JOIN df d ON d.term_id = t.term_id
CROSS JOIN total n
WHERE d.df > 1
"""

_NORM = "SELECT article_id, SQRT(SUM(x * x)) AS norm FROM raw GROUP BY article_id"

# `term_weights`: x / norm (norm 0: 1) in double, stored as float32.
_WEIGHT = """
SELECT r.article_id, r.term_id, r.df,
       CAST(r.x / (CASE WHEN m.norm > 0 THEN m.norm ELSE 1.0 END) AS FLOAT) AS w
FROM raw r
JOIN norm m ON m.article_id = r.article_id
"""

# A year, month and day that `date.fromisoformat(value[:10])` accepts, as a day number
# (days from civil: only differences are used).
_DAY = """
SELECT id,
       CASE WHEN y IS NULL OR m IS NULL OR d IS NULL OR y < 1 OR m < 1 OR m > 12 OR d < 1
                 OR d > (CASE WHEN m = 2 THEN
                             (CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0
                                   THEN 29 ELSE 28 END)
                         WHEN m IN (4, 6, 9, 11) THEN 30 ELSE 31 END)
            THEN NULL
            ELSE CAST(
                FLOOR(yy / 400.0) * 146097
                + (yy - FLOOR(yy / 400.0) * 400) * 365
                + FLOOR((yy - FLOOR(yy / 400.0) * 400) / 4.0)
                - FLOOR((yy - FLOOR(yy / 400.0) * 400) / 100.0)
                + FLOOR((153 * ((m + 9) % 12) + 2) / 5.0) + d - 1
            AS BIGINT)
       END AS day
FROM (
    SELECT id, y, m, d, y - (CASE WHEN m <= 2 THEN 1 ELSE 0 END) AS yy
    FROM (
        SELECT id,
               TRY_CAST(SUBSTR(date, 1, 4) AS INTEGER) AS y,
               TRY_CAST(SUBSTR(date, 6, 2) AS INTEGER) AS m,
               TRY_CAST(SUBSTR(date, 9, 2) AS INTEGER) AS d
        FROM article
        WHERE date LIKE '____-__-__%'
    ) p
) q
"""

_FOCUS = "SELECT id AS article_id, content_hash FROM article"


# Query terms: the heaviest rare terms (ties: the larger term id first, as sorting the
# (weight, term) pairs in reverse does), or when too few are rare the heaviest terms in at most
# FALLBACK_POSTINGS articles. `join` limits the articles (empty: every article).
def _query(join: str) -> str:
    return f"""
SELECT article_id, term_id, CAST(w AS DOUBLE) AS w,
       CASE WHEN n_low >= {FALLBACK} THEN r_low ELSE r_all END AS qrank
FROM (
    SELECT g.article_id, g.term_id, g.w, g.df,
           ROW_NUMBER() OVER (PARTITION BY g.article_id
                              ORDER BY CASE WHEN g.df <= {FALLBACK_POSTINGS} THEN 0 ELSE 1 END,
                                       g.w DESC, g.term_id DESC) AS r_all,
           ROW_NUMBER() OVER (PARTITION BY g.article_id
                              ORDER BY CASE WHEN g.df <= {MAX_POSTINGS} THEN 0 ELSE 1 END,
                                       g.w DESC, g.term_id DESC) AS r_low,
           SUM(CASE WHEN g.df <= {MAX_POSTINGS} THEN 1 ELSE 0 END)
               OVER (PARTITION BY g.article_id) AS n_low
    FROM weight g
    {join}
) s
WHERE (n_low >= {FALLBACK} AND df <= {MAX_POSTINGS} AND r_low <= {QUERY_TERMS})
   OR (n_low < {FALLBACK} AND df <= {FALLBACK_POSTINGS} AND r_all <= {QUERY_TERMS})
"""


_QUERY = _query("JOIN focus f ON f.article_id = g.article_id")

# Accumulated query weight per candidate, and the first query term that reached it.
_ACC = """
SELECT q.article_id, p.article_id AS other_id, SUM(q.w) AS acc, MIN(q.qrank) AS first_term
FROM query q
JOIN weight p ON p.term_id = q.term_id
WHERE p.article_id <> q.article_id
GROUP BY q.article_id, p.article_id
"""

_TWIN = """
SELECT f.article_id, a.id AS other_id
FROM focus f
JOIN article a ON a.content_hash = f.content_hash
WHERE a.id <> f.article_id
"""

_CAND = f"""
SELECT article_id, other_id, 1 AS identical FROM twin
UNION ALL
SELECT article_id, other_id, 0 AS identical
FROM (
    SELECT c.article_id, c.other_id,
           ROW_NUMBER() OVER (PARTITION BY c.article_id
                              ORDER BY ROUND(c.acc, {SUM_DECIMALS}) DESC, c.first_term,
                                       c.other_id) AS r
    FROM acc c
    LEFT JOIN twin t ON t.article_id = c.article_id AND t.other_id = c.other_id
    WHERE t.other_id IS NULL
) s
WHERE r <= {CANDIDATES}
"""

_COSINE = """
SELECT c.article_id, c.other_id,
       SUM(CAST(wa.w AS DOUBLE) * CAST(wb.w AS DOUBLE)) AS cos
FROM cand c
JOIN weight wa ON wa.article_id = c.article_id
JOIN weight wb ON wb.article_id = c.other_id AND wb.term_id = wa.term_id
GROUP BY c.article_id, c.other_id
"""

_SHARED = """
SELECT c.article_id, c.other_id, COUNT(*) AS shared
FROM cand c
JOIN shingle sa ON sa.article_id = c.article_id
JOIN shingle sb ON sb.article_id = c.other_id AND sb.hash = sa.hash
GROUP BY c.article_id, c.other_id
"""

# Cosine, then the copy boost: containment over the smaller sample, or 1 - e^(-n/k) when
# higher; shared chars = the share of this article's sample found there x its body chars,
# rounded half to even like Python's round.
_SCORED = f"""
SELECT article_id, other_id, identical, shared, locator, distance,
       cos + (1.0 - cos) * {COPY_WEIGHT!r}
             * GREATEST(containment, 1.0 - EXP(-shared / {COPY_SATURATION!r})) AS score,
       CASE WHEN own_chars - FLOOR(own_chars) = 0.5
            THEN FLOOR(own_chars) + (CAST(FLOOR(own_chars) AS BIGINT) % 2)
            ELSE ROUND(own_chars) END AS shared_chars
FROM (
    SELECT c.article_id, c.other_id, c.identical, b.locator,
           LEAST(1.0, COALESCE(k.cos, 0.0)) AS cos,
           CAST(COALESCE(s.shared, 0) AS BIGINT) AS shared,
           CASE WHEN LEAST(a.shingles, b.shingles) > 0
                THEN CAST(COALESCE(s.shared, 0) AS DOUBLE) / LEAST(a.shingles, b.shingles)
                ELSE 0.0 END AS containment,
           CASE WHEN a.shingles > 0
                THEN CAST(COALESCE(s.shared, 0) AS DOUBLE) / a.shingles * a.chars
                ELSE 0.0 END AS own_chars,
           CASE WHEN da.day IS NULL OR db.day IS NULL THEN {NO_DATE}
                ELSE ABS(da.day - db.day) END AS distance
    FROM cand c
    JOIN article a ON a.id = c.article_id
    JOIN article b ON b.id = c.other_id
    LEFT JOIN cosine k ON k.article_id = c.article_id AND k.other_id = c.other_id
    LEFT JOIN shared s ON s.article_id = c.article_id AND s.other_id = c.other_id
    LEFT JOIN day da ON da.id = c.article_id
    LEFT JOIN day db ON db.id = c.other_id
) x
"""

_NEIGHBOUR = f"""
SELECT article_id, CAST(r - 1 AS INTEGER) AS rank, other_id, score,
       CAST(shared_chars AS INTEGER) AS shared_chars,
       CAST(shared AS INTEGER) AS shared_sampled
FROM (
    SELECT article_id, other_id, score, shared_chars, shared,
           ROW_NUMBER() OVER (PARTITION BY article_id
                              ORDER BY identical DESC, ROUND(score, 2) DESC, distance,
                                       score DESC, locator) AS r
    FROM scored
) s
WHERE r <= {K}
"""

GLOBAL_STEPS: tuple[tuple[str, str], ...] = (
    ("total", _TOTAL),
    ("df", _DF),
    ("raw", _RAW),
    ("norm", _NORM),
    ("weight", _WEIGHT),
    ("day", _DAY),
)
"""Steps over the whole input: frequencies, weights, day numbers."""

PER_ARTICLE_STEPS: tuple[tuple[str, str], ...] = (
    ("focus", _FOCUS),
    ("query", _QUERY),
    ("acc", _ACC),
    ("twin", _TWIN),
    ("cand", _CAND),
    ("cosine", _COSINE),
    ("shared", _SHARED),
    ("scored", _SCORED),
    ("neighbour", _NEIGHBOUR),
)
"""Steps that rank the articles `focus` names (all of them, or a slice)."""

RELATED_STEPS: tuple[tuple[str, str], ...] = GLOBAL_STEPS + PER_ARTICLE_STEPS
"""Every step in order: (view name, SELECT); the last, `neighbour`, has the columns of
DIR/related/neighbour.parquet."""


def focus_sql(lo: int, hi: int) -> str:
    """The `focus` step for the articles with lo <= id < hi."""
    return f"{_FOCUS} WHERE id >= {int(lo)} AND id < {int(hi)}"


# DuckDB's variant of the candidate step: the same candidates as `acc` + `cand`, cheaper.
# `cand` above sums every (article, candidate) group, then sorts all of them per article by a
# window to keep the best CANDIDATES: at 100k articles ~480 M posting rows, ~370 M groups, all
# sorted (most of the job's time, and its spill). Here (1) the postings a query can walk (terms
# in 2..FALLBACK_POSTINGS articles) are a table of dense int32 term and article ids, sorted by
# term; (2) an (article, candidate) pair is one BIGINT key (article << 32 | candidate), so
# the sums are a one-column hash aggregate; (3) the best CANDIDATES per article are kept by
# the top-N aggregate `min_by(x, key, n)` with the window's order as a STRUCT key (rounded sum
# descending, first query term, candidate id): a heap per article, no sort of every group.
# Spark SQL has no top-N aggregate: it keeps the shared steps.

_TERM_KEY = f"""
SELECT term_id, CAST(ROW_NUMBER() OVER (ORDER BY term_id) AS INTEGER) AS tid
FROM df
WHERE df > 1 AND df <= {FALLBACK_POSTINGS}
"""

_POSTING = """
SELECT k.tid, CAST(w.article_id AS INTEGER) AS article_id
FROM weight w
JOIN term_key k ON k.term_id = w.term_id
ORDER BY k.tid, w.article_id
"""

_PAIR_ACC = """
SELECT (CAST(q.article_id AS BIGINT) << 32) | p.article_id AS pair,
       SUM(q.w) AS acc, MIN(q.qrank) AS first_term
FROM query q
JOIN term_key k ON k.term_id = q.term_id
JOIN posting p ON p.tid = k.tid
WHERE p.article_id <> q.article_id
GROUP BY pair
"""

_TOP_CAND = f"""
SELECT article_id, other_id, 1 AS identical FROM twin
UNION ALL
SELECT article_id, UNNEST(best) AS other_id, 0 AS identical
FROM (
    SELECT c.pair >> 32 AS article_id,
           min_by(c.pair & 4294967295,
                  (-ROUND(c.acc, {SUM_DECIMALS}), c.first_term, c.pair), {CANDIDATES}) AS best
    FROM acc c
    ANTI JOIN twin t ON c.pair = (t.article_id << 32) | t.other_id
    GROUP BY c.pair >> 32
) s
"""

# Every article's query terms at once (one pass over `weight` instead of one per slice), and
# the posting rows each query walks: the engine cuts its slices by these, since the candidate
# sums' hash table grows with the rows walked, not with the articles (1.4k rows per article
# at 10k generated articles, 4.8k at 100k).
_QUERY_ALL = _query("")

_WALK = """
SELECT q.article_id, SUM(d.df) AS walked
FROM query_all q
JOIN df d ON d.term_id = q.term_id
GROUP BY q.article_id
"""

_SLICE_QUERY = """
SELECT q.article_id, q.term_id, q.w, q.qrank
FROM query_all q
JOIN focus f ON f.article_id = q.article_id
"""

DUCKDB_GLOBAL_STEPS: tuple[tuple[str, str], ...] = (
    *GLOBAL_STEPS,
    ("term_key", _TERM_KEY),
    ("posting", _POSTING),
    ("query_all", _QUERY_ALL),
    ("walk", _WALK),
)
"""`GLOBAL_STEPS` and the tables DuckDB's candidate step reads: its postings, every article's
query terms and the rows each query walks (`walk`: the engine's slices are cut by it)."""

_DUCKDB_ONLY = {"query": _SLICE_QUERY, "acc": _PAIR_ACC, "cand": _TOP_CAND}

DUCKDB_PER_ARTICLE_STEPS: tuple[tuple[str, str], ...] = tuple(
    (name, _DUCKDB_ONLY.get(name, statement)) for name, statement in PER_ARTICLE_STEPS
)
"""`PER_ARTICLE_STEPS` with DuckDB's candidate step: the same `cand` rows (the same
candidates: one order, the shared steps' window order, decides at the cut)."""
