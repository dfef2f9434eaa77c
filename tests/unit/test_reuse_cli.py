"""`newsreader compare` and `newsreader related` on hand-made files and the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures" / "reuse"


def test_compare_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    wire, paper = FIXTURES / "wire.txt", FIXTURES / "paper.txt"
    assert main(["compare", str(wire), str(paper), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"a", "b", "a_reused_pct", "b_reused_pct", "passages"}
    assert set(data["a"]) == {"path", "title"} and data["a"]["path"].endswith("wire.txt")
    assert data["passages"]
    for p in data["passages"]:
        assert set(p) == {"a_start", "a_end", "b_start", "b_end", "kind", "score", "diff", "parts"}
        for d in p["diff"]:
            assert set(d) == {"op", "a_start", "a_end", "b_start", "b_end"}
        assert p["parts"]
        for part in p["parts"]:
            assert set(part) == {"a_start", "a_end", "b_start", "b_end", "kind", "score"}


def test_compare_human_output_is_side_by_side(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(FIXTURES / "wire.txt"), str(FIXTURES / "paper.txt")]) == 0
    out = capsys.readouterr().out
    assert "legend" in out and "verbatim" in out and "near" in out and "% reused" in out


def test_compare_never_renders_markup_from_articles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "[bold red]Alarm[/] \x1b[31m the council approved the new budget for local schools today."
    )
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(text)
    b.write_text(text)
    assert main(["compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "[bold red]Alarm[/]" in out and "\x1b[31m" not in out


def test_compare_missing_file_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", str(tmp_path / "nope.txt"), str(FIXTURES / "wire.txt")]) == 2
    err = capsys.readouterr().err
    assert "nope.txt" in err and err.count("\n") == 1


def test_related_json_finds_the_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("wire.txt", "paper.txt"):
        (tmp_path / name).write_text((FIXTURES / name).read_text())
    (tmp_path / "copy.txt").write_text((FIXTURES / "wire.txt").read_text())
    (tmp_path / "other.txt").write_text(
        "The football club signed a new striker on Friday after weeks of talks.\n\n"
        "Fans gathered outside the stadium to welcome the player, who scored twice on debut."
    )
    assert main(["related", str(tmp_path), "--top", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_path = {Path(a["path"]).name: a["related"] for a in data["articles"]}
    assert len(by_path) == 4
    top = by_path["wire.txt"][0]
    assert Path(top["path"]).name == "copy.txt" and top["score"] > 0.99
    assert Path(top["path"]).is_absolute() and top["shared_chars"] > 500
    assert Path(by_path["paper.txt"][0]["path"]).name in ("wire.txt", "copy.txt")
    scores = [r["score"] for r in by_path["paper.txt"]]
    assert scores == sorted(scores, reverse=True)


def test_related_on_seeds_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["related", "--top", "2"]) == 0
    assert "related" in capsys.readouterr().out
