"""Many translations are planned in worker processes: the result must not depend on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import snapshot
from trilingual.batch import PARALLEL_FROM


def grow(repo: Path, copies: int) -> None:
    """Copy every sample briefing under new slugs, with its catalogs and sync records."""
    for path in sorted(repo.glob("content/*/*.md")):
        for n in range(copies):
            shutil.copy(path, path.with_name(f"{path.stem}-copy{n}.md"))
    for path in sorted(repo.glob("locale/*/*.po")) + sorted(repo.glob("locale/*/.sync/*.json")):
        for n in range(copies):
            name = path.name.replace(".po", f"-copy{n}.po").replace(".json", f"-copy{n}.json")
            shutil.copy(path, path.with_name(name))


def trilingual(repo: Path, *args: str, jobs: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRILINGUAL_JOBS": jobs}
    return subprocess.run(
        [sys.executable, "-m", "trilingual", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def edit_originals(repo: Path) -> None:
    """A light edit of one paragraph in every copied Russian original."""
    for path in sorted(repo.glob("content/ru/*-copy*.md")):
        text = path.read_text(encoding="utf-8")
        if "original: ru" in text:
            assert " и " in text
            path.write_text(text.replace(" и ", " и, ", 1), encoding="utf-8")


def test_update_and_status_give_the_same_bytes_in_workers_and_in_one_process(sample_repo: Path, tmp_path: Path) -> None:
    grow(sample_repo, 3)
    edit_originals(sample_repo)
    twin = tmp_path / "twin"
    shutil.copytree(sample_repo, twin)
    translations = len(list(sample_repo.glob("content/*/*.md")))
    assert translations // 3 * 2 >= PARALLEL_FROM  # enough work to use the workers

    many = trilingual(sample_repo, "update", jobs="2")
    one = trilingual(twin, "update", jobs="1")
    assert many.returncode == one.returncode == 0, (many.stderr, one.stderr)
    assert many.stdout.replace(str(sample_repo), "") == one.stdout.replace(str(twin), "")
    assert "files written" in many.stdout
    assert snapshot(sample_repo) == snapshot(twin)

    for repo in (sample_repo, twin):
        shutil.rmtree(repo / ".trilingual")  # a cold status plans every translation again
    cold_many = trilingual(sample_repo, "status", "--json", jobs="2")
    cold_one = trilingual(twin, "status", "--json", jobs="1")
    assert cold_many.returncode == 0
    assert cold_many.stdout == cold_one.stdout
    assert '"stale"' in cold_many.stdout


def test_bad_input_found_by_a_worker_is_one_line_and_changes_nothing(sample_repo: Path) -> None:
    grow(sample_repo, 3)
    broken = sample_repo / "locale/be/2023-w09-airfield-attack-copy2.po"
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "unterminated\n', encoding="utf-8")
    edit_originals(sample_repo)
    before = snapshot(sample_repo)
    result = trilingual(sample_repo, "update", jobs="2")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("locale/be/2023-w09-airfield-attack-copy2.po:")
    assert "malformed PO file" in lines[0]
    assert snapshot(sample_repo) == before


def test_push_gives_the_same_bytes_in_workers_and_in_one_process(sample_repo: Path, tmp_path: Path) -> None:
    import polib

    grow(sample_repo, 9)
    assert trilingual(sample_repo, "update", jobs="1").returncode == 0
    twin = tmp_path / "twin"
    shutil.copytree(sample_repo, twin)
    pulled = tmp_path / "pulled"
    result = trilingual(sample_repo, "pull", "--lang", "ru", "--all", "-o", str(pulled), jobs="1")
    assert result.returncode == 0, result.stderr
    files = sorted(pulled.glob("*.po"))
    assert len(files) >= PARALLEL_FROM
    for path in files:  # the translator revises the first translated unit of every file
        po = polib.pofile(str(path))
        entry = next(e for e in po if e.msgstr)
        entry.msgstr += " (правка)"
        po.save()

    many = trilingual(sample_repo, "push", *map(str, files), jobs="2")
    one = trilingual(twin, "push", *map(str, files), jobs="1")
    assert many.returncode == one.returncode == 0, (many.stderr, one.stderr)
    assert many.stdout.replace(str(sample_repo), "") == one.stdout.replace(str(twin), "")
    assert snapshot(sample_repo) == snapshot(twin)
    assert "(правка)" in (sample_repo / "locale/ru/2023-w09-china-visit-copy3.po").read_text(encoding="utf-8")
