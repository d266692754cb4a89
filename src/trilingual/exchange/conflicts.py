"""Conflict files, and the list of conflicts still open.

When a push meets a unit that both the translator and someone else changed
since the pull, the repository keeps its text and the translator's goes to
`locale/<lang>/conflicts/<slug>.po`: a PO file like a pulled one, whose base
is the repository's text at the time, with a report of both versions as a
translator comment. Pushing that file (edited or not) applies its texts;
deleting an entry keeps the repository's. An entry whose text the catalog
now holds is resolved and no longer listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from trilingual.cache import Cache
from trilingual.catalogs import read_catalog
from trilingual.config import CONFLICT_FILE, Config
from trilingual.exchange.model import Document, ExchangeUnit
from trilingual.exchange.po import PoFormat
from trilingual.exchange.pull import pulled_document
from trilingual.files import read_file
from trilingual.repository import Briefing, Selection, iter_translations, scan
from trilingual.status import settled
from trilingual.sync import gather, plan


def conflict_path(config: Config, lang: str, slug: str) -> Path:
    return config.root / CONFLICT_FILE.format(lang=lang, slug=slug)


def read_conflicts(path: Path, data: bytes) -> Document:
    return PoFormat().load(data, path)


def render_conflicts(config: Config, briefing: Briefing, lang: str, units: Sequence[ExchangeUnit]) -> bytes:
    return PoFormat().dump(pulled_document(config, briefing, lang, units, conflicts=True))


@dataclass(frozen=True)
class OpenConflict:
    slug: str
    lang: str
    origin: str  # "push" (a conflict file) or "markdown" (a hand edit met a catalog change)
    path: str  # the conflict file or the translated Markdown, repository-relative
    line: int
    source: str
    repository_text: str
    other_text: str  # the pushed text, or the Markdown's

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def open_conflicts(config: Config, sel: Selection) -> list[OpenConflict]:
    cache = Cache(config.root)
    repo = scan(config, cache)
    found: list[OpenConflict] = []
    for briefing, lang in iter_translations(repo, sel):
        if lang == briefing.original:
            continue
        cpath = conflict_path(config, lang, briefing.slug)
        data = read_file(cpath)
        has_markdown = briefing.translations[lang].exists
        if data is None and not has_markdown:
            continue
        inputs = gather(config, briefing, lang)
        if data is not None:
            doc = read_conflicts(cpath, data)
            current: dict[tuple[str | None, str], str] = {}
            if inputs.catalog.data is not None:
                catalog = read_catalog(inputs.catalog.data, inputs.catalog.path, lang)
                current = {e.key: e.msgstr for e in catalog.active}
            for unit in doc.units:
                if current.get(unit.key) == unit.target:
                    continue
                found.append(
                    OpenConflict(
                        briefing.slug,
                        lang,
                        "push",
                        config.relative(cpath),
                        unit.line,
                        unit.source,
                        current.get(unit.key, ""),
                        unit.target,
                    )
                )
        if has_markdown:
            # `update` recorded the conflicts of files it left as they are; others are planned.
            conflicts = settled(config, cache, inputs)
            if conflicts is None:
                conflicts = plan(config, briefing, lang, inputs).conflicts
            for c in conflicts:
                found.append(
                    OpenConflict(c.slug, c.lang, "markdown", c.path, c.line, c.msgid, c.catalog_text, c.markdown_text)
                )
    return found
