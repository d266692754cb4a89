"""`push`, case by case, on a copy of the sample repository through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from lxml import etree

from tests.conftest import CliFn, snapshot
from trilingual.catalogs import read_catalog

SLUG = "2023-w12-tactical-nuclear"  # original en; be is a draft of four machine-translated units
CATALOG = f"locale/be/{SLUG}.po"
MARKDOWN = f"content/be/{SLUG}.md"
CONFLICTS = f"locale/be/conflicts/{SLUG}.po"
FIRST = "Judging by the Russian statements, the plan has several components:"


def pull(cli: CliFn, repo: Path, out: Path, fmt: str = "po", lang: str = "be", slug: str = SLUG) -> Path:
    result = cli(repo, "pull", "--lang", lang, "--format", fmt, "-o", str(out), slug)
    assert result.exit_code == 0, result.stderr
    return out / f"{slug}.{lang}{'.po' if fmt == 'po' else '.xlf'}"


def edit_po(path: Path, msgid_start: str, text: str | None = None, fuzzy: bool | None = None) -> None:
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid.startswith(msgid_start))
    if text is not None:
        entry.msgstr = text
    if fuzzy is False and "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    po.save()


def entry(repo: Path, msgid_start: str, catalog: str = CATALOG, lang: str = "be"):  # type: ignore[no-untyped-def]
    cat = read_catalog((repo / catalog).read_bytes(), catalog, lang)
    return next(e for e in cat.active if e.msgid.startswith(msgid_start))


def push(cli: CliFn, repo: Path, *files: Path):  # type: ignore[no-untyped-def]
    return cli(repo, "push", *map(str, files))


def test_unchanged_file_changes_nothing(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    path = pull(cli, sample_repo, tmp_path / "out")
    before = snapshot(sample_repo)
    result = push(cli, sample_repo, path)
    assert result.exit_code == 0, result.stderr
    assert "4 unchanged" in result.stdout
    assert snapshot(sample_repo) == before


def test_changed_unit_is_applied_still_fuzzy(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    path = pull(cli, sample_repo, tmp_path / "out")
    edit_po(path, FIRST, "Мяркуючы па заявах Масквы, план мае некалькі частак:")
    result = push(cli, sample_repo, path)
    assert result.exit_code == 0, result.stderr
    assert "1 applied" in result.stdout and "3 unchanged" in result.stdout
    e = entry(sample_repo, FIRST)
    assert e.msgstr == "Мяркуючы па заявах Масквы, план мае некалькі частак:"
    assert e.fuzzy and e.engine is None  # a human's text now, not yet reviewed
    assert "Мяркуючы па заявах Масквы" in (sample_repo / MARKDOWN).read_text()


def test_cleared_fuzzy_flag_makes_it_reviewed(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    path = pull(cli, sample_repo, tmp_path / "out")
    po = polib.pofile(str(path))
    for e in po:
        e.flags.remove("fuzzy")
    po.save()
    result = push(cli, sample_repo, path)
    assert result.exit_code == 0, result.stderr
    assert "4 reviewed" in result.stdout
    e = entry(sample_repo, FIRST)
    assert not e.fuzzy and e.engine is None
    status = json.loads(cli(sample_repo, "status", SLUG, "--lang", "be", "--json").stdout)
    assert status["translations"][0]["state"] == "complete"


def test_source_changed_since_pull_applies_fuzzy_with_previous_source(
    sample_repo: Path, cli: CliFn, tmp_path: Path
) -> None:
    path = pull(cli, sample_repo, tmp_path / "out")
    edit_po(path, FIRST, "Мяркуючы па расійскіх заявах, план складаецца з некалькіх частак:", fuzzy=False)
    source = sample_repo / f"content/en/{SLUG}.md"
    source.write_text(source.read_text().replace(FIRST, FIRST.replace("statements", "official statements")))
    result = push(cli, sample_repo, path)
    assert result.exit_code == 0, result.stderr
    assert "1 stale" in result.stdout
    e = entry(sample_repo, "Judging by the Russian official statements")
    assert e.msgstr == "Мяркуючы па расійскіх заявах, план складаецца з некалькіх частак:"
    assert e.fuzzy and e.previous_msgid == FIRST


def test_conflict_keeps_both_versions_until_resolved(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    mine = pull(cli, sample_repo, tmp_path / "a")
    theirs = pull(cli, sample_repo, tmp_path / "b")
    edit_po(theirs, FIRST, "Тэкст рэдактара.", fuzzy=False)
    assert push(cli, sample_repo, theirs).exit_code == 0
    edit_po(mine, FIRST, "Тэкст перакладчыка.", fuzzy=False)

    result = push(cli, sample_repo, mine)
    assert result.exit_code == 1
    assert f"{mine}:" in result.stderr and "conflict" in result.stderr
    assert entry(sample_repo, FIRST).msgstr == "Тэкст рэдактара."  # the repository keeps its text
    waiting = polib.pofile(str(sample_repo / CONFLICTS))
    assert [e.msgstr for e in waiting] == ["Тэкст перакладчыка."]
    assert "Тэкст рэдактара." in waiting[0].tcomment and "Тэкст перакладчыка." in waiting[0].tcomment

    listed = cli(sample_repo, "conflicts", "--json")
    assert listed.exit_code == 1
    [c] = json.loads(listed.stdout)["conflicts"]
    assert (c["slug"], c["lang"], c["origin"], c["path"]) == (SLUG, "be", "push", CONFLICTS)
    assert (c["repository_text"], c["other_text"]) == ("Тэкст рэдактара.", "Тэкст перакладчыка.")

    before = snapshot(sample_repo)  # the same file again: still a conflict, nothing new written
    again = push(cli, sample_repo, mine)
    assert again.exit_code == 1 and snapshot(sample_repo) == before

    # Resolve by taking the translator's text: push the conflict file itself.
    resolved = push(cli, sample_repo, sample_repo / CONFLICTS)
    assert resolved.exit_code == 0, resolved.stderr
    assert entry(sample_repo, FIRST).msgstr == "Тэкст перакладчыка."
    assert not (sample_repo / CONFLICTS).exists()
    listed = cli(sample_repo, "conflicts")
    assert listed.exit_code == 0 and "no open conflicts" in listed.stdout


def test_conflict_resolved_by_editing_the_catalog(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    mine = pull(cli, sample_repo, tmp_path / "a")
    theirs = pull(cli, sample_repo, tmp_path / "b")
    edit_po(theirs, FIRST, "Тэкст рэдактара.")
    push(cli, sample_repo, theirs)
    edit_po(mine, FIRST, "Тэкст перакладчыка.")
    assert push(cli, sample_repo, mine).exit_code == 1
    po = polib.pofile(str(sample_repo / CATALOG))
    next(e for e in po if e.msgid == FIRST).msgstr = "Тэкст перакладчыка."
    po.save()
    assert cli(sample_repo, "conflicts").exit_code == 0


def test_markdown_conflicts_are_listed_too(sample_repo: Path, cli: CliFn) -> None:
    slug = "2023-w12-great-stone"
    md = sample_repo / f"content/be/{slug}.md"
    md.write_text(md.read_text().replace("Праз тры тыдні", "Праз тры тыдні пасля", 1))
    po = polib.pofile(str(sample_repo / f"locale/be/{slug}.po"))
    e = next(e for e in po if e.msgstr.startswith("Праз тры тыдні"))
    e.msgstr = "Іншы тэкст абзаца."
    po.save()
    listed = cli(sample_repo, "conflicts", "--json")
    assert listed.exit_code == 1
    [c] = json.loads(listed.stdout)["conflicts"]
    assert c["origin"] == "markdown" and c["repository_text"] == "Іншы тэкст абзаца."


def test_double_push_is_a_no_op(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    path = pull(cli, sample_repo, tmp_path / "out")
    edit_po(path, FIRST, "Новы тэкст.", fuzzy=False)
    assert push(cli, sample_repo, path).exit_code == 0
    before = snapshot(sample_repo)
    result = push(cli, sample_repo, path)
    assert result.exit_code == 0
    assert "0 reviewed, 0 applied" in result.stdout
    assert snapshot(sample_repo) == before


def test_dry_run_writes_nothing(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    path = pull(cli, sample_repo, tmp_path / "out")
    edit_po(path, FIRST, "Новы тэкст.")
    before = snapshot(sample_repo)
    result = cli(sample_repo, "push", "--dry-run", "--json", str(path))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["dry_run"] and data["counts"]["applied"] == 1 and CATALOG in data["written"]
    assert snapshot(sample_repo) == before


@pytest.mark.parametrize(
    ("mangle", "line_of", "message"),
    [
        (lambda t: t.replace('"Language: be\\n"', '"Language: ru\\n"'), '"Language:', "pulled for 'be'"),
        (
            lambda t: t.replace(f"X-Trilingual-Briefing: {SLUG}", "X-Trilingual-Briefing: 2023-w99-nothing"),
            '"X-Trilingual-Briefing:',
            "unknown briefing '2023-w99-nothing'",
        ),
        (lambda t: t.replace('msgstr "', 'msgstr "unterminated\n', 1), "unterminated", "malformed PO file"),
    ],
    ids=["wrong-language", "unknown-slug", "malformed"],
)
def test_bad_files_are_refused_whole(sample_repo: Path, cli: CliFn, tmp_path: Path, mangle, line_of, message) -> None:  # type: ignore[no-untyped-def]
    good = pull(cli, sample_repo, tmp_path / "good")
    edit_po(good, FIRST, "Добры тэкст.")
    bad = pull(cli, sample_repo, tmp_path / "bad")
    edit_po(bad, FIRST, "Тэкст.")
    text = mangle(bad.read_text())
    bad.write_text(text)
    line = next(n for n, s in enumerate(text.split("\n"), start=1) if line_of in s)
    before = snapshot(sample_repo)
    result = push(cli, sample_repo, good, bad)
    assert result.exit_code == 2
    assert result.stderr.strip().split("\n") == [f"{bad}:{line}: " + result.stderr.split(": ", 1)[1].strip()]
    assert message in result.stderr
    assert snapshot(sample_repo) == before  # the good file was not applied either


def test_wrong_language_original(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    path = pull(cli, sample_repo, tmp_path / "out")
    text = path.read_text().replace('"Language: be\\n"', '"Language: en\\n"')
    path.write_text(text.replace("X-Trilingual-Language: be", "X-Trilingual-Language: en"))
    result = push(cli, sample_repo, path)
    assert result.exit_code == 2 and "is written in en" in result.stderr


def test_unit_that_no_longer_exists_is_refused(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    path = pull(cli, sample_repo, tmp_path / "out")
    edit_po(path, FIRST, "Тэкст.")
    source = sample_repo / f"content/en/{SLUG}.md"
    source.write_text(source.read_text().replace(FIRST + "\n", "Something else entirely, rewritten from scratch.\n"))
    before = snapshot(sample_repo)
    result = push(cli, sample_repo, path)
    assert result.exit_code == 2
    line = polib.pofile(str(path)).find(FIRST).linenum
    assert result.stderr.startswith(f"{path}:{line}: this unit no longer exists")
    assert snapshot(sample_repo) == before


@pytest.mark.parametrize("fmt", ["xliff", "xliff2"])
def test_xliff_push_applies_and_reviews(sample_repo: Path, cli: CliFn, tmp_path: Path, fmt: str) -> None:
    path = pull(cli, sample_repo, tmp_path / "out", fmt)
    tree = etree.parse(str(path))
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2" if fmt == "xliff" else "urn:oasis:names:tc:xliff:document:2.0"}
    if fmt == "xliff":
        unit = tree.find(".//x:trans-unit", ns)
        unit.set("approved", "yes")
        target = unit.find("x:target", ns)
        target.set("state", "translated")
    else:
        segment = tree.find(".//x:segment", ns)
        segment.set("state", "reviewed")
        target = segment.find("x:target", ns)
    target.text = "Як вынікае з расійскіх заяў, план мае некалькі частак:"
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    result = push(cli, sample_repo, path)
    assert result.exit_code == 0, result.stderr
    assert "1 reviewed" in result.stdout and "3 unchanged" in result.stdout
    e = entry(sample_repo, FIRST)
    assert e.msgstr == "Як вынікае з расійскіх заяў, план мае некалькі частак:" and not e.fuzzy


def test_xliff_with_wrong_target_language(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    path = pull(cli, sample_repo, tmp_path / "out", "xliff")
    text = path.read_text().replace('target-language="be"', 'target-language="en"')
    path.write_text(text)
    result = push(cli, sample_repo, path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{path}:3: ") and "is written in en" in result.stderr
