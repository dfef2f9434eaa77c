"""A Markdown reuse record: metadata table, passages with changed words, facts, both texts.

Article text in prose and tables is backslash-escaped so no Markdown or HTML in it takes effect;
the full texts sit in fenced blocks (a fence longer than any backtick run in the text) with
passage markers `⟦3 verbatim⟧ … ⟦/3⟧` at their offsets.
"""

from __future__ import annotations

import re
from datetime import datetime

from newsreader.provenance.record import KIND_LABEL, Record, excerpt, make_record
from newsreader.reuse import Comparison
from newsreader.text import clean_for_display

# Escaped wherever they occur; the rest (`#`, `-`, `1.`) only act at a line start, and escaped
# text never starts a line here (it follows "| " or "- A: ").
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~&])")


def md_escape(s: str) -> str:
    """Plain text safe inside Markdown prose or a table cell, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(clean_for_display(s).split()))


def _fenced(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _marked(record: Record, side: str) -> str:
    """The article's text with passage start/end markers inserted at their offsets."""
    c = record.comparison
    text = clean_for_display(c.article(side).text)  # type: ignore[arg-type]
    inserts: list[tuple[int, int, str]] = []  # (offset, order, marker): ends before starts
    for n, p in enumerate(c.passages, 1):
        s, e = p.span(side)  # type: ignore[arg-type]
        inserts.append((s, 1, f"⟦{n} {p.kind}⟧"))
        inserts.append((e, 0, f"⟦/{n}⟧"))
    out, pos = [], 0
    for offset, _, marker in sorted(inserts):
        out.append(text[pos:offset])
        out.append(marker)
        pos = offset
    out.append(text[pos:])
    return "".join(out)


def export_markdown(comparison: Comparison, *, generated: datetime | None = None) -> str:
    """The comparison as a Markdown document that can be cited or pasted into a report."""
    r = make_record(comparison, generated=generated)
    a, b = r.sides
    lines = [
        f"# Reuse record: {md_escape(a.article.display_title)} / "
        f"{md_escape(b.article.display_title)}",
        "",
        f"Generated {r.generated} by newsreader {md_escape(r.version)}. Offsets are characters "
        "of each article's decoded text (line endings normalised).",
        "",
        "| | A | B |",
        "|---|---|---|",
    ]
    for (k, va), (_, vb) in zip(a.rows(), b.rows(), strict=True):
        lines.append(f"| {md_escape(k)} | {md_escape(va)} | {md_escape(vb)} |")
    lines += ["", f"## Passages ({len(comparison.passages)})", ""]
    if not comparison.passages:
        lines.append("No shared passages.")
    for n, p in enumerate(comparison.passages, 1):
        lines += [
            f"{n}. **{KIND_LABEL[p.kind]}** · score {p.score:.2f} · "
            f"A {p.a_start}–{p.a_end} · B {p.b_start}–{p.b_end}",
            f"   - A: {md_escape(excerpt(comparison.a.text, p.a_start, p.a_end))}",
            f"   - B: {md_escape(excerpt(comparison.b.text, p.b_start, p.b_end))}",
            f"   - changed words: {md_escape(p.words_changed(comparison))}",
        ]
        for f in r.passage_facts(n - 1):
            lines.append(f"   - changed fact: {md_escape(f.describe())}")
    lines += ["", f"## Changed facts ({len(r.facts)})", ""]
    for f in r.facts:
        where = "" if f.passage is not None else " · restated outside the passages"
        lines.append(
            f"- {md_escape(f.describe())} · A {f.a_start}–{f.a_end} · B {f.b_start}–{f.b_end}"
            + where
        )
    if not r.facts:
        lines.append("None found.")
    for side in ("a", "b"):
        info = a if side == "a" else b
        lines += [
            "",
            f"## Text {info.label}: {md_escape(info.article.display_title)}",
            "",
            _fenced(_marked(r, side)),
        ]
    return "\n".join(lines) + "\n"
