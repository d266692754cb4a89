"""The exchange formats' contract: every format in the registry keeps what a pull records.

`FormatContract` holds the guarantees; each format's test class subclasses
it and names only its format. XLIFF 1.2 is also checked against the schema
and read by translate-toolkit, XLIFF 2.0 by translate-toolkit's XLIFF 2 store.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import ClassVar

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.conftest import CliFn
from tests.programs import need, need_file
from trilingual.errors import InputError
from trilingual.exchange import FORMATS, Document, ExchangeUnit, base_of, format_of, get_format

# The OASIS schemas themselves, as Debian ships them (with a local copy of xml.xsd).
OASIS = "/usr/share/php/Symfony/Component/Translation/Resources/schemas"


def oasis_schema(name: str) -> etree.XMLSchema:
    """An official XLIFF schema, its import of xml.xsd pointed at the local copy (no network)."""
    folder = Path(need_file(f"{OASIS}/{name}", "php-symfony-translation")).parent
    text = (folder / name).read_text(encoding="utf-8")
    local = (folder / "xml.xsd").as_uri()
    text = text.replace("http://www.w3.org/2001/xml.xsd", local)
    text = text.replace("informativeCopiesOf3rdPartySchemas/w3c/xml.xsd", local)
    return etree.XMLSchema(etree.fromstring(text.encode("utf-8"), base_url=(folder / name).as_uri()))


UNITS = (
    ExchangeUnit(
        source="Визит *Лукашенко* в [Пекин](https://example.org/a?b=1&c=2) — «итоги»",
        target="",
        base=base_of("", False),
        kind="title",
        reference=("content/ru/x.md", 2),
        glossary=("Лукашенко → Лукашэнка (Aliaksandr Lukashenka)",),
    ),
    ExchangeUnit(
        source="Line one\nline two with `code` & <b>tag</b>",
        target="Радок адзін\nрадок два з `code` & <b>tag</b>",
        fuzzy=True,
        base=base_of("Радок адзін\nрадок два з `code` & <b>tag</b>", True),
        kind="list item",
        reference=("content/ru/x.md", 14),
        engine="apertium",
    ),
    ExchangeUnit(
        source="Цены выросли на 9,3%.",
        target="Цэны выраслі на 9,3%.",
        fuzzy=True,
        base=base_of("Цэны выраслі на 9,3%.", True),
        kind="paragraph",
        reference=("content/ru/x.md", 16),
        previous_source="Цены выросли на 9,1%.",
    ),
    ExchangeUnit(
        source="Да",
        target="Так",
        context="occurrence 2",
        base=base_of("Так", False),
        kind="table cell",
        reference=("content/ru/x.md", 20),
    ),
)
DOC = Document(
    slug="2023-w12-x",
    lang="be",
    source_lang="ru",
    source_path="content/ru/2023-w12-x.md",
    units=UNITS,
    project="belarus-briefings",
    pulled_lang="be",
)
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="\r") | st.just("\n"),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip() == t and t.strip())


def essentials(unit: ExchangeUnit) -> tuple[object, ...]:
    return (unit.source, unit.target, unit.context, unit.fuzzy, unit.base, unit.kind, unit.reference, unit.engine)


class FormatContract:
    """What every exchange format guarantees. Subclasses set `name`."""

    name: ClassVar[str]

    @property
    def fmt(self):  # type: ignore[no-untyped-def]
        return get_format(self.name)

    def file(self, tmp_path: Path, data: bytes) -> Path:
        path = tmp_path / f"x.be{self.fmt.extension}"
        path.write_bytes(data)
        return path

    def test_registered(self) -> None:
        assert FORMATS[self.name] is self.fmt

    def test_round_trip_keeps_every_unit(self, tmp_path: Path) -> None:
        data = self.fmt.dump(DOC)
        path = self.file(tmp_path, data)
        assert format_of(path, data) is self.fmt
        back = self.fmt.load(data, path)
        assert (back.slug, back.lang, back.source_lang, back.source_path) == (
            DOC.slug,
            DOC.lang,
            DOC.source_lang,
            DOC.source_path,
        )
        assert [essentials(u) for u in back.units] == [essentials(u) for u in UNITS]
        assert all(not u.touched for u in back.units)

    def test_previous_source_of_a_stale_unit(self, tmp_path: Path) -> None:
        back = self.fmt.load(self.fmt.dump(DOC), tmp_path / "x")
        assert back.units[2].previous_source == "Цены выросли на 9,1%."

    def test_units_carry_their_line(self, tmp_path: Path) -> None:
        data = self.fmt.dump(DOC)
        lines = data.decode().split("\n")
        for unit in self.fmt.load(data, tmp_path / "x").units:
            assert unit.line >= 1
            assert unit.line <= len(lines)

    def test_dump_is_deterministic(self) -> None:
        assert self.fmt.dump(DOC) == self.fmt.dump(DOC)

    def test_truncated_file_is_an_input_error_with_a_line(self, tmp_path: Path) -> None:
        data = self.fmt.dump(DOC)
        cut = data[: len(data) * 2 // 3]
        path = self.file(tmp_path, cut)
        with pytest.raises(InputError) as info:
            self.fmt.load(cut, path)
        assert info.value.line is not None and info.value.line >= 1
        assert str(info.value).startswith(f"{path}:")

    def test_invalid_utf8_is_an_input_error(self, tmp_path: Path) -> None:
        data = self.fmt.dump(DOC).replace("Радок".encode(), b"\xff\xfe")
        with pytest.raises(InputError):
            self.fmt.load(data, self.file(tmp_path, data))

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.differing_executors],
    )
    @given(source=TEXT, target=TEXT, fuzzy=st.booleans())
    def test_any_text_survives(self, tmp_path: Path, source: str, target: str, fuzzy: bool) -> None:
        unit = ExchangeUnit(source=source, target=target, fuzzy=fuzzy, base=base_of(target, fuzzy), kind="paragraph")
        doc = Document("s", "be", "ru", "content/ru/s.md", (unit,), pulled_lang="be")
        back = self.fmt.load(self.fmt.dump(doc), tmp_path / "x").units[0]
        assert (back.source, back.target, back.fuzzy) == (source, target, fuzzy)
        assert not back.touched


class TestPo(FormatContract):
    name = "po"

    def test_polib_reads_it_as_gettext(self) -> None:
        po = polib.pofile(self.fmt.dump(DOC).decode())
        assert po.metadata["Language"] == "be"
        draft = po[1]
        assert draft.fuzzy and "machine translation: apertium" in draft.comment
        assert po[2].previous_msgid == "Цены выросли на 9,1%."
        assert po[3].msgctxt == "occurrence 2"


class TestXliff12(FormatContract):
    name = "xliff"

    def test_validates_against_the_official_oasis_xliff_12_strict_schema(self) -> None:
        schema = oasis_schema("xliff-core-1.2-strict.xsd")
        assert schema.validate(etree.fromstring(self.fmt.dump(DOC))), schema.error_log
        bad = self.fmt.dump(DOC).replace(b'state="needs-review-translation"', b'state="draft"')
        assert not schema.validate(etree.fromstring(bad))

    def test_machine_drafts_are_marked_unreviewed(self) -> None:
        tree = etree.fromstring(self.fmt.dump(DOC))
        ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
        draft = tree.findall(".//x:trans-unit", ns)[1]
        target = draft.find("x:target", ns)
        assert target.get("state") == "needs-review-translation"
        assert target.get("state-qualifier") == "mt-suggestion"
        assert draft.get("approved") == "no"
        assert any("apertium" in (n.text or "") for n in draft.findall("x:note", ns))

    def test_translate_toolkit_reads_it(self, tmp_path: Path) -> None:
        from translate.storage import xliff

        store = xliff.xlifffile.parsestring(self.fmt.dump(DOC))
        units = [u for u in store.units if not u.isheader()]
        assert [u.source for u in units] == [u.source for u in UNITS]
        assert [u.target or "" for u in units] == [u.target for u in UNITS]
        assert [u.isfuzzy() for u in units] == [u.fuzzy for u in UNITS]

    def test_xliff2po_converts_it(self, tmp_path: Path) -> None:
        src = tmp_path / "in.xlf"
        src.write_bytes(self.fmt.dump(DOC))
        out = tmp_path / "out.po"
        subprocess.run(
            [need("xliff2po"), str(src), str(out)],
            check=True,
            capture_output=True,
        )
        po = {e.msgid: e for e in polib.pofile(str(out))}
        for unit in UNITS:
            entry = po[unit.source]
            assert entry.msgstr == unit.target
            assert entry.fuzzy == unit.fuzzy


class TestXliff20(FormatContract):
    name = "xliff2"

    def test_validates_against_the_official_oasis_xliff_20_core_schema(self) -> None:
        schema = oasis_schema("xliff-core-2.0.xsd")
        assert schema.validate(etree.fromstring(self.fmt.dump(DOC))), schema.error_log

    def test_drafts_are_initial_and_reviewed_are_translated(self) -> None:
        tree = etree.fromstring(self.fmt.dump(DOC))
        ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
        states = [s.get("state") for s in tree.findall(".//x:segment", ns)]
        assert states == ["initial", "initial", "initial", "translated"]
        assert tree.get("srcLang") == "ru" and tree.get("trgLang") == "be"

    def test_translate_toolkit_reads_it(self) -> None:
        from translate.storage import xliff2

        store = xliff2.Xliff2File.parsestring(self.fmt.dump(DOC))
        units = [u for u in store.units if not u.isheader()]
        assert [u.source for u in units] == [u.source for u in UNITS]
        assert [u.target or "" for u in units] == [u.target for u in UNITS]


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    with pytest.raises(InputError, match="not a PO"):
        format_of(path, b"hello")


def test_xliff_versions_are_told_apart_by_content(tmp_path: Path) -> None:
    for name in ("xliff", "xliff2"):
        data = get_format(name).dump(DOC)
        assert format_of(tmp_path / "a.xliff", data).name == name


@pytest.mark.parametrize(("fmt", "xsd"), [("xliff", "xliff-core-1.2-strict.xsd"), ("xliff2", "xliff-core-2.0.xsd")])
def test_every_pulled_file_of_the_sample_is_valid_oasis_xliff(
    sample_repo: Path, cli: CliFn, fmt: str, xsd: str
) -> None:
    schema = oasis_schema(xsd)
    out = sample_repo.parent / f"pulled-{fmt}"
    for lang in ("be", "ru", "en"):
        result = cli(sample_repo, "pull", "--lang", lang, "--all", "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.stderr
    files = sorted(out.glob("*.xlf"))
    assert len(files) == 18
    for path in files:
        assert schema.validate(etree.parse(str(path))), (path.name, schema.error_log)
