"""Two `update` processes at once serialize on the repository lock and both finish correctly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import snapshot

EDITED = "content/ru/2023-w10-border-crossings.md"


def make_work(repo: Path) -> None:
    """Work for every translation: no catalogs or records (adopt every Markdown file), one edited source."""
    for path in repo.glob("locale/*/*.po"):
        path.unlink()
    for folder in repo.glob("locale/*/.sync"):
        shutil.rmtree(folder)
    source = repo / EDITED
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("\n## ", "\n## Кратко: ", 1), encoding="utf-8")


def update(repo: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "trilingual", "-C", str(repo), "update"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_updates_at_once(sample_repo: Path, tmp_path: Path) -> None:
    make_work(sample_repo)
    single = tmp_path / "single"
    shutil.copytree(sample_repo, single)

    one = update(single)
    assert one.wait(timeout=120) == 0, one.communicate()[1]

    first, second = update(sample_repo), update(sample_repo)
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    # One of them did the work; the other waited for the lock and found nothing left to do.
    assert sorted("nothing written" in out for out, _ in outputs) == [False, True], outputs
    assert snapshot(sample_repo) == snapshot(single)

    third = update(sample_repo)
    out, err = third.communicate(timeout=120)
    assert third.returncode == 0, err
    assert out.strip() == "18 translations up to date, nothing written"
    leftovers = [p for p in sample_repo.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
