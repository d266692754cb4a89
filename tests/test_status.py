"""`status`, `check` and `diff` on the shipped sample repository."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import CliFn, snapshot
from trilingual.segmentation import segment
from trilingual.status import count_words

LANGS = ("be", "ru", "en")
ORIGINALS = {
    "2023-w09-airfield-attack": "ru",
    "2023-w09-china-visit": "be",
    "2023-w09-january-economy": "en",
    "2023-w10-border-crossings": "ru",
    "2023-w10-mobilisation-checks": "be",
    "2023-w10-price-controls": "ru",
    "2023-w12-great-stone": "ru",
    "2023-w12-potash-exports": "be",
    "2023-w12-tactical-nuclear": "en",
}
NOT_COMPLETE = {
    ("2023-w10-price-controls", "be"): "stale",
    ("2023-w10-price-controls", "en"): "stale",
    ("2023-w12-great-stone", "en"): "partial",
    ("2023-w12-potash-exports", "en"): "missing",
    ("2023-w12-tactical-nuclear", "be"): "draft",
}


def expected_state(slug: str, lang: str) -> str:
    if ORIGINALS[slug] == lang:
        return "source"
    return NOT_COMPLETE.get((slug, lang), "complete")


def status_json(cli: CliFn, repo: Path, *args: str) -> dict[str, Any]:
    result = cli(repo, "status", "--json", *args)
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def rows_by_key(data: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["slug"], r["lang"]): r for r in data["translations"]}


def front(repo: Path, slug: str) -> dict[str, Any]:
    text = (repo / "content" / ORIGINALS[slug] / f"{slug}.md").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text.split("---\n")[1])
    return data


def test_sample_shows_every_state(sample_repo: Path, cli: CliFn) -> None:
    data = status_json(cli, sample_repo)
    rows = rows_by_key(data)
    assert list(rows) == [(slug, lang) for slug in sorted(ORIGINALS) for lang in LANGS]
    assert {key: r["state"] for key, r in rows.items()} == {key: expected_state(*key) for key in rows}
    assert data["summary"] == {"complete": 13, "draft": 1, "missing": 1, "partial": 1, "source": 9, "stale": 2}

    stale = rows[("2023-w10-price-controls", "be")]
    assert (stale["stale"], stale["units"]) == (2, {"done": 11, "total": 13})
    assert rows[("2023-w10-price-controls", "en")]["stale"] == 2
    partial = rows[("2023-w12-great-stone", "en")]
    assert partial["units"] == {"done": 15, "total": 27}
    assert 0 < partial["words"]["done"] < partial["words"]["total"]
    draft = rows[("2023-w12-tactical-nuclear", "be")]
    assert (draft["fuzzy"], draft["machine"], draft["stale"]) == (4, 4, 0)
    assert draft["units"]["done"] + draft["fuzzy"] == draft["units"]["total"]
    missing = rows[("2023-w12-potash-exports", "en")]
    assert missing["units"]["done"] == missing["words"]["done"] == 0


def test_counts_make_sense(sample_repo: Path, cli: CliFn) -> None:
    rows = rows_by_key(status_json(cli, sample_repo))
    for slug, original in ORIGINALS.items():
        units = segment((sample_repo / "content" / original / f"{slug}.md").read_text(encoding="utf-8")).units
        words = sum(count_words(u.text) for u in units)
        assert 200 <= words <= 600, slug  # briefings are a few hundred words long
        for lang in LANGS:
            r = rows[(slug, lang)]
            # Counted on the original, whatever the language of the row.
            assert r["units"]["total"] == len(units) and r["words"]["total"] == words
            assert r["original"] == original
            if r["state"] in ("source", "complete"):
                assert r["units"]["done"] == r["units"]["total"] and r["words"]["done"] == words


def test_words_are_counted_alike_in_cyrillic_and_latin() -> None:
    assert count_words("Сям’я з-за мяжы, well-known *problems* — see [the note](https://example.org/a-b-c).") == 8
    assert count_words("Лукашэнка, Лукашенко, Lukashenka") == 3
    assert count_words("`code` <b>bold</b> 12,5%") == 4


def test_edition_is_the_iso_week_of_the_period_start(sample_repo: Path, cli: CliFn) -> None:
    rows = status_json(cli, sample_repo)["translations"]
    for r in rows:
        start = front(sample_repo, r["slug"])["period"]["start"]
        assert isinstance(start, dt.date)
        year, week, _ = start.isocalendar()
        assert r["edition"] == f"{year}-W{week:02d}"
    assert front(sample_repo, "2023-w09-airfield-attack")["period"]["start"] == dt.date(2023, 2, 27)
    assert {r["edition"] for r in rows} == {"2023-W09", "2023-W10", "2023-W12"}


def test_json_shape(sample_repo: Path, cli: CliFn) -> None:
    data = status_json(cli, sample_repo)
    assert set(data) == {"schema", "translations", "summary"} and data["schema"] == 1
    for r in data["translations"]:
        assert set(r) == {
            "slug", "lang", "state", "original", "edition", "units", "words", "fuzzy", "stale", "machine", "conflicts"
        }  # fmt: skip
        assert set(r["units"]) == set(r["words"]) == {"done", "total"}
    assert sum(data["summary"].values()) == len(data["translations"]) == 27


def test_json_has_a_row_per_line(sample_repo: Path, cli: CliFn) -> None:
    out = cli(sample_repo, "status", "--json").stdout
    document = json.loads(out)
    lines = [line for line in out.splitlines() if '"slug": ' in line]
    assert [json.loads(line.strip().rstrip(",")) for line in lines] == document["translations"]
    assert out.splitlines()[:3] == ["{", '  "schema": 1,', '  "translations": [']


def test_table(sample_repo: Path, cli: CliFn) -> None:
    result = cli(sample_repo, "status")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["BRIEFING", "LANG", "STATE", "SEGMENTS", "WORDS", "ORIGINAL", "EDITION", "NOTES"]
    partial = next(line for line in lines if line.startswith("2023-w12-great-stone") and " en " in line)
    assert partial.split()[:4] == ["2023-w12-great-stone", "en", "partial", "15/27"]
    assert lines[-1] == "9 source, 1 missing, 1 partial, 1 draft, 2 stale, 13 complete"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--lang", "en"), {k for k in NOT_COMPLETE if k[1] == "en"}),
        (("--state", "stale,partial"), {k for k, s in NOT_COMPLETE.items() if s in ("stale", "partial")}),
        (("--state", "missing", "--state", "draft"), {k for k, s in NOT_COMPLETE.items() if s in ("missing", "draft")}),
        (("-s", "stale", "-l", "be"), {("2023-w10-price-controls", "be")}),
    ],
)
def test_filters(sample_repo: Path, cli: CliFn, args: tuple[str, ...], expected: set[tuple[str, str]]) -> None:
    rows = rows_by_key(status_json(cli, sample_repo, *args))
    if "--lang" in args:
        assert {k[1] for k in rows} == {"en"} and len(rows) == 9
        rows = {k: r for k, r in rows.items() if r["state"] not in ("complete", "source")}
    assert set(rows) == expected


def test_edition_filter(sample_repo: Path, cli: CliFn) -> None:
    rows = rows_by_key(status_json(cli, sample_repo, "--edition", "2023-W09"))
    assert {k[0] for k in rows} == {s for s in ORIGINALS if s.startswith("2023-w09")}
    assert len(rows) == 9
    assert status_json(cli, sample_repo, "--edition", "2023-W11")["translations"] == []


def test_status_sees_an_edit_without_update_and_writes_nothing(sample_repo: Path, cli: CliFn) -> None:
    slug = "2023-w09-airfield-attack"
    path = sample_repo / "content" / "ru" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Тем не менее ряд", "Впрочем, ряд"), encoding="utf-8")
    before = snapshot(sample_repo)

    rows = rows_by_key(status_json(cli, sample_repo, slug))
    for lang in ("be", "en"):
        assert (rows[(slug, lang)]["state"], rows[(slug, lang)]["stale"]) == ("stale", 1)
    diff = cli(sample_repo, "diff", slug)
    assert "[-Тем не менее-]{+Впрочем,+}" in diff.stdout
    assert cli(sample_repo, "check").exit_code == 1
    assert snapshot(sample_repo) == before  # read-only: the cache lives outside the content


def test_check_passes_on_a_complete_edition(sample_repo: Path, cli: CliFn) -> None:
    result = cli(sample_repo, "check", "--edition", "2023-W09")
    assert result.exit_code == 0
    assert result.stdout.strip() == "all 6 translations finished"


def test_check_lists_what_blocks(sample_repo: Path, cli: CliFn) -> None:
    result = cli(sample_repo, "check")
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[-1] == "5 of 18 translations not finished"
    blocking = {tuple(line.split(":")[0].split()) for line in lines[:-1]}
    assert blocking == set(NOT_COMPLETE)
    assert "2023-w12-great-stone en: partial (15/27 segments)" in lines

    data = json.loads(cli(sample_repo, "check", "--json").stdout)
    assert data["schema"] == 1 and data["ok"] is False
    assert {(r["slug"], r["lang"]): r["state"] for r in data["blocking"]} == NOT_COMPLETE
    assert cli(sample_repo, "check", "--edition", "2023-W12", "--lang", "ru").exit_code == 0


def test_diff_shows_the_word_diff_and_the_old_translation(sample_repo: Path, cli: CliFn) -> None:
    result = cli(sample_repo, "diff", "2023-w10-price-controls", "--lang", "en")
    assert result.exit_code == 0
    out = result.stdout
    assert out.count("stale in en") == 2
    assert "content/ru/2023-w10-price-controls.md:15: paragraph, stale in en" in out
    assert "опустился до 9,[-3-]{+1+}% после 12,0% в январе{+ (уточнённые данные Белстата от 10 марта)+}." in out
    assert "изменятся [-через-]{+уже+} [-несколько месяцев-]{+летом+}." in out
    assert "annual consumer price growth fell to 9.3% from 12.0% in January" in out


def test_diff_json_shape(sample_repo: Path, cli: CliFn) -> None:
    result = cli(sample_repo, "diff", "2023-w10-price-controls", "--json")
    data = json.loads(result.stdout)
    assert set(data) == {"schema", "slug", "stale"} and data["schema"] == 1
    assert [(u["lang"], u["line"]) for u in data["stale"]] == [("be", 15), ("be", 26), ("en", 15), ("en", 26)]
    for u in data["stale"]:
        assert set(u) == {"lang", "kind", "path", "line", "old_source", "new_source", "translation", "changes"}
        # The pieces put together give back both texts.
        assert "".join(c["text"] for c in u["changes"] if c["op"] != "insert") == u["old_source"]
        assert "".join(c["text"] for c in u["changes"] if c["op"] != "delete") == u["new_source"]
        assert {c["op"] for c in u["changes"]} <= {"equal", "delete", "insert"}
    assert cli(sample_repo, "diff", "2023-w09-china-visit").stdout.strip() == "2023-w09-china-visit: no stale units"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("status", "no-such-briefing"), "unknown briefing 'no-such-briefing'"),
        (("diff", "no-such-briefing"), "unknown briefing 'no-such-briefing'"),
        (("check", "no-such-briefing"), "unknown briefing 'no-such-briefing'"),
        (("status", "--lang", "de"), "unknown language 'de'"),
        (("diff", "2023-w10-price-controls", "--lang", "xx"), "unknown language 'xx'"),
        (("status", "--state", "finished"), "unknown state 'finished'"),
        (("check", "--state", "stale,bogus"), "unknown state 'bogus'"),
    ],
)
def test_unknown_names_are_usage_errors(sample_repo: Path, cli: CliFn, args: tuple[str, ...], message: str) -> None:
    result = cli(sample_repo, *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]
    assert result.stdout == ""
