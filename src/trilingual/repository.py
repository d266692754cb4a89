"""The content repository: which briefings exist, in which languages, and which file is the original.

Reading is split in two so that a large repository stays fast: every file is
read and hashed, but parsed and validated only when its bytes are new to the
cache (a summary keyed by the content hash can never be out of date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trilingual.batch import split_map
from trilingual.cache import Cache
from trilingual.config import Config
from trilingual.errors import InputError, UsageError
from trilingual.files import decode, digest, file_digests, line_of, read_file
from trilingual.segmentation import FrontMatter, Segmented, parse_front_matter, segment

REQUIRED_SOURCE_FIELDS = ("title", "period", "section", "situation", "lede", "original")
REQUIRED_TRANSLATION_FIELDS = ("title", "lede", "original")


def revision(data: bytes) -> str:
    """The source revision a translation records: a short hash of the source file."""
    return hashlib.sha256(data).hexdigest()[:12]


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class DocInfo:
    """What a briefing file says about itself, validated."""

    title: str
    original: str
    period_start: dt.date | None
    period_end: dt.date | None
    section: str
    situation: str
    authors: tuple[str, ...]
    source_revision: str | None  # in a translation: the revision of the original it was made from
    revision: str = ""  # of this file's own bytes (see `revision`); a release records it for the original

    @property
    def edition(self) -> str:
        return iso_week(self.period_start) if self.period_start else ""

    # The cache stores plain tuples: a warm scan of thousands of files loads
    # them several times faster than pickled dataclasses, and they take less memory.
    def to_cache(self) -> tuple[Any, ...]:
        start = self.period_start.toordinal() if self.period_start else None
        end = self.period_end.toordinal() if self.period_end else None
        return (
            self.title,
            self.original,
            start,
            end,
            self.section,
            self.situation,
            self.authors,
            self.source_revision,
            self.revision,
        )

    @classmethod
    def from_cache(cls, row: tuple[Any, ...]) -> DocInfo:
        title, original, start, end, section, situation, authors, source_revision, own_revision = row
        return cls(
            title,
            original,
            dt.date.fromordinal(start) if start is not None else None,
            dt.date.fromordinal(end) if end is not None else None,
            section,
            situation,
            authors,
            source_revision,
            own_revision,
        )


class FileRef:
    """A file of the repository as it was when the run read it.

    A ref made with a known digest and no bytes keeps only the file's digest, not its bytes, so a
    scan of thousands of briefings does not hold them all in memory; the bytes
    are read again when asked for, and must still have that digest (a file
    edited during the run stops the run rather than mixing two versions).
    """

    __slots__ = ("_data", "_digest", "_path")

    def __init__(self, path: Path | str, data: bytes | None, known_digest: str | None = None) -> None:
        self._path = path  # a str until asked for: a scan makes tens of thousands of refs
        self._data = data
        self._digest = known_digest

    @property
    def path(self) -> Path:
        if isinstance(self._path, str):
            self._path = Path(self._path)
        return self._path

    @property
    def data(self) -> bytes | None:
        if self._data is not None or not self._digest:
            return self._data
        data = read_file(self._path)
        if data is None or digest(data) != self._digest:
            raise InputError(self.path, None, "changed while trilingual was reading it; run the command again")
        return data

    @property
    def digest(self) -> str:
        if self._digest is None:
            self._digest = digest(self._data)
        return self._digest

    @property
    def exists(self) -> bool:
        return self._data is not None or bool(self._digest)

    def __repr__(self) -> str:
        return f"FileRef({self.path!s}, {self.digest[:12] or 'absent'})"


@dataclass(frozen=True, slots=True)
class Briefing:
    slug: str
    original: str
    info: DocInfo  # of the original
    source: FileRef
    translations: dict[str, FileRef] = field(default_factory=dict)  # lang -> content file (maybe absent)


def field_line(front: FrontMatter, name: str) -> int:
    import yaml  # loaded already: the front matter was just parsed

    node = front.node
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            if key_node.value == name:
                return int(front.first_line + key_node.start_mark.line)
    return 1


_DATE_LIKE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


def load_front_matter(text: str, path: Path) -> FrontMatter:
    try:
        front = parse_front_matter(text, path)
    except ValueError:
        # PyYAML builds dates itself and raises a bare ValueError for 2023-02-30.
        for number, line in enumerate(text.split("\n"), start=1):
            for match in _DATE_LIKE.finditer(line):
                try:
                    dt.date(*(int(g) for g in match.groups()))
                except ValueError:
                    raise InputError(path, number, f"invalid date {match.group(0)!r}") from None
        raise InputError(path, 1, "broken YAML front matter") from None
    if front is None:
        raise InputError(path, 1, "no YAML front matter (the file must start with a line '---')")
    return front


def validate(path: Path, front: FrontMatter, languages: tuple[str, ...], own_revision: str = "") -> DocInfo:
    data = front.data
    original = data.get("original")
    if original is None:
        raise InputError(path, 1, "missing required field 'original'")
    if not isinstance(original, str) or original not in languages:
        raise InputError(
            path,
            field_line(front, "original"),
            f"unknown language {original!r} in 'original' (configured: {', '.join(languages)})",
        )
    lang = path.parent.name
    required = REQUIRED_SOURCE_FIELDS if original == lang else REQUIRED_TRANSLATION_FIELDS
    for name in required:
        if name not in data or data[name] is None or data[name] == "":
            raise InputError(path, 1, f"missing required field {name!r}")
    for name in ("title", "lede", "section", "situation"):
        if name in data and not isinstance(data[name], str):
            raise InputError(path, field_line(front, name), f"field {name!r} must be text")
    start = end = None
    if "period" in data:
        period = data["period"]
        line = field_line(front, "period")
        if not isinstance(period, dict) or "start" not in period or "end" not in period:
            raise InputError(path, line, "period must have a start and an end date")
        start, end = period["start"], period["end"]
        for value in (start, end):
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise InputError(path, line, f"invalid date {value!r} in period (expected YYYY-MM-DD)")
        if end < start:
            raise InputError(path, line, f"period ends ({end}) before it starts ({start})")
    authors: Any = data.get("authors", [])
    if isinstance(authors, str):
        authors = [authors]
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        raise InputError(path, field_line(front, "authors"), "authors must be a list of names")
    revision_value = data.get("source_revision")
    return DocInfo(
        title=str(data.get("title", "")),
        original=original,
        period_start=start,
        period_end=end,
        section=str(data.get("section", "")),
        situation=str(data.get("situation", "")),
        authors=tuple(authors),
        source_revision=str(revision_value) if revision_value is not None else None,
        revision=own_revision,
    )


def front_matter_of(data: bytes, path: Path) -> tuple[str, FrontMatter]:
    """A briefing file's text and its parsed front matter (line endings and a BOM do not count)."""
    text = decode(data, path)
    return text, load_front_matter(text.replace("\r\n", "\n").removeprefix("\ufeff"), path)


def parse_document(path: Path, data: bytes, languages: tuple[str, ...]) -> tuple[Segmented, DocInfo]:
    """Full parse of a briefing file: units and validated front matter."""
    text, front = front_matter_of(data, path)
    info = validate(path, front, languages, revision(data))
    try:
        segmented = segment(text, path, front)
    except ValueError as exc:
        raise InputError(path, 1, f"cannot parse: {exc}") from None
    return segmented, info


def info_key(lang: str, data_digest: str, config: Config) -> bytes:
    """The cache key of a file's front-matter summary; validation depends on its folder and the languages.

    Raw bytes rather than text: a scan holds one key per file.
    """
    return bytes.fromhex(data_digest) + f"{lang}:{','.join(config.languages)}".encode()


def parse_info(path: Path, data: bytes, config: Config) -> DocInfo:
    _, front = front_matter_of(data, path)
    return validate(path, front, config.languages, revision(data))


def info_summary(info: DocInfo, lang: str) -> Any:
    """What the cache keeps of a file's front matter: all of it for an original;
    for a translation only the original it names, which is all a scan checks."""
    return info.to_cache() if info.original == lang else info.original


def read_info(ref: FileRef, lang: str, config: Config, cache: Cache) -> tuple[str, DocInfo | None]:
    """The original a file of the `lang` folder names, and its summary if it is that original."""
    key = info_key(lang, ref.digest, config)
    cached = cache.get("info", key)
    if cached is None:
        info = parse_info(ref.path, ref.data or b"", config)
        cache.put("info", key, info_summary(info, lang))
        return info.original, info if info.original == lang else None
    if isinstance(cached, str):
        return cached, None
    info = DocInfo.from_cache(cached)
    return info.original, info


@dataclass(frozen=True)
class Repository:
    config: Config
    briefings: dict[str, Briefing]

    def select(self, slugs: list[str] | None = None, edition: str | None = None) -> list[Briefing]:
        if slugs:
            unknown = [s for s in slugs if s not in self.briefings]
            if unknown:
                raise UsageError(f"unknown briefing {unknown[0]!r} (no content/<lang>/{unknown[0]}.md)")
            chosen = [self.briefings[s] for s in slugs]
        else:
            chosen = list(self.briefings.values())
        if edition:
            chosen = [b for b in chosen if b.info.edition == edition]
        return sorted(chosen, key=lambda b: (b.info.edition, b.slug))


def scan(config: Config, cache: Cache) -> Repository:
    content = config.root / "content"
    files: dict[str, dict[str, str]] = {}  # slug -> lang -> path; plain strings, as this runs per file
    if content.is_dir():
        for entry in sorted(os.scandir(content), key=lambda e: e.name):
            if not entry.is_dir():
                continue
            names = sorted(n for n in os.listdir(entry.path) if n.endswith(".md"))
            if entry.name not in config.languages:
                if names:
                    raise InputError(
                        Path(entry.path, names[0]),
                        1,
                        f"language folder {entry.name!r} is not configured in trilingual.toml",
                    )
                continue
            folder = entry.path + os.sep
            for name in names:
                files.setdefault(name[:-3], {})[entry.name] = folder + name

    # Every file is read and hashed (on several cores in a large repository), but
    # only its digest is kept: a file is read again when its summary is not cached.
    slugs = sorted(files)
    paths = [path for slug in slugs for path in files[slug].values()]
    digests = iter(split_map(file_digests, paths))
    briefings: dict[str, Briefing] = {}
    for slug in slugs:
        by_lang = {lang: FileRef(path, None, next(digests)) for lang, path in files[slug].items()}
        infos = {lang: read_info(ref, lang, config, cache) for lang, ref in by_lang.items()}
        originals = [lang for lang in config.languages if lang in infos and infos[lang][0] == lang]
        if len(originals) > 1:
            second = by_lang[originals[1]].path
            raise InputError(
                second,
                _original_line(by_lang[originals[1]]),
                f"two originals of {slug!r}: "
                f"{config.relative(by_lang[originals[0]].path)} and {config.relative(second)}",
            )
        if not originals:
            lang, (named, _) = next(iter(infos.items()))
            ref = by_lang[lang]
            raise InputError(
                ref.path,
                _original_line(ref),
                f"records original {named!r}, but content/{named}/{slug}.md does not exist",
            )
        source_lang = originals[0]
        for lang, (named, _) in infos.items():
            if named != source_lang:
                ref = by_lang[lang]
                raise InputError(
                    ref.path,
                    _original_line(ref),
                    f"records original {named!r}, but the original of {slug!r} is content/{source_lang}/{slug}.md",
                )
        source_info = infos[source_lang][1]
        assert source_info is not None  # an original's summary is kept whole
        translations = {
            lang: by_lang[lang] if lang in by_lang else FileRef(config.source_path(lang, slug), None)
            for lang in config.languages
            if lang != source_lang
        }
        briefings[slug] = Briefing(
            slug=slug,
            original=source_lang,
            info=source_info,
            source=by_lang[source_lang],
            translations=translations,
        )
    return Repository(config, briefings)


def _original_line(ref: FileRef) -> int:
    return line_of((ref.data or b"").decode("utf-8", "replace"), r"^original\s*:")


@dataclass(frozen=True)
class Selection:
    slugs: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    edition: str | None = None

    @property
    def whole_repository(self) -> bool:
        """Every briefing in every language (a state filter only hides rows)."""
        return not self.slugs and not self.langs and not self.edition


def check_langs(config: Config, langs: tuple[str, ...]) -> None:
    for lang in langs:
        if lang not in config.languages:
            raise UsageError(f"unknown language {lang!r} (configured: {', '.join(config.languages)})")


def iter_translations(repo: Repository, sel: Selection) -> Iterator[tuple[Briefing, str]]:
    """(briefing, language) pairs selected, sources included, in table order."""
    check_langs(repo.config, sel.langs)
    for briefing in repo.select(list(sel.slugs), sel.edition):
        for lang in repo.config.languages:
            if not sel.langs or lang in sel.langs:
                yield briefing, lang
