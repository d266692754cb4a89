"""The translation memory: built from reviewed translations, TMX 1.4 out and in."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from translate.storage import tmx

from tests.conftest import CliFn, snapshot
from trilingual.config import load_config
from trilingual.memory import Memory, TMUnit, export_tmx, import_tmx, reviewed_units


def test_reviewed_translations_in_every_direction(sample_repo: Path) -> None:
    units = reviewed_units(load_config(sample_repo))
    pairs = {(u.src, u.tgt) for u in units}
    assert {("ru", "be"), ("be", "ru"), ("ru", "en"), ("be", "en"), ("en", "be")} <= pairs
    assert all(u.origin == "reviewed" and u.source and u.target for u in units)


def test_export_is_tmx_that_translate_toolkit_reads(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    out = tmp_path / "memory.tmx"
    result = cli(sample_repo, "tm", "export", str(out))
    assert result.exit_code == 0, result.stderr
    store = tmx.tmxfile.parsefile(str(out))
    units = [u for u in store.units if u.source]
    assert len(units) > 500
    n = int(result.stdout.split()[1])
    assert n == len(units)
    reviewed = {(u.source, u.target) for u in reviewed_units(load_config(sample_repo))}
    assert {(u.source, u.target) for u in units} <= reviewed


def test_import_round_trip(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    out = tmp_path / "memory.tmx"
    source = Memory(None)
    source.add(
        [TMUnit("ru", "en", "Цены выросли на <5%> & больше.", "Prices rose by <5%> & more.", "machine", "deepl")]
    )
    export_tmx(source, out)
    result = cli(sample_repo, "tm", "import", str(out))
    assert result.exit_code == 0, result.stderr
    with Memory.of(load_config(sample_repo)) as memory:
        found = memory.exact("ru", "en", "Цены выросли на <5%> & больше.")
        assert found is not None and found.target == "Prices rose by <5%> & more." and found.origin == "import"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40)), max_size=8))
def test_tmx_round_trip_keeps_every_text(tmp_path_factory: object, pairs: list[tuple[str, str]]) -> None:
    import tempfile

    clean = [(a, b) for a, b in pairs if a.strip() and b.strip() and _xml_ok(a + b)]
    memory = Memory(None)
    memory.add(TMUnit("be", "ru", a, b) for a, b in clean)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.tmx"
        export_tmx(memory, path)
        again = Memory(None)
        import_tmx(again, path)
    assert {(u.source, u.target) for u in again.units()} == {(u.source, u.target) for u in memory.units()}


def _xml_ok(text: str) -> bool:
    return all(
        ch in "\t\n" or (ch >= " " and ch not in "\ufffe\uffff" and not 0xD800 <= ord(ch) <= 0xDFFF) for ch in text
    )


def test_broken_tmx_is_an_input_error_with_the_line(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text('<?xml version="1.0"?>\n<tmx version="1.4">\n<body>\n<tu><tuv xml:lang="ru"><seg>x</tuv>\n')
    before = snapshot(sample_repo)
    result = cli(sample_repo, "tm", "import", str(bad))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{bad}:4: not a valid TMX file")
    assert snapshot(sample_repo) == before


def test_fuzzy_lookup_is_bounded_by_length() -> None:
    memory = Memory(None)
    memory.add(TMUnit("ru", "be", f"Фраза номер {i} про экономику и цены.", f"Фраза нумар {i}.") for i in range(2000))
    match = memory.lookup("ru", "be", "Фраза номер 17 про экономику и цены!", 90)
    assert match is not None and match.score >= 90 and match.unit.source.startswith("Фраза номер 17")
    assert memory.lookup("ru", "be", "Короткая.", 90) is None
