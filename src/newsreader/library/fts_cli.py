"""`python -m newsreader.library.fts_cli QUERY [--db PATH] [--limit N]`: search the library.

A bare, fast path to `fts.search` (one JSON object per hit, best first), for benchmarks and
for checking the index by hand; `newsreader search` is the command for users.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsreader.library.fts_cli")
    parser.add_argument("query")
    parser.add_argument("--db", type=Path, help="the library file (default: the user's)")
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args(argv)

    from newsreader.library import db, fts

    try:
        conn = db.open_library(args.db, warn=lambda m: print(m, file=sys.stderr))
    except db.LibraryError as e:
        print(f"newsreader: {e}", file=sys.stderr)
        return 2
    hits = fts.search(conn, args.query, limit=args.limit)
    ids = json.dumps(sorted({h.article_id for h in hits}))
    names = {
        aid: (locator, title)
        for aid, locator, title in conn.execute(
            "SELECT id, locator, display_title FROM article "
            "WHERE id IN (SELECT value FROM json_each(?))",
            (ids,),
        )
    }
    out = sys.stdout
    for h in hits:
        out.write(json.dumps(h.to_json(*names[h.article_id]), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
