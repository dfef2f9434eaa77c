from __future__ import annotations

import json

import pytest

from newsreader import __version__
from newsreader.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_list_json_on_seeds(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["articles"]) == 5
    for article in data["articles"]:
        assert article["path"].startswith("/")
        assert {"title", "outlet", "date", "byline", "kind", "paragraphs"} <= article.keys()


def test_only_bad_paths_exit_2(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err


def test_list_json_shape_and_gold_flags(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list", "--json"]) == 0
    articles = json.loads(capsys.readouterr().out)["articles"]
    paths = [a["path"] for a in articles]
    assert paths == sorted(paths)
    for article in articles:
        assert set(article) == {
            "id",
            "path",
            "title",
            "outlet",
            "date",
            "byline",
            "kind",
            "paragraphs",
            "missing",
            "churn",  # the press release it reused most, found on arrival, or null
        }
        assert article["kind"] in {"news", "press_release"}
        for p in article["paragraphs"]:
            assert set(p) == {"start", "end", "boilerplate"}
            assert 0 <= p["start"] < p["end"]
    release = next(a for a in articles if a["kind"] == "press_release")
    assert release["outlet"] == "PR Newswire"


def test_list_mixed_paths_exit_0_and_one_stderr_line_per_skip(
    tmp_path, seeds_dir, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 10)
    rc = main(["list", "--json", str(seeds_dir), str(tmp_path), str(tmp_path / "nope.txt")])
    captured = capsys.readouterr()
    assert rc == 0
    assert len(json.loads(captured.out)["articles"]) == 5
    err = captured.err.strip().splitlines()
    assert len(err) == 3
    assert any("empty.txt" in line and "empty file" in line for line in err)
    assert any("bin.txt" in line and "binary" in line for line in err)
    assert any("nope.txt" in line and "no such file" in line for line in err)


def test_list_only_bad_files_exit_2(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["list", str(tmp_path / "empty.txt")]) == 2
    assert "empty file" in capsys.readouterr().err


def test_list_table_has_one_line_per_article(
    seeds_dir, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["list", str(seeds_dir)]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 5  # five articles, no wrapped title lines
    assert "…" in out and "PR Newswire" in out and "2020-04-18" in out


def test_list_table_does_not_interpret_markup(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "evil.txt").write_text(
        "[bold red]Not markup[/] \x1b[31mheadline\n\nBody text here.\n"
    )
    assert main(["list", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "[bold red]Not markup[/]" in out and "\x1b[31m" not in out


def test_reader_without_a_terminal_explains_instead_of_hanging() -> None:
    import subprocess
    import sys

    res = subprocess.run(
        [sys.executable, "-m", "newsreader"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2
    assert "needs a terminal" in res.stderr
