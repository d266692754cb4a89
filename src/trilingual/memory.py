"""The translation memory: reviewed translations, imported TMX and machine drafts.

It lives in the content repository's local state (`.trilingual/tm.sqlite`),
so it is rebuilt from the catalogs whenever they change and never committed.
Each stored unit knows where it came from: `reviewed` (a finished
translation in a catalog, or an original and its translation), `import`
(TMX), or `machine` (an engine's draft, with the route that made it), so a
second `draft` sends nothing for text already drafted.

Lookups are fast over many units: an exact match by hash through SQLite's
index; a fuzzy match over the units of the same pair that share one of the
query's rarest words and whose length could reach the threshold at all,
scored by rapidfuzz.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from trilingual import __version__
from trilingual.catalogs import read_catalog
from trilingual.config import Config
from trilingual.errors import InputError
from trilingual.files import STATE_DIR, atomic_write, read_file

if TYPE_CHECKING:
    from trilingual.repository import Repository

TM_FILE = "tm.sqlite"
ORIGINS = ("reviewed", "import", "machine")  # in order of trust
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS units (
    src TEXT NOT NULL, tgt TEXT NOT NULL, hash TEXT NOT NULL,
    source TEXT NOT NULL, target TEXT NOT NULL,
    origin TEXT NOT NULL, engine TEXT NOT NULL DEFAULT '', length INTEGER NOT NULL,
    PRIMARY KEY (src, tgt, hash, origin)
);
"""


@dataclass(frozen=True)
class TMUnit:
    src: str
    tgt: str
    source: str
    target: str
    origin: str = "reviewed"
    engine: str = ""


@dataclass(frozen=True)
class Match:
    unit: TMUnit
    score: float  # 100 for an exact match


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


_WORD = re.compile(r"\w{3,}|\d+")
RARE_WORDS = 4  # fuzzy candidates share at least one of the query's rarest words
MAX_CANDIDATES = 4000


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


class _PairIndex:
    """The sources of one language pair: by length, and by the words they hold.

    A text similar enough to be a fuzzy match shares most of its words with
    the query, so it shares at least one of the query's rarest words: the
    candidates are the texts holding one of those, within the length window
    where the score can reach the threshold at all. rapidfuzz scores those.
    """

    def __init__(self, rows: list[str]) -> None:
        self.sources = rows
        self.lengths = [len(s) for s in rows]
        self.postings: dict[str, list[int]] = {}
        for i, text in enumerate(rows):
            for word in _words(text):
                self.postings.setdefault(word, []).append(i)

    def candidates(self, text: str, lo: int, hi: int) -> list[str]:
        words = sorted(_words(text), key=lambda w: len(self.postings.get(w, ())))
        ids: set[int] = set()
        for word in words[:RARE_WORDS]:
            posting = self.postings.get(word, ())
            if ids and len(ids) + len(posting) > MAX_CANDIDATES:
                break  # a common word adds little but cost; the rarer ones already found the candidates
            ids.update(posting)
        if not words:
            ids = set(range(len(self.sources)))
        return [self.sources[i] for i in ids if lo <= self.lengths[i] <= hi]


class Memory:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path) if path else ":memory:", timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL" if path else "PRAGMA journal_mode=MEMORY")
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self._index: dict[tuple[str, str], _PairIndex] = {}

    @classmethod
    def of(cls, config: Config) -> Memory:
        return cls(config.root / STATE_DIR / TM_FILE)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ----------------------------------------------------------------

    def add(self, units: Iterable[TMUnit]) -> int:
        rows = _rows(units)
        with self._lock, self._db:
            self._db.executemany(_INSERT, rows)
        self._forget({(row[0], row[1]) for row in rows})
        return len(rows)

    def replace_origin(self, origin: str, units: Iterable[TMUnit]) -> int:
        """Make the units of one origin exactly these (the catalogs are their truth)."""
        rows = _rows(units, origin)
        with self._lock, self._db:
            dropped = self._db.execute("SELECT DISTINCT src, tgt FROM units WHERE origin = ?", (origin,)).fetchall()
            self._db.execute("DELETE FROM units WHERE origin = ?", (origin,))
            self._db.executemany(_INSERT, rows)
        self._forget({(str(src), str(tgt)) for src, tgt in dropped} | {(row[0], row[1]) for row in rows})
        return len(rows)

    def _forget(self, pairs: set[tuple[str, str]]) -> None:
        """Drop the fuzzy indexes of the language pairs whose units changed."""
        for pair in pairs:
            self._index.pop(pair, None)

    # --- reading ----------------------------------------------------------------

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM units").fetchone()[0])

    def units(self) -> Iterator[TMUnit]:
        with self._lock:
            rows = self._db.execute(
                "SELECT src, tgt, source, target, origin, engine FROM units ORDER BY src, tgt, origin, source"
            ).fetchall()
        for row in rows:
            yield TMUnit(*row)

    def exact(self, src: str, tgt: str, text: str) -> TMUnit | None:
        with self._lock:
            rows = self._db.execute(
                "SELECT source, target, origin, engine FROM units WHERE src = ? AND tgt = ? AND hash = ?",
                (src, tgt, text_hash(text)),
            ).fetchall()
        best = None
        for source, target, origin, engine in rows:
            if source == text and (best is None or ORIGINS.index(origin) < ORIGINS.index(best.origin)):
                best = TMUnit(src, tgt, source, target, origin, engine)
        return best

    def _pair_index(self, src: str, tgt: str) -> _PairIndex:
        index = self._index.get((src, tgt))
        if index is None:
            with self._lock:
                rows = self._db.execute("SELECT DISTINCT source FROM units WHERE src = ? AND tgt = ?", (src, tgt))
                sources = [str(row[0]) for row in rows]
            index = self._index[(src, tgt)] = _PairIndex(sources)
        return index

    def lookup(self, src: str, tgt: str, text: str, threshold: float = 75.0) -> Match | None:
        """The exact match, or else the best fuzzy match scoring at least `threshold` (0-100)."""
        unit = self.exact(src, tgt, text)
        if unit is not None:
            return Match(unit, 100.0)
        index = self._pair_index(src, tgt)
        n = len(text)
        if not n or not index.sources:
            return None
        # fuzz.ratio is 200*common/(len a + len b): a length outside this window cannot reach the threshold.
        ratio = threshold / 100.0
        lo, hi = int(n * ratio / (2 - ratio)), int(n * (2 - ratio) / ratio) + 1
        found = process.extractOne(text, index.candidates(text, lo, hi), scorer=fuzz.ratio, score_cutoff=threshold)
        if found is None:
            return None
        source, score, _ = found
        unit = self.exact(src, tgt, source)
        return Match(unit, float(score)) if unit is not None else None


_INSERT = "INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
_Row = tuple[str, str, str, str, str, str, str, int]


def _rows(units: Iterable[TMUnit], origin: str | None = None) -> list[_Row]:
    """The table rows of the units worth keeping (both texts non-blank), under `origin` if given."""
    return [
        (u.src, u.tgt, text_hash(u.source), u.source, u.target, origin or u.origin, u.engine, len(u.source))
        for u in units
        if u.source.strip() and u.target.strip()
    ]


# --- reviewed translations from the catalogs ----------------------------------


def reviewed_units(config: Config, repo: Repository | None = None) -> list[TMUnit]:
    """Every finished translation in the repository's catalogs, in every direction between its languages.

    A catalog pairs the original's unit (msgid) with its translation; two
    translations of the same unit pair up with each other too, so a be>en
    draft can come from the be and en catalogs of a Russian original.
    `repo` is a scan the caller already made; without it the repository is scanned.
    """
    if repo is None:
        from trilingual.cache import Cache
        from trilingual.repository import scan

        repo = scan(config, Cache(config.root))
    out: list[TMUnit] = []
    for briefing in repo.briefings.values():
        by_unit: dict[tuple[str | None, str], dict[str, str]] = {}
        for lang in briefing.translations:
            path = config.catalog_path(lang, briefing.slug)
            data = read_file(path)
            if data is None:
                continue
            for entry in read_catalog(data, path, lang).active:
                if entry.translated:
                    texts = by_unit.setdefault(entry.key, {briefing.original: entry.msgid})
                    texts[lang] = entry.msgstr
        for texts in by_unit.values():
            for a, source in texts.items():
                for b, target in texts.items():
                    if a != b:
                        out.append(TMUnit(a, b, source, target, "reviewed"))
    return out


def refresh(memory: Memory, config: Config, repo: Repository | None = None) -> int:
    return memory.replace_origin("reviewed", reviewed_units(config, repo))


# --- TMX 1.4 ------------------------------------------------------------------


def export_tmx(memory: Memory, path: Path) -> int:
    root = ET.Element("tmx", version="1.4")
    header = {
        "creationtool": "trilingual",
        "creationtoolversion": __version__,
        "datatype": "plaintext",
        "segtype": "block",
        "adminlang": "en",
        "srclang": "*all*",
        "o-tmf": "trilingual",
    }
    ET.SubElement(root, "header", header)
    body = ET.SubElement(root, "body")
    count = 0
    for unit in memory.units():
        tu = ET.SubElement(body, "tu", srclang=unit.src)
        ET.SubElement(tu, "prop", type="x-origin").text = unit.origin
        if unit.engine:
            ET.SubElement(tu, "prop", type="x-engine").text = unit.engine
        for lang, text in ((unit.src, unit.source), (unit.tgt, unit.target)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = text
        count += 1
    ET.indent(root, space="  ")
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    atomic_write(path, data + b"\n")
    return count


def _lang(code: str) -> str:
    return code.replace("_", "-").split("-")[0].lower()


def import_tmx(memory: Memory, path: Path) -> int:
    """Add the TMX file's units (origin `import`); bad XML or a unit without languages is an InputError."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror}") from None
    units = parse_tmx(data, path)
    return memory.add(units)


def parse_tmx(data: bytes, path: Path) -> list[TMUnit]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 1
        raise InputError(path, line, f"not a valid TMX file: {exc.msg if hasattr(exc, 'msg') else exc}") from None
    if root.tag != "tmx":
        raise InputError(path, 1, f"not a TMX file: the root element is <{root.tag}>")
    header = root.find("header")
    default_src = header.get("srclang", "*all*") if header is not None else "*all*"
    body = root.find("body")
    units: list[TMUnit] = []
    for number, tu in enumerate(body.iter("tu") if body is not None else (), start=1):
        texts: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang")
            seg = tuv.find("seg")
            if not lang or seg is None:
                raise InputError(path, _line_of(data, number), "a <tuv> without xml:lang or <seg>")
            texts[_lang(lang)] = "".join(seg.itertext())
        src = tu.get("srclang", default_src)
        sources = list(texts) if src in ("*all*", "") else [_lang(src)]
        for a in sources:
            for b, target in texts.items():
                if a != b and a in texts:
                    units.append(TMUnit(a, b, texts[a], target, "import"))
    return units


def _line_of(data: bytes, nth_tu: int) -> int:
    """The line of the nth <tu> element, for a message about it."""
    pos = -1
    for _ in range(nth_tu):
        pos = data.find(b"<tu", pos + 1)
        while pos >= 0 and data[pos + 3 : pos + 4] not in (b">", b" ", b"\n", b"\t"):
            pos = data.find(b"<tu", pos + 1)
        if pos < 0:
            return 1
    return data.count(b"\n", 0, pos) + 1
