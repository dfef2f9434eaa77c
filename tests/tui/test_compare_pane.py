"""The compare panes on hand-made articles and a hand-made comparison (no engine involved).

The snapshot lives here too: with a fixed comparison it shows the view itself, and does not move
every time the reuse engine gets better.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import App
from textual.widgets import Static

from newsreader.corpus import Article, Paragraph
from newsreader.reuse.models import Comparison, DiffOp, Part, Passage
from newsreader.tui.screens.compare import CompareScreen, describe_passage
from newsreader.tui.widgets.compare_layout import build_pane_model, wrap_pane
from newsreader.tui.widgets.compare_pane import ComparePane

A_PARAS = [
    "The city council approved a budget of 40 million dollars on Tuesday after a long debate.",
    "Mayor Jane Doe said the plan would fund thousands of new homes over five years.",
    "Critics argued that the money should instead go to public transport.",
    "Residents can read the full budget at the town hall.",
    "Share this article on social media",
]
B_PARAS = [
    "Local news roundup for the week.",
    "The city council approved a budget of 40 million dollars on Tuesday after a long debate.",
    "Mayor Jane Doe said the plan would fund millions of new homes over the next five years.",
    "Some opponents said public transport deserved the funds instead.",
]


def make_article(name: str, title: str, paras: list[str], boilerplate: set[int]) -> Article:
    """An article with a title line and blank-line separated paragraphs, offsets computed."""
    text = title + "\n\n" + "\n\n".join(paras)
    paragraphs = [Paragraph(0, len(title))]
    for i, para in enumerate(paras):
        start = text.index(para)
        paragraphs.append(Paragraph(start, start + len(para), boilerplate=i in boilerplate))
    return Article(
        path=Path(f"/tmp/{name}.txt"),
        text=text,
        title=title,
        outlet="Example Gazette" if name == "a" else "Sample Herald",
        date="2024-05-0" + ("1" if name == "a" else "2"),
        paragraphs=paragraphs,
        title_span=(0, len(title)),
    )


def _span(text: str, words: str, after: int = 0) -> tuple[int, int]:
    start = text.index(words, after)
    return start, start + len(words)


def make_comparison() -> Comparison:
    """One verbatim, one near (thousands -> millions, +the next) and one paraphrase passage."""
    a = make_article("a", "Council passes budget", A_PARAS, {4})
    b = make_article("b", "Budget approved by council", B_PARAS, set())
    ta, tb = a.text, b.text
    verbatim = Passage(*_span(ta, A_PARAS[0]), *_span(tb, B_PARAS[1]), "verbatim", 1.0, ())
    pa, pb = _span(ta, A_PARAS[1]), _span(tb, B_PARAS[2])
    ops = []
    for op, wa, wb in [
        (
            "equal",
            "Mayor Jane Doe said the plan would fund",
            "Mayor Jane Doe said the plan would fund",
        ),
        ("replace", "thousands", "millions"),
        ("equal", "of new homes over", "of new homes over"),
        ("insert", "", "the next"),
        ("equal", "five years.", "five years."),
    ]:
        sa = _span(ta, wa, pa[0]) if wa else (ops[-1].a_end, ops[-1].a_end)
        sb = _span(tb, wb, pb[0]) if wb else (ops[-1].b_end, ops[-1].b_end)
        ops.append(DiffOp(op, *sa, *sb))
    near = Passage(*pa, *pb, "near", 0.86, tuple(ops))
    qa, qb = _span(ta, A_PARAS[2]), _span(tb, B_PARAS[3])
    para = Passage(*qa, *qb, "paraphrase", 0.55, (DiffOp("replace", *qa, *qb),))
    return Comparison(a, b, 61.0, 72.0, [verbatim, near, para])


def test_changed_words_are_marked_on_their_own_side() -> None:
    c = make_comparison()
    model_a, model_b = build_pane_model(c, "a"), build_pane_model(c, "b")
    doc_a, doc_b = model_a.document, model_b.document
    deleted = [doc_a.text[s:e] for s, e, n in model_a.spans if n == "deleted"]
    inserted = [doc_b.text[s:e] for s, e, n in model_b.spans if n == "inserted"]
    assert "thousands" in deleted and A_PARAS[2] in deleted
    assert "millions" in inserted and "the next" in inserted
    assert not [n for *_, n in model_a.spans if n == "inserted"]
    kinds_a = {doc_a.text[s:e]: n for s, e, n in model_a.spans if n in ("verbatim", "near")}
    assert kinds_a[A_PARAS[0]] == "verbatim" and kinds_a[A_PARAS[1]] == "near"


def test_gutter_marks_are_the_engines_paragraph_marks() -> None:
    c = make_comparison()
    assert c.paragraph_marks("a") == [
        "original",
        "copied",
        "edited",
        "rewritten",
        "original",
        "boilerplate",
    ]
    assert c.paragraph_marks("b")[1:] == ["original", "copied", "edited", "rewritten"]
    model = build_pane_model(c, "a")
    # One block per paragraph here: the gutter shows the engine's mark for each, in order.
    assert [model.block_marks[b] for b in sorted(model.block_marks)] == c.paragraph_marks("a")


def test_wrap_pane_puts_marks_in_the_gutter_and_buckets_spans() -> None:
    model = build_pane_model(make_comparison(), "b")
    lines, by_line = wrap_pane(model, 30)
    firsts = [g[0] for s, e, blk, g in lines if blk >= 0 and g[1] and model.document.text[s:e]]
    assert firsts.count("C") == 1 and firsts.count("E") == 1 and firsts.count("R") == 1
    assert all(e - s <= 30 for s, e, *_ in lines)
    # Every span is found on each line it touches.
    for s, e, name in model.spans:
        touched = [y for y, (ls, le, _b, _g) in enumerate(lines) if ls < e and le > s]
        assert touched and all((s, e, name) in by_line[y] for y in touched)


def test_detail_line_names_the_words_changed() -> None:
    c = make_comparison()
    line = describe_passage(c, 1)
    assert line.startswith("Passage 2/3 · near · score 0.86")
    assert "thousands" in line and "millions" in line and "the next" in line
    assert "no words changed" in describe_passage(c, 0)


def test_a_passage_of_two_kinds_shows_each_part_in_its_own_colour_and_mark() -> None:
    # the engine joins a copied paragraph and the edited one after it into one "near" passage
    c = make_comparison()
    verbatim, near, para = c.passages
    ops = (DiffOp("equal", *verbatim.span("a"), *verbatim.span("b")), *near.diff)
    parts = (
        Part(*verbatim.span("a"), *verbatim.span("b"), "verbatim", 1.0),
        Part(*near.span("a"), *near.span("b"), "near", 0.86),
    )
    joined = Passage(
        verbatim.a_start, near.a_end, verbatim.b_start, near.b_end, "near", 0.9, ops, parts
    )
    c = Comparison(c.a, c.b, c.a_reused_pct, c.b_reused_pct, [joined, para])
    assert describe_passage(c, 0).startswith("Passage 1/2 · near (copied + edited) · score 0.90")
    assert c.paragraph_marks("b")[1:] == ["original", "copied", "edited", "rewritten"]
    model = build_pane_model(c, "b")
    kinds = [(model.document.text[s:e], name) for s, e, name in model.spans if name != "inserted"]
    assert (B_PARAS[1], "verbatim") in kinds and (B_PARAS[2], "near") in kinds
    assert not any(name == "near" and B_PARAS[1] in text for text, name in kinds)


def test_untrusted_text_is_not_markup() -> None:
    hostile = ["[bold red]not markup[/] \x1b[31mred\x1b[0m and more words here."]
    a = make_article("a", "T [link=x]y[/link]", hostile, set())
    c = Comparison(a, a, 0.0, 0.0, [])
    model = build_pane_model(c, "a")
    assert "[bold red]not markup[/]" in model.document.text
    assert "\x1b" not in model.document.text


class FixedCompareApp(App[None]):
    """Shows the compare view of the hand-made comparison (for snapshots and Pilot tests)."""

    def on_mount(self) -> None:
        c = make_comparison()
        self.push_screen(CompareScreen(c.a, c.b, comparison=c))


def test_pane_renders_gutter_and_text() -> None:
    async def run() -> None:
        app = FixedCompareApp()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.screen.workers.wait_for_complete()
            await pilot.pause()
            pane = app.screen.query_one("#pane-a", ComparePane)
            text = pane.visible_text()
            assert "C The city council approved" in text
            assert "E Mayor Jane Doe" in text
            assert "R Critics argued" in text
            await pilot.press("n", "n")
            assert app.screen.current == 1
            await pilot.press("enter")
            detail = app.screen.query_one("#detail", Static)
            assert detail.display
            assert "thousands → millions" in str(detail.content)

    asyncio.run(run())


def test_snapshot_compare_view(snap_compare) -> None:
    async def step(pilot) -> None:
        await pilot.pause()
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("n", "n", "enter")
        await pilot.pause()

    assert snap_compare(FixedCompareApp(), terminal_size=(120, 40), run_before=step)


def test_clicking_a_passage_makes_it_current() -> None:
    async def run() -> None:
        app = FixedCompareApp()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await app.screen.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            pane = screen.query_one("#pane-b", ComparePane)
            line = pane.passage_line(1)
            assert line is not None
            # Content starts after the pane's left padding; the text after the 2-cell gutter.
            await pilot.click(pane, offset=(1 + 2 + 5, line))
            await pilot.pause()
            assert screen.current == 1
            assert screen.query_one("#detail", Static).display
            await pilot.click(pane, offset=(1 + 2 + 5, line + 2))  # a blank line: no change
            await pilot.pause()
            assert screen.current == 1

    asyncio.run(run())
