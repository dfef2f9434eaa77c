"""`newsreader search`, run in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.cli import main


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_shape_best_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write(tmp_path, "a.txt", "The storm hit the coast on Monday.")
    write(tmp_path, "b.txt", "A storm, they said, and the coast road closed.")
    assert main(["search", "storm coast", str(tmp_path), "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert hits and all(
        set(h) == {"id", "path", "title", "score", "start", "end", "snippet"} for h in hits
    )
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    text = Path(hits[0]["path"]).read_text(encoding="utf-8")
    assert text[hits[0]["start"] : hits[0]["end"]] == "storm hit the coast"


def test_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    for i in range(5):
        write(tmp_path, f"{i}.txt", f"Report {i}: rain, rain and more rain.")
    assert main(["search", "rain", str(tmp_path), "--json", "--limit", "3"]) == 0
    assert len(json.loads(capsys.readouterr().out)["hits"]) == 3


def test_no_hits_is_empty_list_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write(tmp_path, "a.txt", "Nothing of interest.")
    assert main(["search", "zzyzx", str(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"hits": []}
    assert main(["search", "zzyzx", str(tmp_path)]) == 0


def test_table_shows_markup_literally(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    write(tmp_path, "a.txt", "Beware [bold]loud[/bold] and [link=http://x]links[/link] here.")
    assert main(["search", "[bold] loud", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "[bold]loud[/bold]" in out
    assert "\x1b" not in out  # not a terminal: no styling leaks


def test_seeds_by_default(capsys: pytest.CaptureFixture[str]):
    assert main(["search", "tencent meting", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert len({h["path"] for h in hits}) == 5
