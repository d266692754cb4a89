"""Writing plans: `update`, and the same loop for any command that changes catalogs.

Every command that changes translations (update, draft, push) goes through
`run`: under the repository lock it plans each selected translation, lets the
command change the merged catalog, plans again from that catalog (so the
Markdown and the sync record follow), and stages the files that differ. All
plans are made, and every input validated, before the first file is put in
place, so bad input anywhere changes nothing anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trilingual.batch import run_jobs
from trilingual.cache import Cache
from trilingual.config import SITE_POT, Config
from trilingual.files import Transaction, read_file, repository_lock
from trilingual.repository import (
    Briefing,
    FileRef,
    Repository,
    Selection,
    info_key,
    info_summary,
    iter_translations,
    parse_info,
    scan,
)
from trilingual.status import TranslationStatus, status_key, translation_keys, translation_status

if TYPE_CHECKING:
    # Planning (catalogs, merging) is imported by the jobs that plan: a no-op
    # update, all cache hits, never loads it.
    from trilingual.catalogs import Catalog
    from trilingual.sync import Conflict, Inputs, Plan

# Given a translation's plan, the catalog it should have instead (None: leave it).
Transform = Callable[[Briefing, str, "Plan"], "Catalog | None"]
# Files to write along with the plans, None for a file to delete (or an exception to refuse them all).
Finish = Callable[[], Iterable[tuple[Path, bytes | None]]]


@dataclass(frozen=True)
class UpdateReport:
    translations: int  # translations looked at
    changed: int  # translations with at least one file written
    written: tuple[str, ...]  # repository-relative paths
    adopted: int  # units taken from hand-edited Markdown
    conflicts: tuple[Conflict, ...] = field(default=())


def run(
    config: Config,
    sel: Selection,
    transform: Transform | None = None,
    dry_run: bool = False,
    finish: Finish | None = None,
    cache: Cache | None = None,
) -> UpdateReport:
    """Plan, transform and write the selected translations, all or nothing.

    `finish`, called after every translation is planned and before anything
    is put in place, may raise to refuse the whole run or return more files
    to write in the same transaction (push's conflict files).
    """
    with repository_lock(config.root):
        # A command that read the repository before taking the lock may hand over its
        # cache: entries are keyed by content, so they hold whatever changed since.
        cache = cache or Cache(config.root)
        repo = scan(config, cache)
        written: list[str] = []
        conflicts: list[Conflict] = []
        adopted = changed = 0
        after: list[tuple[bytes, TranslationStatus, tuple[Conflict, ...]]] = []
        infos: list[tuple[bytes, Any]] = []  # cache key, front-matter summary
        pairs = [(b, lang) for b, lang in iter_translations(repo, sel) if lang != b.original]
        count = len(pairs)
        outcomes: Iterable[Outcome]
        if transform is None:
            # A translation whose files are exactly as a run left them has nothing to do.
            todo: list[tuple[str, str, Catalog | None]] = []
            for (briefing, lang), key in zip(pairs, translation_keys(config, pairs), strict=True):
                known = cache.get("noop", key)
                if known is not None:
                    conflicts.extend(known)
                else:
                    todo.append((briefing.slug, lang, None))
            outcomes = run_jobs(_settle_job, (config, repo), todo)
        else:
            outcomes = _transformed(config, repo, [(b.slug, lang) for b, lang in pairs], transform)
        with Transaction() as tx:
            for outcome in outcomes:
                conflicts.extend(outcome.conflicts)
                adopted += outcome.adopted
                changed += bool(outcome.writes)
                written.extend(config.relative(path) for path, _ in outcome.writes)
                if dry_run:
                    continue
                for path, data in outcome.writes:
                    tx.stage(path, data)
                after.append((outcome.key, outcome.row, outcome.conflicts))
                if outcome.info is not None:
                    infos.append(outcome.info)
            for path, extra in finish() if finish is not None else ():
                if extra is None:
                    if not dry_run:
                        tx.remove(path)
                    continue
                written.append(config.relative(path))
                if not dry_run:
                    tx.stage(path, extra)
            tx.commit()
        # What was just written is, by construction, what a second run would plan again.
        for key, row, found in after:
            cache.put("noop", key, found)
            cache.put("status", key, row.to_cache())
        for summary_key, summary in infos:
            cache.put("info", summary_key, summary)
        cache.save(complete=sel.whole_repository)
        return UpdateReport(count, changed, tuple(written), adopted, tuple(conflicts))


@dataclass(frozen=True)
class Outcome:
    """What planning one translation asks to write, and its status once written."""

    writes: tuple[tuple[Path, bytes], ...]
    row: TranslationStatus
    key: bytes  # the status key of the translation's files after the writes
    conflicts: tuple[Conflict, ...]
    adopted: int
    # The summary of the translated Markdown as written, so that the next scan
    # finds it in the cache instead of parsing its front matter again.
    info: tuple[bytes, Any] | None = None


# Translations planned, transformed and planned again per round: the plans of
# one round are held in memory while the command's transform looks at them.
ROUND = 256


def _transformed(
    config: Config, repo: Repository, todo: list[tuple[str, str]], transform: Transform
) -> Iterator[Outcome]:
    """Outcomes of a command that changes catalogs.

    The plans, before and after the change, are made on every core; the
    transform itself runs here, in order, so that whatever it records (push's
    conflicts, draft's counts) stays in this process.
    """
    for start in range(0, len(todo), ROUND):
        chunk = todo[start : start + ROUND]
        planned = list(run_jobs(_plan_job, (config, repo), chunk))
        catalogs = [
            transform(repo.briefings[slug], lang, p) for (slug, lang), (_, p) in zip(chunk, planned, strict=True)
        ]
        again = [(slug, lang, c) for (slug, lang), c in zip(chunk, catalogs, strict=True) if c is not None]
        replanned = iter(run_jobs(_settle_job, (config, repo), again))
        for (slug, lang), (inputs, p), c in zip(chunk, planned, catalogs, strict=True):
            yield next(replanned) if c is not None else _outcome(config, repo.briefings[slug], lang, inputs, p)


def _plan_job(context: tuple[Config, Repository], item: tuple[str, str]) -> tuple[Inputs, Plan]:
    """A translation's files and plan; the files come back too, so the parent need not read them again."""
    from trilingual.sync import gather, plan

    config, repo = context
    slug, lang = item
    briefing = repo.briefings[slug]
    inputs = gather(config, briefing, lang)
    return inputs, plan(config, briefing, lang, inputs)


def _outcome(config: Config, briefing: Briefing, lang: str, inputs: Inputs, p: Plan) -> Outcome:
    from trilingual.sync import Inputs, changed_files

    writes = changed_files(inputs, p)
    new_inputs = Inputs(
        source=inputs.source,
        markdown=FileRef(inputs.markdown.path, _first(p.markdown_bytes, inputs.markdown.data)),
        catalog=FileRef(inputs.catalog.path, p.catalog_bytes),
        sync=FileRef(inputs.sync.path, _first(p.sync_bytes, inputs.sync.data)),
    )
    row = translation_status(config, briefing, lang, p)
    info = None
    md = p.markdown_bytes
    if md is not None and md != inputs.markdown.data:
        path = inputs.markdown.path
        info = (info_key(lang, new_inputs.markdown.digest, config), info_summary(parse_info(path, md, config), lang))
    return Outcome(tuple(writes), row, status_key(new_inputs, config), p.conflicts, p.adopted, info)


def _settle_job(context: tuple[Config, Repository], item: tuple[str, str, Catalog | None]) -> Outcome:
    """Plan a translation (from `catalog` in place of its catalog file, when given) and what writing it takes."""
    from trilingual.sync import gather, plan

    config, repo = context
    slug, lang, catalog = item
    briefing = repo.briefings[slug]
    inputs = gather(config, briefing, lang)
    return _outcome(config, briefing, lang, inputs, plan(config, briefing, lang, inputs, catalog=catalog))


def _first(a: bytes | None, b: bytes | None) -> bytes | None:
    return a if a is not None else b


def update(config: Config, sel: Selection) -> UpdateReport:
    """`trilingual update`. A repository with a site catalog (locale/site.pot) has it
    kept current too, in the same locked, all-or-nothing run."""
    if not (config.root / SITE_POT).is_file():
        return run(config, sel)

    def site_catalog() -> list[tuple[Path, bytes | None]]:
        from trilingual.sitecatalog import planned

        return [(path, data) for path, data in planned(config, sel.langs) if read_file(path) != data]

    return run(config, sel, finish=site_catalog)
