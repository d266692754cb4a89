"""The catalogs `update` writes are standard gettext: msgfmt, polib and babel agree with them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.plurals import get_plural

from tests.conftest import CliFn, snapshot
from tests.programs import need
from trilingual.segmentation import segment

LANGS = ("be", "ru", "en")


def catalogs(repo: Path) -> list[Path]:
    return sorted(repo.glob("locale/*/*.po"))


def source_of(repo: Path, catalog: Path) -> Path:
    """The original a catalog translates (the one language folder holding `original: <its lang>`)."""
    for lang in LANGS:
        path = repo / "content" / lang / (catalog.stem + ".md")
        if path.is_file() and f"\noriginal: {lang}\n" in path.read_text(encoding="utf-8"):
            return path
    raise AssertionError(f"no original for {catalog}")


@pytest.fixture
def updated_repo(sample_repo: Path, cli: CliFn) -> Path:
    result = cli(sample_repo, "update")
    assert result.exit_code == 0, result.stderr
    return sample_repo


def test_msgfmt_accepts_every_catalog(updated_repo: Path, tmp_path: Path) -> None:
    msgfmt = need("msgfmt")
    found = catalogs(updated_repo)
    assert len(found) == 18  # every translation of the nine briefings
    for po in found:
        run = subprocess.run(
            [msgfmt, "-c", "-o", str(tmp_path / "out.mo"), str(po)], capture_output=True, text=True, check=False
        )
        assert run.returncode == 0, f"{po.name}: {run.stderr}"


def test_headers_follow_babel(updated_repo: Path) -> None:
    seen = set()
    for path in catalogs(updated_repo):
        lang = path.parent.name
        po = polib.pofile(str(path))
        assert po.metadata["Language"] == lang
        assert po.metadata["Plural-Forms"] == str(get_plural(lang))
        assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
        assert po.metadata["Project-Id-Version"] == f"belarus-briefings {path.stem}"
        seen.add(lang)
    assert seen == set(LANGS)
    assert get_plural("be").num_plurals == get_plural("ru").num_plurals == 3
    assert get_plural("en").num_plurals == 2


def test_entries_follow_the_document(updated_repo: Path) -> None:
    """Document order, a `#:` reference to the original's file and line, the unit kind as `#.`."""
    for path in catalogs(updated_repo):
        source = source_of(updated_repo, path)
        units = segment(source.read_text(encoding="utf-8")).units
        active = [e for e in polib.pofile(str(path)) if not e.obsolete]
        reference = source.relative_to(updated_repo).as_posix()
        assert [e.msgid for e in active] == [u.text for u in units], path.name
        assert [e.occurrences for e in active] == [[(reference, str(u.line))] for u in units], path.name
        assert [e.comment.split("\n")[0] for e in active] == [u.kind for u in units], path.name


def test_polib_reads_every_catalog_back_unchanged(updated_repo: Path) -> None:
    for path in catalogs(updated_repo):
        po = polib.pofile(str(path), wrapwidth=78)
        assert len(po) > 0
        # polib writes back the same bytes: nothing in our files is outside what it understands.
        assert (str(po).rstrip("\n") + "\n").encode("utf-8") == path.read_bytes(), path.name


def _source_paragraph(repo: Path) -> tuple[Path, str]:
    path = repo / "content" / "ru" / "2023-w09-airfield-attack.md"
    text = path.read_text(encoding="utf-8")
    paragraphs = [u for u in segment(text).units if u.kind == "paragraph"]
    return path, paragraphs[1].text


def test_removed_unit_turns_obsolete_and_comes_back(sample_repo: Path, cli: CliFn) -> None:
    path, paragraph = _source_paragraph(sample_repo)
    original = path.read_text(encoding="utf-8")
    catalog = sample_repo / "locale" / "be" / "2023-w09-airfield-attack.po"
    shipped = snapshot(sample_repo)
    before = {e.msgid: e for e in polib.pofile(str(catalog))}
    translation = before[paragraph].msgstr
    assert translation

    path.write_text(original.replace(paragraph + "\n\n", ""), encoding="utf-8")
    assert cli(sample_repo, "update").exit_code == 0
    po = polib.pofile(str(catalog))
    assert paragraph not in {e.msgid for e in po if not e.obsolete}
    gone = [e for e in po.obsolete_entries() if e.msgid == paragraph]
    assert len(gone) == 1 and gone[0].msgstr == translation
    assert "#~ msgid" in catalog.read_text(encoding="utf-8")
    md = (sample_repo / "content" / "be" / "2023-w09-airfield-attack.md").read_text(encoding="utf-8")
    assert translation not in md

    path.write_text(original, encoding="utf-8")
    assert cli(sample_repo, "update").exit_code == 0
    po = polib.pofile(str(catalog))
    back = [e for e in po if e.msgid == paragraph]
    assert len(back) == 1 and not back[0].obsolete
    assert back[0].msgstr == translation and "fuzzy" not in back[0].flags
    assert not po.obsolete_entries()
    md = (sample_repo / "content" / "be" / "2023-w09-airfield-attack.md").read_text(encoding="utf-8")
    assert translation in md
    assert snapshot(sample_repo) == shipped  # the round trip leaves no trace
