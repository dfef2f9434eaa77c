"""What a comparison of two articles produces: passages, their kinds and word-level diffs.

All offsets are character offsets into `Article.text` of side a or side b.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from newsreader.corpus import Article
from newsreader.reuse.lexicon import is_content, stem
from newsreader.reuse.tokens import tokenize

PassageKind = Literal["verbatim", "near", "paraphrase"]
OpName = Literal["equal", "insert", "delete", "replace"]
Side = Literal["a", "b"]

# Gutter marks per paragraph, by the kind of passage covering most of it.
MARK_BY_KIND = {"verbatim": "copied", "near": "edited", "paraphrase": "rewritten"}
MAX_CHANGES_SHOWN = 6  # edits listed by words_changed before "… N more"
MARK_MIN_SHARE = 0.3  # below this share of a paragraph in passages, it is "original"


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One run of a word-level diff. For `insert`, a_start == a_end (the place in a); for
    `delete`, b_start == b_end."""

    op: OpName
    a_start: int
    a_end: int
    b_start: int
    b_end: int

    def to_json(self) -> dict[str, Any]:
        return {
            "op": self.op,
            "a_start": self.a_start,
            "a_end": self.a_end,
            "b_start": self.b_start,
            "b_end": self.b_end,
        }

    def mirrored(self) -> DiffOp:
        op = {"insert": "delete", "delete": "insert"}.get(self.op, self.op)
        return DiffOp(op, self.b_start, self.b_end, self.a_start, self.a_end)  # type: ignore[arg-type]


def _spans_json(x: Part | Passage) -> dict[str, Any]:
    """What a part and a passage print alike: both sides' offsets, the kind, the score."""
    return {
        "a_start": x.a_start,
        "a_end": x.a_end,
        "b_start": x.b_start,
        "b_end": x.b_end,
        "kind": x.kind,
        "score": round(x.score, 3),
    }


@dataclass(frozen=True, slots=True)
class Part:
    """One statement of a passage with its own kind: a passage that joins a sentence copied word
    for word to an edited neighbour is "near" on the whole, and its parts still say which
    sentence was copied and which was edited (for the gutter marks and the colours)."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: PassageKind
    score: float

    def span(self, side: Side) -> tuple[int, int]:
        return (self.a_start, self.a_end) if side == "a" else (self.b_start, self.b_end)

    def to_json(self) -> dict[str, Any]:
        return _spans_json(self)

    def mirrored(self) -> Part:
        return Part(self.b_start, self.b_end, self.a_start, self.a_end, self.kind, self.score)


@dataclass(frozen=True, slots=True)
class Passage:
    """A stretch of a shared with a stretch of b: one statement a reader steps to with `n`.

    `kind` is decided on the whole (verbatim only when every word is kept); `parts`, when there
    are two or more, are its sentences of different kinds in order, covering all its words."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    kind: PassageKind
    score: float
    diff: tuple[DiffOp, ...] = ()
    parts: tuple[Part, ...] = ()

    def span(self, side: Side) -> tuple[int, int]:
        return (self.a_start, self.a_end) if side == "a" else (self.b_start, self.b_end)

    def pieces(self) -> tuple[Part, ...]:
        """The parts, or the passage as its one part."""
        if self.parts:
            return self.parts
        return (Part(self.a_start, self.a_end, self.b_start, self.b_end, self.kind, self.score),)

    def part_at(self, side: Side, start: int, end: int) -> Part:
        """The part holding most of `start:end` of one side (an empty span: the part it sits
        in or at the edge of)."""
        pieces = self.pieces()

        def share(part: Part) -> tuple[int, int]:
            s, e = part.span(side)
            return min(e, end) - max(s, start), -abs(s - start)

        return max(pieces, key=share)

    def kind_label(self) -> str:
        """The kind, and with parts theirs in order as the gutter names them: `near (copied +
        edited)`."""
        if not self.parts:
            return self.kind
        return f"{self.kind} (" + " + ".join(MARK_BY_KIND[p.kind] for p in self.parts) + ")"

    def op_part(self, d: DiffOp) -> Part:
        """The part a diff op belongs to (read on the side where it has words)."""
        if d.a_end > d.a_start or d.b_end == d.b_start:
            return self.part_at("a", d.a_start, d.a_end)
        return self.part_at("b", d.b_start, d.b_end)

    def to_json(self) -> dict[str, Any]:
        return {
            **_spans_json(self),
            "diff": [d.to_json() for d in self.diff],
            "parts": [part.to_json() for part in self.pieces()],
        }

    def mirrored(self) -> Passage:
        return Passage(
            self.b_start,
            self.b_end,
            self.a_start,
            self.a_end,
            self.kind,
            self.score,
            tuple(d.mirrored() for d in self.diff),
            tuple(part.mirrored() for part in self.parts),
        )

    def changes(self, comparison: Comparison) -> list[tuple[str, str, str]]:
        """The edits as (op, words in a, words in b), in order; equal runs left out."""
        out: list[tuple[str, str, str]] = []
        for d in self.diff:
            if d.op == "equal":
                continue
            a_words = " ".join(comparison.a.text[d.a_start : d.a_end].split())
            b_words = " ".join(comparison.b.text[d.b_start : d.b_end].split())
            out.append((d.op, a_words, b_words))
        return out

    def shared_words(self, comparison: Comparison) -> list[str]:
        """Content words of a's side that b's side also uses (in some form), in a's order."""
        a_words = tokenize(comparison.a.text, self.a_start, self.a_end)
        b_stems = {stem(t.norm) for t in tokenize(comparison.b.text, self.b_start, self.b_end)}
        out: list[str] = []
        for t in a_words:
            word = comparison.a.text[t.start : t.end]
            if is_content(t.norm) and stem(t.norm) in b_stems and word not in out:
                out.append(word)
        return out

    def words_changed(self, comparison: Comparison) -> str:
        """The words changed, in one plain line: `honored → honoured; +time; −at a …`.

        A paraphrase rewords too much for a word list to help; it names the shared words."""
        if self.kind == "paraphrase":
            return "reworded; shared: " + (
                _clip(", ".join(self.shared_words(comparison)), 12) or "—"
            )
        parts = []
        reworded: set[Part] = set()
        for d in self.diff:
            if d.op == "equal":
                continue
            # a reworded part's ops are loosely aligned words: named once, not listed
            part = self.op_part(d)
            if part.kind == "paraphrase":
                if part not in reworded:
                    reworded.add(part)
                    parts.append("a sentence reworded")
                continue
            op = d.op
            a_words = " ".join(comparison.a.text[d.a_start : d.a_end].split())
            b_words = " ".join(comparison.b.text[d.b_start : d.b_end].split())
            if op == "replace":
                parts.append(f"{_clip(a_words)} → {_clip(b_words)}")
            elif op == "delete":
                parts.append(f"−{_clip(a_words)}")
            else:
                parts.append(f"+{_clip(b_words)}")
        if len(parts) > MAX_CHANGES_SHOWN:
            more = len(parts) - MAX_CHANGES_SHOWN
            parts = [*parts[:MAX_CHANGES_SHOWN], f"… {more} more"]
        if parts:
            return "; ".join(parts)
        return "no words changed"


def _clip(words: str, limit: int = 6) -> str:
    split = words.split()
    return words if len(split) <= limit else " ".join(split[:limit]) + " …"


@dataclass
class Comparison:
    """Everything two articles share: passages in a's text order and reuse shares per side."""

    a: Article
    b: Article
    a_reused_pct: float
    b_reused_pct: float
    passages: list[Passage] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": {"path": str(self.a.path), "title": self.a.title},
            "b": {"path": str(self.b.path), "title": self.b.title},
            "a_reused_pct": self.a_reused_pct,
            "b_reused_pct": self.b_reused_pct,
            "passages": [p.to_json() for p in self.passages],
        }

    def article(self, side: Side) -> Article:
        return self.a if side == "a" else self.b

    def swapped(self) -> Comparison:
        """The same comparison seen from b (for a "swap sides" key)."""
        passages = sorted((p.mirrored() for p in self.passages), key=lambda p: p.a_start)
        return Comparison(self.b, self.a, self.b_reused_pct, self.a_reused_pct, passages)

    def passages_in(self, side: Side, start: int, end: int) -> list[Passage]:
        """Passages overlapping `start:end` of one side's text."""
        return [p for p in self.passages if p.span(side)[0] < end and p.span(side)[1] > start]

    def paragraph_marks(self, side: Side) -> list[str]:
        """Per paragraph of that side's article: copied, edited, rewritten, original or
        boilerplate (for a gutter)."""
        marks = []
        for para in self.article(side).paragraphs:
            if para.boilerplate:
                marks.append("boilerplate")
                continue
            by_kind: dict[str, int] = {}
            for p in self.passages_in(side, para.start, para.end):
                for part in p.pieces():
                    s, e = part.span(side)
                    n = max(0, min(e, para.end) - max(s, para.start))
                    by_kind[part.kind] = by_kind.get(part.kind, 0) + n
            size = max(1, para.end - para.start)
            if sum(by_kind.values()) < MARK_MIN_SHARE * size:
                marks.append("original")
            else:
                marks.append(MARK_BY_KIND[max(by_kind, key=lambda k: by_kind[k])])
        return marks
