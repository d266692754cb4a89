"""Quality checks of translations against their sources.

Every catalog entry with a translation (drafts included) is checked against
its source unit. Each check has a name and a level; an error makes `qa`
exit 1. A check is switched off for one unit with the flag
`trilingual-no-<check>` in its catalog entry (`#, trilingual-no-numbers`),
or all of them with `trilingual-no-qa`, as pofilter's `--nofilter` flags do.
Stale entries (made from an older source) are left to `status` and `diff`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from babel.dates import get_month_names
from markdown_it import MarkdownIt

from trilingual.cache import Cache
from trilingual.catalogs import Entry, read_catalog
from trilingual.config import Config
from trilingual.files import read_file
from trilingual.glossary import Glossary, load_glossary, occurs
from trilingual.inline import URL
from trilingual.repository import Selection, iter_translations, scan

ERROR = "error"
WARNING = "warning"
FLAG_PREFIX = "trilingual-no-"
ALL_FLAG = FLAG_PREFIX + "qa"

# Letters one of the two Cyrillic languages has and the other lacks (ы is shared).
FOREIGN_LETTERS = {"be": "иИщЩъЪ", "ru": "ўЎіІ"}
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_CODE = re.compile(r"`+[^`]*`+")
# A number as written in any of the three languages: 1200, 1 200, 1,200, 1.200, 9,3, 9.3.
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.,]\d+)*")


@dataclass(frozen=True)
class Problem:
    path: str  # the catalog, relative to the repository
    line: int  # of the entry's msgid in the catalog
    check: str
    level: str
    message: str
    slug: str
    lang: str

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class QaReport:
    checked: int
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.level == WARNING)


@dataclass(frozen=True)
class Pair:
    source: str
    target: str
    source_lang: str
    lang: str


Check = Callable[[Pair, Glossary], Iterator[str]]


# --- inline Markdown ---------------------------------------------------------

_MD = MarkdownIt("commonmark")


def inline_markup(text: str) -> Counter[str]:
    """The inline Markdown of a text as comparable tokens: link targets, code, emphasis."""
    found: Counter[str] = Counter()
    for block in _MD.parseInline(text):
        for token in block.children or []:
            if token.type == "link_open":
                found[f"link to {token.attrGet('href')}"] += 1
            elif token.type == "image":
                found[f"image {token.attrGet('src')}"] += 1
            elif token.type == "code_inline":
                found[f"code `{token.content}`"] += 1
            elif token.type == "em_open":
                found["emphasis (*…*)"] += 1
            elif token.type == "strong_open":
                found["strong emphasis (**…**)"] += 1
            elif token.type == "html_inline":
                found[f"HTML {token.content}"] += 1
            elif token.type == "text":
                for url in URL.findall(token.content):
                    found[f"URL {url}"] += 1
    return found


def check_markup(pair: Pair, glossary: Glossary) -> Iterator[str]:
    source, target = inline_markup(pair.source), inline_markup(pair.target)
    for item, n in sorted((source - target).items()):
        yield f"lost {item}" + (f" ({n} times)" if n > 1 else "")
    for item, n in sorted((target - source).items()):
        yield f"added {item}" + (f" ({n} times)" if n > 1 else "") + ", which the source does not have"


# --- numbers and dates ---------------------------------------------------------


def numbers(text: str) -> Counter[str]:
    """Numbers by their digits: 1 000, 1,000 and 1.000 are one number, as are 9,3 and 9.3."""
    return Counter(re.sub(r"\D", "", m.group(0)) for m in _NUMBER.finditer(_without_markup(text)))


def _without_markup(text: str) -> str:
    """The text without URLs, link targets and code spans, whose digits and letters are not prose."""
    return _CODE.sub(" ", _LINK_TARGET.sub("]", URL.sub(" ", text)))


def check_numbers(pair: Pair, glossary: Glossary) -> Iterator[str]:
    source, target = numbers(pair.source), numbers(pair.target)
    missing = sorted((source - target).elements())
    extra = sorted((target - source).elements())
    if missing:
        yield f"number{'s' if len(missing) > 1 else ''} {', '.join(missing)} of the source not in the translation"
    if extra:
        yield f"number{'s' if len(extra) > 1 else ''} {', '.join(extra)} in the translation but not in the source"


@lru_cache(maxsize=8)
def month_patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    """One pattern per month finding its name in any case form (марта, марце, сакавіка...)."""
    out = []
    for month in range(1, 13):
        forms = {get_month_names("wide", ctx, lang)[month] for ctx in ("format", "stand-alone")}
        prefix = _common_prefix(sorted(forms))
        if lang == "en":
            pattern = r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b"
            out.append(re.compile(pattern))
        elif len(prefix) >= 3:
            out.append(re.compile(r"(?<!\w)" + re.escape(prefix) + r"\w{0,4}(?!\w)", re.IGNORECASE))
        else:  # май / мая / мае
            alternatives = "|".join(re.escape(f) for f in sorted(forms | {prefix + "е"}))
            out.append(re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)", re.IGNORECASE))
    return tuple(out)


def _common_prefix(words: list[str]) -> str:
    first, last = words[0].lower(), words[-1].lower()
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def check_dates(pair: Pair, glossary: Glossary) -> Iterator[str]:
    source_months = month_patterns(pair.source_lang)
    target_months = month_patterns(pair.lang)
    for month, (src, tgt) in enumerate(zip(source_months, target_months, strict=True), start=1):
        match = src.search(pair.source)
        if match and not tgt.search(pair.target):
            name = get_month_names("wide", "stand-alone", pair.lang)[month]
            yield f"the source names a month ({match.group(0)}); the translation lacks it ({name})"


# --- terminology, language, whitespace ----------------------------------------


def check_glossary(pair: Pair, glossary: Glossary) -> Iterator[str]:
    for term in glossary.occurring(pair.source, pair.source_lang):
        wanted = term.form(pair.lang)
        if wanted and not occurs(wanted, pair.target):
            how = "kept as it is" if not term.translate else "rendered"
            yield f"{term.form(pair.source_lang)!r} should be {how} as {wanted!r} (glossary)"


def check_untranslated(pair: Pair, glossary: Glossary) -> Iterator[str]:
    if " ".join(pair.source.split()) == " ".join(pair.target.split()):
        if len(pair.source.split()) > 3 and any(ch.isalpha() for ch in pair.source):
            yield f"the translation is the source text, still in {pair.source_lang}"
        return
    letters = _letters(pair.target)
    if len(letters) < 12:
        return
    cyrillic = sum(1 for ch in letters if _CYRILLIC.match(ch)) / len(letters)
    if pair.lang == "en" and cyrillic > 0.5:
        yield "the translation is mostly Cyrillic, not English"
    elif pair.lang in FOREIGN_LETTERS and cyrillic < 0.5 and _letters(pair.source) and pair.source_lang == "en":
        yield f"the translation is mostly Latin letters, still in {pair.source_lang}"


def _letters(text: str) -> list[str]:
    return [ch for ch in _without_markup(text) if ch.isalpha()]


def check_alphabet(pair: Pair, glossary: Glossary) -> Iterator[str]:
    foreign = FOREIGN_LETTERS.get(pair.lang)
    if not foreign:
        return
    words = [w for w in re.findall(r"\w+", pair.target) if any(ch in foreign for ch in w)]
    if words:
        other = "Russian" if pair.lang == "be" else "Belarusian"
        shown = ", ".join(dict.fromkeys(words[:5]))
        yield f"{other} letters in a {pair.lang} text ({shown}): pasted from the wrong language?"


def check_whitespace(pair: Pair, glossary: Glossary) -> Iterator[str]:
    def ends(text: str) -> tuple[str, str]:
        return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]

    (s_lead, s_trail), (t_lead, t_trail) = ends(pair.source), ends(pair.target)
    if s_lead != t_lead:
        yield f"leading whitespace differs ({s_lead!r} in the source, {t_lead!r} in the translation)"
    if s_trail != t_trail:
        yield f"trailing whitespace differs ({s_trail!r} in the source, {t_trail!r} in the translation)"


CHECKS: dict[str, tuple[str, Check]] = {
    "markup": (ERROR, check_markup),
    "numbers": (ERROR, check_numbers),
    "dates": (ERROR, check_dates),
    "untranslated": (ERROR, check_untranslated),
    "alphabet": (ERROR, check_alphabet),
    "glossary": (WARNING, check_glossary),
    "whitespace": (WARNING, check_whitespace),
}


def check_entry(entry: Entry, source_lang: str, lang: str, glossary: Glossary) -> Iterator[tuple[str, str, str]]:
    """(check, level, message) for each problem of one catalog entry."""
    if ALL_FLAG in entry.flags:
        return
    pair = Pair(entry.msgid, entry.msgstr, source_lang, lang)
    for name, (level, check) in CHECKS.items():
        if FLAG_PREFIX + name in entry.flags:
            continue
        for message in check(pair, glossary):
            yield name, level, message


def run_checks(config: Config, sel: Selection) -> QaReport:
    repo = scan(config, Cache(config.root))
    glossary = load_glossary(config)
    problems: list[Problem] = []
    checked = 0
    for briefing, lang in iter_translations(repo, sel):
        if lang == briefing.original:
            continue
        path = config.catalog_path(lang, briefing.slug)
        data = read_file(path)
        if data is None:
            continue
        catalog = read_catalog(data, path, lang)
        rel = config.relative(path)
        for entry in catalog.active:
            # A stale entry translates an older source; `status` and `diff` report it as such.
            if not entry.msgstr or entry.stale:
                continue
            checked += 1
            for name, level, message in check_entry(entry, briefing.original, lang, glossary):
                problems.append(Problem(rel, entry.line or 1, name, level, message, briefing.slug, lang))
    return QaReport(checked, tuple(problems))
