"""Many translations are planned in worker processes: the result must not depend on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pytest import MonkeyPatch

from tests.conftest import CliFn, snapshot
from trilingual import batch
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


def _whose(items: list[int]) -> list[tuple[int, int]]:
    return [(item, os.getpid()) for item in items]


def _refuse_seven(items: list[int]) -> list[int]:
    if 7 in items:
        raise ValueError("seven")
    return [item * 2 for item in items]


def test_split_map_shares_the_items_among_forked_helpers_and_keeps_their_order(monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "SPLIT_FROM", 2)
    monkeypatch.setenv("TRILINGUAL_JOBS", "3")
    results = batch.split_map(_whose, list(range(10)))
    assert [item for item, _ in results] == list(range(10))
    pids = {pid for _, pid in results}
    assert len(pids) == 3 and os.getpid() in pids


def test_a_helper_that_fails_has_its_share_done_again_here_so_the_error_is_ours(monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "SPLIT_FROM", 2)
    monkeypatch.setenv("TRILINGUAL_JOBS", "2")
    assert batch.split_map(_refuse_seven, [1, 2, 3, 4]) == [2, 4, 6, 8]
    with pytest.raises(ValueError, match="seven"):
        batch.split_map(_refuse_seven, [1, 2, 3, 7])  # 7 falls to the helper, which fails


def test_status_and_update_with_files_hashed_by_helpers_match_one_process(
    sample_repo: Path, tmp_path: Path, cli: CliFn, monkeypatch: MonkeyPatch
) -> None:
    source = sample_repo / "content/ru/2023-w09-airfield-attack.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Утром 26 февраля", "Утром 27 февраля"))
    twin = tmp_path / "twin"
    shutil.copytree(sample_repo, twin)
    monkeypatch.setenv("TRILINGUAL_JOBS", "3")

    def run(repo: Path, split_from: int) -> list[str]:
        monkeypatch.setattr(batch, "SPLIT_FROM", split_from)
        return [cli(repo, *args).stdout for args in (("status", "--json"), ("update",), ("status", "--json"))]

    split = run(sample_repo, 1)
    whole = run(twin, 10**9)
    assert split == whole
    assert '"stale": 4' in split[0]  # the sample's two stale translations, and the two of the edited original
    assert snapshot(sample_repo) == snapshot(twin)


def test_when_the_main_share_fails_the_helpers_are_reaped(monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "SPLIT_FROM", 2)
    monkeypatch.setenv("TRILINGUAL_JOBS", "3")
    with pytest.raises(ValueError, match="seven"):
        batch.split_map(_refuse_seven, [7, 1, 2, 3, 4, 5])  # 7 is in this process's share
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no helper is left behind
