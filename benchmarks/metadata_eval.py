"""Metadata (date, byline, headline, outlet) scored on real wire stories whose fields are known.

    .venv/bin/python benchmarks/metadata_eval.py [--sgml DIR_OR_FILE ...] [--limit N] [--json OUT]

Reuters-21578 (the SGML gives TITLE, DATE, AUTHOR and DATELINE per story) is turned into plain
texts the way wire archives and exports lay them out. Each layout is a folder of its own (one
"source"), loaded with `load_corpus` so corpus-wide evidence (sibling files) applies as it does
for a user's archive:

- tape:  the agency tape as received: timestamp line, slug line, headline, indented byline and
         dateline, hard-wrapped paragraphs indented by four spaces, "Reuter" sign-off.
- pa:    a UK agency layout: "15:01 26/02/87: Page 1 (RTR) COCOA Bahia" header, each line opened
         by a control character, paragraphs ending in "<", byline "By NAME, Reuters".
- us:    a US web export: headline, byline, "02/26/1987 3:01 PM" numeric date (month first),
         blank-line paragraphs, dateline "SALVADOR, Feb 26 (Reuters) -".
- plain: headline, a "NAME | Reuters" byline, body with its dateline only. The text carries no
         year, so the right date is none: any date found is invented.

Only what a layout puts into the text is gold for it (the us layout has the date, the plain one
does not). Per field: right (equal to gold), missing (gold present, nothing found) and invented
(a value that is not the gold one: wrong, or found where the text has none). `right` is over the
texts that carry the field; `invented` over all texts. Dates are also scored per file alone
(`parse_text`, no sibling evidence) to show what the corpus pass adds.

The committed sample (tests/fixtures/reuters21578/sample.sgm, 200 stories) makes this run in a
plain clone; point --sgml at the full collection's reut2-*.sgm for all of it. Also scores the
hand-made agency fixtures in tests/fixtures/wire (gold.json there) and the seeds.

Reuters-21578, Distribution 1.0: copyright Reuters Ltd; distributed by David D. Lewis for research
use (http://www.daviddlewis.com/resources/testcollections/reuters21578/).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from newsreader.corpus import Article, load_corpus, parse_text

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE = ROOT / "tests" / "fixtures" / "reuters21578" / "sample.sgm"
WIRE_FIXTURES = ROOT / "tests" / "fixtures" / "wire"
SEEDS_GOLD = ROOT.parent / "shared" / "reference" / "seeds-gold.json"
FIELDS = ("date", "byline", "title", "outlet")
CONTROLS = ("\x0f", "\x1e", "\x7f", "\x16")


def _tag(doc: str, name: str) -> str | None:
    m = re.search(rf"<{name}>(.*?)</{name}>", doc, re.S)
    return html.unescape(m.group(1)) if m else None


def read_stories(paths: list[Path]) -> list[dict]:
    """Stories with a title, body and dateline, as dicts of their SGML fields."""
    files: list[Path] = []
    for p in paths:
        files += sorted(p.glob("*.sgm")) if p.is_dir() else [p]
    out = []
    for f in files:
        for doc in re.findall(r"<REUTERS.*?</REUTERS>", f.read_text("latin-1"), re.S):
            title, body, dateline = _tag(doc, "TITLE"), _tag(doc, "BODY"), _tag(doc, "DATELINE")
            if not (title and body and dateline):
                continue
            when = re.match(r"\s*(\d+-\w+-\d{4})\s+(\d+:\d+:\d+)", _tag(doc, "DATE"))
            try:
                stamp = datetime.strptime(" ".join(when.groups()), "%d-%b-%Y %H:%M:%S")
            except (AttributeError, ValueError):
                continue  # a garbled timestamp ("605:12:19") is no gold to score against
            unknown = (_tag(doc, "UNKNOWN") or "").strip().splitlines()
            author = _tag(doc, "AUTHOR")
            topics = re.findall(r"<D>([^<]+)</D>", _tag(doc, "TOPICS") or "")
            out.append(
                {
                    "id": re.search(r'NEWID="(\d+)"', doc).group(1),
                    "raw_date": _tag(doc, "DATE").strip(),
                    "stamp": stamp,
                    "slug": unknown[-1] if unknown else "",
                    "title": " ".join(title.split()),
                    "author": " ".join(author.split()) if author else None,
                    "dateline": dateline.strip(),
                    "body": body.replace("\x03", "").rstrip(),
                    "topic": topics[0] if topics else "",
                }
            )
    return out


def author_name(author: str | None) -> str | None:
    """ "By Cal Mankowski, Reuters" -> "Cal Mankowski" (the gold byline)."""
    if not author:
        return None
    return re.sub(r"^by\s+", "", author, flags=re.I).split(",")[0].strip()


def _paragraphs(body: str) -> list[str]:
    """The SGML body's paragraphs (a new one starts at each indented line), sign-off dropped."""
    paras: list[list[str]] = []
    for line in body.splitlines():
        if not line.strip() or line.strip() in ("Reuter", "REUTER"):
            continue
        if line.startswith("    ") or not paras:
            paras.append([])
        paras[-1].append(line.strip())
    return [" ".join(p) for p in paras]


def _place(dateline: str) -> str:
    return dateline.split(",")[0].strip()


def layout_tape(s: dict, i: int) -> tuple[str, dict]:
    lines = [s["raw_date"], s["slug"], s["title"]]
    if s["author"]:
        lines.append("    " + s["author"])
    text = "\n".join(lines) + "\n    " + s["dateline"] + s["body"].lstrip()
    if "Reuter" not in s["body"][-20:]:
        text += "\n Reuter"
    gold = {"date": s["stamp"].date().isoformat(), "title": s["title"]}
    return text + "\n", gold


def layout_pa(s: dict, i: int) -> tuple[str, dict]:
    ctl = CONTROLS[i % len(CONTROLS)]
    words = re.findall(r"[A-Za-z]+", s["slug"].split("BC-")[-1])
    catch = words[0].title() if words else "Story"
    desk = (s["topic"] or "business").upper()
    head = f"{s['stamp']:%H:%M %d/%m/%y}: Page 1 (RTR) {desk} {catch}"
    paras = _paragraphs(s["body"])
    paras[0] = s["dateline"].strip() + " " + paras[0]
    lines = [head, f"{ctl}{desk} {catch}<", f"{ctl}{s['title']}<"]
    if s["author"]:
        lines.append(f"{ctl}By {author_name(s['author'])}, Reuters<")
    for p in paras:
        # Half the stories keep the tape's hard wrap inside a paragraph; "<" ends each one.
        wrapped = re.sub(r"(.{1,68})(?:\s+|$)", r"\1\n", p).rstrip("\n").split("\n")
        if i % 2 and len(wrapped) > 1:
            lines += [ctl + wrapped[0], *wrapped[1:-1], wrapped[-1] + "<"]
        else:
            lines.append(f"{ctl}{p}<")
    # Only a byline names the agency here ("(RTR)" is a code, not a name).
    gold = {
        "date": s["stamp"].date().isoformat(),
        "title": s["title"],
        "outlet": "Reuters" if s["author"] else None,
    }
    return "\n".join(lines) + "\n", gold


def layout_us(s: dict, i: int) -> tuple[str, dict]:
    stamp = s["stamp"]
    date = f"{stamp:%m/%d/%Y} {stamp:%I:%M %p}".lstrip("0") if i % 2 else f"{stamp:%m/%d/%y}"
    paras = _paragraphs(s["body"])
    paras[0] = f"{_place(s['dateline'])}, {stamp:%b} {stamp.day} (Reuters) - {paras[0]}"
    head = [s["title"], ""]
    if s["author"]:
        head.append(f"By {author_name(s['author'])}, Reuters")
    head.append(date)
    gold = {"date": stamp.date().isoformat(), "title": s["title"]}
    return "\n".join(head) + "\n\n" + "\n\n".join(paras) + "\n", gold


def layout_plain(s: dict, i: int) -> tuple[str, dict]:
    paras = _paragraphs(s["body"])
    paras[0] = f"{_place(s['dateline'])} (Reuters) - {paras[0]}"
    head = [s["title"]]
    if s["author"]:
        head.append(f"{author_name(s['author'])} | Reuters")
    gold = {"date": None, "title": s["title"]}
    return "\n\n".join(head) + "\n\n" + "\n".join(paras) + "\n", gold


LAYOUTS: dict[str, Callable[[dict, int], tuple[str, dict]]] = {
    "tape": layout_tape,
    "pa": layout_pa,
    "us": layout_us,
    "plain": layout_plain,
}


def _norm(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(value.replace("<", " ").split()).casefold().strip(" .")


def score(pairs: list[tuple[dict, Article]], fields: tuple[str, ...] = FIELDS) -> dict:
    """Per field: n (texts), gold (texts carrying it), right, missing, invented, and examples."""
    out = {}
    for field in fields:
        row = {"n": 0, "gold": 0, "right": 0, "missing": 0, "invented": 0, "examples": []}
        for gold, article in pairs:
            if field not in gold:
                continue
            want, got = _norm(gold[field]), _norm(getattr(article, field))
            row["n"] += 1
            row["gold"] += want is not None
            if got == want:
                row["right"] += want is not None
            elif got is None:
                row["missing"] += 1
            else:
                row["invented"] += 1
                if len(row["examples"]) < 4:
                    row["examples"].append(f"{article.path.name}: {got!r} != {want!r}")
        out[field] = row
    return out


def _line(name: str, field: str, r: dict) -> str:
    right = f"{r['right']}/{r['gold']} ({r['right'] / r['gold']:.3f})" if r["gold"] else "-"
    inv = f"{r['invented']}/{r['n']} ({r['invented'] / r['n']:.3f})" if r["n"] else "-"
    return f"{name:<14} {field:<8} {right:>20} {r['missing']:>8} {inv:>18}"


def evaluate_reuters(stories: list[dict], out_dir: Path) -> dict[str, dict]:
    results: dict[str, dict] = {}
    for name, make in LAYOUTS.items():
        folder = out_dir / name
        folder.mkdir()
        golds: dict[str, dict] = {}
        for i, s in enumerate(stories):
            text, gold = make(s, i)
            gold["byline"] = author_name(s["author"])
            gold.setdefault("outlet", "Reuters")
            (folder / f"{s['id']}.txt").write_text(text, "utf-8")
            golds[f"{s['id']}.txt"] = gold
        corpus = load_corpus([folder])
        pairs = [(golds[a.path.name], a) for a in corpus.articles]
        results[name] = score(pairs)
        alone = [(golds[a.path.name], parse_text(a.text, a.path)) for a in corpus.articles]
        results[name + " (alone)"] = score(alone, ("date",))
    return results


def evaluate_fixtures() -> dict[str, dict]:
    gold = json.loads((WIRE_FIXTURES / "gold.json").read_text())
    corpus = load_corpus([WIRE_FIXTURES])
    pairs = [(gold[a.path.name], a) for a in corpus.articles if a.path.name in gold]
    return {"wire fixtures": score(pairs)}


def evaluate_seeds(gold_path: Path) -> dict[str, dict]:
    if not gold_path.exists():
        return {}
    gold = json.loads(gold_path.read_text())["articles"]
    corpus = load_corpus([ROOT / "seeds"])
    pairs = [(gold[a.path.name], a) for a in corpus.articles if a.path.name in gold]
    return {"seeds": score(pairs, ("date", "byline", "title", "outlet"))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sgml", type=Path, nargs="*", default=[SAMPLE])
    ap.add_argument("--limit", type=int, default=0, help="use the first N stories only")
    ap.add_argument("--json", type=Path, help="write the scores here")
    ap.add_argument("--seeds-gold", type=Path, default=SEEDS_GOLD, help="seeds-gold.json")
    ap.add_argument("--examples", action="store_true", help="print invented values")
    args = ap.parse_args(argv)
    stories = read_stories(args.sgml)
    if args.limit:
        stories = stories[: args.limit]
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        results = evaluate_reuters(stories, Path(tmp))
    if (WIRE_FIXTURES / "gold.json").exists():
        results |= evaluate_fixtures()
    results |= evaluate_seeds(args.seeds_gold)
    print(f"{len(stories)} Reuters-21578 stories, {time.perf_counter() - t0:.1f} s")
    print(f"{'set':<14} {'field':<8} {'right':>20} {'missing':>8} {'invented':>18}")
    for name, fields in results.items():
        for field, r in fields.items():
            print(_line(name, field, r))
            if args.examples:
                for e in r["examples"]:
                    print(f"{'':<24}{e}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
