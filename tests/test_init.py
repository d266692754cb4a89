"""`trilingual init`: a new content repository."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from tests.conftest import CliFn, snapshot


def test_init_creates_the_layout(tmp_path: Path, cli: CliFn) -> None:
    target = tmp_path / "briefings"
    result = cli(tmp_path, "init", str(target))
    assert result.exit_code == 0, result.stderr
    config = tomllib.loads((target / "trilingual.toml").read_text(encoding="utf-8"))
    assert config["project"] == {"name": "briefings", "languages": ["be", "ru", "en"]}
    for lang in ("be", "ru", "en"):
        assert (target / "content" / lang).is_dir() and (target / "locale" / lang).is_dir()
    assert ".trilingual/" in (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "created trilingual.toml" in result.stdout


def test_status_on_a_new_repository(tmp_path: Path, cli: CliFn) -> None:
    assert cli(tmp_path, "init", "new", "--name", "weekly", "--languages", "be,en").exit_code == 0
    repo = tmp_path / "new"
    assert tomllib.loads((repo / "trilingual.toml").read_text(encoding="utf-8"))["project"]["languages"] == ["be", "en"]
    result = cli(repo, "status")
    assert result.exit_code == 0
    assert result.stdout.strip() == "no briefings match"
    data = json.loads(cli(repo, "status", "--json").stdout)
    assert data == {"schema": 1, "translations": [], "summary": {}}
    assert cli(repo, "check").exit_code == 0
    assert cli(repo, "update").stdout.strip() == "0 translations up to date, nothing written"


def test_first_briefing_in_a_new_repository(tmp_path: Path, cli: CliFn) -> None:
    assert cli(tmp_path, "init", "new", "--languages", "be,en").exit_code == 0
    repo = tmp_path / "new"
    (repo / "content" / "en" / "first.md").write_text(
        "---\ntitle: First\nperiod:\n  start: 2023-03-06\n  end: 2023-03-12\nsection: economy\n"
        "situation: unchanged\nlede: The first briefing.\noriginal: en\n---\n\nA paragraph.\n",
        encoding="utf-8",
    )
    assert cli(repo, "update").exit_code == 0
    assert (repo / "locale" / "be" / "first.po").is_file()
    rows = json.loads(cli(repo, "status", "--json").stdout)["translations"]
    assert [(r["lang"], r["state"], r["edition"]) for r in rows] == [
        ("be", "missing", "2023-W10"),
        ("en", "source", "2023-W10"),
    ]


def test_init_refuses_an_existing_project(sample_repo: Path, cli: CliFn) -> None:
    before = snapshot(sample_repo)
    result = cli(sample_repo, "init", str(sample_repo))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "trilingual.toml already exists" in lines[0]
    assert snapshot(sample_repo) == before


def test_init_refuses_an_unknown_language(tmp_path: Path, cli: CliFn) -> None:
    result = cli(tmp_path, "init", "new", "--languages", "be,zz")
    assert result.exit_code == 2
    assert "unknown language 'zz'" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "new").exists()
