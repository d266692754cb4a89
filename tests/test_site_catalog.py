"""The site catalog: UI strings extracted from the templates, kept current, translated before release."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from babel import Locale
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import ROOT, CliFn, snapshot
from trilingual.config import load_config
from trilingual.rendering import date_range
from trilingual.sitecatalog import translations

PACKAGE_TEMPLATES = ROOT / "src" / "trilingual" / "templates"
SITE_FILES = ("locale/site.pot", *(f"locale/{lang}/LC_MESSAGES/site.po" for lang in ("be", "ru", "en")))


def site_files(repo: Path) -> dict[str, bytes]:
    return {name: (repo / name).read_bytes() for name in SITE_FILES}


def override(repo: Path, name: str, old: str, new: str) -> None:
    own = repo / "templates" / name
    own.parent.mkdir(exist_ok=True)
    own.write_text((PACKAGE_TEMPLATES / name).read_text().replace(old, new, 1))


def test_the_shipped_site_catalog_is_current_and_extract_changes_no_byte(sample_repo: Path, cli: CliFn) -> None:
    before = snapshot(sample_repo)
    result = cli(sample_repo, "site", "extract")
    assert result.exit_code == 0
    assert result.stdout.strip() == "site catalog up to date, nothing written"
    assert snapshot(sample_repo) == before


def test_update_leaves_a_current_site_catalog_alone(sample_repo: Path, cli: CliFn) -> None:
    before = site_files(sample_repo)
    assert cli(sample_repo, "update").exit_code in (0, 1)
    assert site_files(sample_repo) == before
    again = cli(sample_repo, "update")
    assert "site.po" not in again.stdout and "site.pot" not in again.stdout


def test_the_catalog_files_carry_no_date_or_generator_version(sample_repo: Path) -> None:
    for name, data in site_files(sample_repo).items():
        text = data.decode("utf-8")
        assert "POT-Creation-Date" not in text and "PO-Revision-Date" not in text and "Generated-By" not in text, name
        assert not re.search(r"\b20\d\d-\d\d-\d\d \d\d:\d\d", text), name


def test_be_and_ru_have_every_ui_string_translated_with_three_plural_forms(sample_repo: Path) -> None:
    for lang in ("be", "ru"):
        text = (sample_repo / f"locale/{lang}/LC_MESSAGES/site.po").read_text()
        assert f'"Language: {lang}\\n"' in text
        assert "nplurals=3" in text
        assert "#, fuzzy" not in text
        assert not re.search(r'msgstr(\[\d\])? ""\n\n', text.split("\n\n", 1)[1] + "\n")


def test_a_new_ui_string_is_extracted_by_update_and_blocks_the_release_until_translated(
    sample_repo: Path, cli: CliFn
) -> None:
    override(
        sample_repo, "edition.html", "{% endblock %}", '<p class="note">{{ _("Editorial note") }}</p>\n{% endblock %}'
    )
    update = cli(sample_repo, "update")
    assert "wrote locale/site.pot" in update.stdout
    assert "wrote locale/be/LC_MESSAGES/site.po" in update.stdout
    pot = (sample_repo / "locale" / "site.pot").read_text()
    assert 'msgid "Editorial note"' in pot and "#: edition.html:" in pot

    before = snapshot(sample_repo)
    refused = cli(sample_repo, "release", "2023-W09")
    assert refused.exit_code == 1
    lines = refused.stdout.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"locale/be/LC_MESSAGES/site\.po:\d+: UI string 'Editorial note' has no translation", lines[0])
    assert lines[1].startswith("locale/ru/LC_MESSAGES/site.po:")
    assert "2 UI strings untranslated" in refused.stderr
    assert snapshot(sample_repo) == before

    for lang, text in (("be", "Ад рэдакцыі"), ("ru", "От редакции")):
        po = sample_repo / f"locale/{lang}/LC_MESSAGES/site.po"
        po.write_text(
            po.read_text().replace('msgid "Editorial note"\nmsgstr ""', f'msgid "Editorial note"\nmsgstr "{text}"')
        )
    assert cli(sample_repo, "release", "2023-W09").exit_code == 0
    assert '<p class="note">Ад рэдакцыі</p>' in (sample_repo / "dist" / "be" / "index.html").read_text()
    assert '<p class="note">Editorial note</p>' in (sample_repo / "dist" / "en" / "index.html").read_text()


def test_a_fuzzy_ui_translation_counts_as_missing(sample_repo: Path, cli: CliFn) -> None:
    po = sample_repo / "locale" / "ru" / "LC_MESSAGES" / "site.po"
    po.write_text(po.read_text().replace('msgid "Read more"', '#, fuzzy\nmsgid "Read more"', 1))
    result = cli(sample_repo, "release", "2023-W09")
    assert result.exit_code == 1
    assert "UI string 'Read more' has no translation" in result.stdout


def test_a_changed_string_keeps_its_old_translation_as_fuzzy(sample_repo: Path, cli: CliFn) -> None:
    override(sample_repo, "base.html", '_("Subscribe to our newsletter")', '_("Subscribe to our weekly newsletter")')
    assert cli(sample_repo, "site", "extract").exit_code == 0
    be = (sample_repo / "locale" / "be" / "LC_MESSAGES" / "site.po").read_text()
    assert '#, fuzzy\nmsgid "Subscribe to our weekly newsletter"\nmsgstr "Падпішыцеся на нашу рассылку"' in be
    assert cli(sample_repo, "site", "extract").stdout.strip() == "site catalog up to date, nothing written"


def test_a_broken_site_catalog_is_an_input_error(sample_repo: Path, cli: CliFn) -> None:
    po = sample_repo / "locale" / "be" / "LC_MESSAGES" / "site.po"
    po.write_text(po.read_text().replace('msgid "View all"', 'msgid "View all', 1))
    before = snapshot(sample_repo)
    result = cli(sample_repo, "release", "2023-W09")
    assert result.exit_code == 2
    assert result.stderr.startswith("locale/be/LC_MESSAGES/site.po:")
    assert snapshot(sample_repo) == before


def test_the_lc_messages_folder_is_not_taken_for_a_briefing(sample_repo: Path, cli: CliFn) -> None:
    result = cli(sample_repo, "status", "--json")
    assert result.exit_code == 0
    assert "LC_MESSAGES" not in result.stdout and "site" not in {r for r in result.stdout.split('"') if r == "site"}


def test_a_repository_without_a_site_catalog_gets_none_from_update(tmp_path: Path, cli: CliFn) -> None:
    repo = tmp_path / "bare"
    repo.mkdir()
    shutil.copy(ROOT / "trilingual.toml", repo / "trilingual.toml")
    shutil.copytree(ROOT / "content", repo / "content")
    cli(repo, "update")
    assert not (repo / "locale" / "site.pot").exists()
    result = cli(repo, "release", "2023-W09")
    assert result.exit_code == 1
    assert "locale/be/LC_MESSAGES/site.po:1: UI string 'Read more' has no translation" in result.stdout


_CATEGORY_INDEX = {"one": 0, "few": 1, "many": 2, "other": 2}


@given(st.integers(min_value=0, max_value=10_000))
def test_counts_take_the_plural_form_cldr_gives_the_number(n: int) -> None:
    config = load_config(ROOT)
    for lang in ("be", "ru"):
        catalog = translations(config, lang)
        assert catalog is not None
        form = _CATEGORY_INDEX[Locale.parse(lang).plural_form(n)]
        words = {"be": ("брыфінг", "брыфінгі", "брыфінгаў"), "ru": ("брифинг", "брифинга", "брифингов")}[lang]
        text = catalog.ngettext("%(count)s briefing", "%(count)s briefings", n) % {"count": n}
        assert text == f"{n} {words[form]}"


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)), st.integers(0, 400))
def test_a_date_range_names_both_ends_and_the_year_once_within_a_year(start: dt.date, days: int) -> None:
    end = start + dt.timedelta(days=days)
    for lang in ("be", "ru", "en"):
        text = date_range(start, end, lang)
        assert str(end.year) in text and str(end.day) in text
        if start.year == end.year:
            assert text.count(str(end.year)) == 1 or str(end.year) in str(start.day) + str(end.day)
        else:
            assert str(start.year) in text


def test_date_ranges_as_the_publication_writes_them() -> None:
    start, end = dt.date(2023, 2, 27), dt.date(2023, 3, 5)
    assert date_range(start, end, "be") == "27 лютага – 5 сакавіка 2023\u202fг."
    assert date_range(start, end, "ru") == "27 февраля – 5 марта 2023\u202fг."
    assert date_range(start, end, "en") == "February 27 – March 5, 2023"
    assert date_range(dt.date(2022, 12, 26), dt.date(2023, 1, 1), "en") == "December 26, 2022 – January 1, 2023"
