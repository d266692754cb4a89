"""`push`: take translators' files back without losing anyone's work.

Every file is read and checked before anything is written (parse errors,
language, briefing); then, under the repository lock and through
`updating.run`, each unit is merged by comparing three texts: the one the
file was pulled with (its base), the repository's now, and the translator's.

- the translator did not change the unit: nothing happens, so an old file
  never reverts newer work;
- only the translator changed it: applied (reviewed when the translator
  cleared the fuzzy mark, still fuzzy otherwise);
- the source changed since the pull: applied fuzzy against the new source,
  with the source it was made from as the previous msgid;
- both changed it: the repository keeps its text and the translator's goes
  to the conflict file `locale/<lang>/conflicts/<slug>.po`, with both shown.

A unit that no longer exists in the original and an unknown briefing refuse
the whole push. Pushing a file twice changes nothing the second time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from trilingual.batch import run_jobs
from trilingual.cache import Cache
from trilingual.catalogs import Catalog, Entry, similarity
from trilingual.config import Config
from trilingual.errors import InputError
from trilingual.exchange import read_document
from trilingual.exchange.conflicts import conflict_path, read_conflicts, render_conflicts
from trilingual.exchange.model import Document, ExchangeUnit, base_of, text_part
from trilingual.files import read_file
from trilingual.repository import Briefing, Selection, scan
from trilingual.sync import Plan
from trilingual.updating import run

# A unit whose source was edited after the pull is found by its old text;
# below this similarity it counts as gone.
SAME_UNIT_SIMILARITY = 0.5

APPLIED = "applied"  # taken in, still unreviewed
REVIEWED = "reviewed"  # taken in as a reviewed translation
STALE = "stale"  # taken in fuzzy against a source that changed since the pull
UNCHANGED = "unchanged"  # the translator did not touch it
SAME = "same"  # the repository already holds exactly this
CONFLICT = "conflict"


class PushRejected(InputError):
    """Every problem found in the pushed files, one `path:line: what` line each."""

    def __init__(self, problems: list[InputError]) -> None:
        first = problems[0]
        super().__init__(first.path, first.line, first.message)
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(f"{p.location()}: {p.message}" for p in self.problems)


@dataclass(frozen=True)
class Outcome:
    file: str
    line: int
    slug: str
    lang: str
    result: str
    source: str


@dataclass(frozen=True)
class PushConflict:
    slug: str
    lang: str
    file: str  # the pushed file
    line: int
    conflict_file: str  # repository-relative
    source: str
    repository_text: str
    pushed_text: str


@dataclass(frozen=True)
class PushReport:
    outcomes: tuple[Outcome, ...]
    conflicts: tuple[PushConflict, ...]
    written: tuple[str, ...]
    dry_run: bool

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)


def _read_job(context: None, path: Path) -> Document | InputError:
    # Parsing a few hundred pushed files is worth spreading over the cores;
    # a problem comes back as a value, so that all of them are reported.
    data = read_file(path)
    if data is None:
        return InputError(path, None, "no such file")
    try:
        return read_document(path, data)
    except InputError as exc:
        return exc


def load_documents(config: Config, paths: list[Path], cache: Cache | None = None) -> list[tuple[Path, Document]]:
    """Read and check every pushed file; all problems are reported at once."""
    problems: list[InputError] = []
    docs: list[tuple[Path, Document]] = []
    repo = scan(config, cache or Cache(config.root))
    for path, doc in zip(paths, run_jobs(_read_job, None, paths), strict=True):
        if isinstance(doc, InputError):
            problems.append(doc)
            continue
        briefing = repo.briefings.get(doc.slug)
        if briefing is None:
            problems.append(InputError(path, doc.slug_line, f"unknown briefing {doc.slug!r}"))
            continue
        if doc.lang not in config.languages:
            problems.append(
                InputError(path, doc.lang_line, f"language {doc.lang!r} is not one of {', '.join(config.languages)}")
            )
        elif doc.pulled_lang and doc.pulled_lang != doc.lang:
            problems.append(
                InputError(
                    path, doc.lang_line, f"file says language {doc.lang!r} but was pulled for {doc.pulled_lang!r}"
                )
            )
        elif doc.lang == briefing.original:
            problems.append(
                InputError(path, doc.lang_line, f"{doc.slug} is written in {doc.lang}; a translation cannot be in it")
            )
        else:
            for unit in doc.units:
                if not unit.base:
                    problems.append(
                        InputError(path, unit.line, "unit without its pull record (added by hand?); pull afresh")
                    )
                    break
            docs.append((path, doc))
    if problems:
        raise PushRejected(problems)
    return docs


def _find(entries: list[Entry], unit: ExchangeUnit, taken: set[int]) -> tuple[int | None, bool]:
    """The catalog entry of a pulled unit, and whether its source changed since."""
    best: tuple[float, int] | None = None
    for i, e in enumerate(entries):
        if e.obsolete:
            continue
        if e.key == unit.key:
            return i, False
    for i, e in enumerate(entries):
        if e.obsolete or i in taken:
            continue
        if e.fuzzy and e.previous_msgid == unit.source and e.previous_msgctxt == unit.context:
            return i, True
    for i, e in enumerate(entries):
        if e.obsolete or i in taken or (unit.kind and e.kind != unit.kind):
            continue
        s = similarity(e.msgid, unit.source)
        if s >= SAME_UNIT_SIMILARITY and (best is None or s > best[0]):
            best = (s, i)
    return (best[1], True) if best else (None, False)


def push(config: Config, paths: list[Path], dry_run: bool = False) -> PushReport:
    cache = Cache(config.root)
    docs = load_documents(config, paths, cache)
    by_translation: dict[tuple[str, str], list[tuple[Path, Document]]] = {}
    for path, doc in docs:
        by_translation.setdefault((doc.slug, doc.lang), []).append((path, doc))
    outcomes: list[Outcome] = []
    conflicts: list[PushConflict] = []
    problems: list[InputError] = []
    conflict_files: dict[Path, tuple[bytes | None, bytes | None]] = {}  # path -> (as read, as it should be)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")

    def transform(briefing: Briefing, lang: str, p: Plan) -> Catalog | None:
        pushed = by_translation.get((briefing.slug, lang))
        if not pushed:
            return None
        entries = list(p.catalog.entries)
        cpath = conflict_path(config, lang, briefing.slug)
        old_bytes = read_file(cpath)
        waiting = list(read_conflicts(cpath, old_bytes).units) if old_bytes is not None else []
        changed = False
        for path, doc in pushed:
            shown = str(path)
            taken: set[int] = set()
            for unit in doc.units:
                if not unit.touched or not unit.target:
                    outcomes.append(Outcome(shown, unit.line, doc.slug, lang, UNCHANGED, unit.source))
                    continue
                idx, moved = _find(entries, unit, taken)
                if idx is None:
                    problems.append(
                        InputError(
                            path,
                            unit.line,
                            f"this unit no longer exists in {config.relative(briefing.source.path)} "
                            f"(source {_short(unit.source)!r})",
                        )
                    )
                    continue
                taken.add(idx)
                entry = entries[idx]
                result, new = _merge(entry, unit, moved)
                if result == CONFLICT:
                    conflicts.append(
                        PushConflict(
                            briefing.slug,
                            lang,
                            shown,
                            unit.line,
                            config.relative(cpath),
                            entry.msgid,
                            entry.msgstr,
                            unit.target,
                        )
                    )
                    record = _conflict_unit(entry, unit, shown, stamp)
                    if not any(w.key == record.key and w.target == record.target for w in waiting):
                        waiting.append(record)
                elif new is not None:
                    entries[idx] = new
                    changed = True
                outcomes.append(Outcome(shown, unit.line, doc.slug, lang, result, unit.source))
        # A conflict is resolved once the catalog holds its text (pushed, or edited in by hand).
        current = {e.key: e.msgstr for e in entries if not e.obsolete}
        still = [w for w in waiting if current.get(w.key) != w.target]
        conflict_files[cpath] = (old_bytes, render_conflicts(config, briefing, lang, still) if still else None)
        if not changed:
            return None
        return Catalog(p.catalog.header, tuple(entries), p.catalog.header_comment)

    def finish() -> list[tuple[Path, bytes | None]]:
        if problems:
            raise PushRejected(problems)
        # Changed conflict files are written with the catalogs; emptied ones are deleted with them.
        return [(cpath, new) for cpath, (old, new) in conflict_files.items() if new != old]

    # Translations where the translator touched nothing need no plan at all.
    for key in [k for k, pushed in by_translation.items() if not any(u.touched for _, d in pushed for u in d.units)]:
        for path, doc in by_translation.pop(key):
            outcomes.extend(Outcome(str(path), u.line, doc.slug, doc.lang, UNCHANGED, u.source) for u in doc.units)
    if not by_translation:
        return PushReport(tuple(outcomes), (), (), dry_run)
    slugs = tuple(sorted({slug for slug, _ in by_translation}))
    langs = tuple(sorted({lang for _, lang in by_translation}))
    report = run(config, Selection(slugs, langs), transform, dry_run=dry_run, finish=finish, cache=cache)
    if not dry_run:
        for cpath, (_, new) in conflict_files.items():
            if new is None:
                with contextlib.suppress(OSError):
                    cpath.parent.rmdir()  # the conflicts folder, once no conflict file is left in it
    return PushReport(tuple(outcomes), tuple(conflicts), report.written, dry_run)


def _merge(entry: Entry, unit: ExchangeUnit, moved: bool) -> tuple[str, Entry | None]:
    now = base_of(entry.msgstr, entry.fuzzy)
    if moved:
        if text_part(now) == text_part(unit.base):
            return STALE, replace(
                entry,
                msgstr=unit.target,
                fuzzy=True,
                previous_msgid=unit.source,
                previous_msgctxt=unit.context,
                engine=None,
                notes=(),
            )
        return (SAME, None) if entry.msgstr == unit.target else (CONFLICT, None)
    if now == unit.base or (entry.msgstr == unit.target and entry.fuzzy and not unit.fuzzy):
        fuzzy = unit.fuzzy
        return (APPLIED if fuzzy else REVIEWED), replace(
            entry,
            msgstr=unit.target,
            fuzzy=fuzzy,
            previous_msgid=entry.previous_msgid if fuzzy else None,
            previous_msgctxt=entry.previous_msgctxt if fuzzy else None,
            engine=entry.engine if (fuzzy and entry.msgstr == unit.target) else None,
            notes=entry.notes if (fuzzy and entry.msgstr == unit.target) else (),
        )
    if entry.msgstr == unit.target:
        return SAME, None
    return CONFLICT, None


def _conflict_unit(entry: Entry, unit: ExchangeUnit, shown: str, stamp: str) -> ExchangeUnit:
    report = (
        f"Conflict: pushed from {Path(shown).name} on {stamp}; the repository's translation changed "
        "after that file was pulled, so it was kept and this text waits here.\n"
        f"In the repository: {entry.msgstr or '(no translation)'}\n"
        f"Pushed: {unit.target}\n"
        "To take the pushed text (edit it first if you like), push this file; "
        "to keep the repository's, delete this entry."
    )
    return ExchangeUnit(
        source=entry.msgid,
        target=unit.target,
        context=entry.msgctxt,
        fuzzy=unit.fuzzy,
        base=base_of(entry.msgstr, entry.fuzzy),
        kind=entry.kind,
        reference=entry.references[0] if entry.references else None,
        previous_source=unit.source if unit.source != entry.msgid else None,
        comment=report,
    )


def _short(text: str) -> str:
    return text if len(text) <= 50 else text[:47] + "..."
