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
