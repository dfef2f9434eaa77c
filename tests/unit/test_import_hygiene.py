"""The core packages work without textual: the UI is a thin layer on top.

The import-linter contracts in pyproject.toml check every module statically (`.ci/run` runs
`lint-imports`); these tests check that the contracts list every core package and, at run
time, that importing every core module leaves textual unloaded.
"""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import newsreader

ROOT = Path(__file__).resolve().parents[2]
UI = {"tui", "cli", "__main__"}


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def _core_modules() -> list[str]:
    """Every top-level package and module of newsreader that is not the UI."""
    return sorted(
        f"newsreader.{m.name}"
        for m in pkgutil.iter_modules(newsreader.__path__)
        if m.name not in UI
    )


def test_every_core_package_is_held_to_the_no_textual_contract() -> None:
    listed = set(_contracts()["core-without-textual"]["source_modules"])
    assert "textual" in _contracts()["core-without-textual"]["forbidden_modules"]
    missing = [m for m in _core_modules() if m not in listed]
    assert not missing, f"add {missing} to the core-without-textual contract in pyproject.toml"


def test_importing_every_core_module_leaves_textual_unloaded() -> None:
    modules = []
    for name in _core_modules():
        modules.append(name)
        package = sys.modules.get(name) or __import__(name, fromlist=["_"])
        if hasattr(package, "__path__"):
            modules += [m.name for m in pkgutil.walk_packages(package.__path__, name + ".")]
    assert len(modules) > 40  # every module, not just the packages' faces
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if 'textual' in m)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_search_json_answers_without_the_table_imports(tmp_path: Path) -> None:
    # The commands a script calls in a loop pay for nothing they do not print.
    code = (
        "import contextlib, io, sys\n"
        "from newsreader.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['search', 'tencent', '--json']) == 0\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('rich', 'textual')\n"
        "         or m in ('newsreader.corpus.loader', 'newsreader.library.derived')]\n"
        "assert not heavy, sorted(heavy)\n"
    )
    env = {**os.environ, "NEWSREADER_HOME": str(tmp_path)}
    first = "from newsreader.cli import main; main(['search', 'x', '--json'])"  # seeds the library
    subprocess.run([sys.executable, "-c", first], check=True, env=env, capture_output=True)
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
