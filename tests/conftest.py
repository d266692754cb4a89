"""Shared fixtures: a copy of the shipped sample repository, and a CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from trilingual.cli import app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def sample_repo(tmp_path: Path) -> Path:
    """A private copy of the shipped content repository (config, content, locale)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(ROOT / "trilingual.toml", repo / "trilingual.toml")
    for folder in ("content", "locale", "releases", "templates", "glossary"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, repo / folder)
    for name in ("glossary.csv", "glossary.toml"):
        if (ROOT / name).is_file():
            shutil.copy(ROOT / name, repo / name)
    return repo


CliFn = Callable[..., Result]


@pytest.fixture
def cli() -> CliFn:
    """Run the CLI in-process: cli(repo, "status", "--json")."""
    runner = CliRunner()

    def invoke(repo: Path, *args: str, input: str | None = None) -> Result:
        return runner.invoke(app, ["-C", str(repo), *args], input=input, catch_exceptions=False)

    return invoke


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root (but the local cache), for byte-identical checks."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".trilingual" not in p.relative_to(root).parts
    }
