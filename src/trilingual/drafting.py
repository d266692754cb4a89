"""`draft`: fill untranslated units with machine translations, marked fuzzy and attributed.

The slow part runs before the repository lock is taken: a read-only pass
plans every selected translation and collects its untranslated units;
identical texts are translated once, along the route configured for the
language pair (the translation memory first, then engines in order, maybe
pivoting through Russian). Only then does `updating.run` take the lock and
fill the units that are still untranslated, so a translator who saved a
unit meanwhile keeps it, and nothing translated or fuzzy is ever touched.

A unit that no engine could translate stays untranslated and is reported.
On Ctrl-C what was translated so far is saved.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from trilingual.batch import run_jobs
from trilingual.cache import Cache
from trilingual.catalogs import Catalog
from trilingual.config import Config
from trilingual.engines import OWN_NOTES, Engine, Outcome, Step, create, parse_step
from trilingual.engines.memory import MemoryEngine
from trilingual.errors import InputError
from trilingual.files import line_of
from trilingual.inline import protect
from trilingual.memory import Memory, TMUnit, refresh
from trilingual.repository import Briefing, Repository, Selection, iter_translations, scan
from trilingual.sync import Plan, gather, plan
from trilingual.updating import run

PIVOT = "ru"
# Routes that work offline; anything that sends text away is the user's choice, in trilingual.toml.
DEFAULT_ROUTES: dict[str, tuple[str, ...]] = {"ru>be": ("tm", "apertium"), "be>ru": ("tm", "apertium")}
DEFAULT_ROUTE: tuple[str, ...] = ("tm",)

ProgressFn = Callable[[int], None]


@dataclass(frozen=True)
class Draft:
    text: str
    engine: str  # the whole route that made it, as the catalog's comment shows it
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure:
    slug: str
    lang: str
    path: str  # the original's file, repository-relative
    line: int
    reason: str


@dataclass(frozen=True)
class EngineUse:
    engine: str
    units: int  # distinct texts sent (or, in a dry run, that would be sent)
    characters: int
    requests: int = 0
    retries: int = 0
    third_party: bool = True


@dataclass(frozen=True)
class DraftReport:
    translations: int  # translations looked at
    untranslated: int  # units without any translation before the run
    drafted: int  # units filled
    from_memory: int  # of those, straight from the translation memory
    engines: tuple[EngineUse, ...]
    failures: tuple[Failure, ...]
    written: tuple[str, ...] = ()
    dry_run: bool = False
    interrupted: bool = False
    per_translation: tuple[tuple[str, str, int], ...] = field(default=())  # (slug, lang, units drafted)
    unroutable: int = 0  # in a dry run: units that no engine on their route would be sent


@dataclass(frozen=True)
class _Need:
    briefing: Briefing
    lang: str
    line: int
    text: str


# --- routes -----------------------------------------------------------------------


def configured_routes(config: Config) -> dict[tuple[str, str], tuple[Step, ...]]:
    """The [routes] table, validated: "src>tgt" = ["engine", "engine via ru", ...]."""
    table = config.settings.get("routes", {})
    if not isinstance(table, dict):
        raise _config_error(config, "[routes] must be a table", r"^\[routes\]")
    out: dict[tuple[str, str], tuple[Step, ...]] = {}
    for pair, steps in table.items():
        where = rf'^\s*"?{re.escape(pair)}"?\s*='
        match = re.fullmatch(r"([a-z]{2,3})>([a-z]{2,3})", pair)
        if not match:
            raise _config_error(config, f'routes: {pair!r} is not a pair like "ru>be"', where)
        if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps) or not steps:
            raise _config_error(config, f"routes: {pair!r} must be a list of engine names", where)
        try:
            out[(match.group(1), match.group(2))] = tuple(parse_step(s, f"routes {pair!r}") for s in steps)
        except ValueError as exc:
            raise _config_error(config, str(exc), where) from None
    engines = config.settings.get("engines", {})
    if isinstance(engines, dict):
        from trilingual.engines import REGISTRY

        for name in engines:
            if name not in REGISTRY:
                raise _config_error(
                    config,
                    f"[engines.{name}]: unknown engine (one of: {', '.join(REGISTRY)})",
                    rf"^\[engines\.{name}\]",
                )
    return out


def _config_error(config: Config, message: str, pattern: str) -> InputError:
    try:
        line = line_of(config.path.read_text(encoding="utf-8"), pattern)
    except OSError:
        line = 1
    return InputError(config.path, line, message)


# --- the translation of distinct texts --------------------------------------------


class Drafter:
    """Translates distinct texts along routes, keeping count of what each engine was sent."""

    def __init__(
        self,
        config: Config,
        memory: Memory,
        env: Mapping[str, str],
        override: str | None = None,
        dry_run: bool = False,
        progress: ProgressFn | None = None,
    ) -> None:
        self.config = config
        self.memory = memory
        self.env = env
        self.routes = configured_routes(config)
        self.override = parse_step(override, "--engine") if override else None
        self.dry_run = dry_run
        self.progress = progress
        self.stop = threading.Event()
        self.interrupted = False
        self._engines: dict[str, Engine] = {}
        self.sent: dict[str, tuple[int, int]] = {}  # engine -> (texts, characters)
        self.reached: set[str] = set()  # in a dry run: texts some engine would be sent

    def engine(self, name: str) -> Engine:
        if name not in self._engines:
            extra = {"memory": self.memory} if name == "tm" else {}
            self._engines[name] = create(name, self.config.settings, self.env, **extra)
        return self._engines[name]

    def route(self, src: str, tgt: str) -> tuple[Step, ...]:
        if self.override is not None:
            step = self.override
            if step.via or step.engine == "tm" or PIVOT in (src, tgt):
                return (step,)
            return (step,) if self.engine(step.engine).supports(src, tgt) else (Step(step.engine, PIVOT),)
        if (src, tgt) in self.routes:
            return self.routes[(src, tgt)]
        return tuple(Step(s) for s in DEFAULT_ROUTES.get(f"{src}>{tgt}", DEFAULT_ROUTE))

    def translate(self, texts: Sequence[str], src: str, tgt: str) -> dict[str, Draft | str]:
        """Per distinct text, a draft or the reasons it has none."""
        return self._along(list(dict.fromkeys(texts)), src, tgt, self.route(src, tgt), top=True)

    def _along(self, texts: list[str], src: str, tgt: str, steps: Sequence[Step], top: bool) -> dict[str, Draft | str]:
        results: dict[str, Draft | str] = {}
        reasons: dict[str, list[str]] = {t: [] for t in texts}
        remaining = list(texts)
        for step in steps:
            if not remaining or self.interrupted:
                break
            if step.engine == "tm":
                got = self._memory(remaining, src, tgt)
                if top and self.progress:
                    self.progress(len(got))
            elif step.via:
                got = self._pivot(remaining, src, tgt, step, reasons)
            else:
                got = self._engine(remaining, src, tgt, step.engine, reasons, top)
            results.update(got)
            remaining = [t for t in remaining if t not in got]
            if self.dry_run and step.engine != "tm":
                break  # a dry run cannot know what the first engine would fail on
        for text in remaining:
            results[text] = "; ".join(dict.fromkeys(reasons[text])) or "no engine in the route translated it"
        return results

    def _memory(self, texts: list[str], src: str, tgt: str) -> dict[str, Draft]:
        tm = self.engine("tm")
        assert isinstance(tm, MemoryEngine)
        got = {}
        for text in texts:
            found = tm.lookup(text, src, tgt)
            if found is not None:
                got[text] = Draft(found.text, "tm", found.notes)
        return got

    def _engine(
        self, texts: list[str], src: str, tgt: str, name: str, reasons: dict[str, list[str]], top: bool
    ) -> dict[str, Draft]:
        try:
            engine = self.engine(name)
        except ImportError as exc:
            for text in texts:
                reasons[text].append(f"{name}: cannot be loaded ({exc})")
            return {}
        if not engine.supports(src, tgt):
            for text in texts:
                reasons[text].append(f"{name} does not serve {src}>{tgt}")
            return {}
        self._count_sent(name, texts)
        if self.dry_run:
            self.reached.update(texts)
            return {}
        held = {text: protect(text) for text in texts}
        outcomes: dict[str, Outcome]
        try:
            outcomes = engine.run([p.text for p in held.values()], src, tgt, self.stop, self.progress if top else None)
        except KeyboardInterrupt as exc:
            self.interrupted = True
            outcomes = getattr(exc, "partial", {})
        got: dict[str, Draft] = {}
        machine: list[TMUnit] = []
        for text, p in held.items():
            outcome = outcomes.get(p.text)
            if outcome is None or outcome.translation is None:
                reasons[text].append(outcome.error if outcome and outcome.error else f"{name}: not translated")
                continue
            restored = p.restore(outcome.translation.text)
            if restored is None:
                reasons[text].append(f"{name} lost inline Markdown (a link, emphasis or code span)")
                continue
            got[text] = Draft(restored, name, outcome.translation.notes)
            machine.append(TMUnit(src, tgt, text, restored, "machine", name))
        self.memory.add(machine)
        return got

    def _count_sent(self, engine: str, texts: list[str]) -> None:
        count, chars = self.sent.get(engine, (0, 0))
        self.sent[engine] = (count + len(texts), chars + sum(len(t) for t in texts))

    def _pivot(
        self, texts: list[str], src: str, tgt: str, step: Step, reasons: dict[str, list[str]]
    ) -> dict[str, Draft]:
        via = step.via or PIVOT
        # The first leg follows the route configured for src>via (or the offline default), without pivots.
        configured = self.routes.get((src, via)) or tuple(Step(s) for s in DEFAULT_ROUTES.get(f"{src}>{via}", ()))
        first_leg = tuple(s for s in configured if not s.via) or (Step(step.engine),)
        leg1 = self._along(texts, src, via, first_leg, top=False)
        middle = {t: d for t, d in leg1.items() if isinstance(d, Draft)}
        for text, d in leg1.items():
            if isinstance(d, str):
                reasons[text].append(f"{src}>{via}: {d}")
        if self.dry_run:
            # A dry first leg drafts nothing; the second would get every pivot text,
            # of about the original's length.
            self._count_sent(step.engine, texts)
            return {}
        leg2 = self._along(list(dict.fromkeys(d.text for d in middle.values())), via, tgt, (Step(step.engine),), False)
        got: dict[str, Draft] = {}
        machine: list[TMUnit] = []
        for text, first in middle.items():
            second = leg2.get(first.text)
            if not isinstance(second, Draft):
                reasons[text].append(f"{via}>{tgt}: {second}")
                continue
            engine = f"{step} ({src}>{via} by {first.engine})"
            got[text] = Draft(second.text, engine, first.notes + second.notes)
            machine.append(TMUnit(src, tgt, text, second.text, "machine", engine))
        if self.progress:
            self.progress(len(got))
        self.memory.add(machine)
        return got

    def usage(self) -> tuple[EngineUse, ...]:
        out = []
        for name, (count, chars) in self.sent.items():
            engine = self._engines.get(name)
            stats = engine.stats if engine else None
            out.append(
                EngineUse(
                    name,
                    count,
                    chars,
                    stats.requests if stats else 0,
                    stats.retries if stats else 0,
                    engine.third_party if engine else True,
                )
            )
        return tuple(out)


# --- the command ----------------------------------------------------------------------


def untranslated(config: Config, repo: Repository, sel: Selection) -> tuple[int, list[_Need]]:
    """A read-only pass: the units of the selected translations that have no translation at all."""
    pairs = [(b, lang) for b, lang in iter_translations(repo, sel) if lang != b.original]
    items = [(b.slug, lang) for b, lang in pairs]
    needs: list[_Need] = []
    for (briefing, lang), empty in zip(pairs, run_jobs(_empty_units_job, (config, repo), items), strict=True):
        needs.extend(_Need(briefing, lang, line, text) for line, text in empty)
    return len(pairs), needs


def _empty_units_job(context: tuple[Config, Repository], item: tuple[str, str]) -> list[tuple[int, str]]:
    """(line, text) of each unit of one translation that has no translation at all."""
    config, repo = context
    slug, lang = item
    briefing = repo.briefings[slug]
    p = plan(config, briefing, lang, gather(config, briefing, lang))
    return [
        (unit.line, unit.text)
        for unit, entry in zip(p.units, p.entries, strict=True)
        if not entry.msgstr and unit.text.strip()
    ]


def draft(
    config: Config,
    sel: Selection,
    engine: str | None = None,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    env: Mapping[str, str] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> DraftReport:
    env = os.environ if env is None else env
    configured_routes(config)  # bad configuration is an input error before any work
    # One scan serves the read-only pass, the translation memory and, handed over, the writing run.
    cache = Cache(config.root)
    repo = scan(config, cache)
    translations, needs = untranslated(config, repo, sel)
    groups: dict[tuple[str, str], list[str]] = {}
    for need in needs:
        groups.setdefault((need.briefing.original, need.lang), []).append(need.text)
    if on_total is not None:
        on_total(sum(len(set(texts)) for texts in groups.values()))

    with Memory.of(config) as memory:
        refresh(memory, config, repo)
        drafter = Drafter(config, memory, env, engine, dry_run, progress)
        results: dict[tuple[str, str, str], Draft | str] = {}
        unreached: set[tuple[str, str, str]] = set()
        try:
            for (src, tgt), texts in groups.items():
                drafter.reached = set()
                for text, result in drafter.translate(texts, src, tgt).items():
                    results[(src, tgt, text)] = result
                    if dry_run and not isinstance(result, Draft) and text not in drafter.reached:
                        unreached.add((src, tgt, text))
                if drafter.interrupted:
                    break
        except KeyboardInterrupt:
            drafter.interrupted = True
        drafter.stop.set()

    drafts = {k: v for k, v in results.items() if isinstance(v, Draft)}
    failures = []
    for need in needs:
        outcome = results.get((need.briefing.original, need.lang, need.text))
        if isinstance(outcome, Draft) or dry_run:
            continue  # a dry run only counts what would be sent
        reason = outcome if isinstance(outcome, str) else "interrupted before it was translated"
        path = config.relative(need.briefing.source.path)
        failures.append(Failure(need.briefing.slug, need.lang, path, need.line, reason))

    from_memory = sum(1 for n in needs if _engine_of(drafts, n) == "tm")
    drafted = sum(1 for n in needs if (n.briefing.original, n.lang, n.text) in drafts)
    if dry_run or not drafts:
        return DraftReport(
            translations,
            len(needs),
            0 if dry_run else drafted,
            from_memory,
            drafter.usage(),
            tuple(failures),
            dry_run=dry_run,
            interrupted=drafter.interrupted,
            unroutable=sum(1 for n in needs if (n.briefing.original, n.lang, n.text) in unreached),
        )

    filled: dict[tuple[str, str], int] = {}

    def transform(briefing: Briefing, lang: str, p: Plan) -> Catalog | None:
        entries = list(p.catalog.entries)
        changed = 0
        for i, entry in enumerate(entries):
            if entry.obsolete or entry.msgstr:
                continue  # human work, an earlier draft, or a stale translation: never overwritten
            d = drafts.get((briefing.original, lang, entry.msgid))
            if d is None:
                continue
            notes = tuple(n for n in entry.notes if not n.startswith(OWN_NOTES)) + d.notes
            entries[i] = replace(
                entry,
                msgstr=d.text,
                fuzzy=True,
                engine=d.engine,
                notes=notes,
                previous_msgid=None,
                previous_msgctxt=None,
            )
            changed += 1
        if not changed:
            return None
        filled[(briefing.slug, lang)] = changed
        return replace(p.catalog, entries=tuple(entries))

    report = run(config, sel, transform, cache=cache)
    return DraftReport(
        translations,
        len(needs),
        sum(filled.values()),
        from_memory,
        drafter.usage(),
        tuple(failures),
        report.written,
        interrupted=drafter.interrupted,
        per_translation=tuple((slug, lang, n) for (slug, lang), n in sorted(filled.items())),
    )


def _engine_of(drafts: dict[tuple[str, str, str], Draft], need: _Need) -> str | None:
    d = drafts.get((need.briefing.original, need.lang, need.text))
    return d.engine if d else None


__all__ = ["Draft", "DraftReport", "Drafter", "EngineUse", "Failure", "configured_routes", "draft"]
