"""Churn reported by the commands: `add --json`, `fetch --json`, `list --json` (a local server;
the library in the test's own NEWSREADER_HOME)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from churn_texts import COVERAGE, RELEASE, UNRELATED
from pytest_httpserver import HTTPServer
from sources_pages import article_page

from newsreader.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _file(folder: Path, name: str, text: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return str(folder / name)


def test_add_and_list_report_the_release_an_article_reused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "add", _file(tmp_path / "r", "release.txt", RELEASE), "--json")
    assert code == 0
    (release,) = json.loads(out)["articles"]
    assert release["churn"] is None  # a release is not checked against releases
    code, out, _ = run(capsys, "add", _file(tmp_path / "n", "coverage.txt", COVERAGE), "--json")
    (coverage,) = json.loads(out)["articles"]
    assert coverage["churn"]["release"]["id"] == release["id"]
    assert coverage["churn"]["release"]["outlet"] == "PR Newswire"
    assert 60 <= coverage["churn"]["reused_pct"] <= 80
    # Without --json: one line naming the article and the release.
    code, out, _ = run(capsys, "add", _file(tmp_path / "m", "same.txt", COVERAGE + "\nMore.\n"))
    assert code == 0
    (line,) = [x for x in out.splitlines() if x.startswith("  churn:")]
    assert "Tide turns for Northport" in line and "% from PR Newswire: Harbour Lights" in line
    _file(tmp_path / "u", "unrelated.txt", UNRELATED)
    run(capsys, "add", str(tmp_path / "u"))

    code, out, _ = run(capsys, "list", "--json")
    churn = {Path(a["path"]).name: a["churn"] for a in json.loads(out)["articles"]}
    assert churn["coverage.txt"] == coverage["churn"]
    assert churn["release.txt"] is None and churn["unrelated.txt"] is None


def test_fetch_json_reports_churn_per_new_article(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "add", _file(tmp_path / "r", "release.txt", RELEASE))
    base = httpserver.url_for("").rstrip("/")
    items = "".join(
        f"<item><title>Story {n}</title><link>{base}/p{n}</link>"
        f"<description>Summary {n}.</description></item>"
        for n in (1, 2)
    )
    httpserver.expect_request("/rss").respond_with_data(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Coast News</title>{items}'
        "</channel></rss>",
        content_type="application/rss+xml",
    )
    copied = COVERAGE.split("\n\n")
    httpserver.expect_request("/p1").respond_with_data(
        article_page(copied[0], copied[2:]), content_type="text/html"
    )
    own = UNRELATED.split("\n\n")
    httpserver.expect_request("/p2").respond_with_data(
        article_page(own[0], own[1:]), content_type="text/html"
    )
    assert run(capsys, "feed", "add", f"{base}/rss")[0] == 0
    code, out, _ = run(capsys, "fetch", "--json")
    assert code == 0
    (feed,) = json.loads(out)["feeds"]
    by_locator = {a["locator"]: a for a in feed["articles"]}
    assert set(by_locator) == {f"{base}/p1", f"{base}/p2"}
    assert by_locator[f"{base}/p1"]["churn"]["release"]["title"].startswith("Harbour Lights")
    assert by_locator[f"{base}/p1"]["churn"]["reused_pct"] >= 50
    assert by_locator[f"{base}/p2"]["churn"] is None
