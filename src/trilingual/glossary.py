"""The project glossary: how names and terms are rendered in each language.

The glossary is a CSV file in the content repository (`glossary.csv` unless
`[glossary] path` in trilingual.toml says otherwise) with one column per
language, plus `note` and `do_not_translate`. Spreadsheets and Weblate both
read CSV, which is why it is not TOML. A "do not translate" entry (an outlet's
name, an aircraft type) keeps one form in every language; its empty cells
take that form.

Terms are found in running text by the start of each word, so that inflected
forms count: Лукашэнкі is Лукашэнка, «Великого камня» is «Великий камень».
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from trilingual.config import Config
from trilingual.errors import InputError
from trilingual.files import decode, read_file

DEFAULT_PATH = "glossary.csv"
NOTE = "note"
DNT = "do_not_translate"
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"", "no", "n", "false", "0"}
_QUOTES = "«»„“”\"'‘’"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Term:
    forms: tuple[tuple[str, str], ...]  # (language, form), in the file's column order
    note: str = ""
    translate: bool = True
    line: int = 0

    def form(self, lang: str) -> str | None:
        for code, text in self.forms:
            if code == lang:
                return text
        return None

    def to_json(self) -> dict[str, object]:
        return {"terms": dict(self.forms), "note": self.note, "do_not_translate": not self.translate}


@dataclass(frozen=True)
class Glossary:
    path: Path
    terms: tuple[Term, ...] = ()

    def occurring(self, text: str, lang: str) -> list[Term]:
        """Terms whose form in `lang` occurs in `text`."""
        out = []
        for term in self.terms:
            form = term.form(lang)
            if form and occurs(form, text):
                out.append(term)
        return out


def glossary_path(config: Config) -> Path:
    table = config.settings.get("glossary", {})
    name = table.get("path", DEFAULT_PATH) if isinstance(table, dict) else DEFAULT_PATH
    return config.root / str(name)


def load_glossary(config: Config) -> Glossary:
    path = glossary_path(config)
    data = read_file(path)
    if data is None:
        return Glossary(path)
    return parse_glossary(data, path, config.languages)


def parse_glossary(data: bytes, path: Path, languages: tuple[str, ...]) -> Glossary:
    text = decode(data, path).lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return Glossary(path)
    except csv.Error as exc:
        raise InputError(path, 1, f"malformed CSV: {exc}") from None
    for name in header:
        if name not in languages and name not in (NOTE, DNT):
            raise InputError(
                path, 1, f"unknown column {name!r} (expected language codes {', '.join(languages)}, note, {DNT})"
            )
    langs = [h for h in header if h in languages]
    if not langs:
        raise InputError(path, 1, "no language column")
    terms = []
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise InputError(path, line, f"{len(row)} cells where the header has {len(header)}")
            cells = dict(zip(header, (c.strip() for c in row), strict=False))
            flag = cells.get(DNT, "").lower()
            if flag not in _YES | _NO:
                raise InputError(path, line, f"{DNT} must be yes or no, not {cells[DNT]!r}")
            translate = flag in _NO
            forms = [(lang, cells.get(lang, "")) for lang in langs]
            given = [f for _, f in forms if f]
            if not given:
                raise InputError(path, line, "entry without a term in any language")
            if not translate:
                forms = [(lang, f or given[0]) for lang, f in forms]
            terms.append(Term(tuple((lang, f) for lang, f in forms if f), cells.get(NOTE, ""), translate, line))
    except csv.Error as exc:
        raise InputError(path, reader.line_num or line, f"malformed CSV: {exc}") from None
    return Glossary(path, tuple(terms))


@lru_cache(maxsize=4096)
def term_pattern(form: str) -> re.Pattern[str]:
    """A pattern that finds `form` and its inflections in running text.

    Short words must match whole; a longer word by its first letters (all
    but three, at least three), which covers case endings and the fleeting
    vowel of камень / камня without a morphological dictionary.
    """
    words = [w for w in re.split(r"[\s" + re.escape(_QUOTES) + r"]+", form) if w]
    parts = []
    for word in words:
        n = len(word)
        if n <= 4 or not word[-1].isalpha():
            parts.append(re.escape(word) + r"(?!\w)")
        else:
            parts.append(re.escape(word[: max(3, n - 3)]) + r"[\w'’-]*")
    return re.compile(r"(?<!\w)" + r"[\s«»„“”\"']+".join(parts), re.IGNORECASE)


def occurs(form: str, text: str) -> bool:
    return term_pattern(form).search(text) is not None


def to_tbx(glossary: Glossary, source_lang: str = "en") -> bytes:
    """TBX (ISO 30042, TBX-Basic shape) that CAT tools import as a termbase."""
    root = etree.Element("martif", {"type": "TBX", XML_LANG: source_lang})
    header = etree.SubElement(root, "martifHeader")
    desc = etree.SubElement(etree.SubElement(header, "fileDesc"), "sourceDesc")
    etree.SubElement(desc, "p").text = f"Exported from {glossary.path.name}"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for number, term in enumerate(glossary.terms, start=1):
        entry = etree.SubElement(body, "termEntry", {"id": f"t{number}"})
        if term.note:
            etree.SubElement(entry, "descrip", {"type": "definition"}).text = term.note
        if not term.translate:
            etree.SubElement(entry, "note").text = "do not translate"
        ordered = sorted(term.forms, key=lambda f: f[0] != source_lang)
        for lang, form in ordered:
            lang_set = etree.SubElement(entry, "langSet", {XML_LANG: lang})
            tig = etree.SubElement(lang_set, "tig")
            etree.SubElement(tig, "term").text = form
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
