"""The state of every translation (briefing x language), counted in units and words."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from trilingual import __version__
from trilingual.batch import run_jobs, split_map
from trilingual.cache import Cache
from trilingual.config import CATALOG_FILE, RELEASES_DIR, SYNC_FILE, Config
from trilingual.errors import UsageError
from trilingual.files import file_digests
from trilingual.repository import (
    Briefing,
    Repository,
    Selection,
    iter_translations,
    parse_document,
    scan,
)

if TYPE_CHECKING:  # planning is imported only when a translation must be planned
    from trilingual.sync import Conflict, Inputs, Plan


class State(StrEnum):
    SOURCE = "source"
    MISSING = "missing"
    PARTIAL = "partial"
    DRAFT = "draft"
    STALE = "stale"
    COMPLETE = "complete"
    PUBLISHED = "published"

    def __str__(self) -> str:
        return self.value


# A translation that counts as finished for `check` and the release gate.
FINISHED = (State.SOURCE, State.COMPLETE, State.PUBLISHED)

_MARKUP = re.compile(r"\]\([^)]*\)|<[^>]+>|`")
_WORD = re.compile(r"\w+(?:['’ʼ\-]\w+)*")


def count_words(text: str) -> int:
    """Words as a reader counts them, in Cyrillic and Latin alike.

    Link targets and HTML tags are not words; a word may hold an apostrophe
    (Belarusian сям’я) or a hyphen (з-за, well-known).
    """
    return len(_WORD.findall(_MARKUP.sub(" ", text)))


@dataclass(frozen=True, slots=True)
class Counts:
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class TranslationStatus:
    slug: str
    lang: str
    state: State
    original: str
    edition: str
    units: Counts
    words: Counts
    fuzzy: int = 0
    stale: int = 0
    machine: int = 0
    conflicts: int = 0

    def notes(self) -> str:
        """What the counts say beyond the state: "2 stale; 1 fuzzy, 1 machine; 1 conflict"."""
        notes = []
        if self.stale:
            notes.append(f"{self.stale} stale")
        if self.fuzzy - self.stale:
            machine = f", {self.machine} machine" if self.machine else ""
            notes.append(f"{self.fuzzy - self.stale} fuzzy{machine}")
        if self.conflicts:
            notes.append(f"{self.conflicts} conflict{'s' if self.conflicts > 1 else ''}")
        return "; ".join(notes)

    def to_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "lang": self.lang,
            "state": self.state.value,
            "original": self.original,
            "edition": self.edition,
            "units": {"done": self.units.done, "total": self.units.total},
            "words": {"done": self.words.done, "total": self.words.total},
            "fuzzy": self.fuzzy,
            "stale": self.stale,
            "machine": self.machine,
            "conflicts": self.conflicts,
        }

    def to_cache(self) -> tuple[str | int, ...]:
        """The counts, as a plain tuple for the cache; the rest comes from the briefing (see from_cache)."""
        return (
            self.state.value,  # one shared string in the pickle, however many rows
            self.units.done,
            self.units.total,
            self.words.done,
            self.words.total,
            self.fuzzy,
            self.stale,
            self.machine,
            self.conflicts,
        )

    @classmethod
    def from_cache(cls, briefing: Briefing, lang: str, row: tuple[Any, ...]) -> TranslationStatus:
        state, units, units_total, words, words_total, fuzzy, stale, machine, conflicts = row
        return cls(
            briefing.slug,
            lang,
            State(state),
            briefing.original,
            briefing.info.edition,
            Counts(units, units_total),
            Counts(words, words_total),
            fuzzy,
            stale,
            machine,
            conflicts,
        )


def classify(p: Plan) -> tuple[State, dict[str, int]]:
    done = fuzzy = stale = machine = 0
    any_text = False
    for e in p.entries:
        if e.msgstr:
            any_text = True
        if e.translated:
            done += 1
        elif e.fuzzy and e.msgstr:
            fuzzy += 1
            if e.stale:
                stale += 1
            if e.engine:
                machine += 1
    total = len(p.units)
    if not any_text and not p.markdown_exists:
        state = State.MISSING
    elif stale:
        state = State.STALE
    elif done + fuzzy < total:
        state = State.PARTIAL
    elif fuzzy:
        state = State.DRAFT
    else:
        state = State.COMPLETE
    return state, {"done": done, "fuzzy": fuzzy, "stale": stale, "machine": machine}


def status_key(inputs: Inputs, config: Config) -> bytes:
    """The cache key of a translation: the hashes of all four of its files."""
    return _key(config, inputs.source.digest, inputs.markdown.digest, inputs.catalog.digest, inputs.sync.digest)


def settled(config: Config, cache: Cache, inputs: Inputs) -> tuple[Conflict, ...] | None:
    """What the last `update` recorded for exactly these files: the conflicts it left
    (usually none). None when the files are not as an update left them, and must be planned."""
    found: tuple[Conflict, ...] | None = cache.get("noop", status_key(inputs, config))
    return found


def translation_keys(config: Config, pairs: Sequence[tuple[Briefing, str]]) -> list[bytes]:
    """`status_key` of many translations, from their files read by name: no Path objects, no Inputs.

    A warm status or a no-op update does little else for each translation, so
    this is the hot path of a large repository; the files are hashed on
    several cores when there are many.
    """
    root = str(config.root)
    paths = []
    for briefing, lang in pairs:
        paths.append(f"{root}/{CATALOG_FILE.format(lang=lang, slug=briefing.slug)}")
        paths.append(f"{root}/{SYNC_FILE.format(lang=lang, slug=briefing.slug)}")
    digests = split_map(file_digests, paths)
    return [
        _key(config, briefing.source.digest, briefing.translations[lang].digest, digests[2 * i], digests[2 * i + 1])
        for i, (briefing, lang) in enumerate(pairs)
    ]


def _key(config: Config, *digests: str) -> bytes:
    # Hex digests have a fixed length, so joining them is unambiguous. The key is
    # kept as raw bytes: thousands of them sit in memory during a run.
    text = "\0".join((__version__, ",".join(config.languages), config.name, *digests))
    return hashlib.sha1(text.encode()).digest()


def translation_status(config: Config, briefing: Briefing, lang: str, p: Plan) -> TranslationStatus:
    state, n = classify(p)
    words_total = words_done = 0
    for unit, entry in zip(p.units, p.entries, strict=True):
        w = count_words(unit.text)
        words_total += w
        if entry.translated:
            words_done += w
    return TranslationStatus(
        slug=briefing.slug,
        lang=lang,
        state=state,
        original=briefing.original,
        edition=briefing.info.edition,
        units=Counts(n["done"], len(p.units)),
        words=Counts(words_done, words_total),
        fuzzy=n["fuzzy"],
        stale=n["stale"],
        machine=n["machine"],
        conflicts=len(p.conflicts),
    )


def source_status(briefing: Briefing, config: Config, cache: Cache) -> TranslationStatus:
    key = "source:" + briefing.source.digest
    cached = cache.get("counts", key)
    if cached is None:
        seg, _ = parse_document(briefing.source.path, briefing.source.data or b"", config.languages)
        cached = (len(seg.units), sum(count_words(u.text) for u in seg.units))
        cache.put("counts", key, cached)
    units, words = cached
    return TranslationStatus(
        briefing.slug,
        briefing.original,
        State.SOURCE,
        briefing.original,
        briefing.info.edition,
        Counts(units, units),
        Counts(words, words),
    )


def comma_list(values: Iterable[str]) -> list[str]:
    """The items of repeatable, comma-separated options (--state a,b --state c); empty items are skipped."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def parse_states(values: list[str]) -> tuple[str, ...]:
    states = []
    for part in comma_list(values):
        try:
            states.append(State(part).value)
        except ValueError:
            raise UsageError(f"unknown state {part!r} (one of: {', '.join(s.value for s in State)})") from None
    return tuple(states)


def collect(
    config: Config, sel: Selection, cache: Cache | None = None, repo: Repository | None = None
) -> list[TranslationStatus]:
    """Status rows for the selection; reads files, writes nothing but the cache.

    A command that scanned the repository already hands over its scan (and cache).
    """
    own_cache = cache is None
    cache = cache or Cache(config.root)
    repo = repo or scan(config, cache)
    published = _published(config)
    found: list[TranslationStatus | None] = []
    missing: list[tuple[int, bytes, str, str]] = []  # row index, key, slug, language
    pairs = list(iter_translations(repo, sel))
    keys = iter(translation_keys(config, [(b, lang) for b, lang in pairs if lang != b.original]))
    for briefing, lang in pairs:
        if lang == briefing.original:
            found.append(source_status(briefing, config, cache))
            continue
        key = next(keys)
        cached = cache.get("status", key)
        if cached is None:
            missing.append((len(found), key, briefing.slug, lang))
        found.append(TranslationStatus.from_cache(briefing, lang, cached) if cached is not None else None)
    planned = run_jobs(_status_job, (config, repo), [(slug, lang) for _, _, slug, lang in missing])
    for (index, key, _, _), row in zip(missing, planned, strict=True):
        cache.put("status", key, row.to_cache())
        found[index] = row
    rows: list[TranslationStatus] = []
    for maybe in found:
        assert maybe is not None
        row = maybe
        released = published.get((row.slug, row.lang))
        if row.state == State.COMPLETE and released is not None and released == repo.briefings[row.slug].info.revision:
            row = replace(row, state=State.PUBLISHED)
        if not sel.states or row.state.value in sel.states:
            rows.append(row)
    if own_cache:
        cache.save(complete=sel.whole_repository)
    return rows


def _status_job(context: tuple[Config, Repository], item: tuple[str, str]) -> TranslationStatus:
    from trilingual.sync import gather, plan

    config, repo = context
    slug, lang = item
    briefing = repo.briefings[slug]
    return translation_status(config, briefing, lang, plan(config, briefing, lang, gather(config, briefing, lang)))


def _published(config: Config) -> dict[tuple[str, str], str]:
    """(slug, lang) -> source revision recorded by the last release that published it."""
    out: dict[tuple[str, str], str] = {}
    folder = config.root / RELEASES_DIR
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            for item in data.get("translations", []):
                out[(item["slug"], item["lang"])] = item["source_revision"]
        except (ValueError, KeyError, TypeError, OSError):
            continue
    return out
