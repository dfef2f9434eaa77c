"""A self-contained HTML reuse record: inline CSS, no scripts, no external resources.

Every character of article text goes through `html.escape`; the text is cut into runs at every
boundary (passages, changed words, changed facts, boilerplate) and each run becomes one
`<span>` with classes, so overlapping passages never produce badly nested markup.
"""

from __future__ import annotations

import html
import itertools
from datetime import datetime

from newsreader.corpus import Article
from newsreader.provenance.record import KIND_LABEL, KIND_RANK, Record, excerpt, make_record
from newsreader.reuse import Comparison
from newsreader.text import clean_for_display

CSS = """
body{font:15px/1.5 system-ui,sans-serif;margin:1.5em;color:#1b1b1b;background:#fff}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}
table.meta{border-collapse:collapse;width:100%;table-layout:fixed}
table.meta td,table.meta th{border:1px solid #ccc;padding:.25em .5em;text-align:left;
vertical-align:top;overflow-wrap:anywhere}
.texts{display:flex;gap:1em}.side{flex:1;min-width:0}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.5 ui-monospace,monospace;
border:1px solid #ddd;padding:.6em}
.verbatim{background:#f8c9c9}.near{background:#fbe6a6}.paraphrase{background:#c9e5f8}
.chg-a{background:#e57373;text-decoration:line-through}.chg-b{background:#81c784}
.fact{outline:2px solid #7b1fa2}.boiler{color:#999}
.pn{font-size:.75em;vertical-align:super;color:#555}
.legend span{padding:0 .4em;margin-right:.4em}
li{margin-bottom:.6em}.q{color:#333;font-style:italic}
"""


def _e(s: object) -> str:
    return html.escape(clean_for_display(str(s)), quote=True)


def _text_html(record: Record, side: str) -> str:
    """One article's text with passages, changed words, facts and boilerplate marked."""
    c = record.comparison
    article: Article = c.article(side)  # type: ignore[arg-type]
    text = article.text
    marks: list[tuple[int, int, str]] = []  # (start, end, class)
    for p in c.passages:
        for part in p.pieces():
            s, e = part.span(side)  # type: ignore[arg-type]
            marks.append((s, e, part.kind))
        for d in p.diff:
            if d.op == "equal":
                continue
            ds, de = (d.a_start, d.a_end) if side == "a" else (d.b_start, d.b_end)
            marks.append((ds, de, f"chg-{side}"))
    for f in record.facts:
        fs, fe = (f.a_start, f.a_end) if side == "a" else (f.b_start, f.b_end)
        marks.append((fs, fe, "fact"))
    for para in article.paragraphs:
        if para.boilerplate:
            marks.append((para.start, para.end, "boiler"))
    starts: dict[int, list[int]] = {}
    for n, p in enumerate(c.passages, 1):
        starts.setdefault(p.span(side)[0], []).append(n)  # type: ignore[arg-type]
    cuts = sorted({0, len(text), *starts, *(x for s, e, _ in marks for x in (s, e))})
    out = []
    for s, e in itertools.pairwise(cuts):
        for n in starts.get(s, []):
            out.append(f'<a id="p{n}-{side}" href="#p{n}" class="pn">[{n}]</a>')
        classes = {k for ms, me, k in marks if ms <= s and e <= me}
        kinds = [k for k in classes if k in KIND_RANK]
        if len(kinds) > 1:  # overlapping passages: show the strongest kind
            best = max(kinds, key=KIND_RANK.__getitem__)
            classes -= set(kinds) - {best}
        piece = _e(text[s:e])
        out.append(
            f'<span class="{" ".join(sorted(classes))}">{piece}</span>' if classes else piece
        )
    return "".join(out)


def export_html(comparison: Comparison, *, generated: datetime | None = None) -> str:
    """The comparison as one standalone HTML page: metadata, both texts, passages, facts."""
    r = make_record(comparison, generated=generated)
    a, b = r.sides
    title = f"Reuse record: {a.article.display_title} / {b.article.display_title}"
    rows = "".join(
        f"<tr><th>{_e(k)}</th><td>{_e(va)}</td><td>{_e(vb)}</td></tr>"
        for (k, va), (_, vb) in zip(a.rows(), b.rows(), strict=True)
    )
    passages = []
    for n, p in enumerate(comparison.passages, 1):
        facts = "".join(f"<li>{_e(f.describe())}</li>" for f in r.passage_facts(n - 1))
        passages.append(
            f'<li id="p{n}"><b class="{p.kind}">{_e(KIND_LABEL[p.kind])}</b> · score '
            f"{p.score:.2f} · A {p.a_start}–{p.a_end} · B {p.b_start}–{p.b_end} · "
            f'<a href="#p{n}-a">in A</a> <a href="#p{n}-b">in B</a><br>'
            f'A: <span class="q">{_e(excerpt(comparison.a.text, p.a_start, p.a_end))}</span><br>'
            f'B: <span class="q">{_e(excerpt(comparison.b.text, p.b_start, p.b_end))}</span><br>'
            f"changed words: {_e(p.words_changed(comparison))}"
            + (f"<ul>{facts}</ul>" if facts else "")
            + "</li>"
        )
    facts = "".join(
        f"<li>{_e(f.describe())} · A {f.a_start}–{f.a_end} · B {f.b_start}–{f.b_end}"
        f"{'' if f.passage is not None else ' · restated outside the passages'}</li>"
        for f in r.facts
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="newsreader {_e(r.version)}">
<title>{_e(title)}</title>
<style>{CSS}</style>
</head>
<body>
<h1>{_e(title)}</h1>
<p>Generated {_e(r.generated)} by newsreader {_e(r.version)}. Offsets are characters of each
article's decoded text (line endings normalised).</p>
<table class="meta"><tr><th></th><th>A</th><th>B</th></tr>{rows}</table>
<h2>Passages ({len(comparison.passages)})</h2>
<p class="legend"><span class="verbatim">verbatim</span><span class="near">edited (near)</span>
<span class="paraphrase">rewritten (paraphrase)</span><span class="chg-a">words only in A</span>
<span class="chg-b">words only in B</span><span class="fact">changed fact</span>
<span class="boiler">boilerplate</span></p>
<ol>{"".join(passages) or "<li>no shared passages</li>"}</ol>
<h2>Changed facts ({len(r.facts)})</h2>
<ul>{facts or "<li>none found</li>"}</ul>
<h2>Texts</h2>
<div class="texts">
<div class="side"><h3>A: {_e(a.article.display_title)}</h3>
<div class="text">{_text_html(r, "a")}</div></div>
<div class="side"><h3>B: {_e(b.article.display_title)}</h3>
<div class="text">{_text_html(r, "b")}</div></div>
</div>
</body>
</html>
"""
