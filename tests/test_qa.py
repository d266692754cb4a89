"""`qa`: each check fires on a crafted bad unit, can be switched off per unit, and the sample is clean."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from tests.conftest import CliFn

SLUG = "2023-w12-great-stone"  # original ru, be complete
CATALOG = f"locale/be/{SLUG}.po"
EN_CATALOG = f"locale/en/{SLUG}.po"


def set_translation(repo: Path, catalog: str, msgid_start: str, text: str, flags: tuple[str, ...] = ()) -> int:
    po = polib.pofile(str(repo / catalog))
    entry = next(e for e in po if e.msgid.startswith(msgid_start) and not e.obsolete)
    entry.msgstr = text or entry.msgid
    entry.flags = [f for f in entry.flags if f != "fuzzy"] + list(flags)
    po.save()
    return next(e for e in polib.pofile(str(repo / catalog)) if e.msgid == entry.msgid).linenum


def run_qa(cli: CliFn, repo: Path, *args: str) -> tuple[int, list[dict[str, object]]]:
    result = cli(repo, "qa", SLUG, "--json", *args)
    return result.exit_code, json.loads(result.stdout)["problems"]


def test_the_sample_is_clean(sample_repo: Path, cli: CliFn) -> None:
    result = cli(sample_repo, "qa")
    assert result.exit_code == 0, result.stdout
    assert "0 errors, 0 warnings" in result.stdout


LINK = "Мы оцениваем ситуацию"  # has a link and the word «квартал»
PARAGRAPH = "Через три недели"  # names Лукашенко and «Великий камень», has *emphasis*
CELL = "Резидентов всего"
NUMBER = "1200"
HEADING = "Московский фон"
SAME_AS_SOURCE = ""


@pytest.mark.parametrize(
    ("msgid", "text", "check", "level", "words"),
    [
        (
            LINK,
            "Мы ацэньваем сітуацыю як нязменную. Дынаміку адсочваем у спецыяльным раздзеле.",
            "markup",
            "error",
            ["lost link to https://example.org/tracker/china-projects"],
        ),
        (
            PARAGRAPH,
            "Праз тры тыдні пасля візіту Лукашэнкі ў Пекін улады кажуць пра «новы этап». Парк «Вялікі камень» "
            "пад Мінскам, на які ўлады ўскладаюць вялікія надзеі. Ідэя выглядае нерэалістычнай.",
            "markup",
            "error",
            ["lost emphasis"],
        ),
        (NUMBER, "1 300", "numbers", "error", ["1200", "1300"]),
        (
            "Визит председателя КНР",
            "Візіт старшыні КНР у Маскву 20–22 красавіка паказаў, што Беларусь застаецца *другасным* партнёрам.",
            "dates",
            "error",
            ["сакавік"],
        ),
        (
            PARAGRAPH,
            "Праз тры тыдні пасля візіту Лукашэнкі ў Пекін беларускія чыноўнікі кажуць пра «новы этап». Парк "
            "«Вялікі камень» пад Мінскам, на які ўлады ўскладаюць *вялікія надзеі* ужо больш за дзесяць гадоў. "
            "Парк задумваўся як вароты кітайскага бізнесу ў Еўропу, аднак ідэя выглядае нерэалістычнай.",
            "glossary",
            "warning",
            [],
        ),
        (
            LINK,
            SAME_AS_SOURCE,
            "untranslated",
            "error",
            [],
        ),
        (
            HEADING,
            "Московский фон и его значение",
            "alphabet",
            "error",
            ["Московский"],
        ),
        (HEADING, " Маскоўскі фон", "whitespace", "warning", ["leading"]),
    ],
    ids=["link", "emphasis", "number", "month", "glossary-ok", "left-in-source", "russian-in-be", "whitespace"],
)
def test_each_check_fires(  # type: ignore[no-untyped-def]
    sample_repo: Path, cli: CliFn, msgid, text, check, level, words
) -> None:
    line = set_translation(sample_repo, CATALOG, msgid, text)
    code, problems = run_qa(cli, sample_repo, "--lang", "be")
    mine = [p for p in problems if p["line"] == line]
    if check == "glossary" and not words:  # an inflected glossary form is accepted
        assert not mine and code == 0
        return
    assert check in [p["check"] for p in mine], problems
    found = [p for p in mine if p["check"] == check]
    assert {p["level"] for p in found} == {level} and {p["path"] for p in found} == {CATALOG}
    messages = " ".join(str(p["message"]) for p in found)
    for word in words:
        assert word in messages
    assert code == (1 if any(p["level"] == "error" for p in problems) else 0)


def test_glossary_departure_is_a_warning(sample_repo: Path, cli: CliFn) -> None:
    line = set_translation(
        sample_repo,
        CATALOG,
        "«Великий камень» после визита",
        "«Вялікі камень» пасля візіту ў Пекін",
    )
    line = set_translation(
        sample_repo,
        CATALOG,
        "Индустриальный парк",
        "Індустрыяльны парк «Велікі Камень» застаецца вітрынай супрацы. "
        "Новыя дамоўленасці пакуль не прывялі да прытоку інвестыцый.",
    )
    code, problems = run_qa(cli, sample_repo, "--lang", "be")
    [p] = [p for p in problems if p["line"] == line]
    assert p["check"] == "glossary" and p["level"] == "warning" and "«Вялікі камень»" in p["message"]
    assert code == 0


def test_belarusian_letters_in_russian(sample_repo: Path, cli: CliFn) -> None:
    slug = "2023-w09-china-visit"  # original be, ru complete
    po = polib.pofile(str(sample_repo / f"locale/ru/{slug}.po"))
    entry = next(e for e in po if e.msgstr and not e.obsolete and e.comment.startswith("paragraph"))
    entry.msgstr = entry.msgid  # the Belarusian original pasted in
    po.save()
    result = cli(sample_repo, "qa", slug, "--lang", "ru")
    assert result.exit_code == 1
    assert f"locale/ru/{slug}.po:{entry.linenum}: alphabet: Belarusian letters" in result.stdout


def test_english_left_untranslated_is_found_by_script(sample_repo: Path, cli: CliFn) -> None:
    slug = "2023-w12-tactical-nuclear"
    po = polib.pofile(str(sample_repo / f"locale/ru/{slug}.po"))
    entry = next(e for e in po if e.comment.startswith("paragraph"))
    entry.msgstr = entry.msgid.replace("Belarus", "Беларусь")
    po.save()
    result = cli(sample_repo, "qa", slug, "--lang", "ru", "--json")
    assert result.exit_code == 1
    assert any(p["check"] == "untranslated" for p in json.loads(result.stdout)["problems"])


def test_locale_number_forms_are_accepted(sample_repo: Path, cli: CliFn) -> None:
    set_translation(sample_repo, CATALOG, NUMBER, "1 200")
    set_translation(sample_repo, EN_CATALOG, NUMBER, "1,200")
    result = cli(sample_repo, "qa", SLUG)
    assert result.exit_code == 0, result.stdout


def test_a_flag_switches_a_check_off_for_one_unit(sample_repo: Path, cli: CliFn) -> None:
    set_translation(sample_repo, CATALOG, NUMBER, "1 300", flags=("trilingual-no-numbers",))
    assert cli(sample_repo, "qa", SLUG).exit_code == 0
    set_translation(sample_repo, CATALOG, HEADING, "Московский фон", flags=("trilingual-no-qa",))
    assert cli(sample_repo, "qa", SLUG).exit_code == 0


def test_text_output_is_path_line_check_message(sample_repo: Path, cli: CliFn) -> None:
    line = set_translation(sample_repo, CATALOG, NUMBER, "1300")
    result = cli(sample_repo, "qa", SLUG, "--lang", "be")
    assert result.exit_code == 1
    assert result.stdout.split("\n")[0] == (
        f"{CATALOG}:{line}: numbers: number 1200 of the source not in the translation"
    )
