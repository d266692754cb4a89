"""The local cache: one command's records survive another's run, and a stale cache is never believed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliFn, snapshot
from trilingual import sync


@pytest.fixture
def plans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The translations planned afresh (a translation it knows to be unchanged is not planned)."""
    planned: list[str] = []
    real: Callable[..., Any] = sync.plan

    def counting(config: Any, briefing: Any, lang: str, *args: Any, **kwargs: Any) -> Any:
        planned.append(f"{briefing.slug}/{lang}")
        return real(config, briefing, lang, *args, **kwargs)

    monkeypatch.setattr(sync, "plan", counting)
    return planned


def test_status_between_two_updates_keeps_what_update_knows(sample_repo: Path, cli: CliFn, plans: list[str]) -> None:
    assert cli(sample_repo, "update").exit_code == 0
    assert plans
    assert cli(sample_repo, "status").exit_code == 0
    plans.clear()
    result = cli(sample_repo, "update")
    assert result.exit_code == 0
    assert "nothing written" in result.stdout
    assert plans == []


def test_update_between_two_status_runs_keeps_status_rows(sample_repo: Path, cli: CliFn) -> None:
    cli(sample_repo, "update")
    first = json.loads(cli(sample_repo, "status", "--json").stdout)
    cli(sample_repo, "update")
    cache = (sample_repo / ".trilingual" / "cache").read_bytes()
    assert json.loads(cli(sample_repo, "status", "--json").stdout) == first
    # A warm status finds every row it needs, so it has nothing to add.
    assert (sample_repo / ".trilingual" / "cache").read_bytes() == cache


def test_an_edit_after_a_warm_run_is_seen(sample_repo: Path, cli: CliFn, plans: list[str]) -> None:
    slug = "2023-w09-airfield-attack"
    cli(sample_repo, "update")
    cli(sample_repo, "status")
    source = sample_repo / "content" / "ru" / f"{slug}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("Утром 26 февраля", "Утром 27 февраля"), encoding="utf-8")
    rows = json.loads(cli(sample_repo, "status", slug, "--json").stdout)["translations"]
    assert {r["lang"]: r["state"] for r in rows} == {"be": "stale", "ru": "source", "en": "stale"}
    plans.clear()
    before = snapshot(sample_repo)
    cli(sample_repo, "update")
    assert sorted(plans) == [f"{slug}/be", f"{slug}/en"]
    assert snapshot(sample_repo) != before


def _entries(root: Path) -> dict[str, int]:
    """Entries per kind in the cache file, read as the tool reads it."""
    from trilingual.cache import Cache

    cache = Cache(root)
    return {kind: len(cache._kind(kind)) + len(cache._unused[kind]) for kind in cache._file()}


def test_a_full_run_drops_entries_of_files_that_no_longer_exist(sample_repo: Path, cli: CliFn) -> None:
    slug = "2023-w09-airfield-attack"
    cli(sample_repo, "update")
    cli(sample_repo, "status")
    before = _entries(sample_repo)
    source = sample_repo / "content" / "ru" / f"{slug}.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Утром 26 февраля", "Утром 27 февраля"))
    cli(sample_repo, "update")
    cli(sample_repo, "status")
    # The edited original and its two rewritten translations have new entries; the old ones are gone.
    assert _entries(sample_repo) == before


def test_status_keeps_what_only_update_uses(sample_repo: Path, cli: CliFn, plans: list[str]) -> None:
    cli(sample_repo, "update")
    noop = _entries(sample_repo)["noop"]
    assert noop == 9 * 2  # every translation of the sample's nine briefings
    cli(sample_repo, "status", "2023-w09-airfield-attack")  # a partial run prunes nothing
    cli(sample_repo, "status")
    assert _entries(sample_repo)["noop"] == noop
    plans.clear()
    cli(sample_repo, "update")
    assert plans == []


def test_a_damaged_cache_is_only_a_slower_run(sample_repo: Path, cli: CliFn) -> None:
    cli(sample_repo, "update")
    expected = json.loads(cli(sample_repo, "status", "--json").stdout)
    cache = sample_repo / ".trilingual" / "cache"
    cache.write_bytes(cache.read_bytes()[: len(cache.read_bytes()) // 2])
    assert json.loads(cli(sample_repo, "status", "--json").stdout) == expected
    assert cli(sample_repo, "update").exit_code == 0
    assert json.loads(cli(sample_repo, "status", "--json").stdout) == expected


def test_an_update_that_writes_a_few_rows_keeps_the_others(sample_repo: Path, cli: CliFn, plans: list[str]) -> None:
    slug = "2023-w09-airfield-attack"
    cli(sample_repo, "update")
    cli(sample_repo, "status")
    source = sample_repo / "content" / "ru" / f"{slug}.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Утром 26 февраля", "Утром 27 февраля"))
    cli(sample_repo, "update")  # records the status rows of the two translations it rewrote
    plans.clear()
    cli(sample_repo, "status")
    assert plans == []  # every other row is still there
