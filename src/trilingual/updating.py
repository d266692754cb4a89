"""`update`: write the plans of `sync` for every selected translation.

All plans are made (and every input validated) before the first file is
put in place, so bad input anywhere changes nothing anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trilingual.cache import Cache
from trilingual.config import Config
from trilingual.files import Transaction, repository_lock
from trilingual.repository import FileRef, Selection, iter_translations, scan
from trilingual.status import TranslationStatus, status_key, translation_status
from trilingual.sync import Conflict, Inputs, changed_files, gather, plan


@dataclass(frozen=True)
class UpdateReport:
    translations: int  # translations looked at
    changed: int  # translations with at least one file written
    written: tuple[str, ...]  # repository-relative paths
    adopted: int  # units taken from hand-edited Markdown
    conflicts: tuple[Conflict, ...] = field(default=())


def update(config: Config, sel: Selection) -> UpdateReport:
    with repository_lock(config.root):
        cache = Cache(config.root)
        repo = scan(config, cache)
        written: list[str] = []
        conflicts: list[Conflict] = []
        adopted = changed = count = 0
        with Transaction() as tx:
            after: list[tuple[str, TranslationStatus, tuple[Conflict, ...]]] = []
            for briefing, lang in iter_translations(repo, sel):
                if lang == briefing.original:
                    continue
                count += 1
                inputs = gather(config, briefing, lang)
                key = status_key(inputs, config)
                known = cache.get("noop", key)
                if known is not None:
                    conflicts.extend(known)
                    continue
                p = plan(config, briefing, lang, inputs)
                writes = changed_files(config, inputs, p)
                for path, data in writes:
                    tx.stage(path, data)
                    written.append(config.relative(path))
                conflicts.extend(p.conflicts)
                adopted += p.adopted
                changed += bool(writes)
                new_inputs = Inputs(
                    source=inputs.source,
                    markdown=FileRef(
                        inputs.markdown.path, p.markdown_bytes if p.markdown_bytes is not None else inputs.markdown.data
                    ),
                    catalog=FileRef(inputs.catalog.path, p.catalog_bytes),
                    sync=FileRef(inputs.sync.path, p.sync_bytes if p.sync_bytes is not None else inputs.sync.data),
                )
                row = translation_status(config, briefing, lang, p)
                after.append((status_key(new_inputs, config), row, p.conflicts))
            tx.commit()
        # What was just written is, by construction, what a second run would plan again.
        for key, row, found in after:
            cache.put("noop", key, found)
            cache.put("status", key, row)
        cache.save(complete=not sel.slugs and not sel.edition and not sel.langs)
        return UpdateReport(count, changed, tuple(written), adopted, tuple(conflicts))
