"""`trilingual update`: idempotent, msgmerge-like on source edits, takes in hand edits, reports conflicts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
import yaml

from tests.conftest import CliFn, snapshot
from trilingual.repository import revision
from trilingual.segmentation import segment

SLUG = "2023-w09-airfield-attack"  # original ru; be and en complete
OTHER = "2023-w10-border-crossings"  # original ru; be and en complete


def paths(repo: Path, lang: str, slug: str = SLUG) -> tuple[Path, Path, Path]:
    """(translated Markdown, catalog, sync record) of one translation."""
    return (
        repo / "content" / lang / f"{slug}.md",
        repo / "locale" / lang / f"{slug}.po",
        repo / "locale" / lang / ".sync" / f"{slug}.json",
    )


def source(repo: Path, slug: str = SLUG) -> Path:
    return repo / "content" / "ru" / f"{slug}.md"


def units_of(path: Path, kind: str) -> list[str]:
    return [u.text for u in segment(path.read_text(encoding="utf-8")).units if u.kind == kind]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def entries(catalog: Path) -> list[polib.POEntry]:
    return list(polib.pofile(str(catalog)))


def test_update_is_idempotent(sample_repo: Path, cli: CliFn) -> None:
    first = cli(sample_repo, "update")
    assert first.exit_code == 0
    assert "nothing written" in first.stdout  # the shipped repository is in sync already

    edit(source(sample_repo), "усиленные проверки", "усиленные проверки документов")
    changed = cli(sample_repo, "update")
    assert changed.exit_code == 0, changed.stderr
    assert "wrote locale/be/2023-w09-airfield-attack.po" in changed.stdout
    after = snapshot(sample_repo)

    again = cli(sample_repo, "update")
    assert again.exit_code == 0
    assert again.stdout.strip() == "18 translations up to date, nothing written"
    assert snapshot(sample_repo) == after


def test_changed_paragraph_makes_exactly_that_unit_fuzzy(sample_repo: Path, cli: CliFn) -> None:
    old = units_of(source(sample_repo), "paragraph")[1]
    new = old.replace("Тем не менее", "Впрочем,")
    md, catalog, _ = paths(sample_repo, "be")
    translation = next(e.msgstr for e in entries(catalog) if e.msgid == old)
    edit(source(sample_repo), old, new)
    assert cli(sample_repo, "update").exit_code == 0

    for lang in ("be", "en"):
        fuzzy = [e for e in entries(paths(sample_repo, lang)[1]) if "fuzzy" in e.flags]
        assert [(e.msgid, e.previous_msgid) for e in fuzzy] == [(new, old)], lang
        assert all(e.msgstr for e in entries(paths(sample_repo, lang)[1]))
    assert "#| msgid" in catalog.read_text(encoding="utf-8")
    # A reader of the translation still sees the translation made from the old text.
    assert translation in md.read_text(encoding="utf-8")
    status = cli(sample_repo, "status", SLUG, "--json")
    rows = {r["lang"]: r for r in json.loads(status.stdout)["translations"]}
    assert rows["be"]["state"] == rows["en"]["state"] == "stale"
    assert rows["be"]["stale"] == 1 and rows["be"]["units"]["done"] == rows["be"]["units"]["total"] - 1


def test_removed_list_item_is_kept_obsolete_and_returns(sample_repo: Path, cli: CliFn) -> None:
    item = units_of(source(sample_repo), "list item")[3]
    md, catalog, _ = paths(sample_repo, "en")
    translation = next(e.msgstr for e in entries(catalog) if e.msgid == item)
    before = snapshot(sample_repo)
    original = source(sample_repo).read_text(encoding="utf-8")
    edit(source(sample_repo), "\n- " + item, "")
    assert cli(sample_repo, "update").exit_code == 0
    obsolete = [e for e in entries(catalog) if e.obsolete]
    assert [(e.msgid, e.msgstr) for e in obsolete] == [(item, translation)]
    assert translation not in md.read_text(encoding="utf-8")

    source(sample_repo).write_text(original, encoding="utf-8")
    assert cli(sample_repo, "update").exit_code == 0
    back = [e for e in entries(catalog) if e.msgid == item]
    assert [(e.msgstr, e.obsolete, "fuzzy" in e.flags) for e in back] == [(translation, False, False)]
    assert translation in md.read_text(encoding="utf-8")
    assert snapshot(sample_repo) == before


def test_hand_edit_to_markdown_becomes_the_translation(sample_repo: Path, cli: CliFn) -> None:
    md, catalog, _ = paths(sample_repo, "be")
    old = units_of(md, "paragraph")[0]
    new = old.replace("Раніцай 26 лютага", "Раніцай у нядзелю, 26 лютага,")
    edit(md, old, new)
    edited = md.read_bytes()
    result = cli(sample_repo, "update")
    assert result.exit_code == 0, result.stderr
    assert "1 unit taken from hand-edited Markdown" in result.stdout
    entry = next(e for e in entries(catalog) if e.msgstr == new)
    assert "fuzzy" not in entry.flags and entry.previous_msgid is None
    assert md.read_bytes() == edited  # never overwritten
    # And it stays: later runs leave both files alone.
    assert cli(sample_repo, "update").stdout.strip().endswith("nothing written")
    assert md.read_bytes() == edited
    status = json.loads(cli(sample_repo, "status", SLUG, "--lang", "be", "--json").stdout)
    assert [r["state"] for r in status["translations"]] == ["complete"]


def test_catalog_edit_rewrites_the_markdown(sample_repo: Path, cli: CliFn) -> None:
    md, catalog, _ = paths(sample_repo, "en")
    po = polib.pofile(str(catalog), wrapwidth=78)
    heading = next(e for e in po if e.comment.startswith("heading"))
    old = heading.msgstr
    heading.msgstr = "What we know so far"  # as a translator would in Poedit
    po.save()
    assert f"## {old}\n" in md.read_text(encoding="utf-8")
    result = cli(sample_repo, "update")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"wrote content/en/{SLUG}.md"
    text = md.read_text(encoding="utf-8")
    assert "## What we know so far\n" in text and f"## {old}\n" not in text


def test_both_changed_is_a_conflict_and_both_texts_are_kept(sample_repo: Path, cli: CliFn) -> None:
    md, catalog, _ = paths(sample_repo, "be")
    item = units_of(md, "list item")[2]
    in_markdown = item + " (markdown)"
    in_catalog = item + " (catalog)"
    edit(md, item, in_markdown)
    po = polib.pofile(str(catalog), wrapwidth=78)
    next(e for e in po if e.msgstr == item).msgstr = in_catalog
    po.save()
    line = next(n for n, text in enumerate(md.read_text(encoding="utf-8").split("\n"), 1) if in_markdown in text)

    for _ in range(2):  # reported again on every run until someone settles it
        result = cli(sample_repo, "update")
        assert result.exit_code == 1
        reports = [r for r in result.stderr.splitlines() if "conflict" in r]
        assert len(reports) == 1 and reports[0].startswith(f"content/be/{SLUG}.md:{line}: conflict")
        assert in_markdown in md.read_text(encoding="utf-8")
        assert [e.msgstr for e in entries(catalog) if e.msgstr in (in_catalog, in_markdown)] == [in_catalog]
    status = cli(sample_repo, "status", SLUG, "--lang", "be")
    assert "1 conflict" in status.stdout
    assert cli(sample_repo, "check", SLUG, "--lang", "be").exit_code == 1


def test_adoption_of_hand_written_translation(sample_repo: Path, cli: CliFn) -> None:
    """A translation written by hand, with no catalog yet, is taken in as reviewed work."""
    _, catalog, sync = paths(sample_repo, "en")
    shipped = snapshot(sample_repo)
    catalog.unlink()
    sync.unlink()
    result = cli(sample_repo, "update", SLUG)
    assert result.exit_code == 0, result.stderr
    assert "13 units taken from hand-edited Markdown" in result.stdout
    po = polib.pofile(str(catalog))
    assert po.percent_translated() == 100 and not po.fuzzy_entries()
    assert snapshot(sample_repo) == shipped  # the same catalog and record the tool shipped with


def test_adoption_refuses_a_structure_that_does_not_match(sample_repo: Path, cli: CliFn) -> None:
    md, catalog, sync = paths(sample_repo, "en")
    catalog.unlink()
    sync.unlink()
    text = md.read_text(encoding="utf-8")
    heading = "\n## " + units_of(md, "heading")[0] + "\n"
    md.write_text(text.replace(heading, "\nAn extra paragraph with no original.\n" + heading), encoding="utf-8")
    line = md.read_text(encoding="utf-8").split("\n").index("An extra paragraph with no original.") + 1
    before = snapshot(sample_repo)

    result = cli(sample_repo, "update")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    rel = md.relative_to(sample_repo).as_posix()
    assert lines[0].startswith(f"{rel}:{line}: paragraph where the original has a heading")
    assert snapshot(sample_repo) == before


def test_translation_records_the_source_revision(sample_repo: Path, cli: CliFn) -> None:
    edit(source(sample_repo), "усиленные проверки", "усиленные проверки документов")
    assert cli(sample_repo, "update").exit_code == 0
    expected = revision(source(sample_repo).read_bytes())
    for lang in ("be", "en"):
        md = paths(sample_repo, lang)[0].read_text(encoding="utf-8")
        front = yaml.safe_load(md.split("---\n")[1])
        assert front["source_revision"] == expected
        assert front["original"] == "ru"


def test_update_restricted_to_a_slug_and_a_language(sample_repo: Path, cli: CliFn) -> None:
    edit(source(sample_repo), "усиленные проверки", "усиленные проверки документов")
    edit(source(sample_repo, OTHER), "title: Напряжение на западной границе", "title: Напряжение на границе")
    before = snapshot(sample_repo)

    def changed() -> set[str]:
        return {name for name, data in snapshot(sample_repo).items() if before.get(name) != data}

    def files(lang: str, slug: str) -> set[str]:
        return {f"locale/{lang}/{slug}.po", f"content/{lang}/{slug}.md", f"locale/{lang}/.sync/{slug}.json"}

    result = cli(sample_repo, "update", SLUG, "--lang", "be")
    assert result.exit_code == 0
    assert re.search(r"^1 of 1 translations updated", result.stdout, re.MULTILINE)
    assert changed() == files("be", SLUG)

    assert cli(sample_repo, "update", "--lang", "en").exit_code == 0
    assert changed() == files("be", SLUG) | files("en", SLUG) | files("en", OTHER)

    assert cli(sample_repo, "update").exit_code == 0
    assert changed() == files("be", SLUG) | files("en", SLUG) | files("en", OTHER) | files("be", OTHER)


def test_a_hand_edit_of_a_machine_draft_drops_the_engine_and_its_notes(sample_repo: Path, cli: CliFn) -> None:
    slug = "2023-w12-tactical-nuclear"  # the shipped be translation holds machine drafts
    catalog = sample_repo / "locale/be" / f"{slug}.po"
    po = polib.pofile(str(catalog))
    draft = next(e for e in po if "fuzzy" in e.flags)
    draft.comment += "\nengine note: unknown word"
    po.save()
    assert cli(sample_repo, "update").exit_code == 0
    md = sample_repo / "content/be" / f"{slug}.md"
    edit(md, draft.msgstr, draft.msgstr + " Праверана.")

    result = cli(sample_repo, "update")
    assert result.exit_code == 0, result.stderr
    after = next(e for e in polib.pofile(str(catalog)) if e.msgid == draft.msgid)
    assert after.msgstr == draft.msgstr + " Праверана."
    assert "fuzzy" not in after.flags
    assert "machine translation" not in after.comment and "engine note" not in after.comment
