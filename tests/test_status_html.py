"""`status --html`: the status table as one self-contained page."""

from __future__ import annotations

from pathlib import Path

import html5lib

from tests.conftest import CliFn, snapshot


def page(repo: Path, cli: CliFn, *args: str) -> tuple[str, object]:
    result = cli(repo, "status", *args, "--html", "report/status.html")
    assert result.exit_code == 0, result.stderr
    text = (repo / "report" / "status.html").read_text()
    return result.stdout, html5lib.parse(text, namespaceHTMLElements=False)


def test_the_page_has_every_row_with_its_state_and_progress(sample_repo: Path, cli: CliFn) -> None:
    out, tree = page(sample_repo, cli)
    assert out.strip() == "wrote report/status.html (27 translations)"
    rows = tree.findall(".//tbody/tr")  # type: ignore[attr-defined]
    assert len(rows) == 27
    by_key = {(r.get("data-lang"), r.findall("td")[0].text): r for r in rows}
    partial = by_key[("en", "2023-w12-great-stone")]
    assert partial.get("data-state") == "partial" and partial.get("data-edition") == "2023-W12"
    bar = partial.find(".//span[@class='bar-partial']")
    assert bar is not None and bar.get("style") == "width: 56%"
    assert by_key[("en", "2023-w12-potash-exports")].find(".//span[@class='state state-missing']") is not None
    notes = by_key[("be", "2023-w12-tactical-nuclear")].findall("td")[-1].text
    assert notes == "4 fuzzy, 4 machine"


def test_filters_list_the_languages_states_and_editions(sample_repo: Path, cli: CliFn) -> None:
    _, tree = page(sample_repo, cli)
    options = {
        s.get("id"): [o.text for o in s.findall("option")]
        for s in tree.findall(".//select")  # type: ignore[attr-defined]
    }
    assert options["f-lang"] == ["all", "be", "ru", "en"]
    assert options["f-state"] == ["all", "source", "missing", "partial", "draft", "stale", "complete"]
    assert options["f-edition"] == ["all", "2023-W09", "2023-W10", "2023-W12"]
    script = tree.find(".//script").text  # type: ignore[attr-defined]
    assert '"f-" + k' in script and "dataset" in script


def test_the_page_is_self_contained(sample_repo: Path, cli: CliFn) -> None:
    _, tree = page(sample_repo, cli)
    assert tree.findall(".//link") == [] and tree.findall(".//img") == []  # type: ignore[attr-defined]
    for element in tree.iter():  # type: ignore[attr-defined]
        assert element.get("src") is None and element.get("href") is None
    text = (sample_repo / "report" / "status.html").read_text()
    assert "http" not in text and "@import" not in text and "url(" not in text


def test_a_selection_narrows_the_page_and_nothing_else_is_written(sample_repo: Path, cli: CliFn) -> None:
    before = snapshot(sample_repo)
    out, tree = page(sample_repo, cli, "--state", "stale")
    assert "(2 translations)" in out
    assert [r.get("data-state") for r in tree.findall(".//tbody/tr")] == ["stale", "stale"]  # type: ignore[attr-defined]
    after = snapshot(sample_repo)
    assert set(after) - set(before) == {"report/status.html"}
    assert {k: v for k, v in after.items() if k != "report/status.html"} == before


def test_published_shows_after_a_release(sample_repo: Path, cli: CliFn) -> None:
    assert cli(sample_repo, "release", "2023-W09").exit_code == 0
    _, tree = page(sample_repo, cli, "--edition", "2023-W09")
    states = sorted({r.get("data-state") for r in tree.findall(".//tbody/tr")})  # type: ignore[attr-defined]
    assert states == ["published", "source"]
