"""Per-briefing gettext catalogs: reading, writing and merging.

A catalog is `locale/<lang>/<slug>.po`, one entry per unit of the source in
document order. Files are read and written with polib; this module adds the
strict syntax check polib lacks (it accepts an unterminated string), the
headers for be/ru/en from babel's plural data, and a merge that behaves like
GNU msgmerge but takes each unit's place in the document into account.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import polib
from babel.messages.plurals import get_plural
from rapidfuzz.distance import Indel

from trilingual.config import base_language
from trilingual.errors import InputError
from trilingual.files import decode, reported_line
from trilingual.segmentation import Unit

MACHINE_NOTE = "machine translation: "
WRAP_WIDTH = 78

# A unit whose text moved but kept its place in the document is paired with
# the old one at this similarity; one that also moved elsewhere needs more,
# so that a translation is not attached to an unrelated look-alike.
IN_PLACE_SIMILARITY = 0.5
ANYWHERE_SIMILARITY = 0.8


@dataclass(frozen=True)
class Entry:
    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    fuzzy: bool = False
    previous_msgid: str | None = None
    previous_msgctxt: str | None = None
    kind: str = ""
    references: tuple[tuple[str, int], ...] = ()
    engine: str | None = None  # who made a machine draft; None for human work
    notes: tuple[str, ...] = ()  # other extracted comments, kept as found
    flags: tuple[str, ...] = ()  # flags other than fuzzy, kept as found
    translator_comment: str = ""
    obsolete: bool = False
    line: int = field(default=0, compare=False)  # of the msgid in the file read; 0 for an entry made here

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and not self.fuzzy

    @property
    def stale(self) -> bool:
        """Translated from a source text that has since changed."""
        return self.fuzzy and bool(self.msgstr) and self.previous_msgid is not None


@dataclass(frozen=True)
class Catalog:
    header: tuple[tuple[str, str], ...]
    entries: tuple[Entry, ...] = field(default=())
    header_comment: str = ""

    @property
    def active(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if not e.obsolete)


def plural_forms(lang: str) -> str:
    return str(get_plural(lang))


def new_header(lang: str, project: str, slug: str) -> tuple[tuple[str, str], ...]:
    # No dates: a catalog that did not change in content must not change in bytes.
    return (
        ("Project-Id-Version", f"{project} {slug}"),
        ("Language", lang),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", plural_forms(lang)),
        ("X-Generator", "trilingual"),
    )


def unit_keys(units: Sequence[Unit]) -> list[tuple[str | None, str]]:
    """(msgctxt, msgid) per unit; msgctxt only tells repeated texts apart."""
    seen: dict[str, int] = {}
    keys: list[tuple[str | None, str]] = []
    for unit in units:
        n = seen.get(unit.text, 0) + 1
        seen[unit.text] = n
        keys.append((None if n == 1 else f"occurrence {n}", unit.text))
    return keys


# --- reading -------------------------------------------------------------

_KEYWORD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+(".*)$')
_STRING = re.compile(r'^"(?:[^"\\]|\\.)*"\s*$')


def check_syntax(text: str, path: Path | str) -> None:
    """Reject what msgfmt would reject at the lexical level, with the line."""
    expect_string = False
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            line = line[2:].strip()
            if line.startswith("|"):
                line = line[1:].strip()
            if not line:
                continue
        elif not line or line.startswith("#"):
            expect_string = False
            continue
        match = _KEYWORD.match(line)
        rest = match.group(2) if match else line
        if not match and not (expect_string and line.startswith('"')):
            raise InputError(path, number, f"malformed PO file: unexpected {line[:30]!r}")
        if not _STRING.match(rest):
            raise InputError(path, number, "malformed PO file: string not properly quoted")
        expect_string = True


def parse_po(data: bytes, path: Path | str) -> tuple[str, polib.POFile]:
    """Strictly parse a PO file: its text and polib's reading of it, or an InputError with the line."""
    text = decode(data, path)
    check_syntax(text, path)
    try:
        return text, polib.pofile(text, wrapwidth=WRAP_WIDTH)
    except (OSError, ValueError) as exc:
        raise InputError(path, reported_line(exc), f"malformed PO file: {exc}") from None


def read_catalog(data: bytes, path: Path | str, lang: str | None = None) -> Catalog:
    text, po = parse_po(data, path)
    header = tuple((k, v) for k, v in po.metadata.items())
    if lang is not None:
        declared = po.metadata.get("Language")
        if declared and base_language(declared) != lang:
            raise InputError(
                path, header_line(text, "Language"), f"catalog is for language {declared!r}, expected {lang!r}"
            )
    entries = tuple(_from_polib(e, obsolete=e.obsolete) for e in po)
    return Catalog(header, entries, po.header)


def header_line(text: str, name: str) -> int:
    """The line of a header field in a PO file's text (1 when it is not there)."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(f'"{name}:'):
            return number
    return 1


def _from_polib(e: polib.POEntry, obsolete: bool) -> Entry:
    comments = e.comment.split("\n") if e.comment else []
    kind = comments[0] if comments else ""
    engine = None
    notes = []
    for line in comments[1:]:
        if line.startswith(MACHINE_NOTE):
            engine = line[len(MACHINE_NOTE) :]
        else:
            notes.append(line)
    refs = []
    for ref_path, ref_line in e.occurrences:
        refs.append((ref_path, int(ref_line) if str(ref_line).isdigit() else 0))
    return Entry(
        msgid=e.msgid,
        msgstr=e.msgstr,
        msgctxt=e.msgctxt,
        fuzzy="fuzzy" in e.flags,
        previous_msgid=e.previous_msgid,
        previous_msgctxt=e.previous_msgctxt,
        kind=kind,
        references=tuple(refs),
        engine=engine,
        notes=tuple(notes),
        flags=tuple(f for f in e.flags if f != "fuzzy"),
        translator_comment=e.tcomment or "",
        obsolete=obsolete,
        line=e.linenum or 0,
    )


# --- writing -------------------------------------------------------------


def write_catalog(catalog: Catalog) -> bytes:
    po = polib.POFile(wrapwidth=WRAP_WIDTH)
    po.header = catalog.header_comment
    po.metadata = dict(catalog.header)
    for entry in catalog.entries:
        comment_lines = [entry.kind] if entry.kind else []
        if entry.engine:
            comment_lines.append(MACHINE_NOTE + entry.engine)
        comment_lines.extend(entry.notes)
        flags = (["fuzzy"] if entry.fuzzy else []) + list(entry.flags)
        po.append(
            polib.POEntry(
                msgid=entry.msgid,
                msgstr=entry.msgstr,
                msgctxt=entry.msgctxt,
                comment="\n".join(comment_lines),
                tcomment=entry.translator_comment,
                occurrences=[(p, str(n)) for p, n in entry.references],
                flags=flags,
                previous_msgid=entry.previous_msgid if entry.fuzzy else None,
                previous_msgctxt=entry.previous_msgctxt if entry.fuzzy else None,
                obsolete=entry.obsolete,
            )
        )
    return (str(po).rstrip("\n") + "\n").encode("utf-8")


# --- merging -------------------------------------------------------------


def similarity(a: str, b: str) -> float:
    return float(Indel.normalized_similarity(a, b))


@dataclass(frozen=True)
class MergeResult:
    entries: tuple[Entry, ...]  # active entries in document order, then obsolete ones


def merge(old: Iterable[Entry], units: Sequence[Unit], reference: str) -> MergeResult:
    """Bring a catalog in line with the units of the current source.

    As msgmerge: an exact match keeps its translation; a changed unit keeps
    the old translation, fuzzy, with the old source as previous msgid; new
    units come in untranslated; translations of removed units turn obsolete
    and come back when their text returns. Unlike msgmerge, a fuzzy partner
    is looked for first among the old units in the same place in the
    document, and only a near-identical text is taken from elsewhere.
    """
    old = list(old)
    active = [e for e in old if not e.obsolete]
    obsolete = [e for e in old if e.obsolete]
    keys = unit_keys(units)
    n = len(units)
    pairs: list[Entry | None] = [None] * n
    used: set[int] = set()  # ids of old entries already given to a unit

    by_key: dict[tuple[str | None, str], Entry] = {}
    for e in obsolete + active:  # active wins over an obsolete twin
        by_key[e.key] = e
    by_msgid: dict[str, list[Entry]] = {}
    for e in active + obsolete:
        by_msgid.setdefault(e.msgid, []).append(e)
    for i, key in enumerate(keys):
        found = by_key.get(key)
        if found is not None and id(found) not in used:
            pairs[i] = found
            used.add(id(found))
    # Same text, other occurrence number: the translation still applies as it is.
    for i, key in enumerate(keys):
        if pairs[i] is None:
            for cand in by_msgid.get(key[1], ()):
                if id(cand) not in used:
                    pairs[i] = cand
                    used.add(id(cand))
                    break

    # In place: align old and new sequences, pair inside each changed stretch.
    old_ids = [e.msgid for e in active]
    new_ids = [u.text for u in units]
    matcher = difflib.SequenceMatcher(None, old_ids, new_ids, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace":
            continue
        _pair_best(
            [j for j in range(j1, j2) if pairs[j] is None],
            [e for e in active[i1:i2] if id(e) not in used],
            units,
            pairs,
            used,
            IN_PLACE_SIMILARITY,
        )
    # Anywhere: moved and edited; only with translated candidates.
    rest = [e for e in active + obsolete if id(e) not in used and e.msgstr]
    _pair_best([j for j in range(n) if pairs[j] is None], rest, units, pairs, used, ANYWHERE_SIMILARITY)

    merged: list[Entry] = []
    for i, unit in enumerate(units):
        ctxt, msgid = keys[i]
        base = pairs[i]
        refs = ((reference, unit.line),)
        if base is None:
            merged.append(Entry(msgid=msgid, msgctxt=ctxt, kind=unit.kind, references=refs))
            continue
        moved = replace(base, msgid=msgid, msgctxt=ctxt, kind=unit.kind, references=refs, obsolete=False)
        if base.msgid == msgid:
            merged.append(moved)
        elif not base.msgstr:
            merged.append(
                Entry(
                    msgid=msgid,
                    msgctxt=ctxt,
                    kind=unit.kind,
                    references=refs,
                    flags=base.flags,
                    translator_comment=base.translator_comment,
                )
            )
        else:
            # Keep the source the translation was really made from, as msgmerge does.
            previous = base.previous_msgid if (base.fuzzy and base.previous_msgid) else base.msgid
            prev_ctxt = base.previous_msgctxt if (base.fuzzy and base.previous_msgid) else base.msgctxt
            if base.engine and not base.previous_msgid:
                previous = base.msgid  # a machine draft of the old text is stale as well
            merged.append(replace(moved, fuzzy=True, previous_msgid=previous, previous_msgctxt=prev_ctxt))

    gone = [e for e in obsolete if id(e) not in used]
    gone += [replace(e, obsolete=True, references=()) for e in active if id(e) not in used and e.msgstr]
    return MergeResult(tuple(merged) + tuple(gone))


def _pair_best(
    targets: list[int],
    candidates: list[Entry],
    units: Sequence[Unit],
    pairs: list[Entry | None],
    used: set[int],
    threshold: float,
) -> None:
    if not targets or not candidates:
        return
    scored = []
    for j in targets:
        text = units[j].text
        for c in candidates:
            # Cheap bound first: texts of very different length cannot be similar.
            la, lb = len(text), len(c.msgid)
            if 2 * min(la, lb) / (la + lb) < threshold:
                continue
            s = similarity(text, c.msgid)
            if s >= threshold:
                scored.append((-s, j, id(c), c))
    scored.sort(key=lambda t: (t[0], t[1]))
    for _, j, cid, c in scored:
        if pairs[j] is None and cid not in used:
            pairs[j] = c
            used.add(cid)
