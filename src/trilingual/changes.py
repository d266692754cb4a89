"""What changed in the original since a translation was made: word-level diffs of stale units."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from trilingual.cache import Cache
from trilingual.config import Config
from trilingual.repository import Selection, iter_translations, scan
from trilingual.sync import gather, plan

_TOKEN = re.compile(r"\s+|\w+(?:['’ʼ\-]\w+)*|[^\w\s]")


@dataclass(frozen=True)
class Change:
    op: str  # "equal", "delete" or "insert"
    text: str


@dataclass(frozen=True)
class StaleUnit:
    slug: str
    lang: str
    kind: str
    path: str
    line: int
    old_source: str
    new_source: str
    translation: str
    changes: tuple[Change, ...]


def word_diff(old: str, new: str) -> tuple[Change, ...]:
    """Word-level differences, whitespace kept so that the pieces join back into the texts."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[Change] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(Change("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(Change("delete", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(Change("insert", "".join(b[j1:j2])))
    return tuple(out)


def stale_units(config: Config, slug: str, langs: tuple[str, ...] = ()) -> list[StaleUnit]:
    cache = Cache(config.root)
    repo = scan(config, cache)
    out: list[StaleUnit] = []
    for briefing, lang in iter_translations(repo, Selection(slugs=(slug,), langs=langs)):
        if lang == briefing.original:
            continue
        p = plan(config, briefing, lang, gather(config, briefing, lang))
        for unit, entry in zip(p.units, p.entries, strict=True):
            if entry.stale and entry.previous_msgid is not None:
                out.append(
                    StaleUnit(
                        slug=slug,
                        lang=lang,
                        kind=unit.kind,
                        path=config.relative(briefing.source.path),
                        line=unit.line,
                        old_source=entry.previous_msgid,
                        new_source=entry.msgid,
                        translation=entry.msgstr,
                        changes=word_diff(entry.previous_msgid, entry.msgid),
                    )
                )
    return out
