"""`pull`: one file per briefing holding the units a translator should work on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from trilingual.cache import Cache
from trilingual.catalogs import Entry, read_catalog
from trilingual.config import Config
from trilingual.errors import UsageError
from trilingual.exchange import get_format
from trilingual.exchange.model import Document, ExchangeUnit, base_of
from trilingual.files import atomic_write
from trilingual.glossary import Glossary, load_glossary
from trilingual.repository import Briefing, check_langs, scan
from trilingual.status import settled
from trilingual.sync import Inputs, gather, plan


@dataclass(frozen=True)
class Pulled:
    slug: str
    path: Path
    units: int


@dataclass(frozen=True)
class PullReport:
    lang: str
    format: str
    files: tuple[Pulled, ...]
    skipped: tuple[str, ...]  # briefings with nothing to do


def needs_work(entry: Entry) -> bool:
    return not entry.translated


def glossary_lines(glossary: Glossary, source: str, source_lang: str, lang: str) -> tuple[str, ...]:
    lines = []
    for term in glossary.occurring(source, source_lang):
        wanted = term.form(lang)
        if not wanted:
            continue
        line = f"{term.form(source_lang)} → {wanted}"
        if not term.translate:
            line += " (do not translate)"
        if term.note:
            line += f" ({term.note})"
        lines.append(line)
    return tuple(lines)


def unit_for(entry: Entry, glossary: Glossary, source_lang: str, lang: str) -> ExchangeUnit:
    return ExchangeUnit(
        source=entry.msgid,
        target=entry.msgstr,
        context=entry.msgctxt,
        fuzzy=entry.fuzzy and bool(entry.msgstr),
        base=base_of(entry.msgstr, entry.fuzzy),
        kind=entry.kind,
        reference=entry.references[0] if entry.references else None,
        previous_source=entry.previous_msgid if entry.fuzzy else None,
        engine=entry.engine,
        glossary=glossary_lines(glossary, entry.msgid, source_lang, lang),
    )


def pulled_document(
    config: Config, briefing: Briefing, lang: str, units: Iterable[ExchangeUnit], conflicts: bool = False
) -> Document:
    """A file for a translator of a briefing into `lang` (a conflict file too: `conflicts`)."""
    return Document(
        slug=briefing.slug,
        lang=lang,
        source_lang=briefing.original,
        source_path=config.relative(briefing.source.path),
        units=tuple(units),
        project=config.name,
        pulled_lang=lang,
        conflicts=conflicts,
    )


def _entries(config: Config, cache: Cache, briefing: Briefing, lang: str, inputs: Inputs) -> tuple[Entry, ...]:
    """The translation's entries, one per unit, as `update` would leave them."""
    if inputs.catalog.data is not None and settled(config, cache, inputs) is not None:
        # `update` recorded that these very files plan to themselves: the catalog is the plan.
        return read_catalog(inputs.catalog.data, inputs.catalog.path, lang).active
    return plan(config, briefing, lang, inputs).entries


def pull(
    config: Config,
    lang: str,
    fmt_name: str,
    out_dir: Path,
    slugs: tuple[str, ...] = (),
    edition: str | None = None,
    everything: bool = False,
) -> PullReport:
    fmt = get_format(fmt_name)
    check_langs(config, (lang,))
    cache = Cache(config.root)
    repo = scan(config, cache)
    glossary = load_glossary(config)
    chosen = repo.select(list(slugs), edition)
    if slugs:
        for b in chosen:
            if b.original == lang:
                raise UsageError(f"{b.slug} is written in {lang}: there is nothing to translate into it")
    files: list[Pulled] = []
    skipped: list[str] = []
    staged: list[tuple[Path, bytes]] = []
    for briefing in chosen:
        if briefing.original == lang:
            continue
        inputs = gather(config, briefing, lang)
        wanted = [e for e in _entries(config, cache, briefing, lang, inputs) if everything or needs_work(e)]
        if not wanted:
            skipped.append(briefing.slug)
            continue
        doc = pulled_document(config, briefing, lang, (unit_for(e, glossary, briefing.original, lang) for e in wanted))
        path = out_dir / f"{briefing.slug}.{lang}{fmt.extension}"
        staged.append((path, fmt.dump(doc)))
        files.append(Pulled(briefing.slug, path, len(wanted)))
    # Plans first, files after: a bad briefing stops the pull before anything is written.
    for path, data in staged:
        atomic_write(path, data)
    return PullReport(lang, fmt.name, tuple(files), tuple(skipped))
