"""The glossary file: listing, JSON, TBX that translate-toolkit reads, and bad rows."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import CliFn, snapshot
from trilingual.glossary import occurs


def test_lists_the_projects_terms(sample_repo: Path, cli: CliFn) -> None:
    result = cli(sample_repo, "glossary")
    assert result.exit_code == 0
    lines = result.stdout.split("\n")
    assert lines[0].split() == ["BE", "RU", "EN", "NOTE"]
    assert any(line.startswith("Лукашэнка") and "Лукашенко" in line and "Lukashenka" in line for line in lines)


def test_json(sample_repo: Path, cli: CliFn) -> None:
    data = json.loads(cli(sample_repo, "glossary", "--json").stdout)
    assert data["schema"] == 1 and data["path"] == "glossary.csv"
    terms = {t["terms"]["en"]: t for t in data["terms"]}
    assert terms["Great Stone"]["terms"] == {"en": "Great Stone", "ru": "«Великий камень»", "be": "«Вялікі камень»"}
    assert terms["Telegram"]["do_not_translate"] and terms["Telegram"]["terms"]["be"] == "Telegram"
    assert len(data["terms"]) >= 14


def test_tbx_export_reads_in_translate_toolkit(sample_repo: Path, cli: CliFn, tmp_path: Path) -> None:
    from translate.storage import tbx

    out = tmp_path / "terms.tbx"
    result = cli(sample_repo, "glossary", "--tbx", str(out))
    assert result.exit_code == 0 and f"wrote {out}" in result.stdout
    store = tbx.tbxfile.parsestring(out.read_bytes())
    pairs = {(u.source, u.gettarget("be")) for u in store.units}
    assert ("Lukashenka", "Лукашэнка") in pairs
    assert ("Great Stone", "«Вялікі камень»") in pairs
    ru = {(u.source, u.gettarget("ru")) for u in store.units}
    assert ("Machulishchy", "Мачулищи") in ru


def test_bad_row_is_one_line_error(sample_repo: Path, cli: CliFn) -> None:
    path = sample_repo / "glossary.csv"
    lines = path.read_text().split("\n")
    lines.insert(3, ",,,a note without a term,")
    path.write_text("\n".join(lines))
    before = snapshot(sample_repo)
    result = cli(sample_repo, "glossary")
    assert result.exit_code == 2
    assert result.stderr.strip() == "glossary.csv:4: entry without a term in any language"
    assert snapshot(sample_repo) == before


def test_unknown_column(sample_repo: Path, cli: CliFn) -> None:
    path = sample_repo / "glossary.csv"
    path.write_text("en,de\nx,y\n")
    result = cli(sample_repo, "glossary")
    assert result.exit_code == 2 and ":1: unknown column 'de'" in result.stderr


def test_configured_path_and_missing_file(sample_repo: Path, cli: CliFn) -> None:
    (sample_repo / "glossary.csv").rename(sample_repo / "terms.csv")
    assert "no glossary" in cli(sample_repo, "glossary").stdout
    with (sample_repo / "trilingual.toml").open("a") as handle:
        handle.write('\n[glossary]\npath = "terms.csv"\n')
    assert "Lukashenka" in cli(sample_repo, "glossary").stdout


def test_inflected_forms_are_found() -> None:
    assert occurs("«Великий камень»", "в парке «Великого камня» под Минском")
    assert occurs("Лукашэнка", "візіту Лукашэнкі ў Пекін")
    assert occurs("Анджей Почобут", "журналисту Анджею Почобуту")
    assert not occurs("Лукашэнка", "візіту Лукашенко ў Пекін")
    assert not occurs("Лог", "Логойск")
