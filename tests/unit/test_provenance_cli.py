"""`newsreader story`: stories, --matrix and --whats-new, as tables and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "provenance"


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["story", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_story_json_on_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys)
    assert len(data["stories"]) == 1
    story = data["stories"][0]
    assert story["count"] == 5
    assert Path(story["origin"]["path"]).name.startswith("001_")
    assert story["origin"]["reasons"]
    members = story["members"]
    assert [m["origin"] for m in members].count(True) == 1
    dates = [m["date"] for m in members]
    known = [d for d in dates if d]
    assert known == sorted(known) and dates[: len(known)] == known  # unknown dates last
    m002 = next(m for m in members if Path(m["path"]).name.startswith("002_"))
    changes = [(f["a_text"], f["b_text"]) for f in m002["changed_facts"]]
    assert ("thousands of online conversations", "millions of conversations") in changes


def test_story_table(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["story", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert "2 stories" in out
    assert "origin: release.txt" in out
    assert "400 rural clinics → 500 rural clinics" in out


def test_matrix_json_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, str(FIXTURES), "--matrix", "release")
    (matrix,) = data["matrices"]
    assert Path(matrix["source"]["path"]).name == "release.txt"
    assert [c["label"] for c in matrix["columns"]] == ["gazette.txt", "weekly.txt", "daily.txt"]
    assert {c["mark"] for r in matrix["rows"] for c in r["cells"]} <= {
        "copied",
        "edited",
        "rewritten",
        "left out",
    }
    assert main(["story", str(FIXTURES), "--matrix"]) == 0  # every story's origin
    out = capsys.readouterr().out
    assert out.count("Release vs outlets") == 2


def test_whats_new_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, str(FIXTURES), "--whats-new", str(FIXTURES / "daily.txt"))
    assert Path(data["path"]).name == "daily.txt"
    assert len(data["sources"]) == 3
    kinds = {s["kind"] for s in data["segments"]}
    assert kinds == {"new", "copied"}
    one = run_json(
        capsys, str(FIXTURES), "--whats-new", "daily", "--source", str(FIXTURES / "weekly.txt")
    )
    assert [Path(p).name for p in one["sources"]] == ["weekly.txt"]
    assert one["new_pct"] > data["new_pct"]


def test_whats_new_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["story", str(FIXTURES), "--whats-new", "daily"]) == 0
    out = capsys.readouterr().out
    assert "Local pharmacist Jane Doe" in out
    assert "words copied" in out


def test_bad_article_and_flags_fail_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["story", str(FIXTURES), "--whats-new", "nothing-like-this"]) == 2
    assert "no loaded article matches" in capsys.readouterr().err
    assert main(["story", str(FIXTURES), "--whats-new", "football"]) == 2  # two match
    assert "matches 2 articles" in capsys.readouterr().err
    assert main(["story", str(FIXTURES), "--source", "daily"]) == 2
    assert "--whats-new" in capsys.readouterr().err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["story", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--matrix" in out and "--whats-new" in out and "--json" in out


def test_matrix_without_article_keeps_a_folder_as_path(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(capsys, "--matrix", str(FIXTURES))
    assert [Path(m["source"]["path"]).name for m in data["matrices"]] == [
        "release.txt",
        "football.txt",
    ]


def test_article_text_and_names_are_never_rich_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    release = (FIXTURES / "release.txt").read_text(encoding="utf-8")
    (tmp_path / "release.txt").write_text(release, encoding="utf-8")
    evil = (FIXTURES / "weekly.txt").read_text(encoding="utf-8")
    evil = evil.replace("Elsewhere this week", "[bold red]Elsewhere[/bold red] this \x1b[31mweek")
    (tmp_path / "[red]evil.txt").write_text(evil, encoding="utf-8")
    for extra in ([], ["--matrix", "release"], ["--whats-new", "[red]"]):
        assert main(["story", str(tmp_path), *extra]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out
        assert "[red]evil" in out
    assert "[bold red]Elsewhere[/bold red]" in out
