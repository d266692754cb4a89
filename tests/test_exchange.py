"""`pull`: what a translator gets; round trips through other tools; no pushed text is ever lost."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, CliFn, snapshot
from tests.programs import need
from trilingual.catalogs import read_catalog
from trilingual.exchange import get_format, read_document
from trilingual.segmentation import segment

SLUG = "2023-w12-tactical-nuclear"


def pull(cli: CliFn, repo: Path, out: Path, *args: str) -> list[Path]:
    result = cli(repo, "pull", "-o", str(out / "pulled"), *args)
    assert result.exit_code == 0, result.stderr
    return sorted((out / "pulled").iterdir())


def test_pull_holds_the_units_that_need_work_with_their_context(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    files = pull(cli, sample_repo, tmp_path, "--lang", "be")
    assert [f.name for f in files] == ["2023-w10-price-controls.be.po", "2023-w12-tactical-nuclear.be.po"]
    draft = polib.pofile(str(files[1]))
    assert len(draft) == 4 and all(e.fuzzy for e in draft)
    assert all("machine translation: google" in e.comment for e in draft)
    assert draft[0].occurrences == [(f"content/en/{SLUG}.md", "20")]
    assert draft[0].comment.split("\n")[0] == "paragraph"
    iskander = next(e for e in draft if "Iskander" in e.msgid)
    assert "glossary: Iskander → «Іскандэр» (missile system; quoted in ru and be)" in iskander.comment
    stale = polib.pofile(str(files[0]))
    assert all(e.fuzzy and e.previous_msgid for e in stale)
    assert "9,3%" in stale[0].previous_msgid and "9,1%" in stale[0].msgid


def test_pull_all_and_selection(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    [path] = pull(cli, sample_repo, tmp_path, "--lang", "en", "--all", "--format", "xliff2", "2023-w12-great-stone")
    doc = read_document(path, path.read_bytes())
    assert len(doc.units) == 27 and doc.lang == "en" and doc.source_lang == "ru"
    assert sum(1 for u in doc.units if u.target) == 15
    assert any("Great Stone" in g for u in doc.units for g in u.glossary)


def test_pull_edition_and_json(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli(sample_repo, "pull", "--lang", "be", "--edition", "2023-W12", "-o", str(out), "--json")
    data = json.loads(result.stdout)
    assert [(f["slug"], f["units"]) for f in data["files"]] == [(SLUG, 4)]
    assert data["nothing_to_do"] == ["2023-w12-great-stone"]  # complete; potash is written in be


def test_pull_into_the_original_language_is_a_usage_error(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    result = cli(sample_repo, "pull", "--lang", "en", "-o", str(tmp_path / "out"), SLUG)
    assert result.exit_code == 2 and "written in en" in result.stderr
    assert not (tmp_path / "out").exists()


def _edit_all(path: Path) -> None:
    po = polib.pofile(str(path))
    for e in po:
        e.msgstr = "Праўка: " + e.msgstr
    po.save()


def _resave_polib(path: Path) -> None:
    polib.pofile(str(path)).save()


def _resave_msgcat(path: Path) -> None:
    out = path.with_suffix(".cat")
    subprocess.run([need("msgcat"), "-o", str(out), str(path)], check=True, capture_output=True)
    out.replace(path)


def _resave_toolkit(path: Path) -> None:
    from translate.storage import factory

    store = factory.getobject(str(path))
    store.save()


@pytest.mark.parametrize(
    ("fmt", "resave"),
    [("po", _resave_polib), ("po", _resave_msgcat), ("po", _resave_toolkit), ("xliff", _resave_toolkit)],
    ids=["polib", "msgcat", "toolkit-po", "toolkit-xliff"],
)
def test_round_trip_through_other_tools_changes_nothing(
    sample_repo: Path, cli: CliFn, tmp_path: Path, fmt: str, resave
) -> None:  # type: ignore[no-untyped-def]
    files = pull(cli, sample_repo, tmp_path, "--lang", "en", "--all", "--format", fmt)
    before_bytes = {f: f.read_bytes() for f in files}
    for f in files:
        resave(f)
    assert any(f.read_bytes() != before_bytes[f] for f in files) or fmt == "po"
    before = snapshot(sample_repo)
    result = cli(sample_repo, "push", *map(str, files))
    assert result.exit_code == 0, result.stderr
    assert "0 reviewed, 0 applied, 0 stale, 0 conflict, 0 same" in result.stdout
    assert snapshot(sample_repo) == before


def test_edits_survive_msgcat(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    [path] = pull(cli, sample_repo, tmp_path, "--lang", "be", SLUG)
    _edit_all(path)
    _resave_msgcat(path)
    result = cli(sample_repo, "push", str(path))
    assert result.exit_code == 0 and "4 applied" in result.stdout


# --- nothing is lost, whatever the order ----------------------------------------

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("pull"), st.integers(0, 1), st.sampled_from(["po", "xliff", "xliff2"]), st.booleans()),
        st.tuples(st.just("edit"), st.integers(0, 1), st.integers(0, 13), st.booleans()),
        st.tuples(st.just("source"), st.integers(0, 13)),
        st.tuples(st.just("editor"), st.integers(0, 13)),
        st.tuples(st.just("push"), st.integers(0, 1)),
    ),
    min_size=3,
    max_size=9,
)


def _texts_kept(repo: Path) -> set[str]:
    data = (repo / f"locale/be/{SLUG}.po").read_bytes()
    kept = {e.msgstr for e in read_catalog(data, "x", "be").entries}
    for path in (repo / "locale/be/conflicts").glob("*.po"):
        kept |= {e.msgstr for e in polib.pofile(str(path))}
    return kept


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_no_pushed_text_is_ever_lost(cli: CliFn, tmp_path_factory: pytest.TempPathFactory, ops: list) -> None:  # type: ignore[type-arg]
    base = tmp_path_factory.mktemp("interleave")
    repo = base / "repo"
    repo.mkdir()
    shutil.copy(ROOT / "trilingual.toml", repo / "trilingual.toml")
    for folder in ("content", "locale"):
        shutil.copytree(ROOT / folder, repo / folder)
    shutil.copy(ROOT / "glossary.csv", repo / "glossary.csv")
    slots: dict[int, Path] = {}
    pending: dict[int, dict[int, str]] = {0: {}, 1: {}}  # per slot: unit -> the text last edited in
    conflicted: set[str] = set()
    source = repo / f"content/en/{SLUG}.md"
    for step, op in enumerate(ops):
        if op[0] == "pull":
            _, slot, fmt, everything = op
            out = base / f"slot{slot}-{step}"
            args = ["--lang", "be", "--format", fmt, SLUG] + (["--all"] if everything else [])
            result = cli(repo, "pull", "-o", str(out), *args)
            assert result.exit_code == 0, result.stderr
            files = list(out.iterdir()) if out.exists() else []
            if files:
                slots[slot] = files[0]
                pending[slot] = {}
        elif op[0] == "edit" and op[1] in slots:
            _, slot, index, review = op
            path = slots[slot]
            doc = read_document(path, path.read_bytes())
            if not doc.units:
                continue
            i = index % len(doc.units)
            text = f"Пераклад {step}"
            units = list(doc.units)
            units[i] = replace(units[i], target=text, fuzzy=not review)
            fmt = get_format(
                {".po": "po"}.get(path.suffix, "xliff2" if b"document:2.0" in path.read_bytes() else "xliff")
            )
            path.write_bytes(fmt.dump(replace(doc, units=tuple(units))))
            pending[slot][i] = text
        elif op[0] == "source":
            units = segment(source.read_text()).units
            body = [u for u in units if u.kind in ("paragraph", "list item")]
            unit = body[op[1] % len(body)]
            text = source.read_text()
            source.write_text(text.replace(unit.text, unit.text.rstrip(".;:") + f" (rev {step}).", 1))
        elif op[0] == "editor":
            path = repo / f"locale/be/{SLUG}.po"
            po = polib.pofile(str(path))
            active = [e for e in po if not e.obsolete]
            entry = active[op[1] % len(active)]
            entry.msgstr = f"Рэдакцыя {step}"
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            po.save()
        elif op[0] == "push" and op[1] in slots:
            result = cli(repo, "push", str(slots[op[1]]))
            assert result.exit_code in (0, 1, 2), result.stderr
            if result.exit_code == 2:
                assert "no longer exists" in result.stderr
                continue
            kept = _texts_kept(repo)
            lost = set(pending[op[1]].values()) - kept
            assert not lost, f"pushed and lost: {lost}"
            conflicted |= set(pending[op[1]].values()) & {
                e.msgstr for p in (repo / "locale/be/conflicts").glob("*.po") for e in polib.pofile(str(p))
            }
        # A text waiting in a conflict file stays there until the catalog holds it.
        assert conflicted <= _texts_kept(repo)
