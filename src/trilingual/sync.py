"""Keeping a translation's catalog and its Markdown in step with the original.

For one briefing in one target language, `plan` reads the original, the
catalog `locale/<lang>/<slug>.po`, the translated Markdown
`content/<lang>/<slug>.md` and the record of what the tool last wrote there
(`locale/<lang>/.sync/<slug>.json`), and works out the new contents of all
three. Nothing is written here: `update` writes the plan, `status` and
`diff` only read it, so they are right even when `update` was not run.

The record holds, per unit, a hash of the text the tool last wrote into the
Markdown. A unit whose Markdown text differs from it was edited by hand and
is taken into the catalog as a human translation; if the catalog's text for
it changed as well, both are kept and the unit is reported as a conflict.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import polib

from trilingual.catalogs import Catalog, Entry, merge, new_header, read_catalog, unit_keys, write_catalog
from trilingual.config import Config
from trilingual.errors import InputError
from trilingual.files import digest, read_file
from trilingual.repository import Briefing, FileRef, parse_document, revision
from trilingual.segmentation import Segmented, Unit, segment

SYNC_VERSION = 1


def normalized(text: str) -> str:
    """Unit text as compared across writes: blank padding of lines does not count."""
    return "\n".join(line.strip() for line in text.strip().split("\n"))


def text_hash(text: str) -> str:
    return hashlib.sha1(normalized(text).encode("utf-8")).hexdigest()[:12]


def key_hash(key: tuple[str | None, str]) -> str:
    ctxt, msgid = key
    return hashlib.sha1(((ctxt or "") + "\x04" + msgid).encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class SyncRecord:
    source_revision: str
    units: tuple[tuple[str, str, str], ...]  # (kind, key hash, hash of the text written)
    # Digest of the whole Markdown file as written, when it holds no kept
    # conflict: a file that still has it was not edited, and need not be parsed.
    markdown: str = ""

    def to_bytes(self) -> bytes:
        lines = [json.dumps([k, key, w]) for k, key, w in self.units]
        body = ",\n  ".join(lines)
        whole = f' "markdown": {json.dumps(self.markdown)},\n' if self.markdown else ""
        return (
            "{\n"
            f' "version": {SYNC_VERSION},\n'
            f' "source_revision": {json.dumps(self.source_revision)},\n'
            f"{whole}"
            f' "units": [\n  {body}\n ]\n'
            "}\n"
        ).encode()

    @staticmethod
    def from_bytes(data: bytes, path: Path) -> SyncRecord:
        try:
            obj = json.loads(data.decode("utf-8"))
            units = tuple((str(a), str(b), str(c)) for a, b, c in obj["units"])
            return SyncRecord(str(obj["source_revision"]), units, str(obj.get("markdown", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(path, 1, f"damaged sync record ({exc}); delete it to adopt the Markdown afresh") from None


@dataclass(frozen=True)
class Conflict:
    slug: str
    lang: str
    path: str  # the translated Markdown
    line: int
    msgid: str
    catalog_text: str
    markdown_text: str


@dataclass(frozen=True)
class Plan:
    """The new state of one translation, and how it differs from the files on disk."""

    briefing: Briefing
    lang: str
    units: tuple[Unit, ...]
    entries: tuple[Entry, ...]  # one per unit, in document order
    catalog: Catalog
    markdown_bytes: bytes | None  # None: no translation exists yet, write no Markdown
    sync_bytes: bytes | None
    conflicts: tuple[Conflict, ...]
    adopted: int  # units taken from the Markdown in this plan
    markdown_exists: bool

    @property
    def catalog_bytes(self) -> bytes:
        # Serialized on demand: status and a command's first look at a
        # translation never write the catalog, and PO output is not cheap.
        data: bytes | None = self.__dict__.get("_catalog_bytes")
        if data is None:
            data = write_catalog(self.catalog)
            object.__setattr__(self, "_catalog_bytes", data)
        return data


@dataclass(frozen=True)
class Inputs:
    source: FileRef
    markdown: FileRef
    catalog: FileRef
    sync: FileRef


def gather(config: Config, briefing: Briefing, lang: str) -> Inputs:
    catalog = config.catalog_path(lang, briefing.slug)
    sync = config.sync_path(lang, briefing.slug)
    # The scan kept only digests; a plan uses the bytes several times, so read
    # them once here (checked against the scan's digest).
    source, markdown = briefing.source, briefing.translations[lang]
    return Inputs(
        source=FileRef(source.path, source.data, source.digest),
        markdown=FileRef(markdown.path, markdown.data, markdown.digest),
        catalog=FileRef(catalog, read_file(catalog)),
        sync=FileRef(sync, read_file(sync)),
    )


def _adopt_identical(text: str) -> bool:
    # A hand-written translation may leave a figure, a name or a short label as
    # it is in the original; a longer text identical to the original is taken
    # as not yet translated.
    return len(text.split()) <= 3 or not any(ch.isalpha() for ch in text)


@functools.lru_cache(maxsize=4)
def _parse_source(path: Path, data: bytes, languages: tuple[str, ...]) -> Segmented:
    # The targets of one briefing are planned one after the other: parse the
    # original once for both (a Segmented is immutable; the key is the bytes).
    return parse_document(path, data, languages)[0]


def plan(
    config: Config,
    briefing: Briefing,
    lang: str,
    inputs: Inputs,
    source_seg: Segmented | None = None,
    catalog: Catalog | None = None,
) -> Plan:
    """The new state of one translation. `catalog`, when given, stands for the catalog file's contents."""
    if source_seg is None:
        source_seg = _parse_source(inputs.source.path, inputs.source.data or b"", config.languages)
    units = source_seg.units
    reference = config.relative(inputs.source.path)
    keys = unit_keys(units)

    if catalog is None and inputs.catalog.data is not None:
        catalog = read_catalog(inputs.catalog.data, inputs.catalog.path, lang)
    if catalog is not None:
        old_entries = list(catalog.entries)
        header = catalog.header
        header_comment = catalog.header_comment
    else:
        old_entries = []
        header = new_header(lang, config.name, briefing.slug)
        header_comment = f"{lang} translation of {reference}"
    record = SyncRecord.from_bytes(inputs.sync.data, inputs.sync.path) if inputs.sync.data is not None else None

    conflicts: list[Conflict] = []
    kept_written: dict[int, tuple[str, str]] = {}  # new unit index -> (markdown text, old written hash)
    adopted = 0
    md_path = inputs.markdown.path
    md_rel = config.relative(md_path)
    new_key_edits: dict[int, str] = {}
    md_seg: Segmented | None = None
    untouched = (
        record is not None
        and bool(record.markdown)
        and catalog is not None
        and record.markdown == inputs.markdown.digest
    )

    if inputs.markdown.data is not None and not untouched:
        md_seg, _ = parse_document(md_path, inputs.markdown.data, config.languages)
        md_units = md_seg.units
        if record is not None and catalog is not None:
            _check_structure(md_path, md_units, [k for k, _, _ in record.units])
            by_key = {key_hash(e.key): i for i, e in enumerate(old_entries) if not e.obsolete}
            for (_, khash, written), md_unit in zip(record.units, md_units, strict=True):
                if text_hash(md_unit.text) == written:
                    continue
                idx = by_key.get(khash)
                if idx is None:
                    continue  # its unit left the catalog since; nothing to attach the edit to
                entry = old_entries[idx]
                shown = entry.msgstr or entry.msgid
                if normalized(shown) == normalized(md_unit.text):
                    continue
                if text_hash(shown) != written:
                    conflicts.append(
                        Conflict(briefing.slug, lang, md_rel, md_unit.line, entry.msgid, entry.msgstr, md_unit.text)
                    )
                    try:
                        new_index = keys.index(entry.key)
                    except ValueError:
                        continue
                    kept_written[new_index] = (md_unit.text, written)
                    continue
                old_entries[idx] = _human(entry, md_unit.text)
                adopted += 1
        else:
            _check_structure(md_path, md_units, list(source_seg.kinds()))
            existing = {e.key: e for e in old_entries if not e.obsolete}
            for i, (unit, md_unit) in enumerate(zip(units, md_units, strict=True)):
                if md_unit.text == unit.text and not _adopt_identical(unit.text):
                    continue
                current = existing.get(keys[i])
                if current is not None and current.msgstr:
                    if normalized(current.msgstr) != normalized(md_unit.text):
                        conflicts.append(
                            Conflict(briefing.slug, lang, md_rel, md_unit.line, unit.text, current.msgstr, md_unit.text)
                        )
                        kept_written[i] = (md_unit.text, "")
                    continue
                new_key_edits[i] = md_unit.text

    result = merge(old_entries, units, reference)
    merged = list(result.entries)
    for i, text in new_key_edits.items():
        merged[i] = _human(merged[i], text)
        adopted += 1
    entries = tuple(merged[: len(units)])
    new_catalog = Catalog(header, tuple(merged), header_comment)

    has_translation = any(e.msgstr for e in entries) or bool(kept_written)
    markdown_bytes = sync_bytes = None
    if has_translation or inputs.markdown.data is not None:
        texts = [
            kept_written[i][0] if i in kept_written else (e.msgstr or u.text)
            for i, (e, u) in enumerate(zip(entries, units, strict=True))
        ]
        source_revision = revision(inputs.source.data or b"")
        md_text = _with_revision(source_seg.rebuild(texts), source_revision)
        markdown_bytes = md_text.encode("utf-8")
        same_text = markdown_bytes == inputs.markdown.data or (
            inputs.markdown.data is not None
            and _only_revision_changed(inputs.markdown.data.decode("utf-8"), md_text, source_revision)
        )
        if untouched and record is not None and same_text and len(record.units) == len(units):
            # The file the tool wrote last, still as written: its units are the
            # recorded ones; only their keys may have moved with the source.
            sync_units = tuple((u.kind, key_hash(keys[i]), record.units[i][2]) for i, u in enumerate(units))
        else:
            # Markdown that is unchanged, or changed only in its recorded
            # revision, segments as it did when parsed above.
            rewritten = md_seg if md_seg is not None and same_text else segment(md_text, md_path)
            if rewritten.kinds() != source_seg.kinds():
                bad = next(
                    (i for i, (a, b) in enumerate(zip(rewritten.units, units, strict=False)) if a.kind != b.kind),
                    min(len(rewritten.units), len(units)) - 1,
                )
                raise InputError(
                    inputs.catalog.path,
                    _msgstr_line(inputs.catalog.data, keys[bad]),
                    f"the translation of unit {bad + 1} ({units[bad].kind}, line {units[bad].line} of {reference}) "
                    "would change the Markdown structure (a blank line, a heading or list marker at its start?)",
                )
            sync_units = tuple(
                (
                    u.kind,
                    key_hash(keys[i]),
                    kept_written[i][1] if i in kept_written and kept_written[i][1] else text_hash(w.text),
                )
                for i, (u, w) in enumerate(zip(units, rewritten.units, strict=True))
            )
        whole = "" if kept_written else digest(markdown_bytes)
        sync_bytes = SyncRecord(source_revision, sync_units, whole).to_bytes()

    return Plan(
        briefing=briefing,
        lang=lang,
        units=units,
        entries=entries,
        catalog=new_catalog,
        markdown_bytes=markdown_bytes,
        sync_bytes=sync_bytes,
        conflicts=tuple(conflicts),
        adopted=adopted,
        markdown_exists=inputs.markdown.data is not None,
    )


def _msgstr_line(data: bytes | None, key: tuple[str | None, str]) -> int:
    """The line of an entry's msgstr in a catalog, so that an error points at the translation to fix."""
    if data is None:
        return 1
    text = data.decode("utf-8")
    for e in polib.pofile(text):
        if not e.obsolete and (e.msgctxt, e.msgid) == key and e.linenum:
            lines = text.split("\n")
            for number in range(e.linenum, len(lines) + 1):
                if lines[number - 1].startswith("msgstr"):
                    return number
            return e.linenum
    return 1


def _human(entry: Entry, text: str) -> Entry:
    # The engine's notes (unknown words, memory scores) spoke of its draft, not of this text.
    return replace(entry, msgstr=text, fuzzy=False, previous_msgid=None, previous_msgctxt=None, engine=None, notes=())


def _check_structure(path: Path, found: tuple[Unit, ...], expected_kinds: list[str]) -> None:
    for i, unit in enumerate(found):
        if i >= len(expected_kinds):
            raise InputError(
                path,
                unit.line,
                f"{unit.kind} has no counterpart in the original (the original has {len(expected_kinds)} units)",
            )
        if unit.kind != expected_kinds[i]:
            raise InputError(
                path,
                unit.line,
                f"{unit.kind} where the original has a {expected_kinds[i]} (unit {i + 1}): structure differs",
            )
    if len(found) < len(expected_kinds):
        line = found[-1].line if found else 1
        raise InputError(
            path, line, f"the translation ends after {len(found)} units; the original has {len(expected_kinds)}"
        )


def _with_revision(text: str, source_revision: str) -> str:
    """Record in the front matter which source revision the file was made from."""
    lines = text.split("\n")
    if not lines or lines[0] != "---":
        return f"---\nsource_revision: {source_revision}\n---\n" + text
    for i in range(1, len(lines)):
        if lines[i].startswith("source_revision:"):
            lines[i] = f"source_revision: {source_revision}"
            return "\n".join(lines)
        if lines[i].rstrip() in ("---", "..."):
            lines.insert(i, f"source_revision: {source_revision}")
            return "\n".join(lines)
    return text


_REVISION_LINE = re.compile(r"source_revision: [0-9a-f]{12}")


def _only_revision_changed(old: str, new: str, source_revision: str) -> bool:
    """Whether `new` is `old` with the plain hex token of its revision line replaced in place.

    Nothing else moves by a byte and the YAML keeps its shape, so every unit
    of `new` is the unit of `old` (a source edit changes the revision of
    every translation; this spares parsing their Markdown twice).
    """
    if len(old) != len(new) or _with_revision(old, source_revision) != new:
        return False
    differ = [(a, b) for a, b in zip(old.split("\n"), new.split("\n"), strict=True) if a != b]
    return len(differ) <= 1 and all(_REVISION_LINE.fullmatch(a) and _REVISION_LINE.fullmatch(b) for a, b in differ)


def changed_files(inputs: Inputs, p: Plan) -> list[tuple[Path, bytes]]:
    """The writes a plan needs: only files whose bytes differ."""
    out = []
    if p.catalog_bytes != inputs.catalog.data:
        out.append((inputs.catalog.path, p.catalog_bytes))
    if p.markdown_bytes is not None and p.markdown_bytes != inputs.markdown.data:
        out.append((inputs.markdown.path, p.markdown_bytes))
    if p.sync_bytes is not None and p.sync_bytes != inputs.sync.data:
        out.append((inputs.sync.path, p.sync_bytes))
    return out


__all__ = ["Conflict", "Inputs", "Plan", "SyncRecord", "changed_files", "gather", "plan"]
