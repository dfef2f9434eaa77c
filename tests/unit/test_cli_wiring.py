"""CLI options that join two core packages: exports on compare, story clusters on related."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.cli import main


def _seed(seeds_dir: Path, prefix: str) -> str:
    return str(next(seeds_dir.glob(f"{prefix}_*.txt")))


def test_compare_writes_html_and_markdown_records(
    seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, md = tmp_path / "record.html", tmp_path / "record.md"
    a, b = _seed(seeds_dir, "001"), _seed(seeds_dir, "002")
    assert main(["compare", a, b, "--json", "--html", str(html), "--markdown", str(md)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passages"]
    page = html.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "sha256" in page.lower()
    assert "millions" in page  # the changed fact is part of the record
    assert md.read_text(encoding="utf-8").startswith("#")


def test_compare_export_to_unwritable_place_fails_cleanly(
    seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _seed(seeds_dir, "001"), _seed(seeds_dir, "002")
    target = tmp_path / "missing-dir" / "x.html"
    assert main(["compare", a, b, "--html", str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_related_reports_story_clusters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["related", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["clusters"]) == 1
    assert len(data["clusters"][0]) == 5
    paths = {a["path"] for a in data["articles"]}
    assert set(data["clusters"][0]) <= paths


def test_related_without_clusters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["related", "--json", "--no-clusters", "--top", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "clusters" not in data
    assert all(len(a["related"]) <= 2 for a in data["articles"])
