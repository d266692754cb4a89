"""Gettext PO as an exchange format, for Poedit, Lokalize and Weblate.

The file looks like the repository's catalogs: the unit's kind as the first
extracted comment, the machine engine as `#. machine translation: NAME`,
drafts and stale units fuzzy with `#| msgid` for the previous source. What
trilingual needs back rides in places those tools and msgcat keep as they
are: the base as an extracted comment, the briefing in a header field.
"""

from __future__ import annotations

from pathlib import Path

import polib

from trilingual.catalogs import MACHINE_NOTE, header_line, parse_po, plural_forms
from trilingual.config import base_language
from trilingual.errors import InputError
from trilingual.exchange.model import (
    BASE_NOTE,
    CONFLICT_CONTEXT,
    CONTEXT_NOTE,
    GLOSSARY_NOTE,
    TOOL,
    Document,
    ExchangeUnit,
    Format,
    base_of,
    source_lang_of,
)

BRIEFING_HEADER = "X-Trilingual-Briefing"
LANGUAGE_HEADER = "X-Trilingual-Language"
SOURCE_HEADER = "X-Trilingual-Source"
CONFLICTS_HEADER = "X-Trilingual-Conflicts"
UNWRAPPED = 1 << 20


class PoFormat(Format):
    name = "po"
    label = "Gettext PO"
    extension = ".po"

    def dump(self, doc: Document) -> bytes:
        # Unwrapped: editors rewrap as they like, and wrapping is most of the writing time.
        po = polib.POFile(wrapwidth=UNWRAPPED)
        po.header = f"{doc.lang} translation of {doc.source_path}, for a translator"
        po.metadata = {
            "Project-Id-Version": f"{doc.project} {doc.slug}".strip(),
            "Language": doc.lang,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": plural_forms(doc.lang),
            "X-Generator": TOOL,
            BRIEFING_HEADER: doc.slug,
            LANGUAGE_HEADER: doc.pulled_lang or doc.lang,
            SOURCE_HEADER: doc.source_path,
        }
        if doc.conflicts:
            po.metadata[CONFLICTS_HEADER] = "yes"
        for unit in doc.units:
            context = unit.context
            comments = [unit.kind] if unit.kind else []
            if doc.conflicts:
                # Several pushed texts of one unit may wait side by side: each gets its own
                # msgctxt, and the unit's own context moves to a comment.
                context = CONFLICT_CONTEXT + base_of(unit.target, unit.fuzzy)
                if unit.context is not None:
                    comments.append(CONTEXT_NOTE + unit.context)
            if unit.engine:
                comments.append(MACHINE_NOTE + unit.engine)
            comments.extend(GLOSSARY_NOTE + g for g in unit.glossary)
            comments.append(BASE_NOTE + unit.base)
            po.append(
                polib.POEntry(
                    msgid=unit.source,
                    msgstr=unit.target,
                    msgctxt=context,
                    comment="\n".join(comments),
                    tcomment=unit.comment,
                    occurrences=[(unit.reference[0], str(unit.reference[1]))] if unit.reference else [],
                    flags=["fuzzy"] if unit.fuzzy else [],
                    previous_msgid=unit.previous_source if unit.fuzzy else None,
                )
            )
        return (str(po).rstrip("\n") + "\n").encode("utf-8")

    def load(self, data: bytes, path: Path) -> Document:
        text, po = parse_po(data, path)
        meta = po.metadata
        slug = meta.get(BRIEFING_HEADER, "").strip()
        if not slug:
            raise InputError(path, 1, f"no {BRIEFING_HEADER} header: not a file pulled with 'trilingual pull'")
        lang = base_language(meta.get("Language", ""))
        if not lang:
            raise InputError(path, 1, "no Language header")
        units = []
        for entry in po:
            if entry.obsolete or not entry.msgid:
                continue
            kind = ""
            engine = None
            base = ""
            glossary = []
            context: str | None = entry.msgctxt
            conflict = context is not None and context.startswith(CONFLICT_CONTEXT)
            if conflict:
                context = None
            for n, line in enumerate(entry.comment.split("\n") if entry.comment else []):
                if line.startswith(MACHINE_NOTE):
                    engine = line[len(MACHINE_NOTE) :]
                elif line.startswith(BASE_NOTE):
                    base = line[len(BASE_NOTE) :].strip()
                elif conflict and line.startswith(CONTEXT_NOTE):
                    context = line[len(CONTEXT_NOTE) :]
                elif line.startswith(GLOSSARY_NOTE):
                    glossary.append(line[len(GLOSSARY_NOTE) :])
                elif n == 0:
                    kind = line
            ref = entry.occurrences[0] if entry.occurrences else None
            units.append(
                ExchangeUnit(
                    source=entry.msgid,
                    target=entry.msgstr,
                    context=context,
                    fuzzy="fuzzy" in entry.flags,
                    base=base,
                    kind=kind,
                    reference=(ref[0], int(ref[1]) if str(ref[1]).isdigit() else 0) if ref else None,
                    previous_source=entry.previous_msgid,
                    engine=engine,
                    glossary=tuple(glossary),
                    comment=entry.tcomment or "",
                    line=entry.linenum or 0,
                )
            )
        return Document(
            slug=slug,
            lang=lang,
            source_lang=source_lang_of(meta.get(SOURCE_HEADER, "")),
            source_path=meta.get(SOURCE_HEADER, ""),
            units=tuple(units),
            project=meta.get("Project-Id-Version", "").rsplit(" ", 1)[0],
            pulled_lang=meta.get(LANGUAGE_HEADER) or None,
            lang_line=header_line(text, "Language"),
            slug_line=header_line(text, BRIEFING_HEADER),
            conflicts=meta.get(CONFLICTS_HEADER, "") == "yes",
        )
